"""Load: N concurrent clients on loopback for a bounded time, against a server
this script starts. Reports throughput, latency percentiles, errors (must be 0)
and the server's memory, sampled during two identical rounds so growth shows.

    python -m benchmarks.load_bench [--index .citeqa/eval-index] [--clients 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

from benchmarks.http_bench import hammer
from eval.dataset import load_questions
from eval.metrics import percentile


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(index: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "CITEQA_INDEX_DIR": str(index)}
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


def run_round(url: str, questions: list[str], clients: int, seconds: float, process: psutil.Process) -> dict:
    """One round of `hammer`, with the server's RSS sampled every half second meanwhile."""
    memory: list[int] = [process.memory_info().rss]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            memory.append(process.memory_info().rss)

    sampler = threading.Thread(target=sample)
    sampler.start()
    latencies, errors, elapsed = hammer(url, questions, clients, seconds)
    done.set()
    sampler.join()
    memory.append(process.memory_info().rss)
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": statistics.median(latencies),
            "p95": percentile(latencies, 95), "p99": percentile(latencies, 99), "errors": errors,
            "rss_start": memory[0] / 2**20, "rss_peak": max(memory) / 2**20, "rss_end": memory[-1] / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path(".citeqa/eval-index"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    port = free_port()
    server = start_server(args.index, port)
    try:
        process = psutil.Process(server.pid)
        questions = [q.question for q in load_questions()]
        for number in (1, 2):
            r = run_round(f"http://127.0.0.1:{port}", questions, args.clients, args.seconds, process)
            print(f"round {number}: {args.clients} clients x {args.seconds:.0f} s: {r['requests']} requests, {r['rps']:.1f} req/s, "
                  f"p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, p99 {r['p99']:.0f} ms, errors {r['errors']}, "
                  f"server RSS {r['rss_start']:.0f} -> peak {r['rss_peak']:.0f} -> {r['rss_end']:.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
