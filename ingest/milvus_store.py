"""Milvus as the index engine: milvus-lite (`x.db`) or a server (`milvus://host:port/collection`).

A build is two collections, named after the index and the build:

    <name>_b<build>        one row per passage: its text and offsets, its dense
                           vector, a BM25 sparse vector made by Milvus' own BM25
                           function, and the metadata the filters use
    <name>_b<build>_files  manifest.json, documents.jsonl and parses.jsonl, in
                           parts: what the answer layer needs in memory, so that a
                           Milvus deployment is self-contained
    <name>_b<build>_sentences  the multilingual sentence vectors (ingest/multilingual.py),
                           when the build has them: read into memory at start-up and
                           searched in process, as the folder's are

The alias <name> is moved to the new build in one step, so readers switch builds
atomically, as with the folder's `current` link; the previous build is kept for
readers that still hold it.

The collections' fields and rows are ingest/milvus_schema.py's.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from citeqa.errors import BackendNotInstalled, CiteqaError, IndexCorrupt, IndexNotFound
from ingest.index_store import IndexStore
from ingest.milvus_schema import (
    PASSAGE_FIELDS, create_file_collection, create_passage_collection, create_sentence_collection, passage_from_row, passage_rows,
    sentence_rows, split_file,
)
from ingest.multilingual import SentenceVectors
from ingest.store import FORMAT_VERSION, HNSW_THRESHOLD, IndexData, build_faiss_index, corpus_hash, document_from_record, document_record

__all__ = ["MilvusStore", "MilvusIndexData", "INSTALL_HINT"]

INSTALL_HINT = "pip install -e '.[milvus]' (pymilvus and milvus-lite)"
ROWS_PER_BATCH = 500
PARTS_PER_PAGE = 64


@dataclass
class MilvusIndexData(IndexData):
    """IndexData whose passages are searched in Milvus (faiss_index and bm25 are None)."""

    client: object = None
    collection: str = ""  # this build's passage collection (not the alias: a reader keeps its build)

    @property
    def build_id(self) -> str:
        return self.collection


class MilvusStore(IndexStore):
    wants_bm25 = False
    keeps_multilingual = True

    def __init__(self, uri: str, name: str, *, label: str, token: str = "", embedded: bool = False) -> None:
        if not name.replace("_", "a").isalnum() or name[0].isdigit():
            raise IndexNotFound(f"{label}: a Milvus collection name is letters, digits and underscores, not starting with a digit")
        self.uri, self.name, self.label, self.token, self.embedded = uri, name, label, token, embedded
        self._client = None

    @classmethod
    def lite(cls, path: Path) -> MilvusStore:
        return cls(str(path), "citeqa", label=str(path), embedded=True)

    @classmethod
    def server(cls, rest: str) -> MilvusStore:
        """From what follows `milvus://`: [user:password@]host[:port][/collection]."""
        parts = urlsplit("//" + rest)
        token = f"{parts.username}:{parts.password or ''}" if parts.username else ""
        address = f"{parts.hostname or 'localhost'}:{parts.port or 19530}"
        name = parts.path.strip("/") or "citeqa"
        return cls(f"http://{address}", name, label=f"milvus://{address}/{name}", token=token)

    def client(self):
        if self._client is None:
            self._client = connect(self.uri, self.token, self.label, self.embedded)
        return self._client

    def lock(self):
        """Connects first, so that an unreachable server or a .db another process holds fails
        before anything is embedded. milvus-lite locks its data folder to one process; on a
        server, one ingest at a time per index is left to its operator."""
        self.client()
        return nullcontext()

    # -- writing -----------------------------------------------------------------

    def write(self, *, documents, passages, embeddings, bm25=None, model, ann="auto", parses=None, extra=None, multilingual=None) -> str:
        client = self.client()
        build = f"{self.name}_b{time.strftime('%Y%m%dT%H%M%S')}_{time.time_ns() % 10**9:09d}"
        kind = ("hnsw" if len(passages) >= HNSW_THRESHOLD else "flat") if ann == "auto" else ann
        files = {"documents.jsonl": jsonl(document_record(d) for d in documents), "parses.jsonl": jsonl(parses or [])}
        manifest = {
            "format_version": FORMAT_VERSION, "engine": "milvus", "build": build, "model": model,
            "dimension": int(embeddings.shape[1]), "ann": kind, "documents": len(documents), "passages": len(passages),
            "corpus_hash": corpus_hash(documents), "document_hashes": {d.doc_id: d.content_hash for d in documents},
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "files": {name: sha256_text(text) for name, text in files.items()}, **(extra or {}),
        }
        if multilingual is not None:
            manifest["multilingual"] = {"model": multilingual.model, "dimension": multilingual.dimension, "sentences": len(multilingual.rows)}
        files["manifest.json"] = json.dumps(manifest, indent=1)
        try:
            create_passage_collection(client, build, int(embeddings.shape[1]), kind)
            by_id = {d.doc_id: d for d in documents}
            rows = passage_rows(passages, by_id, embeddings)
            for begin in range(0, len(rows), ROWS_PER_BATCH):
                client.insert(build, rows[begin : begin + ROWS_PER_BATCH])
            create_file_collection(client, build + "_files")
            for name, text in files.items():
                file_rows = split_file(name, text)
                for begin in range(0, len(file_rows), ROWS_PER_BATCH):
                    client.insert(build + "_files", file_rows[begin : begin + ROWS_PER_BATCH])
            if multilingual is not None:
                write_sentences(client, build + "_sentences", multilingual)
            client.flush(build)  # one sealed segment: lite computes BM25 statistics per segment
            client.flush(build + "_files")
        except BaseException:  # Ctrl-C or SIGTERM too: leave no half-written build behind
            drop_build(client, build)
            raise
        previous = self.current_collection(client, missing_ok=True)
        if previous:
            client.alter_alias(build, self.name)
        else:
            client.create_alias(build, self.name)
        self.prune(client, keep={build, previous})
        return f"{self.label} ({build})"

    def prune(self, client, *, keep: set[str]) -> None:
        """Drop builds other than the current and the previous one (readers may hold it)."""
        for collection in client.list_collections():
            if collection.startswith(self.name + "_b") and not collection.endswith(("_files", "_sentences")) and collection not in keep:
                drop_build(client, collection)

    # -- reading -----------------------------------------------------------------

    def current_collection(self, client, *, missing_ok: bool = False) -> str:
        """The build the alias points at ("" or IndexNotFound when there is none)."""
        if self.name in client.list_aliases().get("aliases", []):  # describe_alias would log an error
            return client.describe_alias(self.name)["collection_name"]
        if missing_ok:
            return ""
        raise IndexNotFound(f"no index at {self.label}: build one with `citeqa ingest corpus --index {self.label}`")

    def current_build_id(self) -> str:
        from pymilvus.exceptions import MilvusException

        try:
            return self.current_collection(self.client(), missing_ok=True)
        except (CiteqaError, MilvusException):
            return ""

    def read(self, *, verify: bool = True, vectors: bool = True) -> MilvusIndexData:
        client = self.client()
        build = self.current_collection(client)
        return self.read_build(client, build, verify=verify, vectors=vectors)

    def read_build(self, client, build: str, *, verify: bool, vectors: bool) -> MilvusIndexData:
        from pymilvus.exceptions import MilvusException

        try:
            client.load_collection(build)  # collections must be loaded again after milvus-lite reopens
            client.load_collection(build + "_files")
            manifest = json.loads(read_file(client, build, "manifest.json"))
            texts = {name: read_file(client, build, name) for name in manifest.get("files", {})}
            rows = read_passage_rows(client, build, manifest["passages"], vectors)
            sentences = read_sentences(client, build + "_sentences", manifest["multilingual"]) if manifest.get("multilingual") else None
        except (MilvusException, ValueError, KeyError) as exc:
            raise IndexCorrupt(f"{self.label}: cannot load build {build} ({type(exc).__name__}: {exc}); re-run ingest") from exc
        if verify:
            for name, expected in manifest["files"].items():
                if sha256_text(texts[name]) != expected:
                    raise IndexCorrupt(f"{self.label}: {name} of build {build} is truncated or altered; re-run ingest")
        if [r["row"] for r in rows] != list(range(manifest["passages"])):
            raise IndexCorrupt(f"{self.label}: build {build} holds {len(rows)} passages, its manifest {manifest['passages']}; re-run ingest")
        documents = {d.doc_id: d for d in (document_from_record(json.loads(line)) for line in texts["documents.jsonl"].splitlines() if line)}
        parses = [json.loads(line) for line in texts.get("parses.jsonl", "").splitlines() if line]
        passages = [passage_from_row(r) for r in rows]
        dim = manifest["dimension"]
        embeddings = np.array([r["vector"] for r in rows], dtype=np.float32).reshape(-1, dim) if vectors else np.zeros((0, dim), np.float32)
        return MilvusIndexData(
            manifest, documents, passages, embeddings, None, None, Path(self.label), parses, sentences, client=client, collection=build
        )

    def recorded_build_settings(self) -> dict:
        client = self.client()
        current = self.current_collection(client, missing_ok=True)
        builds = sorted((c for c in client.list_collections() if c.startswith(self.name + "_b") and not c.endswith("_files")), reverse=True)
        for build in [current] * bool(current) + builds:
            try:
                manifest = json.loads(read_file(client, build, "manifest.json"))
            except Exception:  # noqa: BLE001 - any unreadable build is skipped, as the folder's are
                continue
            if manifest.get("sources") and manifest.get("model"):
                return manifest
        raise IndexNotFound(f"no build in {self.label} records its sources: rebuild it with `citeqa ingest SOURCES --index {self.label}`")


def connect(uri: str, token: str, label: str, embedded: bool):
    # gRPC's fork support (on by default) breaks a child forked after a channel opened, and
    # ingest forks a child per PDF (ingest/isolate.py). Read when gRPC first starts, so set here.
    os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
    try:
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException
    except ImportError as exc:
        raise BackendNotInstalled(f"the Milvus backend ({label}) needs pymilvus: {INSTALL_HINT}") from exc
    if embedded:
        try:
            import milvus_lite  # noqa: F401
        except ImportError as exc:
            raise BackendNotInstalled(f"a local Milvus index ({label}) needs milvus-lite: {INSTALL_HINT}") from exc
    # milvus-lite's in-process server refuses pings between calls (a GOAWAY logged mid-ingest)
    options = {"grpc_options": {"grpc.keepalive_permit_without_calls": 0}} if embedded else {}
    try:
        return MilvusClient(uri=uri, token=token, **options)
    except MilvusException as exc:
        hint = "; milvus-lite opens a data folder in one process at a time (run `milvus-lite server` and use milvus://)" if embedded else ""
        raise IndexNotFound(f"cannot open {label}: {exc.message}{hint}") from exc


def drop_build(client, build: str) -> None:
    for name in (build, build + "_files", build + "_sentences"):
        try:
            client.drop_collection(name)
        except Exception:  # noqa: BLE001 - best effort: a build half-created may lack either
            pass


def write_sentences(client, name: str, vectors: SentenceVectors) -> None:
    create_sentence_collection(client, name, vectors.dimension)
    rows = sentence_rows(vectors)
    for begin in range(0, len(rows), ROWS_PER_BATCH):
        client.insert(name, rows[begin : begin + ROWS_PER_BATCH])
    client.flush(name)


def read_sentences(client, name: str, recorded: dict) -> SentenceVectors:
    """All of a build's sentence vectors, in order, with an exact index over them in memory."""
    client.load_collection(name)
    count, rows = recorded["sentences"], []
    for begin in range(0, count, ROWS_PER_BATCH):
        rows += client.query(name, filter=f"row >= {begin} and row < {begin + ROWS_PER_BATCH}", output_fields=["row", "passage", "start", "end", "vector"])
    rows.sort(key=lambda r: r["row"])
    if [r["row"] for r in rows] != list(range(count)):
        raise ValueError(f"{name} holds {len(rows)} sentences, its manifest {count}")
    vectors = np.array([r["vector"] for r in rows], dtype=np.float32).reshape(-1, recorded["dimension"])
    positions = np.array([[r["passage"], r["start"], r["end"]] for r in rows], dtype=np.int64).reshape(-1, 3)
    index, _ = build_faiss_index(vectors, "flat")
    return SentenceVectors(recorded["model"], vectors, positions, index)


def read_passage_rows(client, build: str, count: int, vectors: bool) -> list[dict]:
    fields = PASSAGE_FIELDS + ["vector"] * vectors
    rows: list[dict] = []
    for begin in range(0, count, ROWS_PER_BATCH):
        rows += client.query(build, filter=f"row >= {begin} and row < {begin + ROWS_PER_BATCH}", output_fields=fields)
    return sorted(rows, key=lambda r: r["row"])


def read_file(client, build: str, name: str) -> str:
    """A file's parts, in order, a page at a time; a missing part shows as a checksum mismatch."""
    parts: list[dict] = []
    while True:
        expr = f"name == {json.dumps(name)} and part >= {len(parts)} and part < {len(parts) + PARTS_PER_PAGE}"
        page = client.query(build + "_files", filter=expr, output_fields=["part", "data"])
        parts += sorted(page, key=lambda r: r["part"])
        if len(page) < PARTS_PER_PAGE:
            break
    if not parts:
        raise KeyError(f"{name} is missing")
    return "".join(p["data"] for p in parts)


def jsonl(records) -> str:
    return "".join(json.dumps(r if isinstance(r, dict) else asdict(r), ensure_ascii=False) + "\n" for r in records)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
