"""What a When did, as one typed record for its Thens.

An `Outcome` is the application's own account of its run: the sessions it traced and, for each,
the steps it traced with what it recorded on them, the model requests it made (as they went over
the wire), and the errors tracing raised into it. That is what the backend should hold; the
Thens read the backend and compare. What only some Whens produce (a RAG answer, an agent's tool
runs, an experiment) rides along as a typed *facet*; a Then that needs a facet the When did not
produce fails with a sentence saying which kind of When it needs (`NeedsAnotherWhen`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from support.readback.reader import Event
from support.target.projects import Project

if TYPE_CHECKING:
    from honeyhive import HoneyHiveTracer

StepKind = str  # a HoneyHive event type of a step: "tool", "model" or "chain"
KINDS = ("tool", "model", "chain")


class NeedsAnotherWhen(AssertionError):
    """A Then combined with a When that does not produce what it checks."""


class BadScenario(ValueError):
    """A step written with values the suite cannot run (a count out of range, an unknown
    option); the message says what is allowed."""


@dataclass(frozen=True)
class ToolCall:
    call_id: str
    name: str
    arguments: str  # as the model wrote them (JSON text)


@dataclass(frozen=True)
class ModelExchange:
    """One request the application sent to the model and what came back, as seen on the wire."""

    step: str | None  # the traced step it was made under; None outside any step
    endpoint: str  # "chat.completions" or "embeddings"
    model: str
    messages: tuple[Mapping[str, Any], ...]  # as sent
    params: Mapping[str, Any]  # everything else sent: temperature, max_tokens, tools, ...
    streamed: bool
    status: int  # HTTP status; 0 when the connection broke before an answer
    reply: str | None = None  # the text the application received (chunks joined)
    tool_calls: tuple[ToolCall, ...] = ()
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    error: str | None = None  # the error the application got

    @property
    def failed(self) -> bool:
        return self.status != 200 or self.error is not None

    def describe(self) -> str:
        what = f"{self.status}" + (f" {self.error}" if self.error else "")
        return f"{self.endpoint} under {self.step or '(no step)'}: {what}"


@dataclass
class StepOutcome:
    """One step the application traced."""

    name: str
    kind: StepKind
    parent: str | None = None  # the step it nests under; None: directly under the session
    request: str | None = None  # the request it served, when a session holds several
    recorded: dict[str, Any] = field(default_factory=dict)  # field path -> value the app gave
    error: str | None = None  # what it failed with, as the application raised it
    # the event name the backend holds it under, when the instrumentor names the step's unit in
    # its own words (Traceloop: "execute_task <step>"); None: the step's own name
    stored_name: str | None = None
    # a unit the framework opened by itself (an agent run's workflow, a turn, a graph, a tool
    # node): part of the tree, not one of the application's steps
    framework_unit: bool = False
    role: str | None = None  # what the framework made of the step ("agent"), when it matters


@dataclass
class SessionOutcome:
    """One session the application traced, and what it traced in it."""

    session_id: str
    name: str
    project: Project
    steps: list[StepOutcome] = field(default_factory=list)
    user: str | None = None
    recorded: dict[str, Any] = field(default_factory=dict)  # session fields the app gave
    # what else must be stored before the Thens look (e.g. an enrichment written after the run)
    ready: Callable[[list[Event]], bool] | None = field(default=None, repr=False)

    @property
    def step_names(self) -> list[str]:
        return [s.name for s in self.steps]

    @property
    def stored_names(self) -> list[str]:
        """The event names the backend should hold the steps under."""
        return [s.stored_name or s.name for s in self.steps]

    @property
    def framework_units(self) -> frozenset[str]:
        return frozenset(s.name for s in self.steps if s.framework_unit)

    @property
    def aliases(self) -> dict[str, str]:
        """Stored event name -> the step's name, where an instrumentor names a step its way."""
        return {s.stored_name: s.name for s in self.steps if s.stored_name}

    def step(self, name: str) -> StepOutcome:
        found = [s for s in self.steps if s.name == name]
        if not found:
            raise NeedsAnotherWhen(
                f"the application traced no step named {name!r} in session {self.name}; "
                f"its steps are {self.step_names}"
            )
        return found[0]


@dataclass(frozen=True)
class TracingFacts:
    """How tracing behaved for the application."""

    errors: tuple[str, ...] = ()  # errors tracing raised into the application
    init_seconds: float | None = None  # how long starting the tracer took
    trace_seconds: float | None = None  # how long tracing the steps took
    flushed: bool | None = None  # what flush() returned


F = TypeVar("F")


@dataclass
class Outcome:
    """What one When did (see the module docstring)."""

    action: str  # the When, in its own words, for messages
    sessions: list[SessionOutcome] = field(default_factory=list)
    model_exchanges: list[ModelExchange] = field(default_factory=list)
    tracing: TracingFacts = TracingFacts()
    tracers: list[HoneyHiveTracer] = field(default_factory=list, repr=False)
    facets: list[object] = field(default_factory=list)
    # when the When ended (its flush had returned): the absence windows count from here
    finished_at: float = field(default_factory=time.monotonic, repr=False)

    def __repr__(self) -> str:  # shown as an Allure parameter: short and secret-free
        return f"Outcome({self.action!r}, {len(self.sessions)} session(s))"

    @property
    def session(self) -> SessionOutcome:
        """The one session of the When; several (users, tenants) need 'every session'."""
        if not self.sessions:
            raise NeedsAnotherWhen(
                f"this Then reads the session the When traced, but '{self.action}' traced no "
                "session of its own; it needs a When that runs an application in a session"
            )
        if len(self.sessions) != 1:
            raise NeedsAnotherWhen(
                f"this Then checks one session, but '{self.action}' traced "
                f"{len(self.sessions)}; use the 'every session' / 'each user's session' phrases"
            )
        return self.sessions[0]

    def facet(self, kind: type[F]) -> F:
        """The facet of type `kind`, or a plain sentence naming the When it needs."""
        for item in self.facets:
            if isinstance(item, kind):
                return item
        needs = getattr(kind, "NEEDS", f"a When that produces {kind.__name__}")
        raise NeedsAnotherWhen(f"this Then needs {needs}; '{self.action}' is not one")

    def has(self, kind: type[object]) -> bool:
        return any(isinstance(item, kind) for item in self.facets)

    def exchanges_under(self, step: str) -> list[ModelExchange]:
        return [x for x in self.model_exchanges if x.step == step]

    def all_steps(self) -> Iterator[tuple[SessionOutcome, StepOutcome]]:
        for session in self.sessions:
            for step in session.steps:
                yield session, step


class Facet:
    """Base of the typed facets: NEEDS names, in the domain's words, the When that makes it."""

    NEEDS: ClassVar[str] = "another kind of When"
