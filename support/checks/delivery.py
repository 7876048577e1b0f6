"""Then checks of delivery: what the application traced arrives, exactly once, and tracing never
got in the application's way. "Exactly once" counts what the backend *received*, not only what
it kept: the embedded backend keeps the first copy of a span sent twice and counts the repeat
(its receipts); on a real HoneyHive two stored events with one id are the evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from support.outcome import NeedsAnotherWhen, Outcome, SessionOutcome
from support.readback.reader import BackendReader, Event
from support.readback.stored import Stored


def resent(project_events: list[Event], receipts: dict[str, int] | None) -> dict[str, int]:
    """Events of the list the backend received more than once (name -> times received)."""
    ids = Counter(str(e.get("event_id")) for e in project_events)
    repeats = {}
    for event in project_events:
        event_id = str(event.get("event_id"))
        times = max(ids[event_id], (receipts or {}).get(event_id, 1))
        if times > 1:
            repeats[str(event.get("event_name"))] = times
    return repeats


def exactly_once(stored: Stored, session: SessionOutcome, receipts: dict[str, int] | None) -> None:
    """Every step the application traced is stored, none more often than traced, and the
    backend received none of them twice."""
    traced = session.step_names
    missing, doubled = stored.missing_and_doubled(traced)
    repeats = resent(stored.steps, receipts)
    own = [e for e in stored.steps if str(e.get("event_name")) in set(traced)]
    assert not missing and not doubled and not repeats, (
        f"{len(traced) - len(missing)} of {len(traced)} traced steps stored "
        f"(missing: {missing[:6]}{'...' if len(missing) > 6 else ''}); stored more often than "
        f"traced: {doubled[:6]}; received more than once: {dict(list(repeats.items())[:6])}"
    )
    assert len(own) == len(traced), f"{len(own)} steps stored for the {len(traced)} traced"


Settled = Callable[[], bool]


def window_end(outcome: Outcome, window: float) -> float:
    """When the absence window of the When's outcome ends: `window` seconds after its flush
    returned (the Outcome is made then). The Thens before the absence check read while the
    window runs, so a scenario pays the longer of the two, not their sum."""
    return outcome.finished_at + window


def sent_and_settled(outcome: Outcome, session: SessionOutcome | None = None) -> Settled | None:
    """On the embedded backend, how a window learns that a request is still in flight at its
    end, so that it waits for that request too (it never ends a window early). None on a real
    HoneyHive, which says nothing of its queue. `session`: one of the When's sessions (default:
    its one)."""
    project = (session or outcome.session).project
    control = project.control
    if control is None:
        return None
    return lambda: control.settled(project.name)


def arrived_over_window(
    reader: BackendReader,
    session: SessionOutcome,
    receipts_of: object,
    *,
    until: float,
    facts: str,
    settled: Settled | None = None,
) -> None:
    """Every traced step arrives exactly once: read until the absence window's end (`until`)
    even once every step is there, so that a late repeat is seen. `facts` says what the SDK did
    (refusals, exports, flush). A window whose reads failed fails as such (ReadFailed), never
    as steps "missing"."""
    traced = session.step_names
    assert traced, f"the application traced no step in session {session.name}: nothing to count"
    events, _ = reader.watch_session(
        session.session_id,
        until,
        what=f"the {len(traced)} traced steps of session {session.session_id}",
        settled=settled,
    )
    stored = Stored(session.session_id, events)
    receipts = receipts_of() if callable(receipts_of) else None
    missing, twice = stored.missing_and_doubled(traced)
    repeats = resent(stored.steps, receipts)
    assert not missing and not twice and not repeats, (
        f"{len(traced) - len(missing)} of {len(traced)} traced steps arrived"
        f" (missing: {missing[:6]}{'...' if len(missing) > 6 else ''}; stored twice: {twice};"
        f" received more than once: {repeats}); {facts}"
    )


def nothing_extra_over_window(
    reader: BackendReader,
    session: SessionOutcome,
    *,
    until: float,
    what: str,
    only_traced_names: bool = False,
    settled: Settled | None = None,
) -> list[Event]:
    """Watch the session to the end of the absence window (`until`), whatever is already
    there, and fail with every event that the application did not trace (an extra, a phantom,
    a duplicate), all of them: a failure that shows up early does not hide a later one. Model
    calls recorded by the instrumentation are not application steps and are not counted; with
    `only_traced_names`, only repeats of the traced steps are (other events are some other
    Then's business). A window whose last read failed is ReadFailed."""
    traced = Counter(session.step_names)
    assert traced, f"the application traced no step in session {session.name}: {what}"

    def extras(events: list[Event]) -> list[Event]:
        held: Counter[str] = Counter()
        out = []
        for e in sorted(events, key=lambda e: e.get("start_time") or 0):
            name = str(e.get("event_name"))
            if e.get("event_type") in ("session", "model") and name not in traced:
                continue
            if only_traced_names and name not in traced:
                continue
            held[name] += 1
            if held[name] > traced.get(name, 0):
                out.append(e)
        return out

    events, _ = reader.watch_session(
        session.session_id,
        until,
        what=what,
        settled=settled,
    )
    found = extras(events)
    if not found:
        return events
    raise AssertionError(
        f"{what}: the backend holds {len(found)} more event(s) than the application traced: "
        + ", ".join(f"{e.get('event_name')} [{e.get('event_type')}]" for e in found[:8])
        + (", ..." if len(found) > 8 else "")
        + f"; traced {_few(session.step_names)}"
    )


def _few(names: list[str], limit: int = 8) -> str:
    return str(names) if len(names) <= limit else f"{names[:limit]}... ({len(names)} steps)"


def never_raised(outcome: Outcome) -> None:
    assert not outcome.tracing.errors, (
        f"tracing raised into the application: {outcome.tracing.errors}"
    )


def started_within(outcome: Outcome, seconds: float) -> None:
    took = outcome.tracing.init_seconds
    if took is None:
        raise NeedsAnotherWhen(f"'{outcome.action}' does not time the tracer's start")
    assert took < seconds, f"the tracer took {took:.1f}s to start"


def traced_within(outcome: Outcome, seconds: float) -> None:
    took = outcome.tracing.trace_seconds
    if took is None:
        raise NeedsAnotherWhen(f"'{outcome.action}' does not time its tracing")
    steps = sum(len(s.steps) for s in outcome.sessions)
    assert took < seconds, f"tracing {steps} steps took {took:.2f}s"


def name_kept(reader: BackendReader, session: SessionOutcome) -> None:
    events = reader.wait_for_session(session.session_id)
    (stored,) = [e for e in events if e.get("event_type") == "session"]
    name = stored.get("event_name")
    assert name == session.name, (
        f"the session the steps arrived in is named {name!r}, not {session.name!r}"
    )


def timestamps_within(stored: Stored, seconds: float) -> None:
    starts = [e["start_time"] for e in stored.steps]
    assert starts, f"session {stored.session_id} holds no step to time"
    spread = (max(starts) - min(starts)) / 1000
    assert spread < seconds, f"stored steps span {spread:.1f}s"


def export_sizes(sizes: list[int], at_most: int) -> None:
    assert sizes and max(sizes) <= at_most, f"{len(sizes)} export(s) of {sizes} spans"
