"""The ingest pipeline: files -> documents -> passages -> index on disk."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from citeqa.errors import CiteqaError, CorpusError, SourceSkipped
from ingest.chunk import MAX_WORDS, chunk_document
from ingest.dedup import collapse_duplicates
from ingest.embed import Encoder
from ingest.index_store import open_store
from ingest.lexical import bm25_tokens
from ingest.loaders import load_document
from ingest.multilingual import SentenceVectors, embed_sentences, sentence_texts
from ingest.parse import parse_passages, parser_version
from ingest.records import Document, Passage
from ingest.sources import discover
from ingest.store import IndexData

__all__ = ["IngestReport", "ingest", "rebuild", "embedding_text"]

EMBED_BATCH = 32


@dataclass
class IngestReport:
    documents: int = 0
    passages: int = 0
    ingested: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    embedded: int = 0
    reused_embeddings: int = 0
    parsed: int = 0
    reused_parses: int = 0
    multilingual_embedded: int = 0
    multilingual_reused: int = 0
    duplicates_collapsed: int = 0
    index: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def embedding_text(passage: Passage) -> str:
    """What the encoder reads: the passage, with its section heading for context."""
    if passage.section and not passage.text.startswith(passage.section):
        return f"{passage.section}: {passage.text}"
    return passage.text


def embedding_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\0{text}".encode()).hexdigest()


def ingest(
    paths: list[Path],
    index_dir: Path | str,
    *,
    model: str,
    encoder_factory: Callable[[], Encoder],
    passwords: dict[str, str] | None = None,
    ann: str = "auto",
    pdf_timeout: float = 60.0,
    max_words: int = MAX_WORDS,
    progress: bool = False,
    parse: bool = True,
    multilingual: tuple[str, Callable[[], Encoder]] | None = None,
) -> IngestReport:
    """Build the index of `paths` into `index_dir` (a folder, a milvus-lite `*.db` or a
    `milvus://` URI: ingest/index_store.py); the encoder loads only if something needs embedding.
    `multilingual` (model name, encoder factory) adds sentence vectors for questions in other
    languages, where the backend keeps them (the folder does; Milvus does not yet)."""
    started = time.perf_counter()
    store = open_store(index_dir)
    report = IngestReport(index=store.label)
    with store.lock():
        documents = load_documents(paths, passwords or {}, pdf_timeout, report, progress)
        if not documents:
            raise CorpusError("nothing usable to ingest: " + "; ".join(f"{s['path']}: {s['reason']}" for s in report.skipped[:5]))
        passages = []
        for document in documents:
            passages.extend(chunk_document(document, max_words=max_words))
        passages, report.duplicates_collapsed = collapse_duplicates(passages)
        previous = read_previous(store)
        embeddings = embed_passages(passages, model, encoder_factory, previous, report, progress)
        parses = parse_sentences(documents, passages, previous, report, progress) if parse else []
        wanted = multilingual if multilingual and store.keeps_multilingual else None
        sentence_vectors = embed_multilingual(documents, passages, wanted, previous, report, progress) if wanted else None
        bm25 = build_bm25([p.text for p in passages]) if store.wants_bm25 else None
        # the sources are recorded so that a corrupt index can be rebuilt from them (`rebuild`)
        sources = [str(Path(p).resolve()) for p in paths]
        extra = {"sources": sources, "parser": parser_version() if parse else ""}
        store.write(
            documents=documents, passages=passages, embeddings=embeddings, bm25=bm25, parses=parses, model=model, ann=ann,
            multilingual=sentence_vectors, extra=extra,
        )
    per_doc = {d.doc_id: 0 for d in documents}
    for passage in passages:
        per_doc[passage.doc_id] += 1
    for entry in report.ingested:
        entry["passages"] = per_doc[entry["doc_id"]]
    report.documents, report.passages = len(documents), len(passages)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def rebuild(index_dir: Path | str, *, encoder_factory: Callable[[str], Encoder], pdf_timeout: float = 60.0) -> IngestReport:
    """Ingest again the sources a (corrupt) index was built from, with the same model
    and dense index kind; the new build replaces it atomically like any ingest.
    Passwords of encrypted PDFs are never recorded: such files are skipped."""
    recorded = open_store(index_dir).recorded_build_settings()
    paths = [Path(p) for p in recorded["sources"]]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CorpusError(f"cannot rebuild {index_dir}: its sources are gone ({', '.join(missing)})")
    model = recorded["model"]
    ann = recorded.get("ann") if recorded.get("ann") in {"flat", "hnsw"} else "auto"
    other = (recorded.get("multilingual") or {}).get("model")
    multilingual = (other, lambda: encoder_factory(other)) if other else None
    return ingest(
        paths, index_dir, model=model, encoder_factory=lambda: encoder_factory(model), ann=ann, pdf_timeout=pdf_timeout, multilingual=multilingual,
    )


def load_documents(paths, passwords, pdf_timeout, report: IngestReport, progress: bool) -> list[Document]:
    sources, report.skipped = discover(paths, passwords=passwords)
    documents: list[Document] = []
    by_hash: dict[str, str] = {}
    for source in tqdm(sources, desc="reading", unit="file", disable=not progress):
        try:
            document = load_document(source, pdf_timeout=pdf_timeout)
        except SourceSkipped as exc:
            report.skipped.append({"path": str(source.path), "reason": str(exc)})
            continue
        if document.content_hash in by_hash:
            report.skipped.append({"path": str(source.path), "reason": f"duplicate of {by_hash[document.content_hash]}"})
            continue
        by_hash[document.content_hash] = str(source.path)
        documents.append(document)
        report.ingested.append(
            {"path": str(source.path), "doc_id": document.doc_id, "passages": 0, "pages": len(document.page_starts) or None}
        )
    return sorted(documents, key=lambda d: d.doc_id)


def read_previous(store) -> IndexData | None:
    """The current build, if it is sound: what a re-ingest may reuse."""
    try:
        return store.read(verify=True)
    except CiteqaError:
        return None


def previous_embeddings(previous: IndexData | None, model: str) -> dict[str, np.ndarray]:
    """Vectors of the current build by embedding key, so unchanged text is not re-embedded."""
    if previous is None or previous.manifest.get("model") != model:
        return {}
    keys = [embedding_key(model, embedding_text(p)) for p in previous.passages]
    return dict(zip(keys, previous.embeddings))


def embed_passages(passages, model, encoder_factory, previous: IndexData | None, report: IngestReport, progress: bool) -> np.ndarray:
    known = previous_embeddings(previous, model)
    texts = [embedding_text(p) for p in passages]
    keys = [embedding_key(model, t) for t in texts]
    missing = [i for i, key in enumerate(keys) if key not in known]
    report.reused_embeddings = len(passages) - len(missing)
    report.embedded = len(missing)
    vectors: dict[str, np.ndarray] = {}
    if missing:
        encoder = encoder_factory()
        bar = tqdm(total=len(missing), desc="embedding", unit="passage", disable=not progress)
        for begin in range(0, len(missing), EMBED_BATCH):
            batch = missing[begin : begin + EMBED_BATCH]
            for i, vector in zip(batch, encoder.encode([texts[i] for i in batch])):
                vectors[keys[i]] = vector
            bar.update(len(batch))
        bar.close()
    if not passages:
        return np.zeros((0, 1), dtype=np.float32)
    return np.stack([known.get(k, vectors.get(k)) for k in keys]).astype(np.float32)


def parse_sentences(documents: list[Document], passages: list[Passage], previous: IndexData | None, report: IngestReport, progress: bool) -> list[dict]:
    """Parse records of every passage sentence, reusing the current build's by text."""
    known = {record["key"]: record for record in previous.parse_records} if previous is not None else {}
    bar = tqdm(desc="parsing", unit="sentence", disable=not progress)
    records, report.parsed = parse_passages({d.doc_id: d for d in documents}, passages, known=known, progress=bar.update)
    bar.close()
    report.reused_parses = len(records) - report.parsed
    return records


def embed_multilingual(documents, passages, multilingual, previous: IndexData | None, report: IngestReport, progress: bool) -> SentenceVectors:
    """Vectors of every passage sentence for other languages, reusing the current build's by text."""
    model, factory = multilingual
    old = previous.multilingual if previous is not None else None
    old_texts = sentence_texts(old, previous.documents, previous.passages) if old is not None else []
    bar = tqdm(desc="embedding sentences (multilingual)", unit="sentence", disable=not progress)
    vectors, report.multilingual_embedded = embed_sentences(
        {d.doc_id: d for d in documents}, passages, model=model, encoder_factory=factory, previous=old, previous_texts=old_texts, progress=bar.update,
    )
    bar.close()
    report.multilingual_reused = len(vectors.rows) - report.multilingual_embedded
    return vectors


def build_bm25(texts: list[str]):
    import bm25s

    index = bm25s.BM25(k1=1.2, b=0.75)
    index.index(bm25_tokens(texts), show_progress=False)
    return index
