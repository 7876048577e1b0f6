"""Then checks of tenancy: each project reads back only its own data."""

from __future__ import annotations

from support.outcome import SessionOutcome
from support.readback.reader import BackendReader, is_
from support.readback.stored import Stored, value


def own_events_only(
    stored: Stored, session: SessionOutcome, label: str, other: SessionOutcome
) -> None:
    for event in stored.events:
        assert event.get("session_id") == session.session_id, event
        assert other.session_id not in str(event), f"{label} sees {other.session_id}"
        if "project" in event:  # the emulator names the project; HoneyHive may not
            assert event["project"] != other.project.name, event
    step = stored.one(session.step_names[0])
    assert value(step, "metadata.tenant.id") == label


def cannot_read(reader: BackendReader, other: SessionOutcome) -> None:
    seen = reader.export([is_("session_id", other.session_id)])
    assert seen == [], f"{len(seen)} events of another project's session were readable"
