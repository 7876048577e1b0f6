"""The one polling primitive: fetch until a predicate holds or a deadline passes — and its
mirror for absence, a window read to its end.

Never sleeps blindly: tenacity waits a short interval between attempts, stops at the deadline
(scaled by the run's timeout multiplier) and raises WaitTimeout carrying the last state seen, so
a failure shows what the backend did hold. A wait whose last attempt failed (the read raised one
of its `retry_on` errors) raises ReadFailed instead: a read that failed is never "nothing there"
and never "not yet".

An absence window (`watch_until`) proves that something does not arrive: it reads until a fixed
instant — the When's flush plus `absence_window(...)`, at least ABSENCE_FLOOR whatever the
multiplier — and once more after it, and fails early only when what it watches for shows up.
It never ends early because everything expected is present or because the backend says it is
idle; on the embedded backend, `settled` can only make it wait longer (a request still in
flight at the window's end is waited for).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_fixed

T = TypeVar("T")
_multiplier = 1.0
# The shortest absence window, counted from the moment the When's flush returned. honeyhive
# 1.7.0 exports through OpenTelemetry's BatchSpanProcessor (flush blocks until the batch is
# exported) and retries inside that export: urllib3's Retry (backoff_factor 0.5, 3 retries:
# waits of 0, 1.0 and 2.0 s, tracer/processing/otlp_session.py) and, for protobuf,
# OpenTelemetry's exporter (2**n s × 0.8–1.2 jitter: the first retry 0.8–1.2 s after a failed
# attempt, opentelemetry/exporter/otlp/common/http.py). A send that the flush did not wait for
# (a resend, a retry of an attempt the flush gave up on, a span ended after it) comes one
# backoff step after the last attempt: 1.2 s at the latest for the first step. 1.5 s covers
# it with the time one read takes to start and answer; a multiplier may lengthen it, never
# shorten it.
ABSENCE_FLOOR = 1.5
# with `settled`, how much longer than its end a window may wait for a request in flight
SETTLE_OVERRUN = 5.0
# told of every finished wait, in this process (bench/suite_timing.py times the suite's polling)
observers: list[Callable[[Poll[Any]], None]] = []


def set_timeout_multiplier(value: float) -> None:
    global _multiplier
    _multiplier = value


def scaled(seconds: float) -> float:
    return seconds * _multiplier


def absence_window(seconds: float) -> float:
    """An absence window of `seconds`, scaled, and never shorter than ABSENCE_FLOOR."""
    return max(ABSENCE_FLOOR, scaled(seconds))


class ReadFailed(AssertionError):
    """The backend could not be read: a failure of the run, never a pass, never a finding."""

    def __init__(self, what: str, seconds: float, attempts: int, error: str):
        self.error = error
        super().__init__(
            f"could not read what the backend stored: {what}: the last of {attempts} read(s) "
            f"over {seconds:.1f}s failed with {error}"
        )


class WaitTimeout(AssertionError):
    def __init__(self, what: str, seconds: float, attempts: int, last: object, error: str):
        self.last = last
        detail = f"last error: {error}" if error else f"last state seen: {last!r}"
        super().__init__(
            f"timed out after {seconds:.1f}s ({attempts} attempts) waiting for {what}; {detail}"
        )


@dataclass
class Poll(Generic[T]):
    """What one wait did, for the report's polling timings."""

    what: str
    attempts: int = 0
    seconds: float = 0.0
    history: list[str] = field(default_factory=list)


class _NotYet(Exception):
    pass


def wait_for(
    fetch: Callable[[], T],
    ready: Callable[[T], bool],
    *,
    what: str,
    timeout: float = 15.0,
    interval: float = 0.2,
    retry_on: tuple[type[BaseException], ...] = (),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_done: Callable[[Poll[T]], None] | None = None,
) -> T:
    """Call `fetch` until `ready(result)`; errors of the `retry_on` types count as not ready,
    and when the last attempt raised one the wait ends in ReadFailed, not WaitTimeout."""
    deadline = scaled(timeout)
    poll: Poll[T] = Poll(what)
    started = clock()
    last: list[T] = []
    errors: list[str] = []

    def attempt() -> T:
        poll.attempts += 1
        try:
            value = fetch()
        except retry_on as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            raise _NotYet from exc
        last[:] = [value]
        errors.clear()
        if not ready(value):
            raise _NotYet
        return value

    def give_up(state: RetryCallState) -> T:
        poll.seconds = clock() - started
        if on_done:
            on_done(poll)
        for observe in observers:
            observe(poll)
        if errors:
            raise ReadFailed(what, poll.seconds, poll.attempts, errors[-1])
        raise WaitTimeout(
            what,
            poll.seconds,
            poll.attempts,
            last[0] if last else None,
            errors[-1] if errors else "",
        )

    def done(_state: RetryCallState) -> bool:
        return clock() - started >= deadline

    retrying = Retrying(
        stop=done,
        wait=wait_fixed(interval),
        retry=retry_if_exception_type(_NotYet),
        retry_error_callback=give_up,
        sleep=sleep,
    )
    result = retrying(attempt)
    poll.seconds = clock() - started
    if on_done:
        on_done(poll)
    for observe in observers:
        observe(poll)
    return result


def watch_until(
    fetch: Callable[[], T],
    stop_early: Callable[[T], bool],
    *,
    until: float,
    what: str,
    interval: float = 0.1,
    retry_on: tuple[type[BaseException], ...] = (),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_done: Callable[[Poll[T]], None] | None = None,
    settled: Callable[[], bool] | None = None,
) -> tuple[T, bool]:
    """An absence window: call `fetch` every `interval` until the clock passes `until`, then
    once more (a read started after the window's end), and return (the last value, False); or
    return (the value, True) as soon as `stop_early(value)` holds. With `settled`, the window
    also waits, up to SETTLE_OVERRUN beyond `until`, for the source to say nothing is in
    flight. Errors of the `retry_on` types are retried; if the last read raised one, the window
    proves nothing: ReadFailed."""
    poll: Poll[T] = Poll(what)
    started = clock()
    error = ""
    last: list[T] = []

    def finish() -> None:
        poll.seconds = clock() - started
        if on_done:
            on_done(poll)
        for observe in observers:
            observe(poll)

    while True:
        now = clock()
        ended = now >= until and (settled is None or now >= until + SETTLE_OVERRUN or settled())
        poll.attempts += 1
        try:
            value = fetch()
        except retry_on as exc:
            error = f"{type(exc).__name__}: {exc}"
        else:
            error = ""
            last[:] = [value]
            if stop_early(value):
                finish()
                return value, True
        if ended:
            finish()
            if error or not last:
                raise ReadFailed(what, poll.seconds, poll.attempts, error or "no read")
            return last[0], False
        sleep(max(0.0, min(interval, until - clock())) or interval)
