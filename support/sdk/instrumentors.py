"""Which instrumentor traces which framework, and how it is attached.

HoneyHive documents one way to bring an instrumentor: `Instrumentor().instrument(
tracer_provider=tracer.provider)`. An instrumentor patches its library once per process, and a
run holds many tracers (one per scenario and tenant), so each instrumentor is attached once, to a
provider that hands every span to the provider of the tracer active in the context
(`tracing.RoutingTracerProvider`, the same route the default OpenAI instrumentation takes) —
and only while the scenario says that instrumentor is in use (`using`). Outside its scenarios
an attached instrumentor starts no span: it hands back the current span, so nothing is traced
twice and no parent link breaks.

`INSTRUMENTATIONS` is the one table from (framework, instrumentor) to the instrumentor classes:
nothing else in the suite names an instrumentation package. A pair missing from it is a cell
the instrumentor's publisher does not cover (`uncovered`).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from opentelemetry.util.types import Attributes

from support.sdk.tracing import RoutingTracer

# ---- the vocabulary a feature file uses ------------------------------------------------------

FRAMEWORKS = {
    "the OpenAI client": "openai",
    "LangChain": "langchain",
    "LangGraph": "langgraph",
    "the OpenAI Agents SDK": "openai_agents",
    "LiteLLM": "litellm",
    "the Anthropic SDK": "anthropic",
}
INSTRUMENTORS = {
    "OpenInference": "openinference",
    "Traceloop": "traceloop",
    "OpenTelemetry GenAI": "genai",
}


@dataclass(frozen=True)
class Instrumentation:
    """One instrumentor class: its module, its class, the environment it needs to record
    message content, and the pip package (for the message when it is not installed)."""

    module: str
    cls: str
    package: str
    env: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.module}.{self.cls}"


def _oi(name: str, cls: str, package: str) -> Instrumentation:
    return Instrumentation(f"openinference.instrumentation.{name}", cls, package)


def _tl(name: str, cls: str, package: str) -> Instrumentation:
    # Traceloop records prompts and completions unless told not to; say so explicitly
    content = (("TRACELOOP_TRACE_CONTENT", "true"),)
    return Instrumentation(f"opentelemetry.instrumentation.{name}", cls, package, content)


_OI_OPENAI = _oi("openai", "OpenAIInstrumentor", "openinference-instrumentation-openai")
_TL_OPENAI = _tl("openai", "OpenAIInstrumentor", "opentelemetry-instrumentation-openai")
_GENAI_OPENAI = Instrumentation(
    "opentelemetry.instrumentation.openai_v2",
    "OpenAIInstrumentor",
    "opentelemetry-instrumentation-openai-v2",
    # without both, openai-v2 records no message content (toolchain facts)
    (
        ("OTEL_SEMCONV_STABILITY_OPT_IN", "gen_ai_latest_experimental"),
        ("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "SPAN_ONLY"),
    ),
)

#: (framework, instrumentor) -> the instrumentors HoneyHive's docs attach for that pair: the
#: framework's own instrumentor only (a client instrumentor beside it would see the same model
#: call a second time)
INSTRUMENTATIONS: dict[tuple[str, str], tuple[Instrumentation, ...]] = {
    ("openai", "openinference"): (_OI_OPENAI,),
    ("openai", "traceloop"): (_TL_OPENAI,),
    ("openai", "genai"): (_GENAI_OPENAI,),
    ("langchain", "openinference"): (
        _oi("langchain", "LangChainInstrumentor", "openinference-instrumentation-langchain"),
    ),
    ("langchain", "traceloop"): (
        _tl("langchain", "LangchainInstrumentor", "opentelemetry-instrumentation-langchain"),
    ),
    # LangGraph runs on LangChain's callbacks: both publishers trace it with their LangChain
    # instrumentor
    ("langgraph", "openinference"): (
        _oi("langchain", "LangChainInstrumentor", "openinference-instrumentation-langchain"),
    ),
    ("langgraph", "traceloop"): (
        _tl("langchain", "LangchainInstrumentor", "opentelemetry-instrumentation-langchain"),
    ),
    ("openai_agents", "openinference"): (
        _oi(
            "openai_agents",
            "OpenAIAgentsInstrumentor",
            "openinference-instrumentation-openai-agents",
        ),
    ),
    ("openai_agents", "traceloop"): (
        _tl(
            "openai_agents",
            "OpenAIAgentsInstrumentor",
            "opentelemetry-instrumentation-openai-agents",
        ),
    ),
    ("litellm", "openinference"): (
        _oi("litellm", "LiteLLMInstrumentor", "openinference-instrumentation-litellm"),
    ),
    ("litellm", "traceloop"): (
        _tl("litellm", "LiteLLMInstrumentor", "opentelemetry-instrumentation-litellm"),
    ),
    ("anthropic", "openinference"): (
        _oi("anthropic", "AnthropicInstrumentor", "openinference-instrumentation-anthropic"),
    ),
    ("anthropic", "traceloop"): (
        _tl("anthropic", "AnthropicInstrumentor", "opentelemetry-instrumentation-anthropic"),
    ),
}

DEFAULT = (_OI_OPENAI,)  # what every scenario without a framework Given is traced by


class CellUnavailable(RuntimeError):
    """A framework or instrumentor that is not installed, or a pair nobody publishes."""


def uncovered(framework: str, instrumentor: str) -> bool:
    return (framework, instrumentor) not in INSTRUMENTATIONS


def framework_name(words: str) -> str:
    """The framework a feature names, or one sentence listing the known ones."""
    if words in FRAMEWORKS:
        return FRAMEWORKS[words]
    raise CellUnavailable(
        f"no framework is called {words!r}; the known ones are " + ", ".join(FRAMEWORKS)
    )


def instrumentor_name(words: str) -> str:
    if words in INSTRUMENTORS:
        return INSTRUMENTORS[words]
    raise CellUnavailable(
        f"no instrumentor is called {words!r}; the known ones are " + ", ".join(INSTRUMENTORS)
    )


_BUILT_WITH = re.compile(r"the application is built with (.+?) and traced by ([^,]+)")


def check_phrase(text: str) -> str | None:
    """For a step that names a framework and an instrumentor: what is wrong with the names, in
    one sentence (None when they are a cell of the matrix); read before any scenario runs."""
    match = _BUILT_WITH.match(text)
    if match is None:
        return None
    try:
        framework = framework_name(match[1])
        instrumentor = instrumentor_name(match[2].strip())
    except CellUnavailable as exc:
        return str(exc)
    if uncovered(framework, instrumentor):
        return f"{match[2].strip()} publishes no instrumentor for {match[1]}"
    return None


# ---- attached once, active per scenario ------------------------------------------------------

_active: ContextVar[frozenset[str]] = ContextVar(
    "active_instrumentations", default=frozenset(i.key for i in DEFAULT)
)
_attached: set[str] = set()
_lock = threading.Lock()


class _Idle(trace.NonRecordingSpan):
    """What an idle instrumentor gets instead of a span: the current span's context (children
    keep their parent) and its name (instrumentors that look for their parent by the current
    span's name, as Traceloop's Agents SDK processor does, still find it); nothing recorded."""

    def __init__(self) -> None:
        current = trace.get_current_span()
        super().__init__(current.get_span_context())
        self.name = str(getattr(current, "name", ""))


class _GatedTracer(trace.Tracer):
    """The routing tracer while its instrumentor is in use; otherwise the current span, so an
    idle instrumentor's wrapper neither records nor breaks the parent chain."""

    def __init__(self, key: str, inner: RoutingTracer) -> None:
        self._key, self._inner = key, inner

    def _on(self) -> bool:
        return self._key in _active.get()

    def start_span(self, name: str, *args: Any, **kwargs: Any) -> trace.Span:
        if self._on():
            return self._inner.start_span(name, *args, **kwargs)
        return _Idle()

    @contextlib.contextmanager
    def start_as_current_span(  # type: ignore[override]
        self, name: str, *args: Any, **kwargs: Any
    ) -> Iterator[trace.Span]:
        if self._on():
            with self._inner.start_as_current_span(name, *args, **kwargs) as span:
                yield span
        else:
            yield _Idle()


class _GatedProvider(trace.TracerProvider):
    def __init__(self, key: str) -> None:
        self._key = key

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str | None = None,
        schema_url: str | None = None,
        attributes: Attributes | None = None,
    ) -> trace.Tracer:
        inner = RoutingTracer(instrumenting_module_name, instrumenting_library_version, schema_url)
        return _GatedTracer(self._key, inner)


def attach(instrumentation: Instrumentation) -> None:
    """Instrument the library once per process (HoneyHive's documented call, with the routing
    provider standing in for the active tracer's own)."""
    with _lock:
        if instrumentation.key in _attached:
            return
        for name, value in instrumentation.env:
            os.environ.setdefault(name, value)
        try:
            module = importlib.import_module(instrumentation.module)
        except ImportError as exc:
            raise CellUnavailable(
                f"{instrumentation.package} is not installed ({exc}); `make deps` installs the "
                "framework matrix's pinned frameworks and instrumentors"
            ) from None
        getattr(module, instrumentation.cls)().instrument(
            tracer_provider=_GatedProvider(instrumentation.key)
        )
        _attached.add(instrumentation.key)


@contextlib.contextmanager
def using(instrumentations: tuple[Instrumentation, ...]) -> Iterator[None]:
    """Within this block exactly these instrumentors trace (each attached first)."""
    for instrumentation in instrumentations:
        attach(instrumentation)
    token = _active.set(frozenset(i.key for i in instrumentations))
    try:
        yield
    finally:
        _active.reset(token)


def instrument_default() -> None:
    """The OpenAI instrumentation every scenario without a framework Given is traced by."""
    for instrumentation in DEFAULT:
        attach(instrumentation)
