"""The one polling primitive: fetch until a predicate holds or a deadline passes.

Never sleeps blindly: tenacity waits a short interval between attempts, stops at the deadline
(scaled by the run's timeout multiplier) and raises WaitTimeout carrying the last state seen, so
a failure shows what the backend did hold.

A wait that expects nothing more to come (an absence window) may be told how to ask the source
whether anything still is (`settled`): once it has said no for `SETTLE_GRACE` seconds, reads
included, the wait ends as if its deadline had passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_fixed

T = TypeVar("T")
_multiplier = 1.0
# how long the source must stay settled, reads included, before a wait ends early on it: a
# send the SDK starts just after its flush returned is still seen
SETTLE_GRACE = 0.25
# told of every finished wait, in this process (bench/suite_timing.py times the suite's polling)
observers: list[Callable[[Poll[Any]], None]] = []


def set_timeout_multiplier(value: float) -> None:
    global _multiplier
    _multiplier = value


def scaled(seconds: float) -> float:
    return seconds * _multiplier


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
    settled: Callable[[], bool] | None = None,
) -> T:
    """Call `fetch` until `ready(result)`; errors of the `retry_on` types count as not ready.
    With `settled`, asked before each fetch, the wait also ends (WaitTimeout) once the source
    has said it has nothing more on its way for SETTLE_GRACE seconds."""
    deadline = scaled(timeout)
    poll: Poll[T] = Poll(what)
    started = clock()
    last: list[T] = []
    errors: list[str] = []
    settled_since: list[float] = []  # when the source last started saying it was settled

    def attempt() -> T:
        poll.attempts += 1
        if settled is not None:
            if not settled():
                settled_since.clear()
            elif not settled_since:
                settled_since.append(clock())
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
        raise WaitTimeout(
            what,
            poll.seconds,
            poll.attempts,
            last[0] if last else None,
            errors[-1] if errors else "",
        )

    def done(_state: RetryCallState) -> bool:
        now = clock()
        return now - started >= deadline or bool(
            settled_since and now - settled_since[0] >= SETTLE_GRACE
        )

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
