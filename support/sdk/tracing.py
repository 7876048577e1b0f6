"""Tracers for scenarios, made safe for many tracers in one process.

The SDK does not isolate tracers (see ../shared/reference/honeyhive-sdk.md): the first tracer
becomes the global OpenTelemetry provider, shutting it down disables all later spans, and
`with_session`/`@trace` leave a session id in the shared context. So this module
- pins a plain global provider before any HoneyHiveTracer exists (`pin_global_provider`), so
  every tracer gets its own provider;
- gives each scenario a clean OpenTelemetry context and detaches it afterwards (`clean_context`);
- routes OpenAI instrumentation spans to the tracer of the tenant active in the current context
  (`RoutingTracerProvider` + `acting_as`), so two live tenants each get their own model spans.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.util.types import Attributes

from support.sdk import span_index

if TYPE_CHECKING:
    from honeyhive import HoneyHiveTracer

_active: ContextVar[HoneyHiveTracer | None] = ContextVar("active_tracer", default=None)
_pin_lock = threading.Lock()
_closed: set[int] = set()


def pin_global_provider() -> None:
    """Install a plain global provider once, before the first HoneyHiveTracer."""
    with _pin_lock:
        current = trace.get_tracer_provider()
        if not isinstance(current, TracerProvider):
            trace.set_tracer_provider(TracerProvider())


@contextlib.contextmanager
def clean_context() -> Iterator[None]:
    """Run a scenario in an empty OpenTelemetry context, detached at the end (this contains the
    session id that `with_session`/`@trace` leave behind)."""
    token = otel_context.attach(otel_context.Context())
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            otel_context.detach(token)


@contextlib.contextmanager
def acting_as(tracer: HoneyHiveTracer) -> Iterator[HoneyHiveTracer]:
    """Within this block, instrumented model calls are traced by `tracer`."""
    token = _active.set(tracer)
    try:
        yield tracer
    finally:
        _active.reset(token)


class RoutingTracer(trace.Tracer):
    """Delegates every span to the active tracer's own provider."""

    def __init__(self, name: str, version: str | None, schema_url: str | None) -> None:
        self._args = (name, version, schema_url)

    def _target(self) -> trace.Tracer:
        tracer = _active.get()
        provider = tracer.provider if tracer is not None else None
        return (provider or trace.get_tracer_provider()).get_tracer(*self._args)

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> trace.Span:
        return self._target().start_span(name, *args, **kwargs)

    @contextlib.contextmanager
    def start_as_current_span(  # type: ignore[override]
        self, name: str, *args: Any, **kwargs: Any
    ) -> Iterator[trace.Span]:
        with self._target().start_as_current_span(name, *args, **kwargs) as span:
            yield span


class RoutingTracerProvider(trace.TracerProvider):
    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str | None = None,
        schema_url: str | None = None,
        attributes: Attributes | None = None,
    ) -> trace.Tracer:
        return RoutingTracer(instrumenting_module_name, instrumenting_library_version, schema_url)


def instrument_openai() -> None:
    """OpenInference's OpenAI instrumentor (the SDK's recommended one), once per process; it
    traces every scenario that does not choose another framework or instrumentor
    (`support/sdk/instrumentors.py`)."""
    from support.sdk.instrumentors import instrument_default

    instrument_default()


def open_tracer(
    *,
    api_key: str,
    server_url: str,
    session_name: str | None,
    source: str,
    **options: Any,
) -> HoneyHiveTracer:
    """A HoneyHiveTracer with its own provider; its session starts at init, as in the SDK.
    `session_name=None` leaves the name to the SDK (environment, defaults)."""
    from honeyhive import HoneyHiveTracer

    pin_global_provider()
    if session_name is not None:
        options["session_name"] = session_name
    tracer = HoneyHiveTracer(
        api_key=api_key, server_url=server_url, source=source, verbose=False, **options
    )
    span_index.watch(getattr(tracer, "provider", None))
    return tracer


def close_tracer(tracer: HoneyHiveTracer) -> None:
    """Flush, shut the tracer down (this stops its cache threads), then stop its own provider
    (`tracer.shutdown()` alone leaves the batch thread running). Closing twice is a no-op."""
    provider = getattr(tracer, "provider", None)
    if provider is None or id(provider) in _closed:
        return
    _closed.add(id(provider))
    try:
        tracer.flush()
        tracer.shutdown()
    finally:
        if provider is not trace.get_tracer_provider():
            provider.shutdown()


_closing = ThreadPoolExecutor(max_workers=4, thread_name_prefix="close-tracer")
_pending: list[tuple[str, Future[None]]] = []


def close_in_background(tracer: HoneyHiveTracer) -> None:
    """Close a tracer off the scenario's critical path (the SDK's shutdown sleeps); the run
    waits for every close at its end (`wait_for_closes`). The tracer was flushed by its When."""
    _pending.append((str(tracer.session_id), _closing.submit(close_tracer, tracer)))


def wait_for_closes(timeout: float = 60.0) -> list[str]:
    """Wait for every background close; the problems met, one line each."""
    problems = []
    for session_id, done in _pending:
        try:
            done.result(timeout=timeout)
        except Exception as exc:  # reported by the caller, never swallowed
            problems.append(
                f"closing the tracer of session {session_id}: {type(exc).__name__}: {exc}"
            )
    _pending.clear()
    return problems
