"""An embedded vector store for retrieval: documents and their embeddings (from the model
server's embeddings endpoint) kept in SQLite, searched by exact cosine nearest neighbours.

Exact search is the right algorithm at this size (a few dozen documents): every distance is
computed, so the ranking is the true one and the test is deterministic."""

from __future__ import annotations

import math
import sqlite3
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import openai

EMBEDDING_MODEL = "text-embedding-3-small"  # served by the embedded model server and by OpenAI


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    body: str


@dataclass(frozen=True)
class Neighbour:
    doc: Document
    similarity: float  # cosine, higher is nearer


def embed(client: openai.OpenAI, texts: list[str]) -> list[list[float]]:
    response = client.embeddings.create(model=EMBEDDING_MODEL, input=texts)
    return [item.embedding for item in sorted(response.data, key=lambda d: d.index)]


def _unit(vector: list[float]) -> array[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return array("f", (x / norm for x in vector))


class VectorIndex:
    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE TABLE docs (doc_id TEXT PRIMARY KEY, title TEXT, body TEXT, vector BLOB)"
        )

    @classmethod
    def build(cls, client: openai.OpenAI, docs: list[Document]) -> VectorIndex:
        index = cls()
        vectors = embed(client, [f"{d.title}. {d.body}" for d in docs])
        index._db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?)",
            [
                (d.doc_id, d.title, d.body, _unit(v).tobytes())
                for d, v in zip(docs, vectors, strict=True)
            ],
        )
        return index

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def nearest(self, query: list[float], k: int) -> list[Neighbour]:
        q = _unit(query)
        scored = []
        for doc_id, title, body, blob in self._db.execute("SELECT * FROM docs"):
            vector = array("f")
            vector.frombytes(blob)
            similarity = sum(a * b for a, b in zip(q, vector, strict=True))
            scored.append(Neighbour(Document(doc_id, title, body), round(similarity, 6)))
        scored.sort(key=lambda n: (-n.similarity, n.doc.doc_id))
        return scored[:k]
