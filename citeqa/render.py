"""Terminal and JSON renderings of a result, for the CLI."""

from __future__ import annotations

from answers import Answerer, Result

BOLD, YELLOW, DIM, RESET = "\033[1m", "\033[33m", "\033[2m", "\033[0m"


def result_json(qa: Answerer, result: Result) -> dict:
    def hit(h):
        p, m = h.passage, qa.document(h.passage.doc_id).metadata
        return {"passage_id": p.passage_id, "doc_id": p.doc_id, "title": m.title, "publisher": m.publisher, "date": m.date,
                "url": m.url, "page": p.page, "section": p.section, "start": p.start, "end": p.end, "text": p.text,
                "score": h.score, "also_in": list(p.also_in)}

    answer = result.answer.__dict__ if result.answer else None
    return {"question": result.question, "lang": result.lang, "answerable": result.answerable, "answer": answer,
            "alternatives": [a.__dict__ for a in result.alternatives],
            "passages": [hit(h) for h in result.passages], "related": [hit(h) for h in result.related], "timings_ms": result.timings_ms}


def render_answer(qa: Answerer, result: Result, *, color: bool) -> str:
    b, y, d, r = (BOLD, YELLOW, DIM, RESET) if color else ("", "", "", "")
    lines = []
    hits = result.passages if result.answerable else result.related
    numbers = {h.passage.passage_id: n for n, h in enumerate(hits, 1)}
    if result.answerable and result.answer:
        a = result.answer
        cut_start, cut_end = a.start - a.sentence_start, a.end - a.sentence_start
        sentence = a.sentence[:cut_start] + f"{y}{b}" + a.sentence[cut_start:cut_end] + f"{r}" + a.sentence[cut_end:]
        lines += [f"{b}Answer:{r} {a.text}  [{numbers.get(a.passage_id, 1)}]", f"  “{sentence}”"]
        if result.lang != "en":
            lines.append(f"  {d}(question read as '{result.lang}'; the sources are English, quoted verbatim){r}")
        for alt in result.alternatives:
            meta = qa.document(alt.doc_id).metadata
            lines.append(f"{b}Another source says:{r} {alt.text} — {meta.publisher or alt.doc_id} [{numbers.get(alt.passage_id, '?')}]")
    else:
        lines.append(f"{b}The sources don't answer this.{r} Nearest passages:")
    for n, h in enumerate(hits, 1):
        p, m = h.passage, qa.document(h.passage.doc_id).metadata
        where = f"p. {p.page}" if p.page else (f"§ {p.section}" if p.section else "")
        cite = ", ".join(x for x in [m.title or p.doc_id, m.publisher, m.date, where] if x)
        lines.append(f"\n[{n}] {cite}\n    {d}{m.url or p.doc_id} chars {p.start}-{p.end}{r}")
        if p.also_in:
            lines.append(f"    {d}also in: {', '.join(p.also_in)}{r}")
        lines.append("    " + (p.text[:400] + ("…" if len(p.text) > 400 else "")).replace("\n", " "))
    return "\n".join(lines)
