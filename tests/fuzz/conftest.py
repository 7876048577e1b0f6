"""A fresh emulator for the fuzzers, with one tenant whose key the fuzzers use."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from emulator.honeyhive.control_client import HoneyHiveControl
from emulator.honeyhive.launcher import honeyhive_emulator
from emulator.process import Service


@dataclass
class Fuzzed:
    url: str
    api_key: str = field(repr=False)
    project: str
    control: HoneyHiveControl = field(repr=False)
    service: Service = field(repr=False)
    control_token: str = field(default="", repr=False)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


@pytest.fixture(scope="session")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    run = Path(tmp_path_factory.mktemp("fuzz"))
    token = secrets.token_urlsafe(16)
    service = honeyhive_emulator(run, run / "fuzz.db", token, name="honeyhive-fuzz")
    url = service.start()
    control = HoneyHiveControl(url, token)
    key, project = f"hh_local_{secrets.token_hex(16)}", f"fuzz-{secrets.token_hex(4)}"
    control.add_tenant(key, project)
    yield Fuzzed(url, key, project, control, service, token)
    service.stop()
    errors = [line for line in service.log_tail(100000).splitlines() if " ERROR " in line]
    assert not errors, "the emulator logged internal errors while fuzzed:\n" + "\n".join(
        errors[:20]
    )
