"""Then checks of a session's shape: which steps it holds, of which kind, in which order, under
which parent — against the steps the application traced."""

from __future__ import annotations

from support.outcome import NeedsAnotherWhen, Outcome, SessionOutcome
from support.readback.reader import Event
from support.readback.stored import Stored, is_model_call
from support.report.evidence import span_tree
from support.sdk.span_index import MODEL_SPANS

Row = tuple[str, str, str | None]  # step, kind, parent step (None: the session)


def _requests(session: SessionOutcome) -> list[str | None]:
    seen: list[str | None] = []
    for step in session.steps:
        if step.request not in seen:
            seen.append(step.request)
    return seen or [None]


def holds_steps(
    stored: Stored, session: SessionOutcome, expected: list[Row], *, with_parents: bool
) -> None:
    """The session holds exactly these steps in this order: with parents, every application
    step (model calls recorded by the instrumentation are not application steps); without,
    the steps directly under the session. A session of several requests must hold the list
    once per request, in the order the requests were made."""
    own = {s.name for s in session.steps}
    stored_rows: list[Row] = []
    events = stored.steps if with_parents else stored.top_level()
    for event in sorted(events, key=lambda e: e.get("start_time") or 0):
        name = str(event.get("event_name"))
        if with_parents and name not in own and (name in MODEL_SPANS or is_model_call(event)):
            continue  # a call the model instrumentation recorded, not a step of the application
        stored_rows.append(
            (
                name,
                str(event.get("event_type")),
                stored.parent_name(event) if with_parents else None,
            )
        )
    want = [(n, k, p if with_parents else None) for n, k, p in expected] * len(_requests(session))
    assert stored_rows == want, (
        f"session {session.name} holds (step, kind{', under' if with_parents else ''}) "
        f"{_show(stored_rows, with_parents)}; expected {_show(want, with_parents)}\n"
        + span_tree(stored.events)
    )


def _show(rows: list[Row], with_parents: bool) -> list[tuple[str, ...]]:
    return [(n, k, p or "(session)") if with_parents else (n, k) for n, k, p in rows]


def step_holds(stored: Stored, session: SessionOutcome, parent: str, expected: list[Row]) -> None:
    """The steps directly under `parent` (each request's), in order, with their kinds; the
    parent stored once for each time the application ran it."""
    parents = stored.named(parent)
    runs = [s for s in session.steps if s.name == parent]
    assert runs, f"the application traced no step {parent!r} in session {session.name}"
    assert len(parents) == len(runs), (
        f"session {session.name} holds the step {parent!r} {len(parents)} time(s); the "
        f"application ran it {len(runs)} time(s); it holds {stored.names()}"
    )
    for event in parents:
        kids = [
            (str(e.get("event_name")), str(e.get("event_type"))) for e in stored.children(event)
        ]
        want = [(n, k) for n, k, _ in expected]
        if all(n == "" for n, _ in want):  # only kinds were given
            kids = [("", k) for _, k in kids]
        assert kids == want, f"under {parent!r} the backend holds {kids}; expected {want}"


def under_session(stored: Stored, session: SessionOutcome) -> None:
    """Every step the application traced at the top hangs directly under the session, and the
    session lists them among its children."""
    tops = [s for s in session.steps if s.parent is None]
    if not tops:
        raise NeedsAnotherWhen(f"session {session.name} has no top-level steps to check")
    events = [stored.of(s) for s in tops]
    parents = {str(e.get("event_name")): e.get("parent_id") for e in events}
    wrong = {n: p for n, p in parents.items() if p != session.session_id}
    assert not wrong, f"steps not directly under session {session.session_id}: {wrong}"
    ids = {e["event_id"] for e in events}
    listed = set(stored.session.get("children_ids") or [])
    assert ids <= listed, f"session children_ids {sorted(listed)} miss {sorted(ids - listed)}"


def nested_as_traced(stored: Stored, session: SessionOutcome) -> None:
    """Every step hangs under the step the application ran it in."""
    assert session.steps, f"the application traced no step in session {session.name}"
    wrong = []
    for step in session.steps:
        event = stored.of(step)
        got = stored.parent_name(event)
        if got != step.parent:
            wrong.append(
                f"{step.name} under {got or '(session)'}, not {step.parent or '(session)'}"
            )
    assert not wrong, (
        "steps under the wrong parent: " + "; ".join(wrong) + "\n" + span_tree(stored.events)
    )


def one_tree(stored: Stored) -> None:
    """Every step hangs under the session or under another stored step of it."""
    assert stored.steps, f"session {stored.session_id} holds no step to form a tree"
    ids = {e.get("event_id") for e in stored.events}
    orphans = {
        e.get("event_name"): e.get("parent_id")
        for e in stored.steps
        if e.get("parent_id") not in ids
    }
    assert not orphans, f"steps whose parent is not in the session (name: parent): {orphans}"


def overlapped(events: list[Event], what: str) -> None:
    """Every one of `events` started before any of them ended: they were in flight together."""
    starts = [e["start_time"] for e in events]
    ends = [e["end_time"] for e in events]
    assert max(starts) < min(ends), (
        f"the {what} did not overlap in time (last start {max(starts)}, first end {min(ends)}): "
        "the scenario did not exercise concurrency"
    )


def sessions_overlapped(held: list[Stored], what: str) -> None:
    overlapped(
        [
            {
                "start_time": min(e["start_time"] for e in s.steps),
                "end_time": max(e["end_time"] for e in s.steps),
            }
            for s in held
        ],
        what,
    )


def require_sessions(outcome: Outcome, at_least: int) -> None:
    if len(outcome.sessions) < at_least:
        raise NeedsAnotherWhen(
            f"this Then compares {at_least} or more sessions; '{outcome.action}' traced "
            f"{len(outcome.sessions)}"
        )


def holds_units(stored: Stored, session: SessionOutcome) -> None:
    """The session holds every step the application ran, as the framework ran it: each unit of
    the kind its framework makes it, under the unit that ran it, in the order they started —
    and no other (the model calls an instrumentation recorded are checked on their own)."""
    if not session.steps:
        raise NeedsAnotherWhen(f"session {session.name} ran no step to compare with")
    expected = [
        (s.name, s.kind, s.parent) for s in session.steps if s.request in (None, _first(session))
    ]
    holds_steps(stored, session, expected, with_parents=True)


def _first(session: SessionOutcome) -> str | None:
    return session.steps[0].request
