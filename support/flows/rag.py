"""Retrieval-augmented generation over the embedded vector store."""

from __future__ import annotations

from dataclasses import dataclass

from support.app.rag import STEPS, RagAnswer, RagPipeline, corpus
from support.app.vector_index import VectorIndex
from support.outcome import Facet, Outcome, StepOutcome
from support.sdk.tracers import TracedSession, Tracers
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

KINDS = {"retrieval": "tool", "reranking": "tool", "generation": "chain"}


@dataclass(frozen=True)
class Retrieval(Facet):
    NEEDS = "a When in which the assistant answers from the knowledge base"
    question: str
    answer: RagAnswer


def knowledge_base(model: ModelTarget) -> VectorIndex:
    """The shipped corpus embedded into the vector store before any session (an offline job)."""
    return VectorIndex.build(openai_client(model), corpus())


def rag_answer(
    tracers: Tracers, project: Project, model: ModelTarget, index: VectorIndex, question: str
) -> Outcome:
    with TracedSession(tracers, project, "rag", model) as s:
        answer = RagPipeline(s.tracer, openai_client(model), model.model, index).answer(question)
        s.steps = [
            StepOutcome(
                name,
                KINDS[name],
                recorded={"metadata.model.response": answer.reply} if name == "generation" else {},
            )
            for name in STEPS
        ]
    return s.outcome(
        f"the assistant answers {question!r} from the knowledge base",
        facets=[Retrieval(question, answer)],
    )
