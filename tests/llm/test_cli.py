"""The command line: loopback only, ready line first, generated control token second."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import openai
import pytest

from emulator.llm.__main__ import no_key_notice
from emulator.llm.launcher import LlmServer, llm_server
from emulator.process import PACKAGE_ROOT


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])
def test_refuses_a_non_loopback_host(host: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "emulator.llm", "--host", host, "--port", "0"],
        cwd=PACKAGE_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "loopback" in done.stderr
    assert done.stdout == ""


def test_generated_token_custom_models_and_clean_stop(tmp_path: Path) -> None:
    key = f"sk-{uuid.uuid4().hex}"
    running = llm_server(
        tmp_path, None, args=["--api-key", key, "--models", "my-chat-model", "--parallel", "1"]
    )
    running.start()
    try:
        control = running.control()  # reads the generated token from the second line
        assert running.stdout_lines[0].startswith("listening on http://127.0.0.1:")
        assert running.stdout_lines[1].startswith("control token: ")
        assert control.info()["chat_models"] == ["my-chat-model"]
        with openai.OpenAI(base_url=running.openai_base_url, api_key=key, max_retries=0) as sdk:
            reply = sdk.chat.completions.create(
                model="my-chat-model", messages=[{"role": "user", "content": "hi"}], max_tokens=2
            )
            assert reply.model == "my-chat-model"
            with pytest.raises(openai.NotFoundError):
                sdk.chat.completions.create(
                    model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
                )
        forbidden = httpx.get(f"{running.url}/_control/info")
        assert forbidden.status_code == 403
    finally:
        code = running.stop()
    assert code == 0


def test_a_control_token_that_starts_with_a_dash_is_accepted(tmp_path: Path) -> None:
    # secrets.token_urlsafe() starts with "-" once in 64 draws: passed as a separate argument,
    # argparse took it for an option and the server exited with 2 before it was ready (the
    # launcher now hands the token over in the environment)
    token = "-" + uuid.uuid4().hex
    running = llm_server(tmp_path, token, args=["--parallel", "1"])
    running.start()
    try:
        control = running.control()
        assert control.info()["chat_models"]
    finally:
        running.stop()


def test_a_server_started_without_keys_says_so_and_how_to_add_one(emulator: LlmServer) -> None:
    # the session's server gets no --api-key: every test registers its own key
    log = emulator.log_path.read_text()
    assert "WARNING emulator.llm: no API key is accepted yet" in log
    assert "--api-key KEY" in log and "$LLM_EMULATOR_API_KEYS" in log
    assert "POST /_control/keys" in log


def test_the_no_key_notice_is_only_for_a_server_without_keys() -> None:
    assert no_key_notice(frozenset({"sk-one"})) is None
    notice = no_key_notice(frozenset())
    assert notice is not None and "401" in notice
