"""The local servers the suite owns: started on 127.0.0.1 port 0, ready when they print their URL
*and* answer their health probe while still alive, within a deadline; stopped with terminate,
wait, kill. Each logs to its own file, attached to the report when a scenario fails."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from support.readback.polling import wait_for

LISTENING = "listening on "
# `python -m emulator...` and `-m support.app...` resolve from the project, wherever pytest started
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class ServiceError(RuntimeError):
    pass


@dataclass
class Service:
    name: str
    argv: list[str]
    log_path: Path
    health_path: str = "/_control/health"
    env: dict[str, str] = field(default_factory=dict)
    url: str = ""
    process: subprocess.Popen[str] | None = None
    _lines: list[str] = field(default_factory=list)

    def start(self, timeout: float = 60.0) -> str:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("a", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, *self.argv],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env={**os.environ, **self.env},
            cwd=PROJECT_ROOT,
            start_new_session=True,
        )
        log.close()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        try:
            self.url = wait_for(
                self._announced_url,
                lambda url: bool(url),
                what=f"{self.name} to print its address",
                timeout=timeout,
                interval=0.05,
            )
            wait_for(
                self._healthy,
                lambda ok: ok,
                what=f"{self.name} health probe at {self.url}{self.health_path}",
                timeout=timeout,
                interval=0.1,
            )
        except AssertionError as exc:
            self.stop()
            raise ServiceError(f"{exc}\n--- {self.name} log tail ---\n{self.log_tail()}") from exc
        return self.url

    def _read_stdout(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line.rstrip("\n"))

    def _announced_url(self) -> str:
        self._check_alive()
        first = self._lines[0] if self._lines else ""
        if self._lines and not first.startswith(LISTENING):
            raise ServiceError(f"{self.name} printed {first!r} instead of '{LISTENING}URL'")
        return first.removeprefix(LISTENING).strip()

    def _healthy(self) -> bool:
        self._check_alive()
        try:
            return httpx.get(f"{self.url}{self.health_path}", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def _check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise ServiceError(
                f"{self.name} exited with code {self.process.returncode} during start-up\n"
                f"--- log tail ---\n{self.log_tail()}"
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=grace)

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


def tail(path: Path, lines: int = 80) -> str:
    """The last lines of a log file, or "(no log)"."""
    try:
        return "\n".join(path.read_text(encoding="utf-8").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def honeyhive_emulator(
    log_dir: Path, db: Path | str, control_token: str, *extra: str, name: str = "honeyhive"
) -> Service:
    return Service(
        name=name,
        argv=[
            "-m",
            "emulator.honeyhive",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            str(db),
            *extra,
        ],
        log_path=log_dir / f"{name}.log",
        env={"HH_EMULATOR_CONTROL_TOKEN": control_token},
    )


def llm_server(log_dir: Path, control_token: str, *api_keys: str) -> Service:
    argv = ["-m", "emulator.llm", "--host", "127.0.0.1", "--port", "0"]
    for key in api_keys:
        argv += ["--api-key", key]
    return Service(
        name="llm",
        argv=argv,
        log_path=log_dir / "llm.log",
        env={"LLM_EMULATOR_CONTROL_TOKEN": control_token},
    )
