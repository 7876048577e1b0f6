"""Retrieval-augmented generation: embed the question, retrieve the nearest documents from the
vector store, rerank them by the question's words, and answer from the best ones. Retrieval,
reranking and generation are separate traced steps, each recording its documents."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .vector_index import Document, Neighbour, VectorIndex, embed

if TYPE_CHECKING:
    import openai
    from honeyhive import HoneyHiveTracer

CORPUS = Path(__file__).with_name("corpus.json")
STEPS = ("retrieval", "reranking", "generation")
_WORD = re.compile(r"[a-z]{4,}")


def corpus() -> list[Document]:
    docs = json.loads(CORPUS.read_text(encoding="utf-8"))
    return [Document(f"doc-{i:02d}", d["title"], d["body"]) for i, d in enumerate(docs)]


def word_overlap(question: str, doc: Document) -> float:
    """The reranker's score: the share of the question's words found in the document."""
    asked = set(_WORD.findall(question.lower()))
    present = set(_WORD.findall(f"{doc.title} {doc.body}".lower()))
    return round(len(asked & present) / len(asked), 6) if asked else 0.0


def listed(
    neighbours: list[Neighbour], scores: dict[str, float] | None = None
) -> list[dict[str, object]]:
    return [
        {
            "id": n.doc.doc_id,
            "title": n.doc.title,
            "score": scores[n.doc.doc_id] if scores else n.similarity,
        }
        for n in neighbours
    ]


@dataclass(frozen=True)
class RagAnswer:
    retrieved: list[dict[str, object]]
    reranked: list[dict[str, object]]
    kept_bodies: list[str]
    dropped_bodies: list[str]
    reply: str


@dataclass
class RagPipeline:
    tracer: HoneyHiveTracer
    client: openai.OpenAI
    model: str
    index: VectorIndex
    candidates: int = 4
    keep: int = 2

    def answer(self, question: str) -> RagAnswer:
        t = self.tracer
        with t.trace("retrieval", event_type="tool"):
            (query,) = embed(self.client, [question])
            found = self.index.nearest(query, self.candidates)
            t.enrich_span(
                inputs={"query": question},
                outputs={"documents": listed(found)},
                metadata={"vector_store": "sqlite-exact-cosine", "candidates": self.candidates},
            )
        with t.trace("reranking", event_type="tool"):
            scores = {n.doc.doc_id: word_overlap(question, n.doc) for n in found}
            ranked = sorted(found, key=lambda n: (-scores[n.doc.doc_id], -n.similarity))
            kept = ranked[: self.keep]
            t.enrich_span(
                inputs={"query": question, "documents": [n.doc.doc_id for n in found]},
                outputs={"documents": listed(kept, scores)},
                metadata={"reranker": "word-overlap", "kept": self.keep},
            )
        with t.trace("generation", event_type="chain") as span:
            context = "\n".join(f"- {n.doc.title}: {n.doc.body}" for n in kept)
            response = self.client.chat.completions.create(
                model=self.model,
                messages=[
                    {
                        "role": "system",
                        "content": f"Answer briefly from these documents:\n{context}",
                    },
                    {"role": "user", "content": question},
                ],
                max_tokens=24,
                temperature=0,
            )
            reply = response.choices[0].message.content or ""
            span.set_attribute("model.response", reply)
        return RagAnswer(
            listed(found),
            listed(kept, scores),
            [n.doc.body for n in kept],
            [n.doc.body for n in ranked[self.keep :]],
            reply,
        )
