"""One real model server per test session (per xdist worker), a fresh key per test."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import openai
import pytest

from emulator.llm.control_client import ModelControl
from emulator.llm.launcher import LlmServer, llm_server


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlmServer]:
    # Under pytest -n every worker runs its own model: share the cores instead of
    # oversubscribing them (llama.cpp's threads spin while decoding).
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    threads = max(1, (os.cpu_count() or 1) // workers)
    server = llm_server(
        tmp_path_factory.mktemp("llm"),
        secrets.token_urlsafe(16),
        args=["--threads", str(threads)],
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def control(emulator: LlmServer) -> ModelControl:
    return emulator.control()


@pytest.fixture
def api_key(control: ModelControl) -> str:
    """A key of this test's own: its faults and scripts touch nobody else."""
    return control.new_key()


@pytest.fixture
def client(emulator: LlmServer, api_key: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        base_url=emulator.openai_base_url, api_key=api_key, max_retries=0, timeout=60
    ) as sdk:
        yield sdk


@pytest.fixture(scope="session")
def emulator_dimensions(control: ModelControl) -> int:
    """Width of the model's embeddings (SmolLM2-135M: 576)."""
    return int(control.info()["embedding_dimensions"])
