"""Which traced step a piece of work ran under: a span processor on every scenario tracer's own
provider keeps each live span's name and parent, so a model request seen on the wire can be
attributed to the application step that made it (the instrumentor's model span is the current
span while the request is sent; its parent is the application's step)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor

from support.app import step_context


@dataclass(frozen=True)
class _Known:
    name: str
    parent: int | None


class SpanIndex(SpanProcessor):
    """span id -> (name, parent span id), for spans that started in this process."""

    def __init__(self, limit: int = 100_000) -> None:
        self._spans: dict[int, _Known] = {}
        self._lock = threading.Lock()
        self._limit = limit

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        parent = span.parent.span_id if span.parent is not None else None
        with self._lock:
            if len(self._spans) >= self._limit:
                self._spans.clear()  # a bound, not a cache policy: runs never get near it
            self._spans[span.context.span_id] = _Known(span.name, parent)

    def on_end(self, span: ReadableSpan) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True

    def name_of(self, span_id: int | None) -> str | None:
        known = self._spans.get(span_id) if span_id is not None else None
        return known.name if known else None

    def parent_of(self, span_id: int) -> int | None:
        known = self._spans.get(span_id)
        return known.parent if known else None


INDEX = SpanIndex()
MODEL_SPANS = frozenset({"ChatCompletion", "Completion", "CreateEmbeddings", "openai.chat"})


def watch(provider: object) -> None:
    """Index the spans of a tracer's own provider (once per provider)."""
    add = getattr(provider, "add_span_processor", None)
    if add is not None and not getattr(provider, "_acceptance_indexed", False):
        add(INDEX)
        provider._acceptance_indexed = True  # type: ignore[attr-defined]


def current_step() -> str | None:
    """The application step the current work runs under: the one a framework app marked as
    running, else the current span, or its parent when the current span is the model
    instrumentation's own."""
    marked = step_context.current()
    if marked is not None:
        return marked
    span_id = trace.get_current_span().get_span_context().span_id or None
    name = INDEX.name_of(span_id)
    if name in MODEL_SPANS and span_id is not None:
        return INDEX.name_of(INDEX.parent_of(span_id))
    return name
