"""Then checks of which session holds what: a step is found wherever the backend stored it (by
the scenario's mark), so a step in the wrong session shows where it went."""

from __future__ import annotations

from support.outcome import SessionOutcome
from support.readback.reader import BackendReader, Event, is_
from support.readback.stored import Stored


def session_of_step(reader: BackendReader, step: str, mark: str) -> str:
    """The session a step marked with `mark` was stored in, polling until it shows up."""
    filters = [is_("event_name", step), is_("metadata.scenario.unique_id", mark)]
    found: list[Event] = reader.poll(
        lambda: reader.api.export(filters),
        lambda events: len(events) >= 1,
        what=f"{step} of {mark} in any session",
    )
    assert len(found) == 1, f"{step} stored {len(found)} times"
    return str(found[0].get("session_id"))


def stored_in(
    reader: BackendReader, step: str, mark: str, session: SessionOutcome, what: str
) -> None:
    got = session_of_step(reader, step, mark)
    assert got == session.session_id, (
        f"{step} went to session {got}, not {what} {session.session_id}"
    )


def named(stored: Stored, session: SessionOutcome) -> None:
    name = stored.session.get("event_name")
    assert name == session.name, (
        f"session stored as {name!r}; the application named it {session.name!r}"
    )
