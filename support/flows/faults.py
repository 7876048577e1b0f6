"""Faults: the backend or the model misbehaves while an application runs. A fault Given plans
the fault on the embedded servers' control planes and records it, so that a When which never
meets it is reported instead of passing silently; the When records what the application sent
and how the SDK behaved, so the Thens can count what arrived."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from support.app.assistant import STEPS, Assistant
from support.app.documents import DocumentStore
from support.ids import unique
from support.outcome import (
    BadScenario,
    Facet,
    NeedsAnotherWhen,
    Outcome,
    SessionOutcome,
    StepOutcome,
    TracingFacts,
)
from support.sdk.settings import environment
from support.sdk.tracers import TracedSession, Tracers
from support.target.model import ModelTarget, openai_client
from support.target.private_backend import PrivateBackend
from support.target.projects import Project

BACKEND_ANSWERS: dict[str, dict[str, Any]] = {
    "status 503": {"action": "status", "status": 503},
    "status 429": {"action": "status", "status": 429, "retry_after": 0},
    "a dropped connection": {"action": "reset"},
}
EMBEDDED = "needs the embedded {what} (tag the scenario @emulator_only)"


@dataclass
class PlannedFault:
    """A fault a Given planned; `met()` says whether the When ran into it."""

    what: str
    met: Any = field(repr=False)  # () -> (bool, what was seen)


@dataclass
class Plan:
    faults: list[PlannedFault] = field(default_factory=list)

    def unmet(self) -> list[str]:
        out = []
        for fault in self.faults:
            ok, seen = fault.met()
            if not ok:
                out.append(f"{fault.what} ({seen})")
        return out


@dataclass(frozen=True)
class BackendFacts(Facet):
    """What the embedded backend saw of the When's exports."""

    NEEDS = "a When that traces steps through a backend with planned faults"
    refused: int  # exports the planned fault answered
    exports: int  # exports the backend stored


def _control(project: Project) -> Any:
    if project.control is None:
        raise NeedsAnotherWhen(EMBEDDED.format(what="backend's control plane"))
    return project.control


def refuse_exports(plan: Plan, project: Project, count: int, answer: str) -> None:
    if answer not in BACKEND_ANSWERS:
        raise BadScenario(f"unknown answer {answer!r}; use one of {sorted(BACKEND_ANSWERS)}")
    control = _control(project)
    control.set_faults(project.name, [{"route": "otlp", "times": count, **BACKEND_ANSWERS[answer]}])

    def met() -> tuple[bool, str]:
        hits = sum(f["hits"] for f in control.faults(project.name))
        return hits >= 1, f"the backend answered {hits} trace exports that way"

    plan.faults.append(PlannedFault(f"the next {count} trace exports answered with {answer}", met))


def slow_session_start(
    plan: Plan, project: Project, timeout_seconds: float
) -> dict[str, str | None]:
    """The next session start is answered 2.5x later than the app's API timeout allows; returns
    the environment that sets that timeout for the app's tracer."""
    control = _control(project)
    delay_ms = int(timeout_seconds * 2500)
    control.set_faults(
        project.name, [{"route": "session", "action": "delay", "delay_ms": delay_ms, "times": 1}]
    )

    def met() -> tuple[bool, str]:
        hits = sum(f["hits"] for f in control.faults(project.name))
        return hits >= 1, f"{hits} session starts were delayed"

    plan.faults.append(PlannedFault("the next session start answered late", met))
    return {"HH_API_TIMEOUT": str(timeout_seconds)}


def model_fails(plan: Plan, model: ModelTarget, status: int, count: int) -> None:
    if model.control is None:
        raise NeedsAnotherWhen(EMBEDDED.format(what="model server"))
    model.control.fail_next(model.api_key, status, count)
    control = model.control

    def met() -> tuple[bool, str]:
        seen = [r.get("status") for r in control.requests(model.api_key)]
        answered = (
            f"the model server answered {len(seen)} request(s), with {', '.join(map(str, seen))}"
            if seen
            else "the application sent the model no request"
        )
        return seen.count(status) >= count, answered

    plan.faults.append(PlannedFault(f"the next {count} model requests answered {status}", met))


def model_cuts_stream(plan: Plan, model: ModelTarget, after_chunks: int) -> None:
    if model.control is None:
        raise NeedsAnotherWhen(EMBEDDED.format(what="model server"))
    model.control.cut_next_stream(model.api_key, after_chunks)
    control = model.control

    def met() -> tuple[bool, str]:
        seen = control.requests(model.api_key)
        streamed = [r for r in seen if r.get("stream")]
        return bool(streamed), f"{len(streamed)} streamed of {len(seen)} model requests"

    plan.faults.append(
        PlannedFault(f"the next streamed answer cut after {after_chunks} chunks", met)
    )


def step_name(i: int) -> str:
    return f"step-{i}"


def _trace_steps(tracer: Any, unique_id: str, names: list[str], errors: list[str]) -> None:
    for name in names:
        try:
            with tracer.trace(name) as span:
                span.set_attribute("scenario.unique_id", unique_id)
        except Exception as exc:  # the promise under test: tracing never breaks the app
            errors.append(f"{name}: {type(exc).__name__}: {exc}")


def _backend_facts(project: Project) -> list[object]:
    if project.control is None:
        return []
    refused = sum(f["hits"] for f in project.control.faults(project.name))
    return [BackendFacts(refused, len(project.control.payloads(project.name)))]


def steps_in_session(tracers: Tracers, project: Project, count: int) -> Outcome:
    unique_id, errors = unique("faults"), list[str]()
    names = [step_name(i) for i in range(count)]
    tracer = tracers.open(project, unique_id)
    init_seconds = tracers.last_init_seconds
    _trace_steps(tracer, unique_id, names, errors)
    flushed = tracer.flush()
    session = SessionOutcome(
        str(tracer.session_id), unique_id, project, [StepOutcome(n, "tool") for n in names]
    )
    return Outcome(
        action=f"the application traces {count} steps in one session and flushes",
        sessions=[session],
        tracing=TracingFacts(tuple(errors), init_seconds, None, flushed),
        tracers=[tracer],
        facets=_backend_facts(project),
    )


def around_backend_outage(
    tracers: Tracers, backend: PrivateBackend, count: int, outage: str
) -> Outcome:
    """`down at start`: the app starts while nothing listens, the backend comes up half-way.
    `restart`: the backend is killed (SIGKILL) and restarted half-way.

    The batch timer is set beyond the scenario (OTEL_BSP_SCHEDULE_DELAY, which the SDK honours)
    so that the exports are the application's own flushes, made while the backend is up: what
    a batch exported *during* an outage loses is the json-exporter finding's business, and a
    backend that takes longer than the SDK's 5-second timer to start on a loaded machine must
    not turn this scenario into that one."""
    unique_id, errors = unique("outage"), list[str]()
    names = [step_name(i) for i in range(count)]
    half = count // 2
    if outage == "restart":
        backend.start()
    with environment({"OTEL_BSP_SCHEDULE_DELAY": "120000"}):
        tracer = tracers.open(backend.project, unique_id)
    init_seconds = tracers.last_init_seconds
    _trace_steps(tracer, unique_id, names[:half], errors)
    if outage == "restart":
        tracer.flush()
        backend.restart()
    else:
        backend.start()
    _trace_steps(tracer, unique_id, names[half:], errors)
    flushed = tracer.flush()
    session = SessionOutcome(
        str(tracer.session_id), unique_id, backend.project, [StepOutcome(n, "tool") for n in names]
    )
    return Outcome(
        action=f"the application traces {count} steps around a backend outage ({outage})",
        sessions=[session],
        tracing=TracingFacts(tuple(errors), init_seconds, None, flushed),
        tracers=[tracer],
    )


def resilient_answer(
    tracers: Tracers, project: Project, model: ModelTarget, *, stream: bool
) -> Outcome:

    with TracedSession(tracers, project, "model-faults", model) as s:
        bot = Assistant(
            s.tracer,
            openai_client(model, max_retries=0),
            model.model,
            DocumentStore(),
            max_tokens=24,
            retries=3,
            stream=stream,
        )
        bot.answer("Why trace an LLM application?")
        s.steps = [StepOutcome(n, "model" if n == "llm-generation" else "tool") for n in STEPS]
    return s.outcome("the assistant answers, retrying failed model calls")
