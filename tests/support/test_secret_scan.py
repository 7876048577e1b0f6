from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from support.report.redaction import redact
from tools.secret_scan import main, scan


def test_finds_configured_values_generated_keys_and_bearer_tokens(tmp_path: Path) -> None:
    (tmp_path / "log.txt").write_text("GET / 200\nAuthorization: Bearer abcdefgh12345\n")
    (tmp_path / "report.json").write_text('{"key": "hh_local_0123456789abcdef0123"}')
    (tmp_path / "bench.txt").write_text("my-configured-secret appears here")
    hits = scan([tmp_path], [b"my-configured-secret"])
    assert {h.path.name for h in hits} == {"log.txt", "report.json", "bench.txt"}


def test_redacted_text_and_sdk_placeholders_are_clean(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Authorization: Bearer [REDACTED]\nBearer None\nsession ok\n")
    assert scan([tmp_path]) == []


def test_scans_binary_databases(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.db")
    db.execute("CREATE TABLE t (v TEXT)")
    db.execute("INSERT INTO t VALUES ('sk-local-00112233445566778899')")
    db.commit()
    db.close()
    assert [h.path.name for h in scan([tmp_path])] == ["x.db"]


def test_main_exits_non_zero_on_hits(tmp_path: Path) -> None:
    (tmp_path / "clean.txt").write_text("nothing here")
    assert main([str(tmp_path)]) == 0
    (tmp_path / "dirty.txt").write_text("hh_invalid_00112233445566778899aabb")
    assert main([str(tmp_path)]) == 1


def test_finds_secrets_inside_the_single_file_reports_embedded_data(tmp_path: Path) -> None:
    import base64

    hidden = base64.b64encode(b'{"param": "hh_local_00112233445566778899aabb"}').decode()
    (tmp_path / "index.html").write_text(f'<script>d("data/x.json", "{hidden}")</script>')
    assert [h.path.name for h in scan([tmp_path])] == ["index.html"]


def _run_scan(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m tools.secret_scan` as CI runs it, with only `env` configured."""
    root = Path(__file__).resolve().parents[2]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HH_", "OPENAI_", "LLM_"))}
    return subprocess.run(
        [sys.executable, "-m", "tools.secret_scan", str(tmp_path / "reports")],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_broken_configuration_fails_the_scan_with_one_sentence(tmp_path: Path) -> None:
    key = "hh_" + "K" * 32
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "result.json").write_text(json.dumps({"apiKey": key}))
    # the key is configured, but an unrelated setting breaks the configuration
    ran = _run_scan(
        tmp_path,
        {"HH_API_KEY": key, "HH_API_URL": "https://h.example", "LLM_BACKEND": "sometimes"},
    )
    assert ran.returncode == 2, ran
    assert ran.stdout == ""
    message = ran.stderr.strip()
    assert len(message.splitlines()) == 1 and message.endswith(".")
    assert "configuration does not load" in message and "nothing was scanned" in message
    assert "LLM_BACKEND" in message and key not in message


def test_a_configured_key_in_plain_json_is_found(tmp_path: Path) -> None:
    key = "hh_" + "abc123XY" * 4
    (tmp_path / "reports" / "allure-results").mkdir(parents=True)
    result = {"name": "x", "parameters": [{"name": "api_key", "value": key}]}
    (tmp_path / "reports" / "allure-results" / "r-result.json").write_text(json.dumps(result))
    ran = _run_scan(tmp_path, {"HH_API_KEY": key, "HH_API_URL": "https://h.example"})
    assert ran.returncode == 1, ran
    assert "r-result.json" in ran.stdout and "a configured key" in ran.stdout


def test_an_exported_key_a_local_run_drops_is_still_looked_for(tmp_path: Path) -> None:
    # local mode ignores OPENAI_API_KEY, so it is not in the configuration: still a secret
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "log.txt").write_text("sent with key exported-key-42\n")
    ran = _run_scan(tmp_path, {"OPENAI_API_KEY": "exported-key-42"})
    assert ran.returncode == 1 and "a configured key" in ran.stdout


@pytest.mark.parametrize(
    "key",
    [
        "sk-" + "A1b2C3d4" * 6,  # OpenAI, legacy
        "sk-proj-" + "Ab_9-" * 20,  # OpenAI, project key
        "sk-svcacct-" + "x7" * 30,
        "hh_" + "0123456789abcdefABCDEF0123456789",  # HoneyHive project key
        "hh_ro_" + "z" * 32,
        "hh_org_" + "Q" * 32,
        "hh_fgcp_" + "a1" * 12 + "_" + "B-_c" * 16,  # fine-grained control plane
    ],
)
def test_key_shapes_are_found_whatever_is_configured(tmp_path: Path, key: str) -> None:
    (tmp_path / "result.json").write_text(json.dumps({"attachment": f"headers: {key}"}))
    assert [h.path.name for h in scan([tmp_path])] == ["result.json"]


def test_redaction_markers_and_key_like_names_are_not_keys(tmp_path: Path) -> None:
    text = redact("key sk-proj-" + "A" * 40 + " and hh_" + "b" * 32 + " and Bearer tok_12345678")
    (tmp_path / "a.json").write_text(
        json.dumps(
            {
                "redacted": text,
                "names": "hh_session_name hh_client_version honeyhive_event_type HH_API_KEY",
                "short": "sk-x sk-wanted sk-one hh_k",
                "too_long": "hh_" + "c" * 40,  # no HoneyHive key is 40 characters after hh_
                "embedded": "task-" + "A" * 30,
            }
        )
    )
    assert "[REDACTED]" in text
    assert scan([tmp_path]) == []
