"""Retrieval-augmented generation over the embedded vector store."""

from __future__ import annotations

from honeyhive import HoneyHiveTracer

from support.app.rag import STEPS, RagPipeline, corpus
from support.app.vector_index import VectorIndex
from support.sdk.tracers import Run, Tracers, traced
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project


def knowledge_base(model: ModelTarget) -> VectorIndex:
    """The shipped corpus embedded into the vector store before any session (an offline job)."""
    return VectorIndex.build(openai_client(model), corpus())


def rag_answer(
    tracers: Tracers, project: Project, model: ModelTarget, index: VectorIndex, question: str
) -> Run:
    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        pipeline = RagPipeline(tracer, openai_client(model), model.model, index)
        answer = pipeline.answer(question)
        return Run.of(
            project,
            tracer,
            unique_id,
            list(STEPS),
            extra={"rag": answer, "reply": answer.reply, "question": question},
        )

    return traced(tracers, project, "rag", body)
