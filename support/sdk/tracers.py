"""A scenario's run: the tracers it opened and what its application did, for the Then steps to
check against what the backend stored."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from honeyhive import HoneyHiveTracer

from support.ids import unique
from support.sdk.tracing import acting_as, close_tracer, open_tracer
from support.target.config import Config
from support.target.projects import Project
from support.target.session_removal import delete_session
from support.teardown import Teardown


@dataclass
class Run:
    """What a When step did, for the Then steps to check against the backend."""

    project: Project
    session_id: str
    session_name: str
    unique_id: str
    steps: list[str]
    recorded: dict[str, dict[str, Any]] = field(default_factory=dict)
    chain: list[tuple[str, str, str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    tracer: HoneyHiveTracer | None = field(default=None, repr=False)
    # what else must be stored before the Then steps look (e.g. an enrichment written later)
    ready: Callable[[list[dict[str, Any]]], bool] | None = field(default=None, repr=False)

    @classmethod
    def of(
        cls,
        project: Project,
        tracer: HoneyHiveTracer,
        unique_id: str,
        steps: Iterable[str] = (),
        **fields: Any,
    ) -> Run:
        """The run of `tracer`'s session, named after `unique_id` (as `Tracers.open` names it)."""
        return cls(
            project=project,
            session_id=str(tracer.session_id),
            session_name=unique_id,
            unique_id=unique_id,
            steps=list(steps),
            tracer=tracer,
            **fields,
        )

    def __repr__(self) -> str:  # shown as an Allure parameter: keep it short and secret-free
        return f"Run(session={self.session_id}, id={self.unique_id})"


class Tracers:
    """Opens tracers for a scenario; teardown flushes and closes them, then deletes their
    sessions where the backend allows it."""

    def __init__(self, config: Config, teardown: Teardown) -> None:
        self.config = config
        self.teardown = teardown

    def __repr__(self) -> str:
        return "Tracers()"

    def open(self, project: Project, session_name: str | None, **options: Any) -> HoneyHiveTracer:
        tracer = open_tracer(
            api_key=project.api_key,
            server_url=project.url,
            session_name=session_name,
            source=self.config.source,
            **options,
        )
        sid = str(tracer.session_id)
        self.teardown.add(f"delete session {sid}", lambda: delete_session(project, sid))
        self.teardown.add(f"close the tracer of session {sid}", lambda: close_tracer(tracer))
        return tracer


def traced(
    tracers: Tracers, project: Project, prefix: str, body: Callable[[HoneyHiveTracer, str], Run]
) -> Run:
    """Run `body(tracer, unique_id)` in a fresh session named after a unique id, then flush."""
    unique_id = unique(prefix)
    tracer = tracers.open(project, unique_id)
    with acting_as(tracer):
        run = body(tracer, unique_id)
    tracer.flush()
    run.tracer = tracer
    return run
