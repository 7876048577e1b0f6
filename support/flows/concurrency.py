"""Async and concurrent applications: lookups fanned out over asyncio tasks or worker threads in
one session, and several users' sessions served at once by one tracer."""

from __future__ import annotations

import asyncio
from functools import partial

from honeyhive import HoneyHiveTracer

from support.app.concurrent_lookups import (
    PRODUCTS,
    REQUEST,
    compare_with_tasks,
    compare_with_threads,
    serve_users_at_once,
)
from support.ids import unique
from support.sdk.tracers import Run, Tracers, traced
from support.sdk.tracing import acting_as
from support.target.model import ModelTarget, async_openai_client, openai_client
from support.target.projects import Project
from support.target.session_removal import delete_session
from support.teardown import Teardown

USERS = ("ana", "ben")
QUESTIONS = ("Name a colour.", "Name a fruit.")


def fan_out(tracers: Tracers, project: Project, model: ModelTarget, *, using: str) -> Run:
    if using not in ("asyncio tasks", "worker threads"):
        raise ValueError(
            f"unknown way to fan out {using!r}; use 'asyncio tasks' or 'worker threads'"
        )

    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        if using == "asyncio tasks":
            findings = asyncio.run(
                compare_with_tasks(tracer, async_openai_client(model), model.model)
            )
        else:
            findings = compare_with_threads(tracer, openai_client(model), model.model)
        steps = [REQUEST, *(f.step for f in findings)]
        return Run.of(project, tracer, unique_id, steps, extra={"findings": findings})

    return traced(tracers, project, "fan-out", body)


def users_at_once(
    tracers: Tracers, project: Project, model: ModelTarget, teardown: Teardown
) -> dict[str, Run]:
    """Two users' conversations interleaved on one tracer; one Run per user's session."""
    tracer = tracers.open(project, unique("chat-service"))
    names = {user: unique(f"chat-{user}") for user in USERS}
    with acting_as(tracer):
        conversations = asyncio.run(
            serve_users_at_once(tracer, async_openai_client(model), model.model, names, QUESTIONS)
        )
    tracer.flush()
    runs: dict[str, Run] = {}
    for c in conversations:
        teardown.add(
            f"delete session {c.session_id}", partial(delete_session, project, c.session_id)
        )
        runs[c.user] = Run(
            project=project,
            session_id=c.session_id,
            session_name=names[c.user],
            unique_id=names[c.user],
            steps=list(c.steps),
            extra={"answers": c.answers, "user": c.user},
            tracer=tracer,
        )
    return runs


__all__ = ["PRODUCTS", "USERS", "fan_out", "users_at_once"]
