"""Then checks of delivery: what the application traced arrives, exactly once, and tracing never
got in the application's way. "Exactly once" counts what the backend *received*, not only what
it kept: the embedded backend keeps the first copy of a span sent twice and counts the repeat
(its receipts); on a real HoneyHive two stored events with one id are the evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from support.flows.faults import BackendFacts
from support.outcome import NeedsAnotherWhen, Outcome, SessionOutcome
from support.readback.polling import WaitTimeout
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


def sent_and_settled(outcome: Outcome, session: SessionOutcome | None = None) -> Settled | None:
    """How an absence window may learn that nothing more can arrive, so that it ends early: only
    when the SDK can be shown to have finished sending — the When's flush returned True, no
    export was refused (a retrying exporter may still be waiting to resend) — and only on the
    embedded backend, which then says whether it is still handling any request or hiding any
    write. None (the window runs its whole length) on a real HoneyHive, which ingests through a
    queue and says nothing of it. `session`: one of the When's sessions (default: its one)."""
    project = (session or outcome.session).project
    control = project.control
    if control is None or outcome.tracing.flushed is not True:
        return None
    if outcome.has(BackendFacts) and outcome.facet(BackendFacts).refused:
        return None
    return lambda: control.settled(project.name)


def arrived_over_window(
    reader: BackendReader,
    session: SessionOutcome,
    receipts_of: object,
    *,
    window: float,
    facts: str,
    settled: Settled | None = None,
) -> None:
    """Every traced step arrives exactly once, looked for over the absence window before calling
    anything lost (ended early once `settled` holds); `facts` says what the SDK did (refusals,
    exports, flush)."""
    try:
        events = reader.wait_for_session(
            session.session_id, names=session.step_names, timeout=window, settled=settled
        )
    except WaitTimeout as exc:
        events = exc.last if isinstance(exc.last, list) else []
    stored = Stored(session.session_id, events)
    receipts = receipts_of() if callable(receipts_of) else None
    traced = session.step_names
    missing, doubled = stored.missing_and_doubled(traced)
    repeats = resent(stored.steps, receipts)
    assert not missing and not doubled and not repeats, (
        f"{len(traced) - len(missing)} of {len(traced)} traced steps arrived"
        f" (missing: {missing[:6]}{'...' if len(missing) > 6 else ''}; stored twice: {doubled};"
        f" received more than once: {repeats}); {facts}"
    )


def nothing_extra_over_window(
    reader: BackendReader,
    session: SessionOutcome,
    *,
    window: float,
    what: str,
    only_traced_names: bool = False,
    settled: Settled | None = None,
) -> list[Event]:
    """Watch the session for the whole absence window (ended early once `settled` holds); fail
    at the first event that the application did not trace (an extra, a phantom, a duplicate).
    Model calls recorded by the instrumentation are not application steps and are not counted;
    with `only_traced_names`, only repeats of the traced steps are (other events are some other
    Then's business)."""
    traced = Counter(session.step_names)

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

    try:
        events = reader.watch_session(
            session.session_id,
            lambda events: bool(extras(events)),
            timeout=window,
            what=what,
            settled=settled,
        )
    except WaitTimeout as exc:
        return exc.last if isinstance(exc.last, list) else []
    found = extras(events)
    raise AssertionError(
        f"{what}: the backend holds {len(found)} more event(s) than the application traced: "
        + ", ".join(f"{e.get('event_name')} [{e.get('event_type')}]" for e in found)
        + f"; traced {session.step_names}"
    )


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
    spread = (max(starts) - min(starts)) / 1000
    assert spread < seconds, f"stored steps span {spread:.1f}s"


def export_sizes(sizes: list[int], at_most: int) -> None:
    assert sizes and max(sizes) <= at_most, f"{len(sizes)} export(s) of {sizes} spans"
