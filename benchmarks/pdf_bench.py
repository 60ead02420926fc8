"""PDF extraction throughput: the isolated fork child ingest uses, against
multiprocessing's spawn and forkserver contexts doing the same work.

    python -m benchmarks.pdf_bench [--folder ../shared/pdf-samples] [--rounds 3]

spawn and forkserver start from a clean interpreter, so they hold no lock and
no stray pipe end by construction; the price is importing pypdf again (spawn:
per file) and, for a fork server, one more process between ingest and child.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from pathlib import Path

from ingest.isolate import ChildFailed, run_isolated
from ingest.pdf import read_pdf_or_reason


def with_isolated_fork(path: Path) -> str:
    try:
        return run_isolated(read_pdf_or_reason, str(path), None, timeout=60)[0]
    except ChildFailed as exc:
        return type(exc).__name__


def with_context(name: str):
    context = multiprocessing.get_context(name)

    def extract(path: Path) -> str:
        with context.Pool(1) as pool:  # one fresh worker per file, as isolation needs
            try:
                return pool.apply_async(read_pdf_or_reason, (str(path), None)).get(60)[0]
            except Exception as exc:  # noqa: BLE001 - a broken file's failure is an outcome too
                return type(exc).__name__

    return extract


def time_all(extract, files: list[Path]) -> tuple[float, int]:
    """Seconds for all files, and how many gave text (so a method that fails fast shows)."""
    started = time.perf_counter()
    readable = sum(extract(path) == "ok" for path in files)
    return time.perf_counter() - started, readable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", type=Path, default=Path("../shared/pdf-samples"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.pdf"))
    methods = {"isolated fork (ingest)": with_isolated_fork, "spawn": with_context("spawn"), "forkserver": with_context("forkserver")}
    print(f"{len(files)} PDFs in {args.folder}, {args.rounds} rounds, median seconds for all files:")
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in methods}
    for _ in range(args.rounds):  # interleaved, so load from other jobs falls on every method alike
        for name, extract in methods.items():
            runs[name].append(time_all(extract, files))
    for name, results in runs.items():
        median = statistics.median(t for t, _ in results)
        rounds = ", ".join(f"{t:.2f} s/{n} read" for t, n in results)
        print(f"  {name:24} {median:6.2f} s  ({len(files) / median:5.1f} files/s)  rounds: {rounds}")


if __name__ == "__main__":
    main()
