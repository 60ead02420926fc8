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

IndexOption = Annotated[Optional[Path], typer.Option("--index", help="Index folder (default: $CITEQA_INDEX_DIR or .citeqa/index).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.callback()
def main_callback() -> None:
    """Cited answers about the Los Angeles Declaration on Migration and Protection."""


def fail(message: str, code: int = 1) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


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
        )
    except CiteqaError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=1, ensure_ascii=False))
    else:
        print_ingest_report(report)
    if strict and report.skipped:
        raise typer.Exit(1)


def print_ingest_report(report) -> None:
    typer.echo(
        f"indexed {report.documents} documents, {report.passages} passages "
        f"({report.embedded} embedded, {report.reused_embeddings} reused, "
        f"{report.duplicates_collapsed} duplicates collapsed) in {report.seconds:.1f} s -> {report.index}"
    )
    for entry in report.skipped:
        typer.echo(f"skipped {entry['path']}: {entry['reason']}")


