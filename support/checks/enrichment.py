"""Then checks of enrichment: each value on the event that recorded it, and on no other."""

from __future__ import annotations

from support.outcome import SessionOutcome
from support.readback.fields import field as value
from support.readback.stored import Stored

ENRICHED = ("metadata.", "metrics.", "feedback.", "user_properties.")


def enrichment_stays_on_its_event(stored: Stored, session: SessionOutcome) -> None:
    """No enrichment value recorded by one function shows up on another step."""
    leaks = []
    for step in session.steps:
        for path, expected in step.recorded.items():
            if not path.startswith(ENRICHED):
                continue
            for other in stored.steps:
                if other.get("event_name") != step.name and value(other, path) == expected:
                    leaks.append(
                        f"{path}={expected!r} of {step.name} also on {other.get('event_name')}"
                    )
    assert not leaks, "enrichment leaked to other steps: " + "; ".join(leaks)


def steps_nested(stored: Stored, parent: str, children: list[str]) -> None:
    top = stored.one(parent)
    wrong = {c: stored.one(c).get("parent_id") for c in children}
    wrong = {c: p for c, p in wrong.items() if p != top.get("event_id")}
    assert not wrong, f"not under {parent}: {wrong}"
    assert top.get("parent_id") == stored.session_id, f"{parent} is not a top-level step"
