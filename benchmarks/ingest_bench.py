"""Ingest of the bundled corpus from scratch: time, passages/s, peak memory, and
raw embedding throughput of the fp32 model at full passage length.

    python -m benchmarks.ingest_bench [--sources corpus ../shared/corpus/primary]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from ingest.build import ingest
from ingest.embed import MULTILINGUAL_MODEL, load_encoder

MODEL = "all-MiniLM-L6-v2"
MULTILINGUAL = (MULTILINGUAL_MODEL, lambda: load_encoder(MULTILINGUAL_MODEL))  # as `citeqa ingest` does by default


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", nargs="+", type=Path, default=[Path("corpus")])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        report = ingest(args.sources, Path(folder), model=MODEL, encoder_factory=lambda: load_encoder(MODEL), multilingual=MULTILINGUAL)
        seconds = time.perf_counter() - started
        again = time.perf_counter()
        ingest(args.sources, Path(folder), model=MODEL, encoder_factory=lambda: load_encoder(MODEL), multilingual=MULTILINGUAL)
        incremental = time.perf_counter() - again
    print(f"sources: {' '.join(map(str, args.sources))}")
    print(f"cold ingest: {report.documents} documents, {report.passages} passages in {seconds:.1f} s "
          f"({report.passages / seconds:.1f} passages/s, model load included; "
          f"{report.multilingual_embedded} sentences embedded for other languages)")
    print(f"re-ingest, nothing changed: {incremental:.2f} s (0 passages embedded)")
    encoder = load_encoder(MODEL)
    texts = [("Migration across the Americas has increased dramatically. " * 30)[:1400]] * 64
    encoder.encode(texts[:4])
    started = time.perf_counter()
    encoder.encode(texts)
    rate = len(texts) / (time.perf_counter() - started)
    print(f"embedding throughput (fp32, {encoder.token_count(texts[0])} tokens/passage): {rate:.1f} passages/s")
    print(f"peak memory (RSS): {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
