"""HTTP latency and throughput of /api/ask against a running server on loopback.

    python -m benchmarks.http_bench --url http://127.0.0.1:8000 [--clients 8] [--seconds 20]

Sequential: every eval question once, one at a time. Concurrent: N clients for a
bounded time. Prints throughput and p50/p95/p99 of the accepted requests, the 503s
of load shedding apart, and errors (which must be 0).
"""

from __future__ import annotations

import argparse
import threading
import time

import httpx

from eval.dataset import load_questions
from eval.metrics import percentile


SHED = 503  # the server's "busy, retry shortly": counted apart from errors
TRANSPORT_ERROR = 0


def ask(client: httpx.Client, url: str, question: str) -> tuple[float, int, float]:
    """One question: (latency ms, HTTP status or 0 when the request failed, Retry-After s)."""
    started = time.perf_counter()
    try:
        response = client.post(f"{url}/api/ask", json={"question": question, "k": 5})
        status, retry_after = response.status_code, float(response.headers.get("retry-after", 0) or 0)
    except httpx.HTTPError:
        status, retry_after = TRANSPORT_ERROR, 0.0
    return (time.perf_counter() - started) * 1000, status, retry_after


def summarize(results: list[tuple[float, int]], elapsed: float) -> dict:
    """Throughput and latency of the accepted (200) requests; 503s and errors counted apart."""
    accepted = [ms for ms, status in results if status == 200]
    return {"requests": len(results), "accepted": len(accepted), "rps": len(accepted) / elapsed,
            "p50": percentile(accepted, 50), "p95": percentile(accepted, 95), "p99": percentile(accepted, 99),
            "shed": sum(status == SHED for _, status in results),
            "shed_p99": percentile([ms for ms, status in results if status == SHED], 99),
            "errors": sum(status not in {200, SHED} for _, status in results)}


def describe(r: dict) -> str:
    return (f"{r['accepted']} accepted, {r['rps']:.1f} req/s, p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, "
            f"p99 {r['p99']:.0f} ms; 503 {r['shed']} (p99 {r['shed_p99']:.0f} ms); errors {r['errors']}")


def sequential(url: str, questions: list[str]) -> None:
    with httpx.Client(timeout=60) as client:
        for question in questions[:10]:
            ask(client, url, question)
        started = time.perf_counter()
        results = [ask(client, url, q)[:2] for q in questions]
    print(f"sequential: {describe(summarize(results, time.perf_counter() - started))}")


def hammer(url: str, questions: list[str], clients: int, seconds: float, *, honor_retry_after: bool = False) -> tuple[list[tuple[float, int]], float]:
    """`clients` threads asking in a loop until `seconds` pass: ([(ms, status)], elapsed s).
    With honor_retry_after a client told 503 waits as long as Retry-After says, as a
    well-behaved client would; without, it asks again at once (the worst case).
    The HTTP clients are made before the clock starts: making 200 of them takes
    seconds of CPU, which counted in the first requests' latency."""
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    sessions = [httpx.Client(timeout=60) for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    deadline = 0.0

    def worker(offset: int) -> None:
        client, n = sessions[offset], offset
        start.wait()
        while time.perf_counter() < deadline:
            ms, status, retry_after = ask(client, url, questions[n % len(questions)])
            n += clients
            with lock:
                results.append((ms, status))
            if status == SHED and honor_retry_after:
                time.sleep(min(retry_after, max(0.0, deadline - time.perf_counter())))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    deadline = started + seconds
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    for client in sessions:
        client.close()
    return results, elapsed


def concurrent(url: str, questions: list[str], clients: int, seconds: float) -> None:
    results, elapsed = hammer(url, questions, clients, seconds)
    print(f"{clients} concurrent clients for {elapsed:.0f} s: {describe(summarize(results, elapsed))}")


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
