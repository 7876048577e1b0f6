"""Tracers for a scenario, and the traced session a When runs its application in.

`Tracers.open` starts a tracer on a project; teardown flushes and closes it, then deletes its
session where the backend allows it. `TracedSession` is the usual shape of a When: open a tracer
whose session is named after a fresh unique id, run the application in it (model calls routed to
this tracer, model traffic recorded), flush, and hand the Thens one `Outcome`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import ExitStack
from types import TracebackType
from typing import TYPE_CHECKING, Any

from support.ids import unique
from support.outcome import Outcome, SessionOutcome, StepOutcome, TracingFacts
from support.sdk.settings import TracerSettings, environment
from support.sdk.tracing import acting_as, close_in_background, open_tracer
from support.target.config import Config
from support.target.model import ModelTarget
from support.target.projects import Project
from support.target.session_removal import delete_session
from support.teardown import Teardown

if TYPE_CHECKING:
    from honeyhive import HoneyHiveTracer


class Tracers:
    """Opens tracers for a scenario; teardown flushes and closes them, then deletes their
    sessions where the backend allows it."""

    def __init__(
        self, config: Config, teardown: Teardown, settings: TracerSettings | None = None
    ) -> None:
        self.config = config
        self.teardown = teardown
        self.settings = settings or TracerSettings()
        self.last_init_seconds = 0.0

    def __repr__(self) -> str:
        return "Tracers()"

    def open(self, project: Project, session_name: str | None, **options: Any) -> HoneyHiveTracer:
        """A tracer on `project`, configured as the scenario's settings say (the When's own
        options win), its session named `session_name`."""
        options = {**self.settings.options(), **options}
        started = time.perf_counter()
        with environment(self.settings.environment()):
            tracer = open_tracer(
                api_key=project.api_key,
                server_url=project.url,
                session_name=session_name,
                source=options.pop("source", None) or self.config.source,
                **options,
            )
        self.last_init_seconds = time.perf_counter() - started
        sid = str(tracer.session_id)
        self.teardown.add(f"delete session {sid}", lambda: delete_session(project, sid))
        self.teardown.add(f"close the tracer of session {sid}", lambda: close_in_background(tracer))
        return tracer


class TracedSession:
    """`with TracedSession(...) as s:` runs the block in a fresh traced session; afterwards
    `s.outcome(...)` is what the When hands its Thens."""

    def __init__(
        self,
        tracers: Tracers,
        project: Project,
        prefix: str,
        model: ModelTarget | None = None,
        **options: Any,
    ) -> None:
        self.tracers, self.project, self.model, self.options = tracers, project, model, options
        self.unique_id = unique(tracers.settings.session_name or prefix)
        self.steps: list[StepOutcome] = []
        self.recorded: dict[str, Any] = {}
        self.flushed: bool | None = None
        self._stack = ExitStack()
        self._mark = model.traffic.mark() if model else 0
        self._tracer: HoneyHiveTracer | None = None
        self._started = 0.0
        self.trace_seconds = 0.0
        self.init_seconds: float | None = None

    @property
    def tracer(self) -> HoneyHiveTracer:
        assert self._tracer is not None, "the traced session has not started"
        return self._tracer

    def __enter__(self) -> TracedSession:
        self._tracer = self.tracers.open(self.project, self.unique_id, **self.options)
        self.init_seconds = self.tracers.last_init_seconds
        self._stack.enter_context(acting_as(self._tracer))
        self._started = time.perf_counter()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.trace_seconds = time.perf_counter() - self._started
        self._stack.close()
        if kind is None:
            self.flushed = self.tracer.flush()

    @property
    def session(self) -> SessionOutcome:
        return SessionOutcome(
            session_id=str(self.tracer.session_id),
            name=self.unique_id,
            project=self.project,
            steps=list(self.steps),
            recorded=dict(self.recorded),
        )

    def outcome(
        self,
        action: str,
        *,
        facets: Iterable[object] = (),
        session: SessionOutcome | None = None,
        errors: Iterable[str] = (),
        init_seconds: float | None = None,
    ) -> Outcome:
        return Outcome(
            action=action,
            sessions=[session or self.session],
            model_exchanges=self.model.traffic.since(self._mark) if self.model else [],
            tracing=TracingFacts(
                errors=tuple(errors),
                init_seconds=init_seconds if init_seconds is not None else self.init_seconds,
                trace_seconds=self.trace_seconds,
                flushed=self.flushed,
            ),
            tracers=[self.tracer],
            facets=list(facets),
        )
