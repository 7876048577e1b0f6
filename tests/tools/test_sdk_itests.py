"""tools.sdk_itests without servers or an SDK checkout: the environment it gives HoneyHive's
integration tests, their pytest command line and the result line it reads back."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tools.sdk_itests import (
    DEFAULT_FILES,
    REFUSING_PROXY,
    Endpoints,
    RefusingProxy,
    build_env,
    load_scripts,
    main,
    pytest_command,
    result_line,
)

ENDPOINTS = Endpoints(
    honeyhive_url="http://127.0.0.1:4100/",
    honeyhive_api_key="hh-key-abc",
    project="sdk-itests-p",
    llm_url="http://127.0.0.1:4200",
    llm_api_key="sk-local-xyz",
)


def test_every_client_is_pointed_at_the_local_servers() -> None:
    env = build_env({}, ENDPOINTS)
    assert env["HH_API_KEY"] == "hh-key-abc"
    assert env["HH_API_URL"] == "http://127.0.0.1:4100"
    assert env["HH_PROJECT"] == "sdk-itests-p"
    assert env["OPENAI_BASE_URL"] == "http://127.0.0.1:4200/v1"
    assert env["OPENAI_API_KEY"] == "sk-local-xyz"
    # the Anthropic client adds /v1/messages to its base URL itself
    assert env["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:4200"
    assert env["ANTHROPIC_API_KEY"] == "sk-local-xyz"
    assert env["OPENAI_AGENTS_DISABLE_TRACING"] == "1"
    assert env["LITELLM_LOCAL_MODEL_COST_MAP"] == "True"


def test_the_callers_provider_and_honeyhive_variables_do_not_reach_the_tests() -> None:
    base = {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "PYTHONPATH": "/tmp/extra",
        "HH_API_KEY": "real-hh-key",
        "HH_SESSION_ID": "s",
        "HONEYHIVE_TELEMETRY": "1",
        "OPENAI_ORG_ID": "org-real",
        "OPENAI_API_KEY": "sk-real",
        "ANTHROPIC_AUTH_TOKEN": "real",
        "AWS_SECRET_ACCESS_KEY": "real",
        "GOOGLE_API_KEY": "real",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector.example",
        "https_proxy": "http://corp-proxy:3128",
        "no_proxy": "*",
    }
    env = build_env(base, ENDPOINTS)
    assert {k: env[k] for k in ("PATH", "HOME", "PYTHONPATH")} == {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "PYTHONPATH": "/tmp/extra",
    }
    for name in (
        "HH_SESSION_ID",
        "HONEYHIVE_TELEMETRY",
        "OPENAI_ORG_ID",
        "ANTHROPIC_AUTH_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "GOOGLE_API_KEY",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ):
        assert name not in env
    assert "real" not in " ".join(env.values())
    assert env["HH_API_KEY"] == "hh-key-abc"
    assert env["OPENAI_API_KEY"] == "sk-local-xyz"


def test_only_the_loopback_bypasses_a_proxy_that_refuses_everything() -> None:
    env = build_env({"HTTPS_PROXY": "http://corp-proxy:3128"}, ENDPOINTS)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        assert env[name] == REFUSING_PROXY
    assert env["NO_PROXY"] == env["no_proxy"] == "127.0.0.1,localhost"


def test_the_environment_is_a_new_mapping() -> None:
    base = {"PATH": "/usr/bin"}
    build_env(base, ENDPOINTS)
    assert base == {"PATH": "/usr/bin"}


def test_pytest_runs_one_file_with_one_event_loop_per_session() -> None:
    command = pytest_command("/venv/python", "test_x.py", ["-k", "basic"], checkout_sdk=True)
    assert command[:4] == ["/venv/python", "-m", "pytest", "tests/integration/test_x.py"]
    assert "asyncio_default_test_loop_scope=session" in command
    assert "asyncio_default_fixture_loop_scope=session" in command
    assert "pythonpath=" not in command
    assert command[-2:] == ["-k", "basic"]


def test_the_installed_sdk_replaces_the_checkouts_src_by_default() -> None:
    command = pytest_command("py", "test_x.py", [])
    assert command[command.index("pythonpath=") - 1] == "-o"


def test_the_default_files_are_the_four_frameworks() -> None:
    assert DEFAULT_FILES == (
        "test_langchain_integration.py",
        "test_langgraph_integration.py",
        "test_openai_agents_integration.py",
        "test_anthropic_integration.py",
    )


@pytest.mark.parametrize(
    ("output", "line"),
    [
        ("....\n5 passed, 4 warnings in 26.49s\n", "5 passed, 4 warnings in 26.49s"),
        (
            "x\n===== 3 failed, 1 passed, 1 error in 93.13s (0:01:33) =====\n",
            "3 failed, 1 passed, 1 error in 93.13s (0:01:33)",
        ),
        ("ERROR: file or directory not found\n", "no pytest result line (see the log)"),
    ],
)
def test_the_result_line_is_pytests_summary(output: str, line: str) -> None:
    assert result_line(output) == line


def test_a_folder_without_integration_tests_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as refused:
        main([str(tmp_path)])
    assert refused.value.code == 2


def test_the_proxy_given_replaces_the_default() -> None:
    env = build_env({}, ENDPOINTS, "http://127.0.0.1:5555")
    assert env["HTTPS_PROXY"] == env["http_proxy"] == "http://127.0.0.1:5555"


def test_the_proxy_refuses_and_records_what_was_tried() -> None:
    with (
        RefusingProxy() as proxy,
        socket.create_connection(
            ("127.0.0.1", int(proxy.url.rsplit(":", 1)[1])), timeout=5
        ) as conn,
    ):
        conn.sendall(b"CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\n\r\n")
        answer = conn.recv(100)
    assert answer.startswith(b"HTTP/1.1 403")
    assert proxy.tried == ["CONNECT api.openai.com:443 HTTP/1.1"]


def test_scripts_are_a_list_of_replies_or_tool_calls(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps([{"match": "hi", "reply": "hello"}, {"tool_calls": [{"name": "f"}]}]),
        encoding="utf-8",
    )
    assert len(load_scripts(good)) == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"match": "hi"}]), encoding="utf-8")
    with pytest.raises(ValueError, match="reply or tool_calls"):
        load_scripts(bad)


def test_the_shipped_scripts_load() -> None:
    scripts = load_scripts(
        Path(__file__).resolve().parents[2] / "tools" / "sdk_itests_scripts.json"
    )
    assert {s["match"] for s in scripts} >= {"What is 5 + 3?", "What is the refund policy?"}
