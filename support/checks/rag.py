"""Then checks of retrieval-augmented generation, against the stored retrieval, reranking and
generation steps."""

from __future__ import annotations

from typing import Any

from support.flows.rag import Retrieval
from support.outcome import Outcome
from support.readback.fields import field as value
from support.readback.reader import Event
from support.readback.stored import Stored


def _documents(stored: Stored, step: str) -> list[dict[str, Any]]:
    docs = value(stored.one(step), "outputs.documents")
    if isinstance(docs, dict):  # a backend that keeps flattened list items as "0", "1", ...
        docs = [docs[k] for k in sorted(docs, key=int)]
    assert isinstance(docs, list), f"{step} stored no document list in its outputs: {docs!r}"
    return docs


def _embedding_call(stored: Stored) -> Event:
    """The one embedding call under the retrieval step."""
    children = stored.children(stored.one("retrieval"))
    calls = [e for e in children if "mbedding" in str(e.get("event_name"))]
    assert len(calls) == 1, (
        f"retrieval holds {[c.get('event_name') for c in children]}, not one embedding call"
    )
    return calls[0]


def query_embedded(stored: Stored, rag: Retrieval) -> None:
    call = _embedding_call(stored)
    assert rag.question in str(call.get("inputs")) + str(call.get("metadata")), (
        f"the embedding call does not record the question: {call.get('inputs')}"
    )


def retrieved_as_returned(stored: Stored, rag: Retrieval) -> None:
    got, sent = _documents(stored, "retrieval"), rag.answer.retrieved
    assert got == sent, f"retrieval stored {got}, the vector store returned {sent}"
    scores = [d["score"] for d in got]
    assert scores == sorted(scores, reverse=True), f"retrieval scores not nearest first: {scores}"


def reranked_from_retrieved(stored: Stored, rag: Retrieval, keep: int) -> None:
    retrieved = [d["id"] for d in _documents(stored, "retrieval")]
    given = value(stored.one("reranking"), "inputs.documents")
    assert given == retrieved, f"reranking was given {given}, retrieval returned {retrieved}"
    kept = _documents(stored, "reranking")
    assert kept == rag.answer.reranked, (
        f"reranking stored {kept}, the app kept {rag.answer.reranked}"
    )
    assert len(kept) == keep and {d["id"] for d in kept} <= set(retrieved), kept
    scores = [d["score"] for d in kept]
    assert scores == sorted(scores, reverse=True), f"reranked documents out of order: {scores}"


def generation_grounded(stored: Stored, rag: Retrieval) -> None:
    calls = stored.model_calls_under(stored.one("generation"))
    assert len(calls) == 1, f"generation holds {len(calls)} model calls"
    sent = str(value(calls[0], "inputs.chat_history"))
    answer = rag.answer
    missing = [b[:40] for b in answer.kept_bodies if b not in sent]
    dropped = [b[:40] for b in answer.dropped_bodies if b in sent]
    assert not missing, f"the model was not given the kept documents {missing}"
    assert not dropped, f"the model was given documents the reranking dropped {dropped}"


def embedding_is_model_call(stored: Stored, outcome: Outcome) -> None:
    """The embedding call is a model event, with the token count the model answered it with."""
    call = _embedding_call(stored)
    tokens = value(call, "metadata.prompt_tokens")
    assert call.get("event_type") == "model", (
        f"the embedding call {call.get('event_name')} is stored as a {call.get('event_type')!r} "
        f"event, not a model event (token count {tokens!r})"
    )
    sent = [x for x in outcome.model_exchanges if x.endpoint == "embeddings" and not x.failed]
    assert len(sent) == 1, f"the application made {len(sent)} embedding calls, not one"
    assert tokens == sent[0].prompt_tokens, (
        f"the embedding call's token count is stored as {tokens!r}; the model counted "
        f"{sent[0].prompt_tokens}"
    )
