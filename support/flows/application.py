"""The configurable application at work: users sending requests to the service a feature file
described (`support/app/pipeline.py`), for real — one tracer for the service, a session per user
opened with the SDK's `with_session` (with the session metadata and user properties the Givens
set), each request run through every step, users served at the same time on worker threads.

The Outcome lists, per user's session, every step of every request with what the application
recorded on it (its inputs, outputs and the error it raised), so every generic Then can compare
the backend with it."""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING, Any

from support.app import frameworks
from support.app.pipeline import (
    Configured,
    RequestRun,
    Settings,
    StepSpec,
    build_steps,
)
from support.flows.configurations import StoredConfiguration
from support.ids import unique
from support.outcome import BadScenario, Facet, Outcome, SessionOutcome, StepOutcome, TracingFacts
from support.readback.fields import field
from support.report.evidence import label
from support.sdk import instrumentors
from support.sdk.settings import Build, TracerSettings
from support.sdk.tracers import Tracers
from support.sdk.tracing import acting_as, clean_context
from support.target.model import ModelTarget, model_endpoint, openai_client
from support.target.projects import Project
from support.target.session_removal import delete_session

if TYPE_CHECKING:
    from honeyhive import HoneyHiveTracer


@dataclass(frozen=True)
class Application:
    """The service a feature described: its steps, in the order they run."""

    steps: tuple[StepSpec, ...]

    @classmethod
    def from_table(cls, rows: list[list[str]]) -> Application:
        header = [h.strip().lower() for h in rows[0]]
        return cls(tuple(build_steps([dict(zip(header, row, strict=False)) for row in rows[1:]])))


@dataclass(frozen=True)
class Served(Facet):
    """Who sent what to the configurable application."""

    NEEDS = "a When in which users send requests to the application described by a Given"
    users: tuple[str, ...]
    requests_per_user: int
    runs: tuple[tuple[str, tuple[RequestRun, ...]], ...]  # (user, their requests)


@dataclass(frozen=True)
class Tenancy(Facet):
    """Which projects a When served, each session in exactly one of them."""

    NEEDS = "a When in which several projects serve their users"
    projects: tuple[Project, ...]


def configuration_lookup(
    project: Project, stored: dict[str, StoredConfiguration]
) -> Callable[[str], Configured | None]:
    """How the application finds a configuration by name in the project: the SDK's
    `configurations.list()` (its `get_configuration(id)` returns every configuration, whatever
    the id). A name the feature gave a stored configuration means that one (stored under a
    unique name per scenario, so scenarios sharing a project never read each other's)."""
    from honeyhive import HoneyHive  # the application's own client (imported when it runs)

    client = HoneyHive(api_key=project.api_key, server_url=project.url)

    def lookup(name: str) -> Configured | None:
        wanted = stored[name].stored_as if name in stored else name
        for item in client.configurations.list():
            if item.name == wanted:
                parameters = item.parameters.model_dump() if item.parameters else {}
                hyper = parameters.get("hyperparameters") or {}
                template = parameters.get("template") or []
                system = next(
                    (
                        t.get("content")
                        for t in template
                        if isinstance(t, dict) and t.get("role") == "system"
                    ),
                    None,
                )
                return Configured(
                    str(item.id), str(parameters.get("model")), hyper.get("temperature"),
                    hyper.get("max_tokens"), system,
                )  # fmt: skip
        return None

    return lookup


@dataclass(frozen=True)
class Service:
    """The described application, ready to serve the scenario's users."""

    tracers: Tracers
    project: Project
    model: ModelTarget
    application: Application
    settings: TracerSettings
    configurations: dict[str, StoredConfiguration]
    build: Build = dataclass_field(default_factory=Build)

    def __repr__(self) -> str:
        return f"Service({len(self.application.steps)} steps, {self.build.cell})"

    def serve_projects(self, projects: list[Project], *, users: int, requests: int) -> Outcome:
        """The same application deployed for several projects (tenants), each with its own
        tracer and API key, all serving their users at the same time: one Outcome with every
        project's sessions (users named after their project)."""
        if len(projects) < 2:
            raise BadScenario("at least two projects")
        mark = self.model.traffic.mark()

        def one(project: Project) -> Outcome:
            return serve(
                self.tracers, project, self.model, self.application, self.settings,
                configurations=self.configurations, build=self.build, users=users,
                requests=requests, user_prefix=f"{project.label}-",
            )  # fmt: skip

        with ThreadPoolExecutor(max_workers=len(projects)) as pool:
            done = list(pool.map(lambda p: contextvars.copy_context().run(one, p), projects))
        return Outcome(
            action=f"{users} users of each of {len(projects)} projects send {requests} requests",
            sessions=[s for o in done for s in o.sessions],
            model_exchanges=self.model.traffic.since(mark),
            tracing=TracingFacts(flushed=all(o.tracing.flushed for o in done)),
            tracers=[t for o in done for t in o.tracers],
            facets=[
                Served(
                    tuple(u for o in done for u in o.facet(Served).users),
                    requests,
                    tuple(r for o in done for r in o.facet(Served).runs),
                ),
                Tenancy(tuple(projects)),
            ],
        )

    def serve(self, **requests: Any) -> Outcome:
        return serve(
            self.tracers,
            self.project,
            self.model,
            self.application,
            self.settings,
            configurations=self.configurations,
            build=self.build,
            **requests,
        )


def request_text(user: str, number: int, size: int | None, text: str | None) -> str:
    if text is not None:
        return text
    base = f"Request {number} from {user}: where is my order and when will it arrive?"
    if size is None:
        return base
    return (base + " " + "Please check every detail of the order. " * (size // 30 + 1))[:size]


def _outcomes(session: str, run: RequestRun, many: bool) -> list[StepOutcome]:
    out = []
    for step in run.steps:
        recorded: dict[str, Any] = {f"inputs.{k}": v for k, v in step.inputs.items()}
        recorded |= {f"outputs.{k}": v for k, v in step.outputs.items()}
        recorded |= {f"metadata.{k}": v for k, v in step.metadata.items()}
        out.append(
            StepOutcome(
                step.name,
                step.kind,
                parent=step.parent,
                request=run.request_id if many else None,
                recorded=recorded,
                error=step.error,
                stored_name=step.stored_name,
                framework_unit=step.framework_unit,
                role=step.role,
            )
        )
    return out


def serve(
    tracers: Tracers,
    project: Project,
    model: ModelTarget,
    app: Application,
    settings: TracerSettings,
    *,
    users: int = 1,
    requests: int = 1,
    size: int | None = None,
    text: str | None = None,
    configurations: dict[str, StoredConfiguration] | None = None,
    build: Build | None = None,
    user_prefix: str = "",
) -> Outcome:
    build = build or Build()
    if users < 1 or requests < 1:
        raise BadScenario("at least one user sending at least one request")
    service = unique(settings.session_name or "service")
    mark = model.traffic.mark()
    tracer = tracers.open(project, service)
    init_seconds = tracers.last_init_seconds
    names = [f"{user_prefix}user-{i}" for i in range(1, users + 1)]
    client = (
        openai_client(model)
        if settings.client_retries is None
        else openai_client(model, max_retries=settings.client_retries)
    )
    fields = settings.session_fields()
    configurations = configurations or {}
    instrumentations = instrumentors.INSTRUMENTATIONS[(build.framework, build.instrumentor)]
    if build.with_client_instrumentor:
        instrumentations = (*instrumentations, *instrumentors.DEFAULT)
    try:
        app_class = frameworks.app_class(build.framework)
        for instrumentation in instrumentations:
            instrumentors.attach(instrumentation)
    except ImportError as exc:
        raise BadScenario(
            f"{build.framework} is not installed ({exc}); `make deps` installs the framework "
            "matrix's pinned frameworks and instrumentors"
        ) from None
    except instrumentors.CellUnavailable as exc:
        raise BadScenario(str(exc)) from None
    endpoint = model_endpoint(model)

    def serve_user(user: str) -> tuple[str, str, list[RequestRun]]:
        session_name = f"{service}-{user}"
        with (
            clean_context(),
            acting_as(tracer),
            instrumentors.using(instrumentations),
            tracer.with_session(
                session_name,
                metadata=settings.session_metadata or None,
                user_properties={"user_id": user, **settings.user_properties},
            ) as session_id,
        ):
            pipeline = app_class(
                tracer,
                client,
                model.model,
                list(app.steps),
                Settings(retries=settings.retries, max_tokens=settings.max_tokens or 16),
                configurations=configuration_lookup(project, configurations),
                endpoint=endpoint,
                instrumentor=build.instrumentor,
            )
            runs = [
                pipeline.handle(f"{session_name}-r{n}", request_text(user, n, size, text))
                for n in range(1, requests + 1)
            ]
            if settings.feedback or settings.metrics:
                _enrich(tracer, str(session_id), settings)
        return user, str(session_id), runs

    with ThreadPoolExecutor(max_workers=users) as pool:
        served = list(pool.map(lambda u: contextvars.copy_context().run(serve_user, u), names))
    flushed = tracer.flush()
    sessions = []
    for user, session_id, runs in served:
        tracers.teardown.add(
            f"delete session {session_id}", functools.partial(delete_session, project, session_id)
        )
        steps = [s for run in runs for s in _outcomes(session_id, run, requests > 1)]
        recorded = {"user_properties.user_id": user, **fields}
        sessions.append(
            SessionOutcome(
                session_id,
                f"{service}-{user}",
                project,
                steps,
                user=user,
                recorded=recorded,
                ready=_ready(recorded) if settings.feedback or settings.metrics else None,
            )
        )
    who = (
        f"{users} users each send {requests} requests"
        if users > 1 or requests > 1
        else "a user sends a request"
    )
    return Outcome(
        action=f"{who} to the application",
        sessions=sessions,
        model_exchanges=model.traffic.since(mark),
        tracing=TracingFacts(init_seconds=init_seconds, flushed=flushed),
        tracers=[tracer],
        facets=[Served(tuple(names), requests, tuple((u, tuple(r)) for u, _, r in served))],
    )


def _enrich(tracer: HoneyHiveTracer, session_id: str, settings: TracerSettings) -> None:
    tracer.enrich_session(
        session_id=session_id,
        feedback=settings.feedback or None,
        metrics=settings.metrics or None,
    )


def _ready(recorded: dict[str, Any]) -> Any:
    """The session's enrichment is written after its steps: wait for it too."""
    later = {k: v for k, v in recorded.items() if k.startswith(("feedback.", "metrics."))}

    def ready(events: list[dict[str, Any]]) -> bool:
        return any(
            all(field(e, k) == v for k, v in later.items())
            for e in events
            if e.get("event_type") == "session"
        )

    return ready


def choose(build: Build, framework: str, instrumentor: str, *, with_client: bool = False) -> None:
    """The framework and instrumentor a feature names, in its words; an unknown name, a pair no
    instrumentor covers or a package that is not installed is one sentence."""
    try:
        build.framework = instrumentors.framework_name(framework)
        build.instrumentor = instrumentors.instrumentor_name(instrumentor)
    except instrumentors.CellUnavailable as exc:
        raise BadScenario(str(exc)) from None
    if instrumentors.uncovered(build.framework, build.instrumentor):
        raise BadScenario(f"{instrumentor} publishes no instrumentor for {framework}")
    build.chosen = True
    build.with_client_instrumentor = with_client
    # the report's framework matrix groups results by these (tools/signoff/matrix.py)
    label("built_with", framework)
    label("traced_by", instrumentor)
