"""Then checks of a trace's structure under concurrency: who is whose parent, which session
holds what, and whether the work really overlapped in time."""

from __future__ import annotations

from support.app.concurrent_lookups import Finding
from support.readback.fields import field as value
from support.readback.reader import BackendReader, Event
from support.readback.stored import Stored, fetch
from support.report.evidence import span_tree
from support.sdk.tracers import Run


def _lookups(run: Run) -> list[Finding]:
    findings: list[Finding] = run.extra["findings"]
    return findings


def lookups_under_request(stored: Stored, run: Run, request: str) -> None:
    parent = stored.one(request)
    assert parent.get("parent_id") == run.session_id, (
        f"{request} hangs under {parent.get('parent_id')}"
    )
    misplaced = {
        f.step: stored.one(f.step).get("parent_id")
        for f in _lookups(run)
        if stored.one(f.step).get("parent_id") != parent["event_id"]
    }
    assert not misplaced, (
        f"lookups not under {request} ({parent['event_id']}): {misplaced}; tree:\n"
        + span_tree(stored.events)
    )


def own_model_calls(stored: Stored, run: Run) -> None:
    for finding in _lookups(run):
        calls = stored.model_calls_under(stored.one(finding.step))
        assert len(calls) == 1, f"{finding.step} holds {len(calls)} model calls"
        asked = str(value(calls[0], "inputs.chat_history"))
        assert finding.product in asked, f"the model call under {finding.step} asked {asked}"
        got = value(calls[0], "outputs.content")
        assert got == finding.summary, (
            f"{finding.step}: stored reply {got!r}, app got {finding.summary!r}"
        )


def overlapped(events: list[Event], what: str) -> None:
    """Every one of `events` started before any of them ended: they were in flight together."""
    starts = [e["start_time"] for e in events]
    ends = [e["end_time"] for e in events]
    assert max(starts) < min(ends), (
        f"the {what} did not overlap in time (last start {max(starts)}, first end {min(ends)}): "
        "the scenario did not exercise concurrency"
    )


def lookups_in_flight_together(stored: Stored, run: Run) -> None:
    overlapped([stored.one(f.step) for f in _lookups(run)], "lookups")


def sessions_hold_only_their_own(reader: BackendReader, runs: dict[str, Run]) -> list[Stored]:
    held = []
    for user, run in runs.items():
        stored = fetch(reader, run)
        calls = [e for e in stored.steps if e.get("event_type") == "model"]
        own = [e for e in stored.steps if e.get("event_type") != "model"]
        names = sorted(str(e.get("event_name")) for e in own)
        assert names == sorted(run.steps), (
            f"{user}'s session holds steps {names}, expected {run.steps}"
        )
        users = {str(value(e, "metadata.user")) for e in own}
        assert users == {user}, f"{user}'s session holds steps of users {sorted(users)}"
        for step in run.steps:
            under = stored.model_calls_under(stored.one(step))
            assert len(under) == 1, f"{step} holds {len(under)} model calls in {user}'s session"
        assert len(calls) == len(run.steps), f"{user}'s session holds {len(calls)} model calls"
        got = value(stored.session, "user_properties.user")
        assert got == user, f"{user}'s session carries user {got!r}"
        held.append(stored)
    return held


def sessions_served_together(held: list[Stored]) -> None:
    spans = [
        {
            "start_time": min(e["start_time"] for e in s.steps),
            "end_time": max(e["end_time"] for e in s.steps),
        }
        for s in held
    ]
    overlapped(spans, "users' sessions")
