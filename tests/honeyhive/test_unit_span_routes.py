"""The span mapping classifies each attribute key once and keeps the answer in a bounded cache:
a key maps the same whether it is met first or again, and after the cache is cleared."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.honeyhive import span_mapping
from emulator.honeyhive.otlp.spans import Span
from emulator.honeyhive.span_mapping import span_to_event

ATTRIBUTES: dict[str, Any] = {
    "honeyhive.session_id": "s",
    "honeyhive_inputs.q": "what?",
    "honeyhive_metadata.nested.a": 1,
    "honeyhive_config": '{"model": "m"}',
    "llm.model_name": "m2",
    "llm.unmapped": 3,
    "traceloop.association.properties.x": "dropped",
    "plain.attr": True,
}


def _event() -> dict[str, Any]:
    span = Span("ab" * 16, "cd" * 8, None, "n", "INTERNAL", 0, 1, dict(ATTRIBUTES), "UNSET", "")
    return span_to_event(span, project="p", project_id="pid", session_id="s")


def test_a_key_maps_the_same_first_and_again() -> None:
    span_mapping._ROUTES.clear()
    first = _event()
    again = _event()

    assert first == again
    assert first["inputs"] == {"q": "what?"}
    assert first["metadata"]["nested"] == {"a": 1}
    assert first["config"] == {"model": "m"}
    assert first["metadata"]["llm.unmapped"] == 3 and first["metadata"]["plain.attr"] is True
    assert "traceloop.association.properties.x" not in first["metadata"]


def test_the_cache_is_bounded_and_maps_the_same_after_it_is_cleared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(span_mapping, "_MAX_ROUTES", 3)
    span_mapping._ROUTES.clear()
    expected = _event()

    for _ in range(3):
        assert _event() == expected
        assert len(span_mapping._ROUTES) <= 3
