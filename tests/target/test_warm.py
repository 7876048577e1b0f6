"""Warm services are reused only when safe (support/target/warm.py), against real emulator
processes: a changed source, another checkout, a killed or a stopped (SIGSTOP) server each mean
a new server; `stop` leaves no process behind; an idle server stops by itself; two runs at once
share the servers and each sees only its own data."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.readback.polling import wait_for
from support.target import runtime, warm
from support.target.config import load_config
from tests.report.allure_run import child_environment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A warm folder of its own, warm on, and nothing this test publishes left in os.environ."""
    where = tmp_path / "warm"
    monkeypatch.setenv(warm.WARM_ENV, "1")
    monkeypatch.setenv(warm.WARM_DIR_ENV, str(where))
    for name in [*runtime.PUBLISHED, "OPENAI_BASE_URL", "OPENAI_API_KEY", runtime.SERVICES_ENV]:
        monkeypatch.setenv(name, "")
    monkeypatch.delenv(runtime.SERVICES_ENV)
    yield where
    if where.is_dir():
        warm.stop_all(where)


def honeyhive(run_dir: Path) -> runtime.Started:
    """One run's start of the emulator (warm), and its end (the lease released)."""
    started = runtime.Started()
    runtime.start_services(load_config({}, None), {runtime.HONEYHIVE}, started, run_dir)
    runtime.stop_services(started)
    return started


def kept(folder: Path) -> warm.Kept:
    state = warm.Kept.read(folder / "honeyhive.json")
    assert state is not None
    return state


def gone(pid: int, started: str) -> bool:
    return wait_for(
        lambda: warm.process_started(pid) != started,
        bool,
        what=f"process {pid} to exit",
        timeout=15,
        interval=0.05,
    )


def test_a_second_run_reuses_the_server_and_its_log_shows_in_the_run_folder(
    folder: Path, tmp_path: Path
) -> None:
    first = honeyhive(tmp_path / "run1")
    assert first.notes == ["warm:      honeyhive emulator starting: none was running"]
    server = kept(folder)
    second = honeyhive(tmp_path / "run2")
    assert second.notes[0].startswith("warm:      honeyhive emulator reused at ")
    assert kept(folder) == server and warm.process_started(server.pid) == server.started
    assert (tmp_path / "run2" / "honeyhive.log").resolve() == folder / "honeyhive.log"
    assert (folder / "honeyhive.json").stat().st_mode & 0o077 == 0, "it holds the token"


def test_a_changed_emulator_source_file_means_a_restart(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(
        ROOT / "emulator", checkout / "emulator", ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(warm, "CHECKOUT", checkout)
    honeyhive(tmp_path / "run1")
    old = kept(folder)
    with (checkout / "emulator" / "honeyhive" / "app.py").open("a") as source:
        source.write("\n# changed\n")
    again = honeyhive(tmp_path / "run2")
    assert again.notes == [
        "warm:      honeyhive emulator starting: its sources changed (emulator/honeyhive/app.py)"
    ]
    assert gone(old.pid, old.started) and kept(folder).pid != old.pid


def test_a_server_of_another_checkout_is_never_reused(folder: Path, tmp_path: Path) -> None:
    honeyhive(tmp_path / "run1")
    state = kept(folder)
    other = {**state.print_, "checkout": "/elsewhere/suite"}
    warm.Kept(state.name, state.pid, state.started, state.url, state.tokens, other).write(
        folder / "honeyhive.json"
    )
    again = honeyhive(tmp_path / "run2")
    assert again.notes == [
        "warm:      honeyhive emulator starting: it belongs to another checkout (/elsewhere/suite)"
    ]
    assert gone(state.pid, state.started) and kept(folder).pid != state.pid


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        (signal.SIGKILL, "its process {pid} is gone"),
        (signal.SIGSTOP, "its health probe did not answer 200 within 4 s (TimeoutError)"),
    ],
    ids=["killed", "wedged"],
)
def test_a_killed_or_wedged_server_is_detected_and_replaced(
    folder: Path, tmp_path: Path, how: signal.Signals, reason: str
) -> None:
    first = honeyhive(tmp_path / "run1")
    old = kept(folder)
    os.kill(old.pid, how)
    if how == signal.SIGKILL:
        first.services[runtime.HONEYHIVE].stop()  # reaped: its pid names no process
    again = honeyhive(tmp_path / "run2")
    assert again.notes == [f"warm:      honeyhive emulator starting: {reason.format(pid=old.pid)}"]
    new = kept(folder)
    assert new.pid != old.pid and gone(old.pid, old.started)
    assert warm._probe_within(f"{new.url}/_control/health", 5) == "200"


def test_stop_leaves_no_process_behind(folder: Path, tmp_path: Path) -> None:
    honeyhive(tmp_path / "run1")
    server = kept(folder)
    dog = warm._watchdog(folder)
    assert dog is not None, "a watchdog watches the warm servers"
    out = subprocess.run(
        [sys.executable, "-m", "support.target.warm", "stop", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("stopped: honeyhive emulator (pid ")
    assert warm.process_started(server.pid) is None or gone(server.pid, server.started)
    assert gone(*dog)
    assert not (folder / "honeyhive.json").exists()


def test_an_idle_server_stops_by_itself(folder: Path, tmp_path: Path) -> None:
    honeyhive(tmp_path / "run1")
    server = kept(folder)
    dog = warm._watchdog(folder)
    assert dog is not None
    # the watchdog of idle 900 s is replaced by one of 0.5 s
    warm.terminate(*dog)
    (folder / "watchdog.json").unlink()
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import pathlib; from support.target import warm; "
            f"warm.watch(pathlib.Path({str(folder)!r}), 0.5, 0.1)",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert gone(server.pid, server.started)
        assert watcher.wait(timeout=15) == 0, "the watchdog exits with its servers"
    finally:
        watcher.kill()
    assert not (folder / "honeyhive.json").exists()


def test_a_running_lease_keeps_the_server_up(folder: Path, tmp_path: Path) -> None:
    honeyhive(tmp_path / "run1")
    warm.take_lease(folder)
    assert warm.in_use(folder)
    warm.release_lease(folder)
    assert not warm.in_use(folder)
    warm.take_lease(folder, pid=2**22 + 1)  # a run that died without releasing it
    assert not warm.in_use(folder), "a dead run's lease does not count"


def test_warm_is_off_on_ci_and_when_asked() -> None:
    assert warm.enabled({}) and not warm.enabled({"CI": "true"})
    assert not warm.enabled({"ACCEPTANCE_WARM": "0"})
    assert warm.enabled({"CI": "true", "ACCEPTANCE_WARM": "1"})


def test_two_runs_at_once_share_the_servers_and_see_nothing_of_each_other(
    folder: Path, tmp_path: Path
) -> None:
    """Two feature runs started together on one warm folder: one starts the servers, the other
    waits for them and reuses them; each run's scenarios (which count the sessions and events
    of their own projects) pass."""
    # no target inherited from the shell or from an earlier test of this process
    env = child_environment({warm.WARM_ENV: "1", warm.WARM_DIR_ENV: str(folder)})
    feature = ["features/your_application.feature", "-k", "step_by_step or conversation"]
    command = [sys.executable, "-m", "pytest", *feature, "-p", "no:schemathesis"]
    command += ["-p", "no:hypothesispytest", "-p", "no:xdist", "-q"]
    runs = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env | {runtime.RUN_DIR_ENV: str(tmp_path / f"run{n}")},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in (1, 2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], "\n".join(outputs)
    started = [o.count("starting: none was running") for o in outputs]
    reused = [o.count(" reused at ") for o in outputs]
    assert sorted(started) == [0, 2] and sorted(reused) == [0, 2], "\n".join(outputs)
