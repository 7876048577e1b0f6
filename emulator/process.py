"""One local server as a child process, the way the suite, the tests and the benchmarks run both
emulators (and the suite its demo services).

``Service`` starts ``python <argv>`` (``-m emulator.llm --host 127.0.0.1 --port 0 ...``) with its
stderr appended to a log file, and is ready when the first stdout line is ``listening on URL``
*and* ``URL + health_path`` answers 200 while the process is still alive, within a deadline;
otherwise ``start`` stops it and raises ``ServiceError`` with the end of its log. The health loop
is tenacity's, as in the support layer (``support/readback/polling.py``). ``stop`` is
terminate, wait, kill; ``kill`` is SIGKILL for crash checks. Nothing here sleeps to wait for a
line: the stdout reader wakes the caller as each line arrives.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tenacity import RetryCallState, Retrying, retry_if_result

LISTENING = "listening on "
#: the folder holding the ``emulator`` package: put on the child's PYTHONPATH, so
#: ``-m emulator.…`` resolves whatever the caller's working directory is
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
HEALTH_INTERVAL_S = 0.02


class ServiceError(RuntimeError):
    """A server did not become ready (it exited, printed something else, or timed out)."""


class _Output:
    """The stdout lines of one process, with a condition that is notified at each line and at
    the end of the stream."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.ended = False
        self.changed = threading.Condition()

    def pump(self, stream: Iterable[str]) -> None:
        for line in stream:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def line(self, index: int, deadline: float) -> str | None:
        """Line ``index`` (0-based) once it is printed; None when the stream ends or the
        deadline passes first."""
        with self.changed:
            while len(self.lines) <= index and not self.ended:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.changed.wait(remaining)
            return self.lines[index] if len(self.lines) > index else None


@dataclass
class Service:
    name: str
    argv: list[str]
    log_path: Path
    health_path: str = "/_control/health"
    #: set for the child on top of the inherited environment (tokens: kept out of the repr)
    env: dict[str, str] = field(default_factory=dict, repr=False)
    #: prefixes of inherited variables the child must not see (its own configuration)
    drop_env: tuple[str, ...] = ()
    url: str = ""
    process: subprocess.Popen[str] | None = field(default=None, repr=False)
    _output: _Output = field(default_factory=_Output, repr=False)

    def start(self, timeout: float = 60.0) -> str:
        """Spawn the server and return its URL once it is ready (see the module docstring)."""
        deadline = time.monotonic() + timeout
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._output = output = _Output()
        with self.log_path.open("a", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                [sys.executable, *self.argv],
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                env=self._child_env(),
                start_new_session=True,
            )
        assert self.process.stdout is not None
        threading.Thread(target=output.pump, args=(self.process.stdout,), daemon=True).start()
        try:
            self.url = self._announced_url(deadline, timeout)
            self._wait_healthy(deadline, timeout)
        except BaseException as exc:
            self.stop()
            if isinstance(exc, ServiceError):
                logged = self.log_tail()
                raise ServiceError(f"{exc}\n--- {self.name} log tail ---\n{logged}") from None
            raise
        return self.url

    def _child_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(self.drop_env)}
        env.update(self.env)
        paths = [str(PACKAGE_ROOT), *filter(None, [env.get("PYTHONPATH")])]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        return env

    def _announced_url(self, deadline: float, timeout: float) -> str:
        first = self._output.line(0, deadline)
        if first is None:
            if self._output.ended and self.process is not None:
                # stdout closed: the process is exiting; say with which code
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=5)
            self._check_alive()
            raise ServiceError(f"{self.name} printed no '{LISTENING}URL' line within {timeout}s")
        if not first.startswith(LISTENING):
            raise ServiceError(f"{self.name} printed {first!r} instead of '{LISTENING}URL'")
        return first.removeprefix(LISTENING).strip()

    def _wait_healthy(self, deadline: float, timeout: float) -> None:
        """Probe until 200 (tenacity: a probe every HEALTH_INTERVAL_S, never past the deadline);
        a process that exits fails at once (``_check_alive`` raises, and is not retried)."""
        url = f"{self.url}{self.health_path}"

        def alive_and_probed() -> str:
            self._check_alive()
            return _probe(url)

        def give_up(state: RetryCallState) -> None:
            last = state.outcome.result() if state.outcome is not None else "no probe"
            raise ServiceError(
                f"{self.name} health probe at {url} did not answer 200 within {timeout}s "
                f"(last: {last})"
            )

        Retrying(
            retry=retry_if_result(lambda status: status != "200"),
            stop=lambda _state: time.monotonic() >= deadline,
            # a probe, not a wait for data: the server printed its URL and is coming up
            wait=lambda _state: max(0.0, min(HEALTH_INTERVAL_S, deadline - time.monotonic())),
            retry_error_callback=give_up,
        )(alive_and_probed)

    def _check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise ServiceError(
                f"{self.name} exited with code {self.process.returncode} during start-up"
            )

    @property
    def stdout_lines(self) -> list[str]:
        """What the current process printed on stdout so far."""
        with self._output.changed:
            return list(self._output.lines)

    def announced(self, prefix: str, timeout: float = 10.0) -> str:
        """The rest of the first stdout line that starts with ``prefix`` (``control token: ``),
        waiting for it up to ``timeout``; ``ServiceError`` if it never comes."""
        deadline = time.monotonic() + timeout
        index = 0
        while (line := self._output.line(index, deadline)) is not None:
            if line.startswith(prefix):
                return line.removeprefix(prefix).strip()
            index += 1
        raise ServiceError(f"{self.name} printed no {prefix!r} line: {self.stdout_lines}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 10.0) -> int | None:
        """terminate, wait up to ``grace``, kill; the exit code (None if it never started)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=grace)
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL, no goodbye: for crash-recovery checks."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 80) -> str:
        return tail(self.log_path, lines)

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0


def _probe(url: str) -> str:
    """GET ``url`` once: its status as text ("200"), or what went wrong. Plain ``http.client``:
    an httpx client builds a TLS context first (~20-100 ms) that a loopback probe never uses."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=2.0)
    try:
        connection.request("GET", parts.path or "/")
        return str(connection.getresponse().status)
    except (OSError, http.client.HTTPException) as exc:
        return repr(exc)
    finally:
        connection.close()


def tail(path: Path, lines: int = 80) -> str:
    """The last lines of a log file, or "(no log)"."""
    try:
        return "\n".join(path.read_text(encoding="utf-8").splitlines()[-lines:])
    except OSError:
        return "(no log)"
