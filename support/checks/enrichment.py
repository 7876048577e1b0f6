"""Then checks of enrichment: each value on the event that recorded it, and on no other."""

from __future__ import annotations

from support.readback.fields import MISSING
from support.readback.fields import field as value
from support.readback.stored import Stored
from support.sdk.tracers import Run

ENRICHED = ("metadata.", "metrics.", "feedback.", "user_properties.")


def enrichment_stays_on_its_event(stored: Stored, run: Run) -> None:
    """No enrichment value recorded by one function shows up on another step."""
    leaks = []
    for step, fields in run.recorded.items():
        for path, expected in fields.items():
            if not path.startswith(ENRICHED):
                continue
            for other in stored.steps:
                if other.get("event_name") != step and value(other, path) == expected:
                    leaks.append(f"{path}={expected!r} of {step} also on {other.get('event_name')}")
    assert not leaks, "enrichment leaked to other steps: " + "; ".join(leaks)


def session_enrichment(stored: Stored, run: Run) -> None:
    wrong = {
        f"{kind}.{key}": value(stored.session, f"{kind}.{key}")
        for kind, fields in run.extra["session"].items()
        for key, expected in fields.items()
        if value(stored.session, f"{kind}.{key}") != expected
    }
    assert not wrong, f"the session holds {wrong}, the app recorded {run.extra['session']}"


def one_event_per_failure(stored: Stored, run: Run) -> None:
    extra = [n for n in stored.names() if n not in run.steps]
    assert not extra, (
        f"the failing function {run.steps} was recorded with extra events {extra}: "
        f"{[(e.get('event_name'), e.get('event_type'), e.get('error')) for e in stored.steps]}"
    )


def steps_nested(stored: Stored, parent: str, children: list[str]) -> None:
    top = stored.one(parent)
    wrong = {c: stored.one(c).get("parent_id") for c in children}
    wrong = {c: p for c, p in wrong.items() if p != top.get("event_id")}
    assert not wrong, f"not under {parent}: {wrong}"
    assert top.get("parent_id") == stored.session_id, f"{parent} is not a top-level step"


__all__ = [
    "MISSING",
    "enrichment_stays_on_its_event",
    "one_event_per_failure",
    "session_enrichment",
]
