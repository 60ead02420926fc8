"""Load: N concurrent clients on loopback for a bounded time, against a server
this script starts. Reports throughput and p50/p95/p99 of the accepted requests,
the 503s of load shedding (counted apart from errors, which must be 0), and the
server's memory, sampled during identical rounds so growth shows.

    python -m benchmarks.load_bench [--index .citeqa/eval-index] [--clients 32] [--seconds 30]
        [--max-in-flight N] [--rounds 2] [--honor-retry-after]

--max-in-flight overrides CITEQA_MAX_IN_FLIGHT for the server (0: no bound), to
measure where the default should sit. The clients run in this process, on the
same machine: on a small one they take CPU from the server.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

from benchmarks.http_bench import describe, hammer, summarize
from eval.dataset import load_questions


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(index: Path, port: int, max_in_flight: int | None) -> subprocess.Popen:
    env = {**os.environ, "CITEQA_INDEX_DIR": str(index)}
    if max_in_flight is not None:
        env["CITEQA_MAX_IN_FLIGHT"] = str(max_in_flight)
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("server did not become ready")


def run_round(url: str, questions: list[str], clients: int, seconds: float, process: psutil.Process, *, honor_retry_after: bool) -> dict:
    """One round of `hammer`, with the server's RSS sampled every half second meanwhile."""
    memory: list[int] = [process.memory_info().rss]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            memory.append(process.memory_info().rss)

    sampler = threading.Thread(target=sample)
    sampler.start()
    results, elapsed = hammer(url, questions, clients, seconds, honor_retry_after=honor_retry_after)
    done.set()
    sampler.join()
    memory.append(process.memory_info().rss)
    return {**summarize(results, elapsed), "rss_start": memory[0] / 2**20, "rss_peak": max(memory) / 2**20, "rss_end": memory[-1] / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path(".citeqa/eval-index"))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--max-in-flight", type=int, default=None, help="the server's bound (default: its setting)")
    parser.add_argument("--honor-retry-after", action="store_true", help="clients told 503 wait Retry-After seconds")
    parser.add_argument("--port", type=int, default=None, help="the server's port (default: a free one), for probes from outside")
    args = parser.parse_args()
    port = args.port or free_port()
    server = start_server(args.index, port, args.max_in_flight)
    try:
        process = psutil.Process(server.pid)
        questions = [q.question for q in load_questions()]
        bound = "default" if args.max_in_flight is None else args.max_in_flight
        for number in range(1, args.rounds + 1):
            r = run_round(f"http://127.0.0.1:{port}", questions, args.clients, args.seconds, process, honor_retry_after=args.honor_retry_after)
            print(f"round {number}: {args.clients} clients x {args.seconds:.0f} s, bound {bound}: {describe(r)}; "
                  f"server RSS {r['rss_start']:.0f} -> peak {r['rss_peak']:.0f} -> {r['rss_end']:.0f} MB", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
