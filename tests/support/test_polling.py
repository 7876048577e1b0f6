"""The polling primitive, with the clock and sleep replaced: no real waiting."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from support.readback import polling
from support.readback.polling import Poll, ReadFailed, WaitTimeout, wait_for, watch_until


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

    with pytest.raises(ReadFailed, match="failed with ConnectionError: backend restarting"):
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


def test_a_wait_whose_last_read_failed_is_a_failed_read_not_a_timeout() -> None:
    clock, reads = FakeClock(), [0]

    def fetch() -> list[int]:
        reads[0] += 1
        if reads[0] > 1:  # the first read answers, every later one fails
            raise ConnectionError("503 from the backend")
        return [1]

    with pytest.raises(ReadFailed) as err:
        wait_for(
            fetch,
            lambda v: len(v) > 1,
            what="two",
            timeout=1,
            interval=0.25,
            retry_on=(ConnectionError,),
            clock=clock,
            sleep=clock.sleep,
        )
    assert str(err.value).startswith("could not read what the backend stored: two")
    assert "ConnectionError: 503 from the backend" in str(err.value)
    assert not isinstance(err.value, WaitTimeout)  # no `except WaitTimeout` turns it into []


def watch(
    clock: FakeClock,
    fetch: Callable[[], list[str]],
    *,
    until: float,
    settled: Callable[[], bool] | None = None,
    stop_early: Callable[[list[str]], bool] = lambda _: False,
) -> tuple[list[str], bool]:
    return watch_until(
        fetch,
        stop_early,
        until=until,
        what="an extra",
        interval=0.1,
        retry_on=(ConnectionError,),
        clock=clock,
        sleep=clock.sleep,
        settled=settled,
    )


def test_an_absence_window_reads_to_its_end_and_once_after_it() -> None:
    clock, reads = FakeClock(), list[float]()

    def fetch() -> list[str]:
        reads.append(clock.now)
        return ["expected"]  # everything expected is there from the first read

    got, early = watch(clock, fetch, until=1.5)
    assert (got, early) == (["expected"], False)
    assert reads[-1] >= 1.5  # the last read started after the window's end
    assert reads[0] == 0.0 and len(reads) >= 15


def test_a_late_arrival_inside_the_window_is_seen() -> None:
    clock = FakeClock()
    got, _ = watch(
        clock, lambda: ["expected", "late"] if clock.now >= 0.8 else ["expected"], until=1.5
    )
    assert got == ["expected", "late"]


def test_settled_only_lengthens_a_window() -> None:
    clock = FakeClock()
    watch(clock, list, until=1.0, settled=lambda: True)
    assert clock.now == pytest.approx(1.0, abs=0.11)  # never earlier than its end
    clock = FakeClock()
    watch(clock, list, until=1.0, settled=lambda: clock.now >= 2.0)
    assert clock.now >= 2.0  # a request still in flight at the end is waited for


def test_a_window_whose_last_read_failed_proves_nothing() -> None:
    clock = FakeClock()

    def fetch() -> list[str]:
        if clock.now >= 1.0:
            raise ConnectionError("reads answer 503")
        return []

    with pytest.raises(ReadFailed, match="could not read what the backend stored: an extra"):
        watch(clock, fetch, until=1.5)


def test_no_multiplier_shrinks_an_absence_window_below_the_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(polling, "_multiplier", 0.1)
    assert polling.absence_window(1.5) == polling.ABSENCE_FLOOR
    assert polling.absence_window(6.0) == polling.ABSENCE_FLOOR
    monkeypatch.setattr(polling, "_multiplier", 2.0)
    assert polling.absence_window(1.5) == 3.0


def test_the_floor_outlasts_a_resend_one_backoff_step_after_the_flush() -> None:
    # OpenTelemetry's first backoff step is 1 s × up to 1.2 jitter; urllib3's is 1.0 s
    assert polling.ABSENCE_FLOOR > 1.2
