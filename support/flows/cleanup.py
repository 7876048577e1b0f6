"""The seed's resource cleanup: several sessions created and verified, then removed."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from support.ids import unique
from support.outcome import Facet, Outcome, SessionOutcome, StepOutcome
from support.readback.readback import Readback
from support.sdk.tracers import Tracers
from support.sdk.tracing import close_tracer
from support.target.projects import Project
from support.target.session_removal import NotRemovable, delete_session

if TYPE_CHECKING:
    from honeyhive import HoneyHiveTracer


@dataclass
class Created:
    """Sessions a Given traced and saw stored, and the threads alive before their tracers."""

    project: Project
    sessions: list[SessionOutcome]
    tracers: list[HoneyHiveTracer] = field(repr=False)
    threads_before: set[int] = field(repr=False)


@dataclass(frozen=True)
class Removal(Facet):
    NEEDS = "a When that removes the sessions a scenario created"
    removed: tuple[str, ...]  # session ids the backend removed
    not_removable: tuple[tuple[str, str], ...]  # (session id, why) the backend could not remove
    threads_before: frozenset[int]  # threads alive before the tracers were opened


def sessions_with_one_step(
    tracers: Tracers, project: Project, readback: Readback, count: int
) -> Created:
    before = {t.ident or 0 for t in threading.enumerate()}
    made: list[SessionOutcome] = []
    opened = []
    for i in range(count):
        name = unique(f"cleanup-{i}")
        tracer = tracers.open(project, name)
        with tracer.trace(f"cleanup-span-{i}") as span:
            span.set_attribute("cleanup.test", True)
            span.set_attribute("session.index", i)
        tracer.flush()
        steps = [StepOutcome(f"cleanup-span-{i}", "tool")]
        made.append(SessionOutcome(str(tracer.session_id), name, project, steps))
        opened.append(tracer)
    for session in made:
        readback.session(session)  # the Given holds only once the backend stored them
    return Created(project, made, opened, before)


def remove(created: Created) -> Outcome:
    for tracer in created.tracers:
        close_tracer(tracer)
    removed, refused = [], []
    for session in created.sessions:
        try:
            delete_session(created.project, session.session_id)
            removed.append(session.session_id)
        except NotRemovable as exc:
            refused.append((session.session_id, str(exc)))
    return Outcome(
        action="the sessions are removed",
        sessions=list(created.sessions),
        tracers=list(created.tracers),
        facets=[Removal(tuple(removed), tuple(refused), frozenset(created.threads_before))],
    )
