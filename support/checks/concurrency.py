"""Then checks of concurrent work: who is whose parent, which session holds what, and whether
the work really overlapped in time."""

from __future__ import annotations

from support.checks.structure import overlapped
from support.flows.concurrency import FanOut
from support.outcome import Outcome, SessionOutcome
from support.readback.fields import field as value
from support.readback.stored import Stored
from support.report.evidence import span_tree


def lookups_under_request(
    stored: Stored, session: SessionOutcome, fan: FanOut, request: str
) -> None:
    parent = stored.one(request)
    assert parent.get("parent_id") == session.session_id, (
        f"{request} hangs under {parent.get('parent_id')}"
    )
    misplaced = {
        f.step: stored.one(f.step).get("parent_id")
        for f in fan.lookups
        if stored.one(f.step).get("parent_id") != parent["event_id"]
    }
    assert not misplaced, (
        f"lookups not under {request} ({parent['event_id']}): {misplaced}; tree:\n"
        + span_tree(stored.events)
    )


def own_model_calls(stored: Stored, outcome: Outcome, fan: FanOut) -> None:
    """Each lookup holds one model call, which asked about its own product and stored the reply
    the application received for that request on the wire."""
    for finding in fan.lookups:
        calls = stored.model_calls_under(stored.one(finding.step))
        assert len(calls) == 1, f"{finding.step} holds {len(calls)} model calls"
        asked = str(value(calls[0], "inputs.chat_history"))
        assert finding.product in asked, f"the model call under {finding.step} asked {asked}"
        sent_under = [x for x in outcome.model_exchanges if x.step == finding.step]
        assert len(sent_under) == 1, f"{len(sent_under)} model requests sent under {finding.step}"
        sent = sent_under[0]
        got = value(calls[0], "outputs.content")
        assert got == sent.reply, (
            f"{finding.step}: stored reply {got!r}, the model answered {sent.reply!r}"
        )


def lookups_in_flight_together(stored: Stored, fan: FanOut) -> None:
    overlapped([stored.one(f.step) for f in fan.lookups], "lookups")


def sessions_hold_only_their_own(held: list[tuple[SessionOutcome, Stored]]) -> None:
    for session, stored in held:
        user = session.user
        calls = [e for e in stored.steps if e.get("event_type") == "model"]
        own = [e for e in stored.steps if e.get("event_type") != "model"]
        names = sorted(str(e.get("event_name")) for e in own)
        assert names == sorted(session.step_names), (
            f"{user}'s session holds steps {names}, expected {session.step_names}"
        )
        users = {str(value(e, "metadata.user")) for e in own}
        assert users == {user}, f"{user}'s session holds steps of users {sorted(users)}"
        for step in session.step_names:
            under = stored.model_calls_under(stored.one(step))
            assert len(under) == 1, f"{step} holds {len(under)} model calls in {user}'s session"
        assert len(calls) == len(session.steps), f"{user}'s session holds {len(calls)} model calls"
        got = value(stored.session, "user_properties.user")
        assert got == user, f"{user}'s session carries user {got!r}"
