"""One real emulator process per test session (per xdist worker), a fresh key per test."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from emulator.llm.launcher import ControlClient, RunningEmulator, start_emulator


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    log_file: Path = tmp_path_factory.mktemp("llm") / "requests.log"
    # Under pytest -n every worker runs its own model: share the cores instead of
    # oversubscribing them (llama.cpp's threads spin while decoding).
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    threads = max(1, (os.cpu_count() or 1) // workers)
    running = start_emulator(
        ["--threads", str(threads)],
        control_token=secrets.token_urlsafe(16),
        log_file=log_file,
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def control(emulator: RunningEmulator) -> Iterator[ControlClient]:
    client = ControlClient(emulator.base_url, emulator.control_token)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def api_key(control: ControlClient) -> str:
    """A key of this test's own: its faults and scripts touch nobody else."""
    return control.new_key()


@pytest.fixture
def client(emulator: RunningEmulator, api_key: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=emulator.openai_base_url, api_key=api_key, max_retries=0, timeout=60
    ) as sdk:
        yield sdk


@pytest.fixture(scope="session")
def emulator_dimensions(control: ControlClient) -> int:
    """Width of the model's embeddings (SmolLM2-135M: 576)."""
    return int(control.info()["embedding_dimensions"])
