"""Faults: the backend or the model misbehaves while an application runs. Each flow records what
the application sent and how the SDK behaved, so the Then steps can count what arrived."""

from __future__ import annotations

import time
from typing import Any

from honeyhive import HoneyHiveTracer

from emulator.honeyhive.control_client import HoneyHiveControl

from ..app.assistant import STEPS, Assistant
from ..app.documents import DocumentStore
from ..ids import unique
from ..llm import ModelTarget, openai_client
from ..private_backend import PrivateBackend
from ..projects import Project
from ..runs import Run, Tracers, traced
from .findings import environment

FAULTS: dict[str, dict[str, Any]] = {
    "status 503": {"action": "status", "status": 503},
    "status 429": {"action": "status", "status": 429, "retry_after": 0},
    "a dropped connection": {"action": "reset"},
}


def refuse_exports(control: HoneyHiveControl, project: Project, count: int, answer: str) -> None:
    if answer not in FAULTS:
        raise ValueError(f"unknown answer {answer!r}; use one of {sorted(FAULTS)}")
    control.set_faults(project.name, [{"route": "otlp", "times": count, **FAULTS[answer]}])


def slow_session_start(
    control: HoneyHiveControl, project: Project, timeout_seconds: float
) -> dict[str, str | None]:
    """The next session start is answered 2.5x later than the app's API timeout allows; returns
    the environment that sets that timeout for the app's tracer."""
    delay_ms = int(timeout_seconds * 2500)
    control.set_faults(
        project.name, [{"route": "session", "action": "delay", "delay_ms": delay_ms, "times": 1}]
    )
    return {"HH_API_TIMEOUT": str(timeout_seconds)}


def step_name(i: int) -> str:
    return f"step-{i}"


def _trace_steps(
    tracer: HoneyHiveTracer, unique_id: str, names: list[str], errors: list[str]
) -> None:
    for name in names:
        try:
            with tracer.trace(name) as span:
                span.set_attribute("scenario.unique_id", unique_id)
        except Exception as exc:  # the promise under test: tracing never breaks the app
            errors.append(f"{name}: {type(exc).__name__}: {exc}")


def steps_in_session(
    tracers: Tracers,
    project: Project,
    count: int,
    env: dict[str, str | None],
    control: HoneyHiveControl | None,
) -> Run:
    unique_id, errors = unique("faults"), list[str]()
    names = [step_name(i) for i in range(count)]
    started = time.perf_counter()
    with environment(**env):
        tracer = tracers.open(project, unique_id)
    init_seconds = time.perf_counter() - started
    _trace_steps(tracer, unique_id, names, errors)
    flushed = tracer.flush()
    refused = sum(f["hits"] for f in control.faults(project.name)) if control else 0
    exports = len(control.payloads(project.name)) if control else None
    return Run.of(
        project,
        tracer,
        unique_id,
        names,
        extra={
            "errors": errors,
            "flushed": flushed,
            "refused": refused,
            "exports": exports,
            "init_seconds": init_seconds,
        },
    )


def around_backend_outage(
    tracers: Tracers, backend: PrivateBackend, count: int, outage: str
) -> Run:
    """`down at start`: the app starts while nothing listens, the backend comes up half-way.
    `restart`: the backend is killed (SIGKILL) and restarted half-way."""
    unique_id, errors = unique("outage"), list[str]()
    names = [step_name(i) for i in range(count)]
    half = count // 2
    if outage == "restart":
        backend.start()
    started = time.perf_counter()
    tracer = tracers.open(backend.project, unique_id)
    init_seconds = time.perf_counter() - started
    _trace_steps(tracer, unique_id, names[:half], errors)
    if outage == "restart":
        tracer.flush()
        backend.restart()
    else:
        backend.start()
    _trace_steps(tracer, unique_id, names[half:], errors)
    flushed = tracer.flush()
    return Run.of(
        backend.project,
        tracer,
        unique_id,
        names,
        extra={"errors": errors, "flushed": flushed, "init_seconds": init_seconds},
    )


def model_fails(model: ModelTarget, status: int, count: int) -> None:
    if model.control is None:
        raise RuntimeError("needs the embedded model server (tag @emulator_only)")
    model.control.fail_next(model.api_key, status, count)


def model_cuts_stream(model: ModelTarget, after_chunks: int) -> None:
    if model.control is None:
        raise RuntimeError("needs the embedded model server (tag @emulator_only)")
    model.control.cut_next_stream(model.api_key, after_chunks)


def resilient_answer(
    tracers: Tracers, project: Project, model: ModelTarget, *, stream: bool
) -> Run:
    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        bot = Assistant(
            tracer,
            openai_client(model, max_retries=0),
            model.model,
            DocumentStore(),
            max_tokens=24,
            retries=3,
            stream=stream,
        )
        bot.answer("Why trace an LLM application?")
        requests = model.control.requests(model.api_key) if model.control else []
        return Run.of(
            project,
            tracer,
            unique_id,
            list(STEPS),
            extra={"model_requests": requests, "turns": list(bot.history)},
        )

    return traced(tracers, project, "model-faults", body)
