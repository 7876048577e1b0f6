"""SDK behaviours the documentation promises; the scenarios tagged @known_defect expect the
documented behaviour and run as strict expected failures while the SDK departs from it."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from support.checks import general as checks
from support.flows import findings
from support.readback.reader import BackendReader
from support.readback.stored import Stored
from support.sdk.tracers import Run, Tracers
from support.target.projects import Project
from support.target.runtime import Endpoints


@when(
    "a step is traced inside a scoped session block and another step after the block",
    target_fixture="run",
)
def scoped_session(tracers: Tracers, project: Project) -> Run:
    return findings.span_after_scoped_session(tracers, project)


@then(parsers.parse('the "{step}" step is stored in the scoped session'))
def in_scoped_session(reader: BackendReader, run: Run, step: str) -> None:
    assert checks.session_of_step(reader, run, step) == run.extra["scoped_session"]


@then(parsers.parse('the "{step}" step is stored in the tracer\'s own session'))
def in_own_session(reader: BackendReader, run: Run, step: str) -> None:
    assert checks.session_of_step(reader, run, step) == run.session_id, (
        f"{step} went to the scoped session {run.extra['scoped_session']}, not {run.session_id}"
    )


@when(
    "a tracer is started with its session name given only in HH_SESSION_NAME", target_fixture="run"
)
def named_by_environment(tracers: Tracers, project: Project) -> Run:
    return findings.session_named_by_environment(tracers, project)


@then("the session is stored under the name from HH_SESSION_NAME")
def session_named_from_env(stored: Stored, run: Run) -> None:
    name = stored.session.get("event_name")
    assert name == run.session_name, (
        f"session stored as {name!r}, HH_SESSION_NAME={run.session_name!r}"
    )


@when(
    parsers.parse(
        "the backend refuses every trace export with status {status:d} and the application flushes"
    ),
    target_fixture="run",
)
def refused_exports(tracers: Tracers, project: Project, endpoints: Endpoints, status: int) -> Run:
    assert endpoints.hh_control is not None, "needs the embedded backend (tag @emulator_only)"
    return findings.flush_against_refusing_backend(tracers, project, endpoints.hh_control, status)


@then("the backend refused the export")
def backend_refused(run: Run) -> None:
    assert run.extra["refusals"] >= 1, "the fault was never hit: nothing was exported"


@then("the flush reports that the export failed")
def flush_reports_failure(run: Run) -> None:
    assert run.extra["flushed"] is False, (
        f"flush() returned {run.extra['flushed']!r} although the backend answered "
        f"{run.extra['status']} to {run.extra['refusals']} export(s)"
    )
