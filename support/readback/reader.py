"""Reading back what the backend stored, through the SDK's own client (`events.export`), with the
one polling primitive. Nothing here knows whether the backend is HoneyHive or the emulator."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import httpx

from support.readback.polling import Poll, wait_for

if TYPE_CHECKING:
    from honeyhive import HoneyHive
    from honeyhive.models import EventFilter

Event = dict[str, Any]
PAGE = 1000


class BackendReader:
    def __init__(self, client: HoneyHive, on_poll: Callable[[Poll[Any]], None] | None = None):
        self.client = client
        self.on_poll = on_poll

    def __repr__(self) -> str:
        return f"BackendReader({self.client.server_url})"

    def export(self, filters: Iterable[EventFilter], *, limit: int = PAGE) -> list[Event]:
        """Every event matching the filters, following pages."""
        filters = list(filters)
        events: list[Event] = []
        page = 1
        while True:
            result = self.client.events.export(filters=list(filters), limit=limit, page=page)
            batch = [_as_dict(e) for e in result.events]
            events.extend(batch)
            if len(batch) < limit or len(events) >= result.total_events:
                return events
            page += 1

    def session_events(self, session_id: str) -> list[Event]:
        return self.export([is_("session_id", session_id)])

    def wait_for_session(
        self,
        session_id: str,
        *,
        names: Iterable[str] = (),
        count: int | None = None,
        ready: Callable[[list[Event]], bool] | None = None,
        timeout: float = 20.0,
        settled: Callable[[], bool] | None = None,
    ) -> list[Event]:
        """Poll until the session event and every expected event name are stored, each as often
        as it is named (and, when given, `count` non-session events and `ready(events)`); with
        `settled`, give up early once the backend has nothing more on its way (polling.py)."""
        expected = Counter(names)

        def complete(events: list[Event]) -> bool:
            children = [e for e in events if e.get("event_type") != "session"]
            held = Counter(str(e.get("event_name")) for e in children)
            return (
                len(children) < len(events)  # the session event is there
                and all(held[name] >= n for name, n in expected.items())
                and (count is None or len(children) >= count)
                and (ready is None or ready(events))
            )

        what = f"session {session_id} with {sorted(expected) or count or 'its'} events"
        return wait_for(
            lambda: self.session_events(session_id),
            complete,
            what=what,
            timeout=timeout,
            retry_on=(httpx.TransportError,),
            on_done=self.on_poll,
            settled=settled,
        )

    def watch_session(
        self,
        session_id: str,
        until: Callable[[list[Event]], bool],
        *,
        timeout: float,
        what: str,
        settled: Callable[[], bool] | None = None,
    ) -> list[Event]:
        """Poll the session's events until `until(events)` or the deadline (WaitTimeout), which
        comes early once `settled` says the backend has nothing more on its way."""
        return wait_for(
            lambda: self.session_events(session_id),
            until,
            what=what,
            timeout=timeout,
            retry_on=(httpx.TransportError,),
            on_done=self.on_poll,
            settled=settled,
        )

    def wait_until_gone(self, session_id: str, *, timeout: float = 20.0) -> list[Event]:
        return wait_for(
            lambda: self.session_events(session_id),
            lambda events: not events,
            what=f"session {session_id} to be removed",
            timeout=timeout,
            retry_on=(httpx.TransportError,),
            on_done=self.on_poll,
        )


def is_(field: str, value: str) -> EventFilter:
    from honeyhive.models import EventFilter

    return EventFilter(field=field, operator="is", value=value, type="string")


def _as_dict(event: Any) -> Event:
    if isinstance(event, dict):
        return event
    dumped: Event = event.model_dump()
    return dumped
