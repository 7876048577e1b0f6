"""The seed's resource cleanup: several sessions created and verified, then removed."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from honeyhive import HoneyHiveTracer

from support.ids import unique
from support.readback.reader import BackendReader
from support.sdk.tracers import Tracers
from support.sdk.tracing import close_tracer
from support.target.projects import Project
from support.target.session_removal import NotRemovable, delete_session


@dataclass
class Created:
    project: Project
    sessions: dict[str, str]  # session id -> its step name
    tracers: list[HoneyHiveTracer] = field(repr=False)
    threads_before: set[int] = field(repr=False)


@dataclass
class Removal:
    removed: list[str]
    not_removable: dict[str, str]
    threads_after: set[int] = field(repr=False)


def sessions_with_one_step(
    tracers: Tracers, project: Project, reader: BackendReader, count: int
) -> Created:
    before = {t.ident or 0 for t in threading.enumerate()}
    made: dict[str, str] = {}
    opened = []
    for i in range(count):
        tracer = tracers.open(project, unique(f"cleanup-{i}"))
        with tracer.trace(f"cleanup-span-{i}") as span:
            span.set_attribute("cleanup.test", True)
            span.set_attribute("session.index", i)
        tracer.flush()
        made[str(tracer.session_id)] = f"cleanup-span-{i}"
        opened.append(tracer)
    for sid, step in made.items():
        reader.wait_for_session(sid, names=[step])
    return Created(project, made, opened, before)


def remove(created: Created) -> Removal:
    for tracer in created.tracers:
        close_tracer(tracer)
    removed, refused = [], {}
    for sid in created.sessions:
        try:
            delete_session(created.project, sid)
            removed.append(sid)
        except NotRemovable as exc:
            refused[sid] = str(exc)
    after = {t.ident or 0 for t in threading.enumerate()}
    return Removal(removed, refused, after)
