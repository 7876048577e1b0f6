"""What the backend holds for the When's sessions: their steps and shape, their names, what
each session carries, and whose session is whose. These work after every When that traced a
session (and say so when the When traced none, or several)."""

from __future__ import annotations

from pytest_bdd import parsers, then

from support.checks import recorded, structure
from support.checks.structure import Row
from support.outcome import NeedsAnotherWhen, Outcome
from support.readback.fields import MISSING, field
from support.readback.readback import Readback
from support.readback.stored import REQUEST_ID, Stored
from support.values import table_values


def _rows(datatable: list[list[str]]) -> tuple[list[Row], bool]:
    header = [h.strip().lower() for h in datatable[0]]
    if header[:2] != ["step", "kind"]:
        raise NeedsAnotherWhen(
            f"the table's columns are step, kind (and optionally under), not {header}"
        )
    with_parents = "under" in header
    rows = []
    for row in datatable[1:]:
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        rows.append((cells["step"], cells["kind"], cells.get("under") or None))
    return rows, with_parents


@then("the session holds exactly these steps, in this order:")
def holds_steps(stored: Stored, outcome: Outcome, datatable: list[list[str]]) -> None:
    """Columns step, kind: the steps directly under the session. Add a column under (the step
    each nests in, empty for the session) to check every step of the tree."""
    rows, with_parents = _rows(datatable)
    structure.holds_steps(stored, outcome.session, rows, with_parents=with_parents)


@then("every session holds exactly these steps, in this order:")
def every_session_holds_steps(
    readback: Readback, outcome: Outcome, datatable: list[list[str]]
) -> None:
    """As above, for each session the When traced (each user's, for example); a session of
    several requests holds the list once per request."""
    rows, with_parents = _rows(datatable)
    for session, stored in readback.sessions(outcome):
        structure.holds_steps(stored, session, rows, with_parents=with_parents)


@then("every step hangs directly under the session")
def steps_under_session(stored: Stored, outcome: Outcome) -> None:
    structure.under_session(stored, outcome.session)


@then("every step hangs under the step that ran it")
def nested_as_traced(readback: Readback, outcome: Outcome) -> None:
    for session, stored in readback.sessions(outcome):
        structure.nested_as_traced(stored, session)


@then("the session is stored under a name that contains the request's id")
def session_named_after_request(stored: Stored, outcome: Outcome) -> None:
    recorded.sessions_named_after(outcome, stored, outcome.session, outcome.session.name)


@then(parsers.parse('every session is stored under a name that starts with "{prefix}"'))
def sessions_named(readback: Readback, outcome: Outcome, prefix: str) -> None:
    for session, stored in readback.sessions(outcome):
        name = str(stored.session.get("event_name"))
        assert name.startswith(prefix), f"session {session.session_id} is stored as {name!r}"


@then(parsers.parse('every session is stored with the source "{source}"'))
def sessions_source(readback: Readback, outcome: Outcome, source: str) -> None:
    for session, stored in readback.sessions(outcome):
        recorded.session_fields(stored, session, {"source": source})


@then("the session carries the metadata, feedback, metrics and user properties the app gave it")
def session_enrichment(stored: Stored, outcome: Outcome) -> None:
    recorded.session_fields(stored, outcome.session, outcome.session.recorded)


@then("the session carries the user's rating and comment as feedback")
def feedback_on_session(stored: Stored, outcome: Outcome) -> None:
    recorded.session_recorded(stored, outcome.session, "feedback")


@then("the session carries the user's id in its user properties")
def user_on_session(stored: Stored, outcome: Outcome) -> None:
    recorded.session_recorded(stored, outcome.session, "user_properties")


@then("every session is stored with the metadata:")
def every_session_metadata(
    readback: Readback, outcome: Outcome, datatable: list[list[str]]
) -> None:
    """key | value, as written in the table (the expectation is the table, not what the app
    happened to send)."""
    wanted = {f"metadata.{k}": v for k, v in table_values(datatable).items()}
    for session, stored in readback.sessions(outcome):
        recorded.session_fields(stored, session, wanted)


@then("every session is stored with the user properties:")
def every_session_user_properties(
    readback: Readback, outcome: Outcome, datatable: list[list[str]]
) -> None:
    wanted = {f"user_properties.{k}": v for k, v in table_values(datatable).items()}
    for session, stored in readback.sessions(outcome):
        recorded.session_fields(stored, session, wanted)


@then("every session is stored with the metrics:")
def every_session_metrics(readback: Readback, outcome: Outcome, datatable: list[list[str]]) -> None:
    wanted = {f"metrics.{k}": v for k, v in table_values(datatable).items()}
    for session, stored in readback.sessions(outcome):
        recorded.session_fields(stored, session, wanted)


@then(
    parsers.parse('every session is stored with the rating {rating:d} and the comment "{comment}"')
)
def every_session_feedback(readback: Readback, outcome: Outcome, rating: int, comment: str) -> None:
    wanted = {"feedback.rating": rating, "feedback.comment": comment}
    for session, stored in readback.sessions(outcome):
        recorded.session_fields(stored, session, wanted)


@then("every session is stored with its user's id")
def every_session_user(readback: Readback, outcome: Outcome) -> None:
    for session, stored in readback.sessions(outcome):
        if session.user is None:
            raise NeedsAnotherWhen(f"'{outcome.action}' did not name its users")
        recorded.session_fields(stored, session, {"user_properties.user_id": session.user})


@then(parsers.parse("there is one session per user, {count:d} in all"))
def one_session_per_user(readback: Readback, outcome: Outcome, count: int) -> None:
    users = [s.user for s in outcome.sessions]
    if None in users:
        raise NeedsAnotherWhen(f"'{outcome.action}' did not name its users")
    assert len(users) == count == len(set(users)), f"the When traced sessions for users {users}"
    for session, stored in readback.sessions(outcome):
        got = field(stored.session, "user_properties.user_id")
        assert got == session.user, f"session {session.name} is stored for user {got!r}"


@then(
    parsers.parse(
        "each user's session holds their {count:d} requests and nothing of another session"
    )
)
def requests_per_session(readback: Readback, outcome: Outcome, count: int) -> None:
    """Counted from the backend: the distinct requests each session's steps belong to."""
    held = readback.sessions(outcome)
    for session, stored in held:
        own = {s.request for s in session.steps} - {None}
        ids = {field(e, REQUEST_ID) for e in stored.steps} - {MISSING}
        foreign = sorted(str(i) for i in ids if not str(i).startswith(session.name))
        assert not foreign, f"{session.user}'s session holds steps of other requests: {foreign}"
        assert len(ids) == count, (
            f"{session.user}'s session holds the steps of {len(ids)} requests, expected {count}"
            + ("" if own else " (the When made one request per session)")
        )


@then("the users' sessions were served at the same time")
def served_together(readback: Readback, outcome: Outcome) -> None:
    structure.require_sessions(outcome, 2)
    structure.sessions_overlapped(
        [stored for _, stored in readback.sessions(outcome)], "users' sessions"
    )
