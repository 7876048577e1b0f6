from __future__ import annotations

import pytest

from support.report.redaction import MASK, redact, register_secrets


def test_removes_configured_secrets_by_value() -> None:
    assert redact("key=abc123xyz in body", ["abc123xyz"]) == f"key={MASK} in body"


def test_removes_bearer_tokens_and_key_shapes() -> None:
    text = (
        'Authorization: Bearer hh_local_0123456789abcdef {"api_key": "custom-secret"} '
        "sk-proj-ABCDEF1234567890 hh-key-verylongvalue1 x-control-token: tok_123456"
    )
    out = redact(text)
    for secret in (
        "hh_local_0123456789abcdef",
        "custom-secret",
        "sk-proj-ABCDEF1234567890",
        "hh-key-verylongvalue1",
        "tok_123456",
    ):
        assert secret not in out
    assert out.count(MASK) >= 5


def test_registered_secrets_are_redacted_everywhere_afterwards() -> None:
    register_secrets(["run-time-token-42", None, "ab"])
    assert "run-time-token-42" not in redact("token run-time-token-42 leaked")
    assert redact("ab stays") == "ab stays"  # too short to be a secret


def test_leaves_ordinary_text_alone() -> None:
    text = "session e2e-1a2b3c4d-9f8e7d6c: 3 events, model gpt-4o-mini"
    assert redact(text) == text


def test_attachments_lose_ansi_codes_raw_or_json_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    from support.report import evidence

    attached: list[str] = []
    monkeypatch.setattr("allure.attach", lambda body, **_: attached.append(body))
    evidence.attach_text("log", "\x1b[32mINFO\x1b[0m started \x1b]0;title\x07ok")
    evidence.attach_json("events", {"message": "\x1b[1mbold\x1b[22m"})
    assert attached[0] == "INFO started ok"
    assert "\\u001b" not in attached[1] and '"message": "bold"' in attached[1]
