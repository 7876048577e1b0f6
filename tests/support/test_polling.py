"""The polling primitive, with the clock and sleep replaced: no real waiting."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from support.readback import polling
from support.readback.polling import Poll, WaitTimeout, wait_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_returns_the_first_ready_value_without_sleeping_more_than_needed() -> None:
    clock, values = FakeClock(), iter([[], [1], [1, 2]])
    got = wait_for(
        lambda: next(values),
        lambda v: len(v) == 2,
        what="two",
        timeout=10,
        interval=0.5,
        clock=clock,
        sleep=clock.sleep,
    )
    assert got == [1, 2]
    assert clock.sleeps == [0.5, 0.5]


def test_times_out_at_the_deadline_with_the_last_state_seen() -> None:
    clock, calls = FakeClock(), []

    def fetch() -> list[int]:
        calls.append(1)
        return [len(calls)]

    with pytest.raises(WaitTimeout) as err:
        wait_for(
            fetch,
            lambda v: False,
            what="never",
            timeout=2,
            interval=0.5,
            clock=clock,
            sleep=clock.sleep,
        )
    assert "waiting for never" in str(err.value)
    assert f"last state seen: [{len(calls)}]" in str(err.value)
    assert clock.now == pytest.approx(2.0)
    assert isinstance(err.value, AssertionError)  # a timeout is a failed expectation


def test_retryable_errors_count_as_not_ready_and_are_reported() -> None:
    clock = FakeClock()

    def fetch() -> int:
        raise ConnectionError("backend restarting")

    with pytest.raises(WaitTimeout, match="last error: ConnectionError: backend restarting"):
        wait_for(
            fetch,
            lambda v: True,
            what="x",
            timeout=1,
            interval=0.25,
            retry_on=(ConnectionError,),
            clock=clock,
            sleep=clock.sleep,
        )


def test_other_errors_propagate_at_once() -> None:
    clock = FakeClock()

    def fetch() -> int:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        wait_for(fetch, lambda v: True, what="x", clock=clock, sleep=clock.sleep)
    assert clock.sleeps == []


def test_the_timeout_multiplier_scales_every_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(polling, "_multiplier", 3.0)
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match=r"after 6\.0s"):
        wait_for(
            lambda: 0,
            lambda v: False,
            what="x",
            timeout=2,
            interval=1,
            clock=clock,
            sleep=clock.sleep,
        )


def test_reports_attempts_and_time_to_the_observer() -> None:
    clock, values = FakeClock(), iter([0, 0, 1])
    seen: list[Poll[int]] = []
    wait_for(
        lambda: next(values),
        bool,
        what="one",
        interval=1,
        clock=clock,
        sleep=clock.sleep,
        on_done=seen.append,
    )
    (poll,) = seen
    assert isinstance(poll, Poll) and poll.attempts == 3 and poll.seconds == pytest.approx(2.0)


def watch_for_an_extra(
    clock: FakeClock,
    *,
    settled: Callable[[], bool] | None,
    fetch: Callable[[], list[str]] = list,
    timeout: float = 10,
) -> list[str]:
    """An absence window: read every 0.2 s until something arrives (never, by default)."""
    return wait_for(
        fetch,
        bool,
        what="an extra",
        timeout=timeout,
        interval=0.2,
        clock=clock,
        sleep=clock.sleep,
        settled=settled,
    )


def test_an_absence_wait_ends_once_the_source_has_stayed_settled_for_the_grace() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeout):
        # something still on its way for the first 0.4 s
        watch_for_an_extra(clock, settled=lambda: clock.now >= 0.4)
    # settled first at 0.4; the wait reads until 0.25 s later, then ends, long before 10 s
    assert clock.now == pytest.approx(0.4 + polling.SETTLE_GRACE, abs=0.2)
    assert clock.now < 1.0


def test_a_source_that_unsettles_restarts_the_grace() -> None:
    clock = FakeClock()
    answers = iter([True, False, True, True, True, True])
    with pytest.raises(WaitTimeout):
        watch_for_an_extra(clock, settled=lambda: next(answers))
    # settled at 0.0, not at 0.2, settled again from 0.4: the grace counts from 0.4
    assert clock.now == pytest.approx(0.8)


def test_what_arrives_while_settled_is_still_seen() -> None:
    clock, values = FakeClock(), iter([[], ["late"]])
    got = watch_for_an_extra(clock, settled=lambda: True, fetch=lambda: next(values))
    assert got == ["late"]


def test_without_settled_an_absence_wait_runs_to_its_deadline() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeout):
        watch_for_an_extra(clock, settled=None, timeout=1.5)
    assert clock.now >= 1.5
