"""Start ``python -m emulator.llm`` as a child process and drive its control plane.

For test fixtures and the benchmark::

    running = start_emulator(control_token="t")
    control = ControlClient(running.base_url, "t")
    key = control.new_key()
    ...
    running.stop()
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

#: the folder holding the ``emulator`` package, so ``-m emulator.llm`` resolves
REPO = Path(__file__).resolve().parents[2]
READY_PREFIX = "listening on "
START_DEADLINE_S = 60.0


class StartError(RuntimeError):
    pass


@dataclass
class RunningEmulator:
    process: subprocess.Popen[str]
    base_url: str
    control_token: str
    stdout_lines: list[str]
    log_file: Path | None

    @property
    def openai_base_url(self) -> str:
        return f"{self.base_url}/v1"

    def stop(self) -> int:
        """terminate, wait, kill: the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        return self.process.returncode


def _pump(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def start_emulator(
    args: Sequence[str] = (),
    *,
    control_token: str | None = None,
    log_file: Path | None = None,
    expect_token_line: bool = False,
    deadline_s: float = START_DEADLINE_S,
) -> RunningEmulator:
    """Spawn the server, read its ``listening on`` line before a deadline, check health."""
    command = [sys.executable, "-m", "emulator.llm", "--host", "127.0.0.1", "--port", "0"]
    if control_token is not None:
        command.append(f"--control-token={control_token}")  # a token may start with "-"
    if log_file is not None:
        command += ["--log-file", str(log_file)]
    command += list(args)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLM_EMULATOR_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if log_file is not None else None,
        text=True,
        bufsize=1,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    assert process.stdout is not None
    threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
    end = time.monotonic() + deadline_s
    seen: list[str] = []
    try:
        wanted = 2 if expect_token_line else 1
        while len(seen) < wanted:
            remaining = end - time.monotonic()
            if remaining <= 0:
                raise StartError(f"no ready line within {deadline_s}s; stdout so far: {seen}")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise StartError(f"emulator exited ({process.wait()}) before ready: {seen}")
            seen.append(line)
        if not seen[0].startswith(READY_PREFIX):
            raise StartError(f"first stdout line is not the ready line: {seen[0]!r}")
        base_url = seen[0][len(READY_PREFIX) :].strip()
        token = control_token
        if expect_token_line:
            token = seen[1].removeprefix("control token: ").strip()
        running = RunningEmulator(process, base_url, token or "", seen, log_file)
        wait_healthy(base_url, end)
        return running
    except BaseException:
        process.kill()
        process.wait(timeout=15)
        raise


def wait_healthy(base_url: str, end: float) -> None:
    """Poll ``/_control/health`` until it answers 200 or the deadline passes."""
    last = "no answer"
    while time.monotonic() < end:
        try:
            response = httpx.get(f"{base_url}/_control/health", timeout=5)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.05)
    raise StartError(f"emulator never became healthy: {last}")


class ControlClient:
    """The control plane of one running emulator (every call raises on a non-2xx)."""

    def __init__(self, base_url: str, token: str) -> None:
        self._http = httpx.Client(
            base_url=f"{base_url}/_control", headers={"X-Control-Token": token}, timeout=30
        )

    def close(self) -> None:
        self._http.close()

    def post(self, route: str, **body: Any) -> httpx.Response:
        response = self._http.post(route, json=body)
        response.raise_for_status()
        return response

    def new_key(self) -> str:
        key = f"sk-test-{uuid.uuid4().hex}"
        self.post("/keys", api_key=key)
        return key

    def fault(self, key: str, status: int, count: int = 1, retry_after: float = 1.0) -> None:
        self.post("/faults", api_key=key, status=status, count=count, retry_after=retry_after)

    def latency(self, key: str, ms: int, count: int | None = None) -> None:
        self.post("/latency", api_key=key, ms=ms, count=count)

    def cut(self, key: str, after_chunks: int, count: int = 1) -> None:
        self.post("/cut", api_key=key, after_chunks=after_chunks, count=count)

    def script(self, key: str, reply: str | None = None, **extra: Any) -> None:
        self.post("/scripts", api_key=key, reply=reply, **extra)

    def reset(self, key: str) -> None:
        self.post("/reset", api_key=key)

    def requests(self, key: str) -> list[dict[str, Any]]:
        response = self._http.get("/requests", params={"api_key": key})
        response.raise_for_status()
        records: list[dict[str, Any]] = response.json()["requests"]
        return records

    def info(self) -> dict[str, Any]:
        response = self._http.get("/info")
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body
