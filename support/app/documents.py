"""A real document store for retrieval: SQLite FTS5 with BM25 ranking over a small corpus shipped
with the suite (corpus.json). Relevance is computed by the search engine, not hard-coded."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).with_name("corpus.json")
_WORD = re.compile(r"[a-z0-9]{3,}")
_STOP = {
    "the",
    "and",
    "are",
    "what",
    "why",
    "how",
    "for",
    "with",
    "does",
    "can",
    "you",
    "about",
    "this",
    "that",
    "from",
    "have",
    "which",
    "when",
    "who",
    "its",
    "into",
    "your",
}


@dataclass(frozen=True)
class Hit:
    title: str
    body: str
    score: float  # higher is more relevant (negated BM25)


class DocumentStore:
    def __init__(self, corpus: Path = CORPUS) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body)")
        docs = json.loads(corpus.read_text(encoding="utf-8"))
        self._db.executemany(
            "INSERT INTO docs (title, body) VALUES (?, ?)", [(d["title"], d["body"]) for d in docs]
        )
        self.size = len(docs)

    def search(self, question: str, limit: int = 3) -> list[Hit]:
        terms = [w for w in _WORD.findall(question.lower()) if w not in _STOP]
        if not terms:
            return []
        query = " OR ".join(f'"{t}"' for t in dict.fromkeys(terms))
        rows = self._db.execute(
            "SELECT title, body, -bm25(docs) AS score FROM docs WHERE docs MATCH ? "
            "ORDER BY score DESC LIMIT ?",
            (query, limit),
        ).fetchall()
        return [Hit(title, body, float(score)) for title, body, score in rows]

    def nearest(self, question: str, count: int) -> list[Hit]:
        """Exactly `count` documents (or the whole corpus, if smaller), as a vector store's top-k
        always answers: those the question matches first, best first, then the others in corpus
        order with score 0 — a question in words the corpus never uses still gets documents."""
        hits = self.search(question, limit=count)
        if len(hits) < count:
            seen = {h.title for h in hits}
            rest = self._db.execute("SELECT title, body FROM docs ORDER BY rowid").fetchall()
            hits += [Hit(t, b, 0.0) for t, b in rest if t not in seen][: count - len(hits)]
        return hits


def relevance(hits: list[Hit]) -> float:
    """Mean BM25 score of the hits (0 when nothing matched)."""
    return round(sum(h.score for h in hits) / len(hits), 4) if hits else 0.0
