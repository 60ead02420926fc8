"""HTTP latency and throughput of /api/ask against a running server on loopback.

    python -m benchmarks.http_bench --url http://127.0.0.1:8000 [--clients 8] [--seconds 20]

Sequential: every eval question once, one at a time. Concurrent: N clients for a
bounded time. Prints median/p95/p99, throughput and errors (which must be 0).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import httpx

from eval.dataset import load_questions
from eval.metrics import percentile


def ask(client: httpx.Client, url: str, question: str) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        ok = client.post(f"{url}/api/ask", json={"question": question, "k": 5}).status_code == 200
    except httpx.HTTPError:
        ok = False
    return (time.perf_counter() - started) * 1000, ok


def sequential(url: str, questions: list[str]) -> None:
    with httpx.Client(timeout=60) as client:
        for question in questions[:10]:
            ask(client, url, question)
        results = [ask(client, url, q) for q in questions]
    latencies = [ms for ms, _ in results]
    errors = sum(not ok for _, ok in results)
    print(f"sequential: {len(results)} requests, median {statistics.median(latencies):.1f} ms, "
          f"p95 {percentile(latencies, 95):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, errors {errors}")


def hammer(url: str, questions: list[str], clients: int, seconds: float) -> tuple[list[float], int, float]:
    """`clients` threads asking in a loop until `seconds` pass: (latencies ms, errors, elapsed s)."""
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(offset: int) -> None:
        with httpx.Client(timeout=60) as client:
            n = offset
            while time.perf_counter() < deadline:
                ms, ok = ask(client, url, questions[n % len(questions)])
                n += clients
                with lock:
                    latencies.append(ms)
                    errors[0] += not ok

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.perf_counter() - started


def concurrent(url: str, questions: list[str], clients: int, seconds: float) -> None:
    latencies, errors, elapsed = hammer(url, questions, clients, seconds)
    print(f"{clients} concurrent clients for {elapsed:.0f} s: {len(latencies)} requests, {len(latencies) / elapsed:.1f} req/s, "
          f"median {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, errors {errors}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    questions = [q.question for q in load_questions()]
    sequential(args.url, questions)
    concurrent(args.url, questions, args.clients, args.seconds)


if __name__ == "__main__":
    main()
