"""The `citeqa` command line. Errors from deep inside become one-line messages here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from citeqa.errors import CiteqaError
from citeqa.settings import Settings

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, help="Cited answers about the Los Angeles Declaration on Migration and Protection.")

IndexOption = Annotated[Optional[Path], typer.Option("--index", help="Index folder, milvus-lite file (*.db) or milvus://host:port/collection (default: $CITEQA_INDEX_DIR or .citeqa/index).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.callback()
def main_callback() -> None:
    """Cited answers about the Los Angeles Declaration on Migration and Protection."""


def fail(message: str, code: int = 1) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


class Terminated(Exception):
    """SIGTERM, raised in the main thread so that cleanup runs as for Ctrl-C."""


def raise_on_sigterm() -> None:
    import signal

    def handler(signum, frame):
        raise Terminated()

    signal.signal(signal.SIGTERM, handler)


def parse_passwords(items: list[str]) -> dict[str, str]:
    passwords = {}
    for item in items:
        name, sep, password = item.partition("=")
        if not sep or not name:
            fail(f"--password expects FILE=PASSWORD, got {item!r}", 2)
        passwords[name] = password
    return passwords


@app.command()
def ingest(
    sources: Annotated[list[Path], typer.Argument(help="Files or folders of .txt, .md, .html and .pdf files.")],
    index: IndexOption = None,
    password: Annotated[list[str], typer.Option("--password", help="FILE=PASSWORD for an encrypted PDF (repeatable).")] = [],
    ann: Annotated[Optional[str], typer.Option(help="Dense index: auto, flat or hnsw.")] = None,
    model: Annotated[Optional[str], typer.Option(help="Embedding model name.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit non-zero when any file is skipped.")] = False,
    parse: Annotated[bool, typer.Option("--parse/--no-parse", help="Parse every sentence for the answer layer (spaCy; ~10 ms a sentence). Without it answers are whole sentences.")] = True,
    multilingual: Annotated[bool, typer.Option("--multilingual/--no-multilingual", help="Embed every sentence with the multilingual model too, for questions in Spanish, Portuguese, French... (~30 ms a sentence).")] = True,
    as_json: JsonOption = False,
) -> None:
    """Clean, chunk and index SOURCES into an index folder (atomic, incremental)."""
    from ingest.build import ingest as run_ingest
    from ingest.embed import load_encoder

    settings = Settings()
    index_dir = index or settings.index_dir
    model_name = model or settings.model
    if (ann or settings.ann) not in {"auto", "flat", "hnsw"}:
        fail("--ann must be auto, flat or hnsw", 2)
    raise_on_sigterm()
    try:
        report = run_ingest(
            sources,
            index_dir,
            model=model_name,
            encoder_factory=lambda: load_encoder(model_name),
            passwords=parse_passwords(password),
            ann=ann or settings.ann,
            pdf_timeout=settings.pdf_timeout,
            progress=sys.stderr.isatty() and not as_json,
            parse=parse,
            multilingual=multilingual_encoder(settings) if multilingual else None,
        )
    except CiteqaError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail(f"interrupted; {index_dir} is unchanged", 130)
    except Terminated:
        fail(f"terminated; {index_dir} is unchanged", 143)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=1, ensure_ascii=False))
    else:
        print_ingest_report(report)
    if strict and report.skipped:
        raise typer.Exit(1)


def multilingual_encoder(settings: Settings):
    """(model, encoder factory) for the multilingual sentence vectors, or None when turned off."""
    from ingest.embed import load_encoder

    name = settings.multilingual_model
    return (name, lambda: load_encoder(name)) if name else None


def print_ingest_report(report) -> None:
    typer.echo(
        f"indexed {report.documents} documents, {report.passages} passages "
        f"({report.embedded} embedded, {report.reused_embeddings} reused, "
        f"{report.duplicates_collapsed} duplicates collapsed; {report.parsed} sentences parsed, {report.reused_parses} reused; "
        f"{report.multilingual_embedded} sentences embedded for other languages, {report.multilingual_reused} reused) "
        f"in {report.seconds:.1f} s -> {report.index}"
    )
    for entry in report.skipped:
        typer.echo(f"skipped {entry['path']}: {entry['reason']}")




def check_index(index_dir: Path, *, rebuild: bool) -> None:
    """Refuse to serve a missing or corrupt index; with `rebuild`, rebuild a corrupt one first."""
    from citeqa.errors import IndexCorrupt
    from ingest.index_store import open_store

    try:
        open_store(index_dir).read(vectors=False)
        return
    except IndexCorrupt as exc:
        if not rebuild:
            fail(f"{exc} (or start with --rebuild-if-corrupt)")
        typer.secho(f"corrupt index: {exc}; rebuilding it from its recorded sources", err=True, fg=typer.colors.YELLOW)
    except CiteqaError as exc:
        fail(str(exc))
    from ingest.build import rebuild as rebuild_index
    from ingest.embed import load_encoder

    try:
        print_ingest_report(rebuild_index(index_dir, encoder_factory=load_encoder, pdf_timeout=Settings().pdf_timeout))
    except CiteqaError as exc:
        fail(f"rebuild failed: {exc}")


def default_sources() -> list[Path]:
    """The bundled corpus, plus the primary texts when ../shared is beside the project."""
    primary = Path("../shared/corpus/primary")
    return [Path("corpus")] + ([primary] if primary.is_dir() else [])


@app.command("eval")
def eval_command(
    index: IndexOption = None,
    split: Annotated[str, typer.Option(help="test (reporting), dev, train, tuning (train and dev) or all.")] = "test",
    out: Annotated[Path, typer.Option(help="Folder for eval.json, eval.md and the chart.")] = Path("eval/reports"),
    baseline: Annotated[Optional[Path], typer.Option(help="Fail when a headline metric drops below this baseline.")] = None,
    update_baseline: Annotated[Optional[Path], typer.Option(help="Write this run's headline metrics as the new baseline.")] = None,
    tolerance: Annotated[float, typer.Option(help="Allowed drop per gated metric when writing a baseline.")] = 0.03,
    beir: Annotated[Optional[Path], typer.Option(help="Run a BEIR-layout dataset instead (e.g. ../shared/benchmarks/scifact).")] = None,
    questions: Annotated[Optional[Path], typer.Option(help="Score this question file (the eval set's JSONL format) instead of eval/questions.jsonl; use --split all.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Score the eval set (or a BEIR dataset) through the retrieval API; gate on a baseline."""
    settings = Settings()
    try:
        if beir is not None:
            from eval.beir import run_beir

            run_beir(beir, cache_dir=settings.index_dir.parent / "beir", model=settings.model, as_json=as_json, echo=typer.echo)
            return
        summary, failures = run_eval_set(index, split, out, baseline, update_baseline, tolerance, as_json, settings, questions)
    except CiteqaError as exc:
        fail(str(exc))
    if failures:
        for failure in failures:
            typer.secho(f"REGRESSION {failure}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)


def run_eval_set(index, split, out, baseline, update_baseline, tolerance, as_json, settings, questions_path=None):
    import time as clock

    from eval.dataset import QUESTIONS_PATH, load_questions
    from eval.harness import headline, metric_counts, per_category, per_group, run_eval
    from eval.report import baseline_record, compare_to_baseline, write_reports
    from ingest.build import ingest as run_ingest
    from ingest.embed import load_encoder
    from answers import Answerer

    if split not in {"train", "dev", "test", "tuning", "all"}:
        fail("--split must be train, dev, test, tuning or all", 2)
    if index is None:
        index = settings.index_dir.parent / "eval-index"
        run_ingest(
            default_sources(), index, model=settings.model, encoder_factory=lambda: load_encoder(settings.model),
            multilingual=multilingual_encoder(settings),
        )
    qa = Answerer.load(index, model=settings.model)
    outcomes, skipped = run_eval(qa, load_questions(questions_path or QUESTIONS_PATH, split=split))
    summary, categories, groups = headline(outcomes), per_category(outcomes), per_group(outcomes)
    meta = {
        "split": split, "questions": len(outcomes), "skipped": len(skipped),
        "skipped_reason": "their documents are not in the index (primary texts live in ../shared/corpus/primary)" if skipped else "none",
        "index": str(index), "passages": len(qa.passages), "model": qa.manifest["model"],
        "when": clock.strftime("%Y-%m-%d %H:%M"),
    }
    paths = write_reports(out, summary=summary, categories=categories, outcomes=outcomes, meta=meta, groups=groups)
    if as_json:
        typer.echo(json.dumps(summary))
    else:
        print_eval(summary, categories, groups, meta, paths)
    if update_baseline is not None:
        update_baseline.write_text(json.dumps(baseline_record(summary, meta, tolerance, metric_counts(outcomes)), indent=1) + "\n")
        typer.echo(f"baseline written to {update_baseline}", err=True)
    failures = []
    if baseline is not None:
        recorded = json.loads(baseline.read_text())
        if recorded.get("questions") != meta["questions"] or recorded.get("split") != split:
            # e.g. ../shared is absent, so the primary-source questions were skipped
            typer.echo(f"gate skipped: this run scored {meta['questions']} {split} questions, the baseline "
                       f"{recorded.get('questions')} {recorded.get('split')} questions", err=True)
            return summary, failures
        failures = compare_to_baseline(summary, recorded)
        typer.echo(f"gate vs {baseline}: {'FAILED' if failures else 'passed'}", err=True)
    return summary, failures


def print_eval(summary: dict, categories: dict, groups: dict, meta: dict, paths: dict) -> None:
    from eval.harness import by_language

    typer.echo(f"split {meta['split']}: {meta['questions']} questions, {meta['skipped']} skipped ({meta['skipped_reason']})")
    for key, value in summary.items():
        typer.echo(f"  {key:<18} {value}")
    typer.echo("  per category (hit@1 / hit@5 / sentence / span):")
    for name, row in categories.items():
        if name == "unanswerable":
            typer.echo(f"    {name:<13} n={row['n']:<3} abstained {row['abstained']}")
        else:
            typer.echo(f"    {name:<13} n={row['n']:<3} {row['hit@1']} / {row['hit@5']} / {row['sentence']} / {row['span']}")
    typed, languages = by_language(groups)
    typer.echo("  by how questions are typed (hit@1 / sentence / span / wrongly refused), and unanswerable ones by kind:")
    for name, row in typed.items():
        if "abstained" in row:
            typer.echo(f"    {name:<17} n={row['n']:<3} abstained {row['abstained']}")
        else:
            typer.echo(f"    {name:<17} n={row['n']:<3} {row['hit@1']} / {row['sentence']} / {row['span']} / {row['false_abstain']}")
    typer.echo("  by language (hit@1 / hit@5 / sentence / span / wrongly refused / unanswerable refused):")
    for lang, row in languages.items():
        typer.echo(f"    {lang:<4} n={row['n']:<4} {row['hit@1']} / {row['hit@5']} / {row['sentence']} / {row['span']} / {row['false_abstain']} / {row['abstained']}")
    typer.echo(f"reports: {paths['markdown']}, {paths['json']}, {paths['chart']}")


def load_answerer(index: Optional[Path]):
    from answers import Answerer

    settings = Settings()
    return Answerer.load(index or settings.index_dir, model=settings.model)


def parse_filters(qa, sources: list[str], kinds: list[str], since: str, until: str):
    """--source takes a doc id or (part of) a publisher's name."""
    from retrieval import Filters

    doc_ids = tuple(s for s in sources if s in qa.documents)
    publishers = tuple(s for s in sources if s not in qa.documents)
    return Filters(doc_ids=doc_ids, publishers=publishers, kinds=tuple(kinds), date_from=since, date_to=until)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    k: Annotated[int, typer.Option("--k", help="How many passages to return (1-50).")] = 5,
    source: Annotated[list[str], typer.Option("--source", help="A doc id or publisher to search (repeatable).")] = [],
    kind: Annotated[list[str], typer.Option("--kind", help="Document kind, e.g. primary or analysis (repeatable).")] = [],
    since: Annotated[str, typer.Option(help="Only sources dated on or after YYYY[-MM[-DD]].")] = "",
    until: Annotated[str, typer.Option(help="Only sources dated on or before YYYY[-MM[-DD]].")] = "",
    cite: Annotated[Optional[str], typer.Option(help="Print citations of the sources: markdown, bibtex or csl-json.")] = None,
    index: IndexOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question with cited, verbatim passages."""
    from citeqa.render import render_answer, result_json
    from retrieval.citations import FORMATS, cite as format_citation

    if cite is not None and cite not in FORMATS:
        fail(f"--cite must be one of {', '.join(FORMATS)}", 2)
    try:
        qa = load_answerer(index)
        result = qa.ask(question, k=k, filters=parse_filters(qa, source, kind, since, until))
    except CiteqaError as exc:
        fail(str(exc))
    if as_json or not sys.stdout.isatty() and cite is None:
        typer.echo(json.dumps(result_json(qa, result), ensure_ascii=False, indent=1))
    else:
        typer.echo(render_answer(qa, result, color=sys.stdout.isatty()))
    if cite is not None:
        hits = result.passages or result.related
        for doc_id in dict.fromkeys(h.passage.doc_id for h in hits):
            first = next(h.passage for h in hits if h.passage.doc_id == doc_id)
            typer.echo(format_citation(qa.document(doc_id), cite, page=first.page, section=first.section))


@app.command()
def quote(
    text: Annotated[str, typer.Argument(help="The quotation to look for.")],
    index: IndexOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check whether a quotation appears in the corpus (exact or near matches)."""
    try:
        qa = load_answerer(index)
        matches = qa.find_quote(text)
    except CiteqaError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps([m.__dict__ for m in matches], ensure_ascii=False, indent=1))
        return
    if not matches:
        typer.echo("Not found in the corpus.")
        raise typer.Exit(1)
    for m in matches:
        doc = qa.document(m.doc_id)
        label = "exact" if m.exact else f"near ({m.similarity:.0%})"
        typer.echo(f"{label}: “{m.text}”\n  — {doc.metadata.title or doc.doc_id}, {doc.metadata.publisher} {doc.metadata.date} [{m.doc_id} {m.start}:{m.end}]")


@app.command()
def docs(index: IndexOption = None, as_json: JsonOption = False) -> None:
    """List the indexed documents and what is known of them."""
    try:
        qa = load_answerer(index)
    except CiteqaError as exc:
        fail(str(exc))
    rows = [{"doc_id": d.doc_id, **{k: v for k, v in d.metadata.__dict__.items() if k not in {"extra", "path"}}} for d in sorted(qa.documents.values(), key=lambda d: d.doc_id)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        typer.echo(f"{row['doc_id']:<52} {row['date']:<10} {row['publisher'][:40]:<40} {row['title'][:70]}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    index: IndexOption = None,
    workers: Annotated[
        Optional[int], typer.Option(min=1, help="Worker processes, forked after loading so that they share the index and models (default: $CITEQA_WORKERS or 1).")
    ] = None,
    access_log: Annotated[bool, typer.Option("--access-log", help="Log every request.")] = False,
    rebuild_if_corrupt: Annotated[
        bool, typer.Option("--rebuild-if-corrupt", help="Rebuild a corrupt index from the sources its manifest records, instead of refusing to start.")
    ] = False,
) -> None:
    """Serve the web page and the JSON API."""
    overrides = {"index_dir": index, "workers": workers}
    settings = Settings(**{name: value for name, value in overrides.items() if value is not None})
    from ingest.index_store import is_milvus_location

    if settings.workers > 1 and is_milvus_location(settings.index_dir):
        # the workers are forked from a parent that has loaded the index, and a gRPC channel
        # does not survive a fork; milvus-lite also opens a .db in one process only
        fail("serve one worker per process on a Milvus index: start several `citeqa serve` processes "
             "(for a .db, run `milvus-lite server` and use --index milvus://host:port/collection)", 2)
    check_index(settings.index_dir, rebuild=rebuild_if_corrupt)
    from api.main import create_app
    from api.prefork import serve as serve_app

    serve_app(create_app(settings), host=host, port=port, workers=settings.workers, access_log=access_log)
