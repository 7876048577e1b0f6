"""The polling primitive, with the clock and sleep replaced: no real waiting."""

from __future__ import annotations

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
