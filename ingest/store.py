"""The index on disk, written atomically and checked when read.

Layout of an index folder DIR:

    DIR/current -> builds/<build id>     (symlink, swapped atomically)
    DIR/builds/<build id>/manifest.json  format, model, dimension, counts, hashes
                          documents.jsonl
                          passages.jsonl
                          embeddings.npy
                          dense.faiss
                          bm25/...
                          parses.jsonl           sentence parses (ingest/parse.py)
                          multilingual*.npy|.faiss  sentence vectors for other languages (ingest/multilingual.py)

A build is written into a temporary folder and only then linked as `current`
with one rename, so a crash or Ctrl-C mid-ingest leaves the previous index
serving. Every file's SHA-256 is in the manifest: a truncated or altered file
is reported by name instead of serving wrong results.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from citeqa.errors import IndexCorrupt, IndexNotFound
from ingest.multilingual import SentenceVectors, read_sentence_vectors, write_sentence_vectors
from ingest.records import Document, Metadata, Passage

__all__ = ["IndexData", "write_index", "read_index", "read_manifest", "recorded_build_settings", "current_build", "FORMAT_VERSION"]

FORMAT_VERSION = 1
CURRENT = "current"
BUILDS = "builds"
# Passages past which HNSW replaces the exact flat index. Flat search is one pass
# over every vector: 5.2 ms median at 100k and 52 ms at 1M on one core
# (benchmarks/scale_bench.py; README, "Measured limits"), so it stays under a
# 20 ms budget to ~380k; 350k keeps exact search that long, with a margin.
HNSW_THRESHOLD = 350_000
# Candidates HNSW explores per search, written into the index file (faiss keeps it).
# faiss's default, 16, recalled 0.53 of the exact top 10 at 1M synthetic passages
# and 0.94 on 45k real sentence vectors; 128 recalled 0.86 and 0.997 for ~0.3 ms
# more (benchmarks/scale_bench.py, scale_realism.py). A search for k > 128 explores k.
HNSW_EF_SEARCH = 128


@dataclass
class IndexData:
    """Everything a build holds, in memory."""

    manifest: dict
    documents: dict[str, Document]
    passages: list[Passage]
    embeddings: np.ndarray
    faiss_index: object
    bm25: object
    path: Path
    parse_records: list[dict] = field(default_factory=list)  # one per sentence (ingest/parse.py); empty if not parsed
    multilingual: SentenceVectors | None = None  # sentence vectors for other languages (ingest/multilingual.py)

    @property
    def build_id(self) -> str:
        """Names the build: what anything derived from it (an answer cache) is keyed by."""
        return self.path.name


def current_build(index_dir: Path) -> Path:
    link = index_dir / CURRENT
    if not link.exists():
        raise IndexNotFound(f"no index at {index_dir}: build one with `citeqa ingest corpus --index {index_dir}`")
    return link.resolve()


def read_manifest(index_dir: Path) -> dict:
    build = current_build(index_dir)
    path = build / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"{path}: unreadable manifest ({exc})") from exc


def recorded_build_settings(index_dir: Path) -> dict:
    """The manifest of the newest build that records its sources (the current
    one first), read without verifying the other files: enough to rebuild."""
    candidates = [index_dir / CURRENT] if (index_dir / CURRENT).exists() else []
    if (index_dir / BUILDS).is_dir():
        candidates += sorted((p for p in (index_dir / BUILDS).iterdir() if not p.name.startswith(".")), reverse=True)
    for build in candidates:
        try:
            manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(manifest, dict) and manifest.get("sources") and manifest.get("model"):
            return manifest
    raise IndexNotFound(f"no build in {index_dir} records its sources: rebuild it with `citeqa ingest SOURCES --index {index_dir}`")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_faiss_index(embeddings: np.ndarray, kind: str):
    import faiss

    dim = embeddings.shape[1]
    if kind == "auto":
        kind = "hnsw" if len(embeddings) >= HNSW_THRESHOLD else "flat"
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(embeddings):
        index.add(np.ascontiguousarray(embeddings, dtype=np.float32))
    return index, kind


def write_jsonl(path: Path, records) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def document_record(document: Document) -> dict:
    record = asdict(document)
    record["page_starts"] = list(document.page_starts)
    return record


def write_index(
    index_dir: Path,
    *,
    documents: list[Document],
    passages: list[Passage],
    embeddings: np.ndarray,
    bm25,
    model: str,
    ann: str = "auto",
    parses: list[dict] | None = None,
    multilingual: SentenceVectors | None = None,
    extra: dict | None = None,
) -> Path:
    """Write a complete build next to the current one and switch `current` to it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    builds = index_dir / BUILDS
    builds.mkdir(exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.time_ns() % 10**6:06d}"
    staging = builds / f".tmp-{build_id}"
    staging.mkdir()
    try:
        final = write_build(
            staging, builds / build_id, documents=documents, passages=passages, embeddings=embeddings, bm25=bm25, parses=parses or [],
            model=model, ann=ann, extra=extra, multilingual=multilingual,
        )
    except BaseException:  # Ctrl-C or SIGTERM too: leave no staging folder behind
        shutil.rmtree(staging, ignore_errors=True)
        raise
    switch_current(index_dir, final)
    prune_builds(index_dir, keep={final.name})
    return final


def write_build(
    staging: Path, final: Path, *, documents, passages, embeddings, bm25, parses, model: str, ann: str, extra: dict | None,
    multilingual: SentenceVectors | None = None,
) -> Path:
    """Fill `staging` with every file and the manifest, then rename it to `final`."""
    faiss_index, ann_kind = build_faiss_index(embeddings, ann)
    write_build_files(staging, documents, passages, embeddings, faiss_index, bm25)
    write_jsonl(staging / "parses.jsonl", parses)
    if multilingual is not None:
        sentence_index, _ = build_faiss_index(multilingual.vectors, ann)
        extra = {**(extra or {}), "multilingual": write_sentence_vectors(staging, multilingual, sentence_index)}
    files = {p.relative_to(staging).as_posix(): sha256_of(p) for p in sorted(staging.rglob("*")) if p.is_file()}
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": model,
        "dimension": int(embeddings.shape[1]),
        "ann": ann_kind,
        "documents": len(documents),
        "passages": len(passages),
        "corpus_hash": corpus_hash(documents),
        "document_hashes": {d.doc_id: d.content_hash for d in documents},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": files,
        **(extra or {}),
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    fsync_tree(staging)
    os.rename(staging, final)
    return final


def write_build_files(folder: Path, documents, passages, embeddings, faiss_index, bm25) -> None:
    import faiss

    write_jsonl(folder / "documents.jsonl", (document_record(d) for d in documents))
    write_jsonl(folder / "passages.jsonl", (asdict(p) for p in passages))
    np.save(folder / "embeddings.npy", np.ascontiguousarray(embeddings, dtype=np.float32))
    faiss.write_index(faiss_index, str(folder / "dense.faiss"))
    bm25.save(str(folder / "bm25"), show_progress=False)


def corpus_hash(documents: list[Document]) -> str:
    digest = hashlib.sha256()
    for document in sorted(documents, key=lambda d: d.doc_id):
        digest.update(f"{document.doc_id}\0{document.content_hash}\n".encode())
    return digest.hexdigest()


def fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def switch_current(index_dir: Path, build: Path) -> None:
    """Point `current` at `build` with a single atomic rename."""
    temporary = index_dir / f".{CURRENT}-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(Path(BUILDS) / build.name, temporary)
    os.replace(temporary, index_dir / CURRENT)


def prune_builds(index_dir: Path, *, keep: set[str]) -> None:
    """Remove finished builds other than `keep` and the previous one (readers may hold it)."""
    builds = sorted((p for p in (index_dir / BUILDS).iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    survivors = keep | {p.name for p in [b for b in builds if b.name not in keep][-1:]}
    for path in builds:
        if path.name not in survivors:
            shutil.rmtree(path, ignore_errors=True)
    for path in (index_dir / BUILDS).glob(".tmp-*"):
        if not pid_alive(path.name):
            shutil.rmtree(path, ignore_errors=True)


def pid_alive(staging_name: str) -> bool:
    """True while the ingest that owns a staging folder is still running."""
    try:
        pid = int(staging_name.split("-")[2])
        os.kill(pid, 0)
    except (IndexError, ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def read_index(index_dir: Path, *, verify: bool = True, mmap: bool = True) -> IndexData:
    """Load the current build; IndexCorrupt names the first bad file.

    With `mmap` the arrays (the dense index's vectors, the embeddings, the BM25 matrix)
    are mapped read-only from the build's files instead of copied: every process
    serving the build shares one copy in the page cache, so memory does not grow
    with the worker count. Builds are never written after they are linked, and a
    pruned build's mapped files stay readable until the last map goes."""
    import bm25s
    import faiss

    build = current_build(index_dir)
    manifest = read_manifest(index_dir)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexCorrupt(f"{build / 'manifest.json'}: format {manifest.get('format_version')} is not {FORMAT_VERSION}; re-run ingest")
    if verify:
        verify_files(build, manifest)
    try:
        documents = {d.doc_id: d for d in map(document_from_record, read_jsonl(build / "documents.jsonl"))}
        passages = [passage_from_record(r) for r in read_jsonl(build / "passages.jsonl")]
        embeddings = np.load(build / "embeddings.npy", allow_pickle=False, mmap_mode="r" if mmap else None)
        # IO_FLAG_MMAP_IFC maps a flat index's vectors (an HNSW index's too); IO_FLAG_MMAP
        # would map only an IVF index's lists and copy the rest
        faiss_index = faiss.read_index(str(build / "dense.faiss"), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY if mmap else 0)
        bm25 = bm25s.BM25.load(str(build / "bm25"), show_progress=False, mmap=mmap)
        parse_records = read_jsonl(build / "parses.jsonl") if (build / "parses.jsonl").is_file() else []
        multilingual = read_sentence_vectors(build, manifest["multilingual"], mmap=mmap) if manifest.get("multilingual") else None
    except Exception as exc:  # noqa: BLE001 - any parse failure of an index file is corruption
        raise IndexCorrupt(f"{build}: cannot load index files ({type(exc).__name__}: {exc})") from exc
    check_consistency(build, manifest, passages, embeddings, faiss_index)
    return IndexData(manifest, documents, passages, embeddings, faiss_index, bm25, build, parse_records, multilingual)


def verify_files(build: Path, manifest: dict) -> None:
    for name, expected in manifest.get("files", {}).items():
        path = build / name
        if not path.is_file():
            raise IndexCorrupt(f"{path}: missing; re-run ingest to rebuild the index")
        if sha256_of(path) != expected:
            raise IndexCorrupt(f"{path}: truncated or altered since it was written; re-run ingest to rebuild the index")


def check_consistency(build: Path, manifest: dict, passages, embeddings, faiss_index) -> None:
    count = manifest.get("passages")
    if not (len(passages) == count == len(embeddings) == faiss_index.ntotal):
        raise IndexCorrupt(
            f"{build}: counts disagree (manifest {count}, passages {len(passages)}, "
            f"embeddings {len(embeddings)}, dense index {faiss_index.ntotal}); re-run ingest"
        )


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def document_from_record(record: dict) -> Document:
    return Document(
        doc_id=record["doc_id"],
        text=record["text"],
        metadata=Metadata(**record["metadata"]),
        content_hash=record["content_hash"],
        page_starts=tuple(record.get("page_starts", ())),
    )


def passage_from_record(record: dict) -> Passage:
    return Passage(**{**record, "also_in": tuple(record.get("also_in", ()))})
