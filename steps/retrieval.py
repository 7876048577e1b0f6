"""Retrieval-augmented generation: a vector store, a reranker and the model."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from support.app.vector_index import VectorIndex
from support.checks import rag as checks
from support.flows import rag
from support.flows.rag import Retrieval
from support.outcome import Outcome
from support.readback.stored import Stored
from support.sdk.tracers import Tracers
from support.target.model import ModelTarget
from support.target.projects import Project


@given("a knowledge base embedded in the vector store", target_fixture="knowledge_base")
def knowledge_base(model: ModelTarget) -> VectorIndex:
    return rag.knowledge_base(model)


@when(
    parsers.parse('the assistant answers "{question}" from the knowledge base'),
    target_fixture="outcome",
)
def answer(
    tracers: Tracers,
    project: Project,
    model: ModelTarget,
    knowledge_base: VectorIndex,
    question: str,
) -> Outcome:
    return rag.rag_answer(tracers, project, model, knowledge_base, question)


@then("the retrieval step holds the embedding of the question")
def embedded(stored: Stored, outcome: Outcome) -> None:
    checks.query_embedded(stored, outcome.facet(Retrieval))


@then("the retrieval step records the documents the vector store returned, nearest first")
def retrieved(stored: Stored, outcome: Outcome) -> None:
    checks.retrieved_as_returned(stored, outcome.facet(Retrieval))


@then(
    parsers.parse(
        "the reranking step keeps the best {keep:d} of the retrieved documents, best first"
    )
)
def reranked(stored: Stored, outcome: Outcome, keep: int) -> None:
    checks.reranked_from_retrieved(stored, outcome.facet(Retrieval), keep)


@then("the model was given exactly the documents the reranking kept")
def grounded(stored: Stored, outcome: Outcome) -> None:
    checks.generation_grounded(stored, outcome.facet(Retrieval))


@then("the embedding of the question is recorded as a model call with its token count")
def embedding_model_call(stored: Stored, outcome: Outcome) -> None:
    checks.embedding_is_model_call(stored, outcome)
