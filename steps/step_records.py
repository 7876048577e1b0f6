"""What each stored step recorded: the values the application gave it, its errors, its size,
and the steps under it — compared with what the application itself recorded."""

from __future__ import annotations

from pytest_bdd import parsers, then

from support.checks import recorded, structure
from support.checks.structure import Row
from support.outcome import Outcome
from support.readback.readback import Readback


@then("every step recorded the values the application gave it")
def recorded_values(readback: Readback, outcome: Outcome) -> None:
    for session, stored in readback.sessions(outcome):
        recorded.values_as_given(stored, session)


@then("every step carries the request's id in its metadata")
def request_id_in_metadata(readback: Readback, outcome: Outcome) -> None:
    for session, stored in readback.sessions(outcome):
        recorded.carries_request_id(stored, session)


@then(parsers.parse('the "{step}" step returned {count:d} documents'))
def returned_documents(readback: Readback, outcome: Outcome, step: str, count: int) -> None:
    for session, stored in readback.sessions(outcome):
        recorded.returned_documents(stored, session, step, count)


@then(parsers.parse('the "{step}" step failed with an error that mentions "{words}"'))
def step_failed_with(readback: Readback, outcome: Outcome, step: str, words: str) -> None:
    """words: one or more, joined by ' and '; case does not matter. Every session that traced
    the step is checked, and at least one must have."""
    checked = 0
    for session, stored in readback.sessions(outcome):
        if step in session.step_names or len(outcome.sessions) == 1:
            recorded.step_failed_with(stored, session, step, words)
            checked += 1
    assert checked, f"no session of '{outcome.action}' traced a step {step!r}"


@then(parsers.parse('only the "{step}" step failed'))
def only_step_failed(readback: Readback, outcome: Outcome, step: str) -> None:
    for session, stored in readback.sessions(outcome):
        recorded.only_these_failed(stored, session, [step])


@then(parsers.parse('only the steps "{first}" and "{second}" failed'))
def only_steps_failed(readback: Readback, outcome: Outcome, first: str, second: str) -> None:
    for session, stored in readback.sessions(outcome):
        recorded.only_these_failed(stored, session, [first, second])


@then("no step failed")
def none_failed(readback: Readback, outcome: Outcome) -> None:
    for session, stored in readback.sessions(outcome):
        recorded.only_these_failed(stored, session, [])


@then("every failed step is stored with the error the application raised")
def errors_as_raised(readback: Readback, outcome: Outcome) -> None:
    for session, stored in readback.sessions(outcome):
        recorded.errors_as_raised(stored, session)


@then(parsers.parse('the "{step}" step holds these steps, in this order:'))
def step_holds(readback: Readback, outcome: Outcome, step: str, datatable: list[list[str]]) -> None:
    """Columns step, kind (or only kind)."""
    header = [h.strip().lower() for h in datatable[0]]
    rows = [dict(zip(header, (c.strip() for c in r), strict=False)) for r in datatable[1:]]
    expected: list[Row] = [(r.get("step", ""), r["kind"], None) for r in rows]
    for session, stored in readback.sessions(outcome):
        structure.step_holds(stored, session, step, expected)


@then(parsers.parse('the "{step}" step\'s input is stored whole, all {size:d} characters'))
def input_stored_whole(readback: Readback, outcome: Outcome, step: str, size: int) -> None:
    for session, stored in readback.sessions(outcome):
        traced = session.step(step)
        given = traced.recorded.get("inputs.value")
        assert isinstance(given, str) and len(given) == size, (
            f"the application gave the {step!r} step {len(str(given))} characters, not {size}"
        )
        recorded.stored_whole(stored, traced, "inputs.value")


@then(parsers.parse('the "{step}" step\'s input is stored whole, all {lines:d} lines of it'))
def lines_stored_whole(readback: Readback, outcome: Outcome, step: str, lines: int) -> None:
    """Every line, every character of every script, as the application gave it."""
    for session, stored in readback.sessions(outcome):
        traced = session.step(step)
        given = traced.recorded.get("inputs.value")
        assert isinstance(given, str) and len(given.splitlines()) == lines, (
            f"the application gave the {step!r} step {len(str(given).splitlines())} lines, "
            f"not {lines}"
        )
        recorded.stored_whole(stored, traced, "inputs.value")
