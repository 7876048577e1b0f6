"""A real HoneyHive emulator process for a bench, started the way the suite starts it
(emulator.honeyhive.launcher: 127.0.0.1, port 0, health probe + alive + deadline), with one
tenant."""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from emulator.honeyhive.control_client import HoneyHiveControl
from emulator.honeyhive.launcher import honeyhive_emulator
from emulator.process import Service


@dataclass(frozen=True)
class Running:
    url: str
    api_key: str = field(repr=False)
    project: str
    service: Service
    control: HoneyHiveControl
    ready_s: float

    @property
    def pid(self) -> int:
        assert self.service.process is not None
        return self.service.process.pid


@contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    """A scratch folder for a bench's database and logs, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{prefix}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def emulator(
    folder: Path, *, db: Path | None = None, api_key: str | None = None, project: str = "bench"
) -> Iterator[Running]:
    """Start an emulator over `db` (a fresh file in `folder` by default) with a tenant whose key
    is `api_key` (random by default); stop it on exit."""
    token = secrets.token_urlsafe(24)
    key = api_key or f"hh-bench-{secrets.token_hex(12)}"
    service = honeyhive_emulator(folder, db or folder / "honeyhive.db", token)
    started = time.perf_counter()
    url = service.start()
    ready_s = time.perf_counter() - started
    try:
        control = HoneyHiveControl(url, token)
        control.add_tenant(key, project)
        yield Running(url, key, project, service, control, ready_s)
    finally:
        service.stop()


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a whole process (Linux only)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RawClient:
    """One keep-alive HTTP connection to the emulator, with the least client-side work, so the
    time measured is the server's and the loopback's."""

    def __init__(self, url: str, api_key: str) -> None:
        parts = urlsplit(url)
        assert parts.hostname is not None and parts.port is not None
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"Authorization": f"Bearer {api_key}", "X-Source": "bench"}

    def post(self, path: str, body: bytes, content_type: str = "application/json") -> bytes:
        headers = {**self.headers, "Content-Type": content_type}
        self.conn.request("POST", path, body=body, headers=headers)
        reply = self.conn.getresponse()
        data = reply.read()
        if reply.status != 200:
            raise RuntimeError(f"POST {path} answered {reply.status}: {data[:300]!r}")
        return data

    def close(self) -> None:
        self.conn.close()
