"""The Milvus collections of a build (ingest/milvus_store.py): their fields, and
passages and files as rows.

BM25 reads the project's own analysed terms (ingest/lexical.py: stop words and
Snowball stems), joined by spaces, through the `standard` tokenizer: milvus-lite
has no English stemmer, and this way lite, a server and the bm25s index score the
same terms with the same statistics. The filters' metadata is the passage's own
document's, case-folded, with its date as the first and last day it can mean.
"""

from __future__ import annotations

import numpy as np

from citeqa.errors import CorpusError
from ingest.lexical import bm25_tokens
from ingest.records import Document, Passage, date_bounds
from ingest.store import passage_from_record

__all__ = [
    "PASSAGE_FIELDS", "create_passage_collection", "create_file_collection", "passage_rows", "passage_from_row", "split_file",
]

TEXT_BYTES = 65_535  # Milvus' VARCHAR limit
ID_BYTES = 1_024
MAX_ALSO_IN = 4_096  # Milvus' ARRAY capacity limit
PART_CHARS = 16_000  # a file part: at most 4 bytes a character stays under TEXT_BYTES
BM25_ANALYZER = {"tokenizer": "standard"}  # the only tokenizer besides jieba that lite has
BM25_PARAMS = {"bm25_k1": 1.2, "bm25_b": 0.75}  # the bm25s index's (lite's default k1 is 1.5)
PASSAGE_FIELDS = ["row", "passage_id", "doc_id", "also_in", "start", "end", "page", "section", "text"]


def create_passage_collection(client, name: str, dim: int, ann: str) -> None:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False)
    schema.add_field("row", DataType.INT64, is_primary=True)  # the passage's position in the build
    for field in ("passage_id", "doc_id"):
        schema.add_field(field, DataType.VARCHAR, max_length=ID_BYTES)
    schema.add_field("also_in", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=MAX_ALSO_IN, max_length=ID_BYTES)
    for field in ("start", "end", "page"):
        schema.add_field(field, DataType.INT64)
    for field in ("section", "text", "kind", "publisher"):
        schema.add_field(field, DataType.VARCHAR, max_length=TEXT_BYTES)
    for field in ("date_earliest", "date_latest"):
        schema.add_field(field, DataType.VARCHAR, max_length=64)
    schema.add_field("terms", DataType.VARCHAR, max_length=TEXT_BYTES, enable_analyzer=True, analyzer_params=BM25_ANALYZER)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"], output_field_names=["sparse"]))
    # Build parameters go as one JSON "params" entry, which a server reads too: milvus-lite
    # ignores the flat keys pymilvus 3 sends (and would score BM25 with its own k1 of 1.5)
    index = client.prepare_index_params()
    if ann == "hnsw":
        index.add_index("vector", index_type="HNSW", metric_type="IP", params={"params": {"M": 32, "efConstruction": 80}})
    else:
        index.add_index("vector", index_type="FLAT", metric_type="IP")
    index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={"params": BM25_PARAMS})
    create_collection(client, name, schema, index)


def create_sentence_collection(client, name: str, dim: int) -> None:
    """The multilingual sentence vectors (ingest/multilingual.py): one row per passage sentence."""
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False)
    schema.add_field("row", DataType.INT64, is_primary=True)  # the sentence's position in the build
    for field in ("passage", "start", "end"):
        schema.add_field(field, DataType.INT64)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT", metric_type="IP")
    create_collection(client, name, schema, index)


def sentence_rows(vectors) -> list[dict]:
    return [
        {"row": row, "passage": int(p), "start": int(s), "end": int(e), "vector": v.astype(np.float32).tolist()}
        for row, ((p, s, e), v) in enumerate(zip(vectors.rows, vectors.vectors))
    ]


def create_file_collection(client, name: str) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False)
    schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=ID_BYTES)
    schema.add_field("name", DataType.VARCHAR, max_length=ID_BYTES)
    schema.add_field("part", DataType.INT64)
    schema.add_field("data", DataType.VARCHAR, max_length=TEXT_BYTES)
    schema.add_field("unused", DataType.FLOAT_VECTOR, dim=2)  # Milvus requires a vector field in every collection
    index = client.prepare_index_params()
    index.add_index("unused", index_type="FLAT", metric_type="IP")
    create_collection(client, name, schema, index)


def create_collection(client, name: str, schema, index) -> None:
    """Without waiting for the index: pymilvus waits through AllocTimestamp, which milvus-lite
    lacks (it logs a traceback for each). Loading waits for what a search needs."""
    client.create_collection(name, schema=schema)
    client.create_index(name, index, sync=False)
    client.load_collection(name)


def passage_rows(passages: list[Passage], documents: dict[str, Document], embeddings: np.ndarray) -> list[dict]:
    terms = bm25_tokens([p.text for p in passages]) if passages else []
    rows = []
    for row, (p, words, vector) in enumerate(zip(passages, terms, embeddings)):
        meta = documents[p.doc_id].metadata
        earliest, latest = date_bounds(meta.date)
        record = {
            "row": row, "passage_id": p.passage_id, "doc_id": p.doc_id, "also_in": list(p.also_in),
            "start": p.start, "end": p.end, "page": -1 if p.page is None else p.page, "section": p.section, "text": p.text,
            "kind": meta.kind.casefold(), "publisher": meta.publisher.casefold(), "date_earliest": earliest, "date_latest": latest,
            "terms": " ".join(words), "vector": vector.astype(np.float32).tolist(),
        }
        check_fits(record, p.passage_id)
        rows.append(record)
    return rows


def check_fits(record: dict, passage_id: str) -> None:
    """Milvus refuses rows over its field limits: name the passage and field instead."""
    limits = {"passage_id": ID_BYTES, "doc_id": ID_BYTES, "section": TEXT_BYTES, "text": TEXT_BYTES, "publisher": TEXT_BYTES, "terms": TEXT_BYTES}
    for field, limit in limits.items():
        if len(record[field].encode()) > limit:
            raise CorpusError(f"passage {passage_id}: its {field} is longer than Milvus' {limit}-byte limit")
    if len(record["also_in"]) > MAX_ALSO_IN or any(len(d.encode()) > ID_BYTES for d in record["also_in"]):
        raise CorpusError(f"passage {passage_id}: its duplicates' document ids exceed Milvus' array limits")


def passage_from_row(row: dict) -> Passage:
    record = {field: row[field] for field in PASSAGE_FIELDS if field != "row"}
    record["page"] = None if record["page"] < 0 else record["page"]
    return passage_from_record({**record, "also_in": list(record["also_in"] or [])})


def split_file(name: str, text: str) -> list[dict]:
    parts = [text[i : i + PART_CHARS] for i in range(0, len(text), PART_CHARS)] or [""]
    return [{"key": f"{name}#{n:08d}", "name": name, "part": n, "data": part, "unused": [0.0, 0.0]} for n, part in enumerate(parts)]
