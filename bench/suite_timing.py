"""A pytest plugin that records where the feature suite's time goes, loaded by bench/suite.py as
`pytest -p bench.suite_timing` with BENCH_SUITE_TIMING_DIR set (inert without it).

Each process (the controller, and each xdist worker) writes one JSON file there at the end:
its start, the local services' start-up and stop (emulator.process.Service), every test's
setup/call/teardown, and every `support.readback.polling` wait with the test it served.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from emulator.process import Service
from support.readback import polling

DIR_ENV = "BENCH_SUITE_TIMING_DIR"
_IMPORTED = time.time()


def _process_start() -> float:
    """Epoch seconds at which this process started (Linux), else when this module loaded."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return _IMPORTED


class Recorder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.doc: dict[str, Any] = {
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
            "pid": os.getpid(),
            "process_start": _process_start(),
            "services": [],
            "tests": [],
            "polls": [],
        }
        self.current: tuple[str, str] | None = None  # (nodeid, phase)

    def service(self, name: str, action: str, started: float, seconds: float) -> None:
        test = self.current[0] if self.current else ""  # "" for the run's own services
        self.doc["services"].append(
            {"name": name, "action": action, "at": started, "seconds": seconds, "test": test}
        )

    def poll(self, poll: polling.Poll[Any]) -> None:
        nodeid, phase = self.current or ("", "")
        self.doc["polls"].append(
            {
                "test": nodeid,
                "phase": phase,
                "what": poll.what[:120],
                "seconds": poll.seconds,
                "attempts": poll.attempts,
            }
        )

    def write(self) -> None:
        self.doc["end"] = time.time()
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.doc['worker']}-{self.doc['pid']}.json"
        path.write_text(json.dumps(self.doc), encoding="utf-8")


_recorder: Recorder | None = None


def _install(recorder: Recorder) -> None:
    """Time every service start and stop (patched on the class, so every caller is seen) and
    listen to every polling wait."""
    start, stop = Service.start, Service.stop

    def timed_start(self: Service, timeout: float = 60.0) -> str:
        at, began = time.time(), time.perf_counter()
        try:
            return start(self, timeout)
        finally:
            recorder.service(self.name, "start", at, time.perf_counter() - began)

    def timed_stop(self: Service, grace: float = 10.0) -> None:
        at, began = time.time(), time.perf_counter()
        try:
            stop(self, grace)
        finally:
            recorder.service(self.name, "stop", at, time.perf_counter() - began)

    Service.start = timed_start  # type: ignore[method-assign]
    Service.stop = timed_stop  # type: ignore[method-assign]
    polling.observers.append(recorder.poll)


if os.environ.get(DIR_ENV):
    # at import (`-p` loads this before conftest.py), so the services' start is seen too
    _recorder = Recorder(Path(os.environ[DIR_ENV]))
    _install(_recorder)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    if _recorder is not None:
        _recorder.current = (item.nodeid, "setup")
    yield
    if _recorder is not None:
        _recorder.current = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    if _recorder is None:
        return
    report: pytest.TestReport = outcome.get_result()
    _recorder.doc["tests"].append(
        {
            "test": item.nodeid,
            "phase": call.when,
            "start": call.start,
            "seconds": call.duration,
            "outcome": report.outcome + ("/xfail" if hasattr(report, "wasxfail") else ""),
        }
    )
    following = {"setup": "call", "call": "teardown"}.get(call.when)
    _recorder.current = (item.nodeid, following) if following else None


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_unconfigure(config: pytest.Config) -> Generator[None, None, None]:
    yield  # after every other unconfigure: the services are stopped by then
    if _recorder is not None:
        _recorder.write()
