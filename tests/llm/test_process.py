"""``emulator.process.Service``, the controller under both launchers, with a few-line stand-in
server: ready only with the ready line *and* a healthy probe, fails fast with the log's end,
stops with terminate then kill, restarts cleanly on the same object."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from emulator.process import Service, ServiceError

# A server that behaves as told by its arguments: what to print first, the health status,
# whether to ignore SIGTERM. It binds 127.0.0.1 port 0 and prints its URL like the emulators.
STAND_IN = textwrap.dedent(
    """
    import http.server, os, signal, sys, threading
    first, status, stubborn = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "stubborn"
    if sys.argv[3] == "dies":  # announces its URL, never healthy, exits 0.3 s later
        threading.Timer(0.3, os._exit, (5,)).start()
    if stubborn:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if first == "exit":
        print("going away", file=sys.stderr, flush=True)
        sys.exit(3)
    if first == "silent":
        signal.pause()
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(status)
            self.end_headers()
        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"listening on {url}" if first == "url" else first, flush=True)
    print(f"control token: {os.environ.get('STAND_IN_TOKEN', '-')}", flush=True)
    server.serve_forever()
    """
)


def stand_in(
    tmp_path: Path, first: str = "url", status: int = 200, mode: str = "polite"
) -> Service:
    return Service(
        name="stand-in",
        argv=["-c", STAND_IN, first, str(status), mode],
        log_path=tmp_path / "stand-in.log",
        health_path="/health",
        env={"STAND_IN_TOKEN": "t0ken"},
    )


def test_ready_when_announced_and_healthy_then_stopped(tmp_path: Path) -> None:
    service = stand_in(tmp_path)
    url = service.start(timeout=30)
    try:
        assert url.startswith("http://127.0.0.1:") and service.url == url
        assert service.alive()
        assert service.announced("control token: ") == "t0ken"
        assert service.stdout_lines[0] == f"listening on {url}"
    finally:
        assert service.stop() == -15  # SIGTERM
    assert not service.alive()


def test_an_exit_during_start_up_is_reported_with_the_log(tmp_path: Path) -> None:
    service = stand_in(tmp_path, first="exit")
    with pytest.raises(ServiceError, match=r"exited with code 3(.|\n)*going away"):
        service.start(timeout=30)


def test_a_wrong_first_line_fails_and_the_process_is_stopped(tmp_path: Path) -> None:
    service = stand_in(tmp_path, first="hello")
    with pytest.raises(ServiceError, match="printed 'hello' instead of 'listening on URL'"):
        service.start(timeout=30)
    assert not service.alive()


def test_a_silent_server_times_out_and_is_stopped(tmp_path: Path) -> None:
    service = stand_in(tmp_path, first="silent")
    with pytest.raises(ServiceError, match=r"printed no 'listening on URL' line within 0\.5s"):
        service.start(timeout=0.5)
    assert not service.alive()


def test_an_unhealthy_server_times_out_within_the_deadline(tmp_path: Path) -> None:
    service = stand_in(tmp_path, status=503)
    started = time.monotonic()
    with pytest.raises(ServiceError, match=r"did not answer 200 within 1\.0s"):
        service.start(timeout=1.0)
    assert time.monotonic() - started < 10
    assert not service.alive()


def test_a_server_that_dies_while_unhealthy_fails_fast_not_at_the_deadline(
    tmp_path: Path,
) -> None:
    service = stand_in(tmp_path, status=503, mode="dies")
    started = time.monotonic()
    with pytest.raises(ServiceError, match=r"stand-in exited with code 5 during start-up"):
        service.start(timeout=30)
    assert time.monotonic() - started < 10  # the process's end, not the 30 s deadline
    assert not service.alive()


def test_the_health_loop_probes_until_healthy(tmp_path: Path) -> None:
    # 503 twice, then 200: the loop keeps probing (a fresh probe each time) and returns
    service = stand_in(tmp_path)
    answers = iter(["503", "ConnectionRefusedError(111)", "200"])
    probed: list[str] = []

    def fake_probe(url: str) -> str:
        probed.append(url)
        return next(answers)

    service.url, service.process = "http://127.0.0.1:9", None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("emulator.process._probe", fake_probe)
        service._wait_healthy(time.monotonic() + 5, 5)
    assert probed == ["http://127.0.0.1:9/health"] * 3


def test_stop_kills_what_ignores_terminate(tmp_path: Path) -> None:
    service = stand_in(tmp_path, mode="stubborn")
    service.start(timeout=30)
    assert service.stop(grace=0.5) == -9  # SIGKILL after the grace period


def test_restart_on_the_same_object_reads_the_new_process(tmp_path: Path) -> None:
    service = stand_in(tmp_path)
    first = service.start(timeout=30)
    service.kill()
    assert not service.alive()
    second = service.start(timeout=30)
    try:
        assert service.stdout_lines[0] == f"listening on {second}"
        assert len(service.stdout_lines) <= 2  # nothing left over from the first process
        assert first.startswith("http://") and service.alive()
    finally:
        service.stop()


def test_the_child_finds_the_emulator_package_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    service = Service(
        name="import-check",
        argv=["-c", "import emulator.process, sys; print('listening on none'); sys.exit(0)"],
        log_path=tmp_path / "import.log",
    )
    with pytest.raises(ServiceError, match="exited with code 0"):
        service.start(timeout=30)
    assert service.stdout_lines == ["listening on none"]


def test_the_health_loop_is_tenacitys_not_a_hand_written_sleep_loop() -> None:
    source = (Path(__file__).resolve().parents[2] / "emulator" / "process.py").read_text()
    assert "from tenacity import" in source and "Retrying(" in source
    assert "time.sleep" not in source and "while True" not in source
