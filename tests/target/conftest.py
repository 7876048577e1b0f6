"""What the target tests share: a HoneyHive emulator started on its own, used as a "remote"
HoneyHive with one known tenant; a copy of the project to run pytest in (so these runs never
touch the checkout's `.env` or `reports/run`); and a child environment with no target settings
inherited from the developer's shell or a parent run."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from emulator.honeyhive.launcher import honeyhive_emulator
from emulator.process import Service

ROOT = Path(__file__).resolve().parents[2]
# what a features run needs of the project
PROJECT_PARTS = (
    "conftest.py",
    "pyproject.toml",
    "features",
    "steps",
    "support",
    "emulator",
    "tools",
    "docs",
)
_INHERITED_SETTINGS = re.compile(
    r"^(HH_|HONEYHIVE_|OPENAI_|LLM_|ACCEPTANCE_|PYTEST_XDIST_|PYTEST_CURRENT_TEST$|SESSION_NAME$)"
)


_LEAN = ["-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest"]


@dataclass(frozen=True)
class RemoteHoneyHive:
    url: str
    api_key: str
    project: str


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture(scope="session")
def remote_honeyhive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteHoneyHive]:
    """`python -m emulator.honeyhive` with one tenant, started apart from any suite run."""
    folder = tmp_path_factory.mktemp("remote-honeyhive")
    key, project = f"hh_remote_{secrets.token_hex(12)}", f"remote-{secrets.token_hex(4)}"
    tenants = folder / "tenants.json"
    tenants.write_text(json.dumps({key: project}), encoding="utf-8")
    service: Service = honeyhive_emulator(
        folder, folder / "remote.db", secrets.token_urlsafe(16), "--tenants", str(tenants)
    )
    service.start()
    try:
        yield RemoteHoneyHive(service.url, key, project)
    finally:
        service.stop()


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's code in a folder of its own: its own `.env`, its own `reports/`."""
    copy = tmp_path_factory.mktemp("project") / "acceptance"
    copy.mkdir()
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / part)
    return copy


@pytest.fixture
def dotenv(project_copy: Path) -> Iterator[Path]:
    """The copy's `.env`, removed after the test."""
    path = project_copy / ".env"
    yield path
    path.unlink(missing_ok=True)


def free_port() -> int:
    """A loopback port where nothing listens (bound, then closed)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def run_pytest(
    args: list[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> Ran:
    """`python -m pytest <args>` from `cwd`, in an environment without inherited targets.
    The fuzzing plugins (entry points) are left out: the features never use them, and loading
    them costs each run ~2 s of CPU."""
    child = {k: v for k, v in os.environ.items() if not _INHERITED_SETTINGS.match(k)}
    child["ACCEPTANCE_WARM"] = "0"  # its servers stop with it (support/target/warm.py)
    child.update(env or {})
    cwd.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *_LEAN, *args],
        cwd=cwd,
        env=child,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)
