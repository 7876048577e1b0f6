"""The command line: the first stdout line is the URL, only loopback hosts are served, bad tenant
sources fail with a clear message, and the log has one line per request."""

from __future__ import annotations

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from emulator.honeyhive.__main__ import main as cli_main
from emulator.process import Service
from support.readback.polling import wait_for

from .api import HTTP, Tenant, error_of, new_session

ROOT = Path(__file__).resolve().parents[2]
URL_LINE = re.compile(r"^listening on http://(127\.0\.0\.1|\[::1\]):(\d+)$")
REQUEST_LINE = re.compile(r" INFO (GET|POST|PUT|DELETE) (\S+) (\d{3}|-) [\d.]+ms$")


@dataclass
class Launched:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def first_line(self) -> str:
        wait_for(
            lambda: (self.lines, self.process.poll()),
            lambda state: bool(state[0]) or state[1] is not None,
            what="the emulator's first stdout line",
            timeout=30,
            interval=0.05,
        )
        assert self.lines, f"exited with {self.process.returncode} before printing anything"
        return self.lines[0]

    def url(self) -> str:
        match = URL_LINE.match(self.first_line())
        assert match, self.lines
        return self.first_line().removeprefix("listening on ")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator.honeyhive", "--db", ":memory:", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=30,
    )


Launch = Callable[..., Launched]


@pytest.fixture
def launch() -> Iterator[Launch]:
    """Start the emulator with the given arguments and read its stdout as it comes."""
    started: list[Launched] = []

    def start(*args: str, env: dict[str, str] | None = None) -> Launched:
        process = subprocess.Popen(
            [sys.executable, "-m", "emulator.honeyhive", "--db", ":memory:", *args],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        launched = Launched(process)
        started.append(launched)

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                launched.lines.append(line.rstrip("\n"))

        threading.Thread(target=read, daemon=True).start()
        return launched

    yield start
    for launched in started:
        launched.process.terminate()
        try:
            launched.process.wait(10)
        except subprocess.TimeoutExpired:
            launched.process.kill()
            launched.process.wait(10)


def test_the_first_line_is_the_url_and_the_server_answers_there(launch: Launch) -> None:
    emulator = launch("--host", "127.0.0.1", "--port", "0", "--control-token", "t")

    url = emulator.url()

    assert URL_LINE.match(emulator.first_line())
    assert HTTP.get(f"{url}/_control/health").json()["status"] == "ok"


def test_without_a_control_token_one_is_made_and_printed_second(launch: Launch) -> None:
    emulator = launch(env={"HH_EMULATOR_CONTROL_TOKEN": ""})
    url = emulator.url()
    wait_for(lambda: emulator.lines, lambda lines: len(lines) > 1, what="second line", timeout=10)

    token = emulator.lines[1].removeprefix("control token: ")

    assert emulator.lines[1].startswith("control token: ") and len(token) >= 16
    added = HTTP.post(
        f"{url}/_control/tenants",
        json={"api_key": "k", "project": "p"},
        headers={"x-control-token": token},
    )
    assert added.status_code == 201


def test_localhost_is_served_on_127_0_0_1(launch: Launch) -> None:
    emulator = launch("--host", "localhost", "--control-token", "t")

    assert emulator.url().startswith("http://127.0.0.1:")


def test_ipv6_loopback_is_served(launch: Launch) -> None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    emulator = launch("--host", "::1", "--control-token", "t")

    url = emulator.url()

    assert url.startswith("http://[::1]:")
    assert HTTP.get(f"{url}/_control/health").status_code == 200


@dataclass(frozen=True)
class Refusal:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def refused(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Refuse:
    """Run the CLI's `main` in this process, for arguments it refuses before serving anything
    (the exit code of the real process is checked separately)."""

    def refuse(*args: str, env: dict[str, str] | None = None) -> Refusal:
        monkeypatch.delenv("HH_EMULATOR_TENANTS", raising=False)
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        code = cli_main(["--db", ":memory:", *args])
        out = capsys.readouterr()
        return Refusal(code, out.out, out.err)

    return refuse


Refuse = Callable[..., Refusal]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "8.8.8.8", "::", "example.com"])
def test_a_non_loopback_host_is_refused(refused: Refuse, host: str) -> None:
    result = refused("--host", host)

    assert result.code == 2
    assert result.stdout == ""
    assert f"--host {host} is not a loopback address" in result.stderr
    assert "127.0.0.1" in result.stderr


@pytest.mark.parametrize(
    "args",
    [("--host", "0.0.0.0"), ("--tenants", "/nonexistent/tenants.json")],
    ids=["host", "file"],
)
def test_a_refusal_ends_the_process_with_exit_code_2(args: tuple[str, ...]) -> None:
    result = run(*args)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = run("--port", str(port))

    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1 port {port}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "not valid JSON"),
        ('["key", "project"]', "expected a JSON object"),
        ('{"key": 5}', "expected a JSON object of non-empty strings"),
        ('{"": "project"}', "expected a JSON object of non-empty strings"),
        ('{"key": ""}', "expected a JSON object of non-empty strings"),
    ],
    ids=["syntax", "list", "number", "empty key", "empty project"],
)
def test_a_malformed_tenants_file_is_a_clear_error(
    refused: Refuse, tmp_path: Path, content: str, says: str
) -> None:
    tenants = tmp_path / "tenants.json"
    tenants.write_text(content)

    result = refused("--tenants", str(tenants))

    assert result.code == 2
    assert f"tenants file {tenants}" in result.stderr
    assert says in result.stderr


def test_a_missing_tenants_file_is_a_clear_error(refused: Refuse, tmp_path: Path) -> None:
    result = refused("--tenants", str(tmp_path / "absent.json"))

    assert result.code == 2
    assert "cannot read it" in result.stderr and "absent.json" in result.stderr


def test_malformed_tenants_in_the_environment_is_a_clear_error(refused: Refuse) -> None:
    result = refused(env={"HH_EMULATOR_TENANTS": "key=project"})

    assert result.code == 2
    assert "$HH_EMULATOR_TENANTS: not valid JSON" in result.stderr


def test_tenants_come_from_the_file_and_the_environment(launch: Launch, tmp_path: Path) -> None:
    tenants = tmp_path / "tenants.json"
    tenants.write_text(json.dumps({"file-key": "file-project"}))
    emulator = launch(
        "--tenants",
        str(tenants),
        "--control-token",
        "t",
        env={"HH_EMULATOR_TENANTS": json.dumps({"env-key": "env-project"})},
    )
    url = emulator.url()

    for key, project in (("file-key", "file-project"), ("env-key", "env-project")):
        session = Tenant(url, key, project).client().sessions.start(new_session(session_name="s"))
        stored = Tenant(url, key, project).call("GET", f"/session/{session.session_id}").json()
        assert stored["project"] == project


def test_the_log_has_one_line_per_request_and_no_keys(launch: Launch, tmp_path: Path) -> None:
    log = tmp_path / "requests.log"
    tenants = tmp_path / "tenants.json"
    tenants.write_text(json.dumps({"secret-key-123": "logged"}))
    emulator = launch("--log-file", str(log), "--tenants", str(tenants), "--control-token", "t")
    tenant = Tenant(emulator.url(), "secret-key-123", "logged")
    intruder = Tenant(tenant.url, "wrong-key-456", "logged")
    offset = log.stat().st_size

    sent = [
        (tenant.call("POST", "/v1/events/export", {}), "POST /v1/events/export 200"),
        (tenant.call("GET", "/session/nope"), "GET /session/nope 404"),
        (intruder.call("POST", "/v1/events/export", {}), "POST /v1/events/export 401"),
        (tenant.call("POST", "/events", content=b"{"), "POST /events 400"),
        (tenant.call("GET", "/not/a/route"), "GET /not/a/route 404"),
        (tenant.call("PUT", "/events", {"event_id": "x", "metadata": {}}), "PUT /events 404"),
    ]
    for response, _ in sent:
        error_of(response) if response.status_code >= 400 else None

    def request_lines() -> list[str]:
        text = log.read_text()[offset:]
        return [line for line in text.splitlines() if REQUEST_LINE.search(line)]

    lines = wait_for(
        request_lines,
        lambda found: len(found) >= len(sent),
        what="the request lines",
        timeout=10,
    )
    assert len(lines) == len(sent)
    for line, (_, expected) in zip(lines, sent, strict=True):
        assert expected in line
    text = log.read_text()
    assert "secret-key-123" not in text and "wrong-key-456" not in text


def test_kept_alive_connections_answer_without_a_nagle_stall(launch: Launch) -> None:
    """With Nagle on, each reply's body waited for the client's delayed ACK: ~40 ms a request."""
    emulator = launch("--control-token", "t")
    url = emulator.url()
    timings = []
    with httpx.Client(timeout=10) as http:
        for _ in range(15):
            started = time.perf_counter()
            assert http.get(f"{url}/_control/health").status_code == 200
            timings.append(time.perf_counter() - started)

    assert statistics.median(timings[1:]) < 0.035, timings  # a delayed ACK is >= 40 ms


def test_started_by_hand_it_says_where_its_database_is_and_how_to_add_a_tenant(
    tmp_path: Path,
) -> None:
    """Issue 15: no database silently in the current folder, no silent empty tenant table."""
    service = Service(
        name="by-hand",
        argv=["-m", "emulator.honeyhive", "--port", "0"],
        log_path=tmp_path / "by-hand.log",
    )
    try:
        service.start(timeout=60)
    finally:
        service.stop()
    logged = (tmp_path / "by-hand.log").read_text(encoding="utf-8")
    assert "database: /" in logged and "(temporary: give --db PATH to keep one)" in logged
    assert "no tenants yet: every request is refused (401)" in logged
    assert "--tenants FILE" in logged and "POST /_control/tenants" in logged
    assert not list(Path.cwd().glob("honeyhive-emulator.db"))
