"""Question streams for the load benchmarks: how real traffic repeats, or never does.

    zipf_stream(questions, 20_000)     # a few questions asked often, most rarely
    unique_stream(questions, 20_000)   # every question text different

A stream is a long list read in order (benchmarks/http_bench.py's `hammer` gives
client c the items c, c + clients, ...), so before and after runs draw the same
questions.
"""

from __future__ import annotations

import itertools
import random

__all__ = ["zipf_stream", "unique_stream", "stream", "MIXES"]

MIXES = ("cycle", "zipf", "unique")
# Harmless variations of a question: the same request to a reader, another text to the cache.
PREFIXES = ("", "Quick question: ", "Please tell me: ", "Out of curiosity, ", "I would like to know: ", "Can you check: ")
SUFFIXES = ("", " Thanks.", " Thank you!", " (for a report)", " Please cite the source.", " I need this today.")


def zipf_stream(questions: list[str], length: int, *, s: float = 1.0, seed: int = 13) -> list[str]:
    """`length` draws where the r-th most asked question is asked in proportion to 1 / r^s
    (ranks given by a seeded shuffle): with s = 1 over the eval questions the most asked is
    ~14% of the traffic, and of 4,000 draws 84% repeat an earlier one."""
    rng = random.Random(seed)
    ranked = rng.sample(questions, len(questions))
    weights = [1.0 / rank**s for rank in range(1, len(ranked) + 1)]
    return rng.choices(ranked, weights=weights, k=length)


def unique_stream(questions: list[str], length: int) -> list[str]:
    """`length` different texts: every question, then every question with a prefix or a
    suffix, and so on through the combinations (36 per question)."""
    questions = list(dict.fromkeys(questions))  # the eval set asks a few questions twice
    variants = [(p, s) for s, p in itertools.product(SUFFIXES, PREFIXES)]
    if length > len(variants) * len(questions):
        raise ValueError(f"at most {len(variants) * len(questions)} different questions")
    out = []
    for prefix, suffix in variants:
        for question in questions:
            out.append(f"{prefix}{question[:1].lower() if prefix.endswith(', ') else question[:1]}{question[1:]}{suffix}")
            if len(out) == length:
                return out
    return out


def stream(mix: str, questions: list[str], length: int, *, s: float = 1.0) -> list[str]:
    """The named mix: "cycle" (the eval set in order, again and again), "zipf" or "unique"."""
    if mix == "zipf":
        return zipf_stream(questions, length, s=s)
    if mix == "unique":
        return unique_stream(questions, length)
    return [questions[n % len(questions)] for n in range(length)]
