"""What the backend holds for a run: each Then reads back through the SDK's export API (polling
until the expected events are stored) and checks what was stored, never what was sent."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_bdd import parsers, then

from support.checks import general as checks
from support.readback.reader import BackendReader
from support.readback.stored import Stored, fetch, value
from support.sdk.tracers import Run
from support.target.projects import Project


@pytest.fixture
def reader(run: Run, readers: Callable[[Project], BackendReader]) -> BackendReader:
    return readers(run.project)


@pytest.fixture
def stored(run: Run, reader: BackendReader) -> Stored:
    return fetch(reader, run)


@then("the session is stored under a name that contains the request's id")
def session_named_after_request(stored: Stored, run: Run) -> None:
    assert run.unique_id in str(stored.session.get("event_name")), stored.session


@then("the session holds exactly these steps, in this order:")
def top_level_steps(stored: Stored, datatable: list[list[str]]) -> None:
    checks.top_level_steps(stored, [(row[0], row[1]) for row in datatable[1:]])


@then("every step carries the request's id in its metadata")
def unique_id_in_metadata(stored: Stored, run: Run) -> None:
    checks.unique_id_in_metadata(stored, run)


@then("every step recorded the values the application gave it")
def recorded_values(stored: Stored, run: Run) -> None:
    checks.recorded_values(stored, run)


@then("each step's output is the input of the next step")
def data_chain(stored: Stored, run: Run) -> None:
    checks.data_chain(stored, run)


@then("every step hangs directly under the session")
def steps_under_session(stored: Stored, run: Run) -> None:
    checks.steps_under_session(stored, run)


@then(parsers.parse('the "{step}" step failed with an error that mentions "{words}"'))
def step_failed_with(stored: Stored, step: str, words: str) -> None:
    error = str(value(stored.one(step), "error") or "")
    missing = [w for w in words.split(" and ") if w.lower() not in error.lower()]
    assert error and not missing, f"{step} error is {error!r}; missing {missing}"
