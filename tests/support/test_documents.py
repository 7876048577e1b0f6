"""The assistant's document store searches for real (SQLite FTS5, BM25)."""

from __future__ import annotations

from support.app.assistant import InvalidInput, build_prompt, validate_and_sanitize
from support.app.documents import DocumentStore, relevance


def test_ranks_the_most_relevant_document_first() -> None:
    hits = DocumentStore().search("What are the benefits of machine learning?")
    assert hits and hits[0].title == "Benefits of machine learning"
    assert relevance(hits) > 0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_questions_without_content_words_find_nothing() -> None:
    assert DocumentStore().search("what and why?") == []
    assert relevance([]) == 0.0


def test_input_validation_cleans_and_rejects_empty_input() -> None:
    assert validate_and_sanitize("  hi\x00\x07 there \n") == "hi there"
    try:
        validate_and_sanitize(" \t ")
    except InvalidInput as exc:
        assert "empty" in str(exc)
    else:
        raise AssertionError("empty input accepted")


def test_prompt_carries_context_and_history() -> None:
    store = DocumentStore()
    msgs = build_prompt("overfitting?", store.search("overfitting"), [])
    assert msgs[0]["role"] == "system" and "Overfitting" in msgs[0]["content"]
    assert msgs[-1] == {"role": "user", "content": "overfitting?"}
