"""Reading back what the backend stored, through the suite's own client of HoneyHive's public
API (`api_client.py`, never the SDK under test), with the one polling primitive. Nothing here
knows whether the backend is HoneyHive or the emulator.

A read that keeps failing (an error status, a dropped connection) is never "nothing there": the
wait ends with `ReadFailed`, "could not read what the backend stored: …" and the last error."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from support.readback.api_client import RETRY_ON, Event, Filter, HoneyHiveApi, is_
from support.readback.polling import Poll, ReadFailed, wait_for, watch_until

__all__ = ["BackendReader", "Event", "is_"]


class BackendReader:
    def __init__(self, api: HoneyHiveApi, on_poll: Callable[[Poll[Any]], None] | None = None):
        self.api = api
        self.on_poll = on_poll

    def __repr__(self) -> str:
        return f"BackendReader({self.api.url})"

    def export(self, filters: Iterable[Filter]) -> list[Event]:
        """Every event matching the filters, following pages: one read, and ReadFailed if it
        fails (polls call `api.export` and retry)."""
        wanted = list(filters)
        try:
            return self.api.export(wanted)
        except RETRY_ON as exc:
            raise ReadFailed(
                f"the events matching {wanted}", 0.0, 1, f"{type(exc).__name__}: {exc}"
            ) from exc

    def session_events(self, session_id: str) -> list[Event]:
        """The session's events, one read (raises the API's error: for polls)."""
        return self.api.export([is_("session_id", session_id)])

    def poll(
        self,
        fetch: Callable[[], Any],
        ready: Callable[[Any], bool],
        *,
        what: str,
        timeout: float = 15.0,
    ) -> Any:
        """`wait_for` over this reader's reads: failed reads are retried, and a wait whose last
        read failed ends in ReadFailed."""
        return wait_for(
            fetch, ready, what=what, timeout=timeout, retry_on=RETRY_ON, on_done=self.on_poll
        )

    def wait_for_session(
        self,
        session_id: str,
        *,
        names: Iterable[str] = (),
        count: int | None = None,
        ready: Callable[[list[Event]], bool] | None = None,
        timeout: float = 20.0,
    ) -> list[Event]:
        """Poll until the session event and every expected event name are stored, each as often
        as it is named (and, when given, `count` non-session events and `ready(events)`)."""
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

        names_ = sorted(expected)
        shown = names_ if len(names_) <= 4 else f"its {sum(expected.values())} traced steps"
        what = f"session {session_id} with {shown or count or 'its'} events"
        found: list[Event] = self.poll(
            lambda: self.session_events(session_id), complete, what=what, timeout=timeout
        )
        return found

    def watch_session(
        self,
        session_id: str,
        until: float,
        *,
        what: str,
        stop_early: Callable[[list[Event]], bool] = lambda _: False,
        settled: Callable[[], bool] | None = None,
    ) -> tuple[list[Event], bool]:
        """An absence window over the session: read until the instant `until` (a
        `time.monotonic()` value) and once after it — or until `stop_early(events)` holds.
        Returns the last events read and whether they stopped it early; a window whose last read
        failed raises ReadFailed (polling.watch_until)."""
        return watch_until(
            lambda: self.session_events(session_id),
            stop_early,
            until=until,
            what=what,
            retry_on=RETRY_ON,
            on_done=self.on_poll,
            settled=settled,
        )

    def wait_until_gone(self, session_id: str, *, timeout: float = 20.0) -> list[Event]:
        found: list[Event] = self.poll(
            lambda: self.session_events(session_id),
            lambda events: not events,
            what=f"session {session_id} to be removed",
            timeout=timeout,
        )
        return found
