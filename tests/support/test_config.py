"""The target switch: environment over .env over defaults, and clear errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.target import runtime
from support.target.config import ConfigError, load_config


def test_defaults_are_the_embedded_services() -> None:
    cfg = load_config({}, dotenv_path=None)
    assert (cfg.hh_target, cfg.llm_target, cfg.timeout_multiplier) == ("local", "local", 1.0)
    assert cfg.secrets == []


def test_real_honeyhive_needs_key_and_url_together() -> None:
    cfg = load_config({"HH_API_KEY": "hh_real", "HH_API_URL": "https://api.example/"}, None)
    assert cfg.hh_target == "remote" and cfg.hh_api_url == "https://api.example"
    assert cfg.timeout_multiplier == 4.0
    with pytest.raises(ConfigError, match="HH_API_URL is not set"):
        load_config({"HH_API_KEY": "hh_real"}, None)
    with pytest.raises(ConfigError, match="HH_API_KEY is not set"):
        load_config({"HH_API_URL": "https://api.example"}, None)


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("LLM_MODEL=from-dotenv\nHH_SOURCE=dotenv-source\n")
    cfg = load_config({"LLM_MODEL": "from-env"}, dotenv)
    assert cfg.model == "from-env"
    assert cfg.source == "dotenv-source"


@pytest.mark.parametrize(
    ("env", "target", "url", "key"),
    [
        ({}, "local", None, None),
        ({"OPENAI_API_KEY": "sk-real"}, "openai", None, "sk-real"),
        (
            {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "k"},
            "custom",
            "http://127.0.0.1:9/v1",
            "k",
        ),
        ({"LLM_BACKEND": "local", "OPENAI_API_KEY": "sk-real"}, "local", None, None),
        ({"LLM_BACKEND": "openai", "OPENAI_API_KEY": "sk-real"}, "openai", None, "sk-real"),
    ],
)
def test_llm_backend_switch(
    env: dict[str, str], target: str, url: str | None, key: str | None
) -> None:
    cfg = load_config(env, None)
    assert (cfg.llm_target, cfg.openai_base_url, cfg.openai_api_key) == (target, url, key)


def test_local_mode_never_keeps_a_real_openai_key() -> None:
    cfg = load_config({"LLM_BACKEND": "local", "OPENAI_API_KEY": "sk-real"}, None)
    assert "sk-real" not in repr(cfg) and cfg.openai_api_key is None


def test_bad_values_say_what_to_fix() -> None:
    with pytest.raises(ConfigError, match="LLM_BACKEND='cloud' is not one of"):
        load_config({"LLM_BACKEND": "cloud"}, None)
    with pytest.raises(ConfigError, match="needs OPENAI_API_KEY"):
        load_config({"LLM_BACKEND": "openai"}, None)
    with pytest.raises(ConfigError, match="is not a number"):
        load_config({"ACCEPTANCE_TIMEOUT_MULTIPLIER": "fast"}, None)


def test_describe_names_targets_but_never_keys() -> None:
    cfg = load_config(
        {
            "HH_API_KEY": "hh_secret_value",
            "HH_API_URL": "https://x",
            "OPENAI_API_KEY": "sk-secretvalue",
        },
        None,
    )
    text = str(cfg.describe()) + repr(cfg)
    assert "hh_secret_value" not in text and "sk-secretvalue" not in text
    assert cfg.describe()["honeyhive.url"] == "https://x"


def test_local_services_point_plain_openai_clients_at_the_local_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """start_services sets OPENAI_BASE_URL/OPENAI_API_KEY to the local model (checked without
    starting anything: the config decides, the runtime publishes)."""
    started: list[str] = []

    class FakeService:
        def __init__(self, name: str) -> None:
            self.name = name

        def start(self, timeout: float = 60) -> str:
            started.append(self.name)
            return f"http://127.0.0.1:9/{self.name}"

        def stop(self) -> None:
            pass

    monkeypatch.setattr(runtime, "honeyhive_emulator", lambda *a, **k: FakeService("hh"))
    monkeypatch.setattr(runtime, "llm_server", lambda *a, **k: FakeService("llm"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-key-that-must-not-be-used")
    for var in (
        "OPENAI_BASE_URL",
        runtime.HH_URL,
        runtime.HH_TOKEN,
        runtime.LLM_URL,
        runtime.LLM_TOKEN,
        runtime.LLM_KEY,
    ):
        monkeypatch.delenv(var, raising=False)
    runtime.start_services(load_config({}, None), tmp_path / "run")
    assert started == ["hh", "llm"]
    assert os.environ["OPENAI_BASE_URL"] == "http://127.0.0.1:9/llm/v1"
    assert os.environ["OPENAI_API_KEY"].startswith("sk-local-")


def test_the_suites_own_published_model_url_stays_local() -> None:
    env = {
        "ACCEPTANCE_LLM_URL": "http://127.0.0.1:9",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "OPENAI_API_KEY": "sk-local-abc",
    }
    cfg = load_config(env, None)
    assert (cfg.llm_target, cfg.openai_base_url, cfg.openai_api_key) == ("local", None, None)
