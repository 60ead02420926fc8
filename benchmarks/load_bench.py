"""Load: N concurrent clients on loopback for a bounded time, against a server
this script starts. Reports throughput and p50/p95/p99 of the accepted requests,
the 503s of load shedding (counted apart from errors, which must be 0), the
server's CPU per request (the figure other jobs on the machine move least), the
CPU the clients themselves took, and the server's memory (RSS and PSS of every
server process), sampled during identical rounds so growth shows.

    python -m benchmarks.load_bench [--index .citeqa/eval-index] [--clients 32] [--seconds 30]
        [--mix cycle|zipf|unique] [--workers N] [--sequential 300]
        [--max-in-flight N] [--rounds 2] [--honor-retry-after] [--server-root DIR]

--mix: "cycle" asks the eval set in order; "zipf" repeats questions as real traffic
does (benchmarks/mixes.py); "unique" never asks the same text twice.
--workers N starts `citeqa serve --workers N`; without it, one uvicorn process
(the way the figures before issue 13 were taken).
--sequential N first asks N questions one at a time and prints where the
milliseconds go: the answer layer's stages (timings_ms), the route around them
(took_ms) and HTTP (the client's latency). With "unique", N new texts; otherwise
N eval questions asked once to warm up, then again, measured: repeated questions.
--server-root runs another checkout's server (e.g. `git archive` of an older
commit) with these clients, for before/after runs back to back.
--max-in-flight overrides CITEQA_MAX_IN_FLIGHT for the server (0: no bound), to
measure where the default should sit. The clients run in this process, on the
same machine: on a small one they take CPU from the server.
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
from collections import defaultdict
from pathlib import Path

import httpx
import psutil

from benchmarks.http_bench import describe, hammer, summarize
from benchmarks.mixes import MIXES, stream
from eval.dataset import load_questions
from eval.metrics import percentile

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("analyze", "encode", "dense", "bm25", "fusion", "rerank", "answer", "total")
PER_ROUND = {"unique": 14_000, "zipf": 60_000, "cycle": 60_000}  # questions a round may ask before its stream wraps around


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(port: int, workers: int | None, index: Path) -> list[str]:
    if workers is None:
        return [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    cli = "from citeqa.cli import app; app()"
    return [sys.executable, "-c", cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--index", str(index), "--workers", str(workers)]


def start_server(index: Path, port: int, max_in_flight: int | None, *, workers: int | None = None, root: Path = ROOT) -> subprocess.Popen:
    env = {**os.environ, "CITEQA_INDEX_DIR": str(index.resolve()), "PYTHONPATH": str(root), "HF_HUB_OFFLINE": "1"}
    if max_in_flight is not None:
        env["CITEQA_MAX_IN_FLIGHT"] = str(max_in_flight)
    server = subprocess.Popen(server_command(port, workers, index.resolve()), env=env, cwd=root)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200 and all_ready(server, workers):
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.kill()
    raise SystemExit("server did not become ready")


def all_ready(server: subprocess.Popen, workers: int | None) -> bool:
    """Every worker up: their loading would otherwise eat the first round's CPU."""
    if not workers or workers < 2:
        return True
    time.sleep(1.0)
    children = psutil.Process(server.pid).children(recursive=True)
    return len(children) >= workers and all(c.cpu_percent(0.5) < 20 for c in children)


def server_processes(server: subprocess.Popen) -> list[psutil.Process]:
    parent = psutil.Process(server.pid)
    return [parent] + parent.children(recursive=True)


def memory_of(process: psutil.Process) -> tuple[float, float]:
    """(RSS, PSS) in MB. PSS splits each shared page between the processes that map it: the
    honest share of one worker. Read from /proc/<pid>/smaps_rollup (Linux)."""
    rss = process.memory_info().rss / 2**20
    try:
        with open(f"/proc/{process.pid}/smaps_rollup") as handle:
            pss = next(int(line.split()[1]) for line in handle if line.startswith("Pss:")) / 1024
    except (OSError, StopIteration):
        pss = float("nan")
    return rss, pss


def describe_memory(server: subprocess.Popen) -> str:
    parts = []
    for process in server_processes(server):
        try:
            rss, pss = memory_of(process)
        except psutil.NoSuchProcess:
            continue
        parts.append(f"{process.pid}: RSS {rss:.0f} / PSS {pss:.0f}")
    return "; ".join(parts)


def run_round(url: str, questions: list[str], clients: int, seconds: float, server: subprocess.Popen, *, honor_retry_after: bool) -> dict:
    """One round of `hammer`, with the server's total RSS sampled every half second meanwhile."""
    def total_rss() -> float:
        return sum(p.memory_info().rss for p in server_processes(server)) / 2**20

    memory: list[float] = [total_rss()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            memory.append(total_rss())

    sampler = threading.Thread(target=sample)
    sampler.start()
    client_before, server_before = cpu_seconds([psutil.Process()]), cpu_seconds(server_processes(server))
    results, elapsed = hammer(url, questions, clients, seconds, honor_retry_after=honor_retry_after)
    client_cpu, server_cpu = cpu_seconds([psutil.Process()]) - client_before, cpu_seconds(server_processes(server)) - server_before
    done.set()
    sampler.join()
    memory.append(total_rss())
    return {**summarize(results, elapsed), "rss_start": memory[0], "rss_peak": max(memory), "rss_end": memory[-1],
            "client_cpu": client_cpu / elapsed, "server_ms": 1000 * server_cpu / max(1, len(results))}


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User and system CPU time: what a request costs, however busy the machine is otherwise."""
    return sum(p.cpu_times().user + p.cpu_times().system for p in processes)


def sequential(url: str, questions: list[str], *, repeated: bool) -> None:
    """One question at a time; where the milliseconds go (medians)."""
    stages: dict[str, list[float]] = defaultdict(list)
    with httpx.Client(timeout=60) as client:
        if repeated:
            for question in questions:
                client.post(f"{url}/api/ask", json={"question": question, "k": 5})
        for question in questions:
            started = time.perf_counter()
            response = client.post(f"{url}/api/ask", json={"question": question, "k": 5})
            latency = (time.perf_counter() - started) * 1000
            body = response.json()
            stages["latency"].append(latency)
            stages["took_ms"].append(body["took_ms"])
            stages["http"].append(latency - body["took_ms"])
            stages["cache hit"].append(float(response.headers.get("x-cache") == "hit"))
            for stage in STAGES:
                stages[stage].append(body["timings_ms"].get(stage, 0.0))
            stages["route"].append(body["took_ms"] - body["timings_ms"].get("total", 0.0))
    latencies = stages["latency"]
    kind = "repeated" if repeated else "never-repeating"
    print(f"sequential, {len(latencies)} {kind} questions: p50 {statistics.median(latencies):.2f} ms, p95 {percentile(latencies, 95):.2f} ms, "
          f"cache hits {sum(stages['cache hit']):.0f}", flush=True)
    print("  median ms: " + ", ".join(f"{name} {statistics.median(stages[name]):.2f}" for name in (*STAGES, "route", "took_ms", "http", "latency")), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path(".citeqa/eval-index"))
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--mix", choices=MIXES, default="cycle")
    parser.add_argument("--zipf-s", type=float, default=1.0, help="the Zipf exponent of --mix zipf")
    parser.add_argument("--workers", type=int, default=None, help="serve with `citeqa serve --workers N` (default: one uvicorn process)")
    parser.add_argument("--sequential", type=int, default=0, help="first ask this many questions one at a time, with the stage breakdown")
    parser.add_argument("--server-root", type=Path, default=ROOT, help="the checkout whose server to run")
    parser.add_argument("--max-in-flight", type=int, default=None, help="the server's bound (default: its setting)")
    parser.add_argument("--honor-retry-after", action="store_true", help="clients told 503 wait Retry-After seconds")
    parser.add_argument("--port", type=int, default=None, help="the server's port (default: a free one), for probes from outside")
    args = parser.parse_args()
    port = args.port or free_port()
    per_round = PER_ROUND[args.mix]
    questions = stream(args.mix, [q.question for q in load_questions()], per_round * args.rounds + args.sequential, s=args.zipf_s)
    server = start_server(args.index, port, args.max_in_flight, workers=args.workers, root=args.server_root.resolve())
    url = f"http://127.0.0.1:{port}"
    try:
        print(f"server {args.server_root.resolve()}, workers {args.workers or 'uvicorn x1'}, mix {args.mix}; load {os.getloadavg()[0]:.2f}; "
              f"memory after start (MB): {describe_memory(server)}", flush=True)
        if args.sequential:
            asked = questions[-args.sequential :] if args.mix == "unique" else list(dict.fromkeys(questions))[: args.sequential]
            sequential(url, asked, repeated=args.mix != "unique")
        bound = "default" if args.max_in_flight is None else args.max_in_flight
        for number in range(args.rounds):
            part = questions[number * per_round : (number + 1) * per_round]
            r = run_round(url, part, args.clients, args.seconds, server, honor_retry_after=args.honor_retry_after)
            wrapped = " (the stream wrapped: questions repeated)" if r["requests"] > len(part) else ""
            print(f"round {number + 1}: {args.clients} clients x {args.seconds:.0f} s, {args.mix}, bound {bound}: {describe(r)}; "
                  f"server CPU {r['server_ms']:.1f} ms a request, clients' {r['client_cpu']:.2f} cores; load {os.getloadavg()[0]:.2f}{wrapped}", flush=True)
            print(f"  server RSS total {r['rss_start']:.0f} -> peak {r['rss_peak']:.0f} -> {r['rss_end']:.0f} MB; per process (MB): {describe_memory(server)}", flush=True)
        metrics = httpx.get(f"{url}/api/metrics", timeout=5)
        if metrics.status_code == 200:
            print(f"  /api/metrics: {metrics.text}", flush=True)
    finally:
        server.terminate()  # uvicorn's supervisor stops its workers
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
