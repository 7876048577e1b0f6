"""A HoneyHive emulator of a scenario's own, for faults that would disturb everyone on the shared
one: the backend being down when the app starts, or restarting mid-run. It keeps its port and
its database across restarts, like a real service behind a fixed address."""

from __future__ import annotations

import json
import secrets
import socket
from pathlib import Path

from emulator.honeyhive.control_client import HoneyHiveControl
from emulator.honeyhive.launcher import honeyhive_emulator
from emulator.process import Service
from support.ids import unique
from support.report.redaction import register_secrets
from support.target.projects import Project

TENANTS_ENV = "HH_EMULATOR_TENANTS"


class PrivateBackend:
    def __init__(self, run_dir: Path) -> None:
        self.name = unique("private-honeyhive")
        self.dir = run_dir / self.name
        self.token = secrets.token_urlsafe(16)
        register_secrets([self.token])
        with socket.socket() as probe:  # a fixed port, so the app keeps its address across restarts
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.service: Service | None = None
        self.project = Project(
            "main",
            unique("acc-private"),
            f"hh_local_{secrets.token_hex(16)}",
            self.url,
            HoneyHiveControl(self.url, self.token),
        )
        register_secrets([self.project.api_key])

    def start(self) -> None:
        self.service = honeyhive_emulator(
            self.dir,
            self.dir / "honeyhive.db",
            self.token,
            "--port",
            str(self.port),
            name="honeyhive",
        )
        # the tenant exists from the first request on: an app retrying its exports while the
        # backend comes up would otherwise be refused (401) in the moment before registration
        self.service.env[TENANTS_ENV] = json.dumps({self.project.api_key: self.project.name})
        self.service.start()

    def kill(self) -> None:
        if self.service is not None:
            self.service.kill()

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()

    def restart(self) -> None:
        self.kill()
        self.start()
