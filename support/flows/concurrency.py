"""Async and concurrent applications: lookups fanned out over asyncio tasks or worker threads in
one session, and several users' sessions served at once by one tracer."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial

from support.app.concurrent_lookups import (
    PRODUCTS,
    REQUEST,
    Finding,
    compare_with_tasks,
    compare_with_threads,
    serve_users_at_once,
)
from support.ids import unique
from support.outcome import BadScenario, Facet, Outcome, SessionOutcome, StepOutcome
from support.sdk.tracers import TracedSession, Tracers
from support.sdk.tracing import acting_as
from support.target.model import ModelTarget, async_openai_client, openai_client
from support.target.projects import Project
from support.target.session_removal import delete_session
from support.teardown import Teardown

USERS = ("ana", "ben")
QUESTIONS = ("Name a colour.", "Name a fruit.")
WAYS = ("asyncio tasks", "worker threads")


@dataclass(frozen=True)
class FanOut(Facet):
    NEEDS = "a When in which the service looks its products up at once"
    request: str  # the step the lookups were started from
    lookups: tuple[Finding, ...]


@dataclass(frozen=True)
class UsersAtOnce(Facet):
    NEEDS = "a When in which several users are served at the same time"
    users: tuple[str, ...]


def fan_out(tracers: Tracers, project: Project, model: ModelTarget, *, using: str) -> Outcome:
    if using not in WAYS:
        raise BadScenario(f"unknown way to fan out {using!r}; use {' or '.join(map(repr, WAYS))}")
    with TracedSession(tracers, project, "fan-out", model) as s:
        if using == "asyncio tasks":
            lookups = asyncio.run(
                compare_with_tasks(s.tracer, async_openai_client(model), model.model)
            )
        else:
            lookups = compare_with_threads(s.tracer, openai_client(model), model.model)
        s.steps = [StepOutcome(REQUEST, "chain")] + [
            StepOutcome(f.step, "tool", parent=REQUEST, recorded={"metadata.summary": f.summary})
            for f in lookups
        ]
    return s.outcome(
        f"the service looks up its products at once with {using}",
        facets=[FanOut(REQUEST, tuple(lookups))],
    )


def users_at_once(
    tracers: Tracers, project: Project, model: ModelTarget, teardown: Teardown
) -> Outcome:
    """Two users' conversations interleaved on one tracer; one session per user."""
    mark = model.traffic.mark()
    tracer = tracers.open(project, unique("chat-service"))
    names = {user: unique(f"chat-{user}") for user in USERS}
    with acting_as(tracer):
        conversations = asyncio.run(
            serve_users_at_once(tracer, async_openai_client(model), model.model, names, QUESTIONS)
        )
    tracer.flush()
    sessions = []
    for c in conversations:
        teardown.add(
            f"delete session {c.session_id}", partial(delete_session, project, c.session_id)
        )
        sessions.append(
            SessionOutcome(
                c.session_id,
                names[c.user],
                project,
                [
                    StepOutcome(step, "chain", recorded={"metadata.user": c.user})
                    for step in c.steps
                ],
                user=c.user,
                recorded={"user_properties.user": c.user},
            )
        )
    return Outcome(
        action="two users chat with the service at the same time",
        sessions=sessions,
        model_exchanges=model.traffic.since(mark),
        tracers=[tracer],
        facets=[UsersAtOnce(USERS)],
    )


__all__ = ["PRODUCTS", "USERS", "fan_out", "users_at_once"]
