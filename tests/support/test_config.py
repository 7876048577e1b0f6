"""The target switch: environment over .env over defaults, and clear errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from support.target.config import DOTENV, ConfigError, load_config


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
        # a key exported in a shell never switches the model: only the suite's own switch does
        ({"OPENAI_API_KEY": "sk-real"}, "local", None, None),
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
    with pytest.raises(ConfigError, match=r"LLM_BACKEND='cloud' \(from environment\) is not"):
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


def test_the_suites_own_published_model_url_stays_local() -> None:
    env = {
        "ACCEPTANCE_LLM_URL": "http://127.0.0.1:9",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "OPENAI_API_KEY": "sk-local-abc",
    }
    cfg = load_config(env, None)
    assert (cfg.llm_target, cfg.openai_base_url, cfg.openai_api_key) == ("local", None, None)


def test_the_project_dotenv_is_found_from_the_project_root() -> None:
    assert Path(__file__).resolve().parents[2] / ".env" == DOTENV
    assert (DOTENV.parent / "conftest.py").is_file()


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("this is not valid\n", "line 1 does not parse"),
        ("GOOD=1\n\nK='unterminated\nbroken line here\n", "lines 3, 4 do not parse"),
        ("HH_API_KEY\n", "line 1 does not parse"),  # a bare name, no `=`
        ('"HH_API_URL=x\n', "line 1 does not parse"),  # not a name
        ("# only comments\n\n\nnot ok\n", "line 4 does not parse"),
    ],
)
def test_dotenv_lines_that_do_not_parse_are_an_error_naming_file_and_lines(
    tmp_path: Path, text: str, lines: str
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config({}, dotenv)
    assert str(raised.value).startswith(f"{dotenv}: {lines}")


def test_a_wellformed_dotenv_with_comments_export_and_quotes_loads(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment\n\nexport LLM_MODEL='quoted'\nHH_SOURCE=plain # trailing comment\n"
    )
    cfg = load_config({}, dotenv)
    assert (cfg.model, cfg.source) == ("quoted", "plain")
    assert cfg.origin("LLM_MODEL") == str(dotenv)


def test_a_broken_dotenv_never_echoes_its_values(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("HH_API_KEY hh_secret_value_123\n")
    with pytest.raises(ConfigError) as raised:
        load_config({}, dotenv)
    assert "hh_secret_value_123" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("htp://127.0.0.1:9", "does not start with http:// or https://; the HoneyHive SDK would"),
        ("127.0.0.1:9", "does not start with http:// or https://"),
        ("http:/127.0.0.1:9", "does not start with http:// or https://"),
        ("https://", "has no host"),
        ("http://127.0.0.1:99999", "is not a valid URL"),
        ("http://127.0.0.1:0", "has port 0"),
        ("http://h/x?y=1", "has spaces, a query or a fragment"),
        ("http://user:pw@h", "holds a user or password"),
    ],
)
def test_a_url_the_sdk_would_replace_or_cannot_use_is_an_error(url: str, problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config({"HH_API_KEY": "hh_k", "HH_API_URL": url}, None)
    message = str(raised.value)
    assert message.startswith("HH_API_URL=") and "(from environment)" in message
    assert problem in message and "set HH_API_URL to the service's base URL" in message
    assert "pw" not in message


def test_urls_are_passed_on_in_the_shape_the_sdk_keeps() -> None:
    """honeyhive 1.7.0 compares the scheme case-sensitively: `HTTP://` would be replaced."""
    cfg = load_config({"HH_API_KEY": "k", "HH_API_URL": " HTTPS://Api.Example:8443/base/ "}, None)
    assert cfg.hh_api_url == "https://Api.Example:8443/base"


def test_openai_base_url_is_checked_and_needs_a_key() -> None:
    with pytest.raises(ConfigError, match="OPENAI_BASE_URL='localhost:8080/v1'"):
        load_config({"OPENAI_BASE_URL": "localhost:8080/v1", "OPENAI_API_KEY": "k"}, None)
    with pytest.raises(ConfigError, match="selects a remote model, which needs OPENAI_API_KEY"):
        load_config({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}, None)


def test_errors_name_where_the_setting_came_from(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("HH_API_KEY=hh_from_file\n")
    with pytest.raises(ConfigError, match=f"HH_API_KEY is \\(from {dotenv}\\)"):
        load_config({}, dotenv)


def test_describe_names_the_model_that_answers() -> None:
    local = load_config({}, None)
    assert local.describe()["llm.model"].startswith("none started")
    assert local.describe()["llm.model.requested"] == "gpt-4o-mini"
    served = replace(local, served_model="smollm2-135m-instruct")
    assert served.describe()["llm.model"] == "smollm2-135m-instruct"
    remote = load_config({"LLM_BACKEND": "openai", "OPENAI_API_KEY": "sk-x"}, None)
    assert (remote.describe()["llm.model"], remote.llm_url) == (
        "gpt-4o-mini",
        "https://api.openai.com/v1",
    )
