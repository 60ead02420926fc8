"""Reading the value of a number or date span, to tell a disagreement from a different fact.

Two sources that disagree about one fact give values that are close: the
implementation meeting on September 26 or 27, 2022; 6.8 or 7.7 million
Venezuelans. A date two years away or a number ten times larger is a
different fact, not a different account of the same one.
"""

from __future__ import annotations

import re

__all__ = ["number_value", "date_value", "values_disagree"]

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
WORDS = {"twenty": 20, "twenty-one": 21, "twenty-two": 22, "nineteen": 19, "eighteen": 18, "twelve": 12, "eleven": 11, "ten": 10}


def number_value(text: str) -> float | None:
    lowered = text.casefold()
    match = re.search(r"\d[\d,]*(?:\.\d+)?", lowered)
    if match:
        value = float(match.group().replace(",", ""))
    else:
        word = next((w for w in sorted(WORDS, key=len, reverse=True) if w in lowered), None)
        if word is None:
            return None
        value = float(WORDS[word])
    scale = next((s for name, s in SCALES.items() if name in lowered), 1.0)
    return value * scale


def date_value(text: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day); parts not stated are None."""
    lowered = text.casefold()
    year = re.search(r"\b(19|20)\d\d\b", lowered)
    month = next((n for m, n in MONTHS.items() if re.search(rf"\b{m}", lowered)), None)
    day = re.search(r"\b([0-3]?\d)\b(?!\d)", re.sub(r"\b(19|20)\d\d\b", "", lowered))
    return (int(year.group()) if year else None, month, int(day.group(1)) if day and month else None)


def values_disagree(kind: str, first: str, second: str) -> bool:
    """True when two spans state close but different values of one fact."""
    if kind in {"number", "money", "percent"}:
        a, b = number_value(first), number_value(second)
        return a is not None and b is not None and a != b and 0.5 <= (a / b if b else 0) <= 2.0
    if kind == "date":
        (y1, m1, d1), (y2, m2, d2) = date_value(first), date_value(second)
        if (y1, m1, d1) == (y2, m2, d2) or None in (y1, y2) or y1 != y2:
            return False
        if m1 is None or m2 is None:
            return False
        return abs(m1 - m2) <= 1
    return False
