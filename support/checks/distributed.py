"""Then checks of a request that crossed two services: every step of both, wherever the backend
stored it, so a lost session shows where the steps went instead of timing out."""

from __future__ import annotations

from collections import Counter

from support.app import storefront, worker_service
from support.flows.distributed import FRONT_STEPS, WORKER_STEPS, CrossService
from support.outcome import SessionOutcome
from support.readback.reader import BackendReader, Event, is_
from support.readback.stored import Stored, value


def marked_steps(reader: BackendReader, session: SessionOutcome) -> list[Event]:
    """Every step either service marked with the scenario's id, in whatever session it was
    stored, polled until each marked step is there."""
    marked = [*FRONT_STEPS, *WORKER_STEPS]
    found: list[Event] = reader.poll(
        lambda: reader.api.export([is_("metadata.scenario.unique_id", session.name)]),
        lambda events: set(marked) <= {e.get("event_name") for e in events},
        what=f"the steps of both services marked {session.name}",
    )
    return found


def one_session(reader: BackendReader, session: SessionOutcome, cross: CrossService) -> None:
    events = marked_steps(reader, session)
    elsewhere = {
        e.get("event_name"): e.get("session_id")
        for e in events
        if e.get("session_id") != session.session_id
    }
    own = (
        " (the inventory service's own session)"
        if cross.inventory.session_id in elsewhere.values()
        else ""
    )
    sent = cross.order.headers_sent
    assert not elsewhere, (
        f"steps stored outside the storefront's session {session.session_id}: {elsewhere}{own}; "
        f"the storefront sent the headers {sorted(sent)}, baggage {sent.get('baggage')!r}"
    )


def each_once(stored: Stored, session: SessionOutcome) -> None:
    counts = Counter(stored.names())
    wrong = {n: counts.get(n, 0) for n in session.step_names if counts.get(n, 0) != 1}
    assert not wrong, f"steps not stored exactly once (name: times): {wrong}; stored {dict(counts)}"


def worker_under_call(stored: Stored, cross: CrossService) -> None:
    """The inventory service's top step hangs under the storefront's call to it, and the
    service's other steps under its top step."""
    call = stored.one(storefront.CALL_STEP)
    top = stored.one(worker_service.TOP_STEP)
    assert top.get("parent_id") == call.get("event_id"), (
        f"{worker_service.TOP_STEP} hangs under {top.get('parent_id')}, not under "
        f"{storefront.CALL_STEP} ({call.get('event_id')})"
    )
    below = sorted(str(c.get("event_name")) for c in stored.children(top))
    expected = sorted(n for n in cross.worker_steps if n != worker_service.TOP_STEP)
    assert below == expected, f"under {worker_service.TOP_STEP}: {below}, expected {expected}"


def worker_identity(stored: Stored, cross: CrossService) -> None:
    assert cross.inventory.pid != cross.front_pid, "the inventory service ran in the test's process"
    for name in WORKER_STEPS:
        step = stored.one(name)
        assert value(step, "metadata.service.name") == worker_service.SERVICE, name
        assert value(step, "metadata.service.pid") == cross.inventory.pid, name
    for name in FRONT_STEPS:
        step = stored.one(name)
        assert value(step, "metadata.service.name") == storefront.SERVICE, name
        assert value(step, "metadata.service.pid") == cross.front_pid, name
