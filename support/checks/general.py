"""The Then-step checks: each reads what the backend stored and fails with what it saw."""

from __future__ import annotations

import threading
from typing import Any

from support.flows.cleanup import Created, Removal
from support.readback.polling import WaitTimeout, wait_for
from support.readback.reader import BackendReader, Event, is_
from support.readback.stored import Stored, holds_value, value
from support.sdk.tracers import Run


def top_level_steps(stored: Stored, expected: list[tuple[str, str]]) -> None:
    actual = [(e.get("event_name"), e.get("event_type")) for e in stored.top_level()]
    assert actual == expected, f"top-level steps stored (name, type): {actual}"


def unique_id_in_metadata(stored: Stored, run: Run) -> None:
    missing = [
        n for n in run.steps if not holds_value(stored.one(n).get("metadata"), run.unique_id)
    ]
    assert not missing, f"steps without {run.unique_id} in their metadata: {missing}"


def recorded_values(stored: Stored, run: Run) -> None:
    for step, fields in run.recorded.items():
        for path, expected in fields.items():
            got = value(stored.one(step), path)
            assert got == expected, f"{step}: {path} stored {got!r}, the app recorded {expected!r}"


def data_chain(stored: Stored, run: Run) -> None:
    for src, src_path, dst, dst_path in run.chain:
        produced, consumed = value(stored.one(src), src_path), value(stored.one(dst), dst_path)
        assert produced == consumed, (
            f"{src} {src_path}={produced!r} but {dst} {dst_path}={consumed!r}"
        )


def steps_under_session(stored: Stored, run: Run) -> None:
    parents = {n: stored.one(n).get("parent_id") for n in run.steps}
    assert all(p == run.session_id for p in parents.values()), f"parents: {parents}"
    ids = {stored.one(n)["event_id"] for n in run.steps}
    listed = set(stored.session.get("children_ids") or [])
    assert ids <= listed, f"session children_ids {sorted(listed)} miss {sorted(ids - listed)}"


def model_call(stored: Stored, under: str) -> Event:
    """The one instrumented model call nested in step `under`, with token counts > 0."""
    call = _only_call(stored, stored.one(under))
    for counter in ("metadata.prompt_tokens", "metadata.completion_tokens"):
        got = value(call, counter)
        assert isinstance(got, int | float) and got > 0, f"{counter} of the model call is {got!r}"
    return call


def reply_recorded(stored: Stored, run: Run, step: str) -> None:
    call = model_call(stored, step)
    reply = run.extra["reply"]
    assert value(call, "outputs.content") == reply, "instrumented reply differs from the app's"
    assert value(stored.one(step), "metadata.model.response") == reply


def generation_settings(stored: Stored, run: Run, step: str) -> None:
    event = stored.one(step)
    assert value(event, "metadata.model.name") == run.extra["model"]
    assert value(event, "metadata.model.temperature") == run.extra["temperature"]
    assert value(event, "metadata.model.max_tokens") == run.extra["max_tokens"]
    for counter in ("metadata.model.prompt_tokens", "metadata.model.completion_tokens"):
        assert value(event, counter) > 0, f"{counter} is not above 0"


def call_matches_app(stored: Stored, run: Run, step: str) -> None:
    event, call = stored.one(step), model_call(stored, step)
    assert value(call, "config.model") == run.extra["model"]
    assert value(call, "config.temperature") == run.extra["temperature"]
    assert value(call, "config.max_tokens") == run.extra["max_tokens"]
    for app_key, call_key in (
        ("prompt_tokens", "prompt_tokens"),
        ("completion_tokens", "completion_tokens"),
    ):
        assert value(call, f"metadata.{call_key}") == value(event, f"metadata.model.{app_key}"), (
            app_key
        )


def documents_found(stored: Stored, at_least: int) -> None:
    event = stored.one("context-retrieval")
    found = value(event, "metadata.context.documents_found")
    assert found >= at_least, f"retrieval found {found} documents"
    assert value(event, "metadata.context.relevance_score") > 0


def model_calls_in_order(stored: Stored, count: int) -> list[Event]:
    generations = [e for e in stored.steps if e.get("event_name") == "llm-generation"]
    generations.sort(key=lambda e: e.get("start_time") or 0)
    assert len(generations) == count, f"{len(generations)} generation steps stored"
    return [_only_call(stored, g) for g in generations]


def _only_call(stored: Stored, parent: Event) -> Event:
    calls = stored.model_calls_under(parent)
    names = [c.get("event_name") for c in calls]
    assert len(calls) == 1, f"model calls under {parent.get('event_name')}: {names}"
    return calls[0]


def history_lengths(calls: list[Event], expected: list[int]) -> None:
    lengths = [len(value(c, "inputs.chat_history")) for c in calls]
    assert lengths == expected, f"messages sent per turn: {lengths}"


def answers_carried_forward(calls: list[Event], run: Run) -> None:
    turns = run.extra["turns"]
    for i, turn in enumerate(turns[:-1]):
        later = value(calls[i + 1], "inputs.chat_history")
        assert any(m.get("content") == turn.assistant for m in later), f"turn {i + 1} answer lost"


def session_field(stored: Stored, path: str, expected: Any) -> None:
    got = value(stored.session, path)
    assert got == expected, f"session {path} is {got!r}, expected {expected!r}"


# ---- tenants -----------------------------------------------------------------------------


def own_events_only(stored: Stored, run: Run, other: Run) -> None:
    for event in stored.events:
        assert event.get("session_id") == run.session_id, event
        assert other.session_id not in str(event), f"{run.extra['label']} sees {other.session_id}"
        if "project" in event:  # the emulator names the project; HoneyHive may not
            assert event["project"] != other.project.name, event
    step = stored.one(run.steps[0])
    assert value(step, "metadata.tenant.id") == run.extra["label"]


def cannot_read(reader: BackendReader, other: Run) -> None:
    seen = reader.export([is_("session_id", other.session_id)])
    assert seen == [], f"{len(seen)} events of another project's session were readable"


# ---- throughput ----------------------------------------------------------------------------


def each_exactly_once(stored: Stored, run: Run) -> None:
    missing, duplicates = stored.missing_and_doubled(run.steps)
    assert not missing and not duplicates, (
        f"{len(missing)} missing (e.g. {missing[:5]}), duplicated: {duplicates[:5]}"
    )
    stored_count = len(stored.steps)
    assert stored_count == len(run.steps), f"{stored_count} stored for {len(run.steps)} traced"


def timestamp_spread(stored: Stored, seconds: float) -> None:
    starts = [e["start_time"] for e in stored.steps]
    spread = (max(starts) - min(starts)) / 1000
    assert spread < seconds, f"stored steps span {spread:.1f}s"


# ---- cleanup -------------------------------------------------------------------------------


def nothing_left(reader: BackendReader, created: Created, removal: Removal) -> list[str]:
    """Every removed session is gone (polled); returns what the backend could not remove."""
    for sid in removal.removed:
        reader.wait_until_gone(sid)
    return [f"{sid}: {why}" for sid, why in removal.not_removable.items()]


def no_new_threads(created: Created, removal: Removal) -> None:
    alive = {t.ident: t.name for t in threading.enumerate()}
    left = {alive[i] for i in removal.threads_after - created.threads_before if i in alive}
    assert not left, f"threads still running after the tracers were closed: {sorted(left)}"


def session_of_step(reader: BackendReader, run: Run, step: str) -> str:
    """Where a step (marked with the run's unique id) was stored, polling until it shows up."""
    filters = [is_("event_name", step), is_("metadata.scenario.unique_id", run.unique_id)]
    found = wait_for(
        lambda: reader.export(filters),
        lambda events: len(events) >= 1,
        what=f"{step} of {run.unique_id} in any session",
        on_done=reader.on_poll,
    )
    assert len(found) == 1, f"{step} stored {len(found)} times"
    return str(found[0].get("session_id"))


# ---- faults --------------------------------------------------------------------------------


def all_arrived(reader: BackendReader, run: Run, settle: float) -> None:
    """Every traced step is stored exactly once; on failure, say how many were lost and what
    the SDK did (refusals, exports stored, what flush() returned)."""
    try:
        events = reader.wait_for_session(run.session_id, names=run.steps, timeout=settle)
    except WaitTimeout as exc:
        events = exc.last if isinstance(exc.last, list) else []
    missing, doubled = Stored(run.session_id, events).missing_and_doubled(run.steps)
    extra = run.extra
    what = (
        f"{len(run.steps) - len(missing)} of {len(run.steps)} traced steps arrived"
        f" (missing: {missing[:6]}{'...' if len(missing) > 6 else ''}; duplicated: {doubled});"
        f" the backend refused {extra.get('refused', 0)} export(s) and stored"
        f" {extra.get('exports', '?')}; flush() returned {extra.get('flushed')!r}"
    )
    assert not missing and not doubled, what


def not_interrupted(run: Run) -> None:
    errors = run.extra.get("errors", [])
    assert not errors, f"tracing raised into the application: {errors}"


def session_name_kept(reader: BackendReader, run: Run) -> None:
    events = reader.wait_for_session(run.session_id)
    (session,) = [e for e in events if e.get("event_type") == "session"]
    name = session.get("event_name")
    assert name == run.session_name, (
        f"the session the steps arrived in is named {name!r}, not {run.session_name!r}"
    )


def attempts_under(stored: Stored, step: str, total: int, failed: int) -> None:
    calls = stored.model_calls_under(stored.one(step))
    errors = [c for c in calls if c.get("error")]
    ok = [c for c in calls if not c.get("error")]
    assert (len(calls), len(errors)) == (total, failed), (
        f"{len(calls)} model calls under {step}, {len(errors)} failed: "
        f"{[c.get('error') for c in errors]}"
    )
    assert len(ok) == 1 and value(ok[0], "metadata.completion_tokens") > 0, "no successful call"
