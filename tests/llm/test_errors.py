"""Every error is OpenAI's JSON shape and status, so the SDK raises its own classes."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest

from emulator.llm.control_client import ModelControl
from emulator.llm.launcher import LlmServer

HI: list[Any] = [{"role": "user", "content": "hi"}]


def _sdk(emulator: LlmServer, key: str, retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=emulator.openai_base_url, api_key=key, max_retries=retries, timeout=60
    )


def test_wrong_key_is_authentication_error(emulator: LlmServer) -> None:
    with pytest.raises(openai.AuthenticationError) as raised:
        _sdk(emulator, "sk-not-registered-1234").chat.completions.create(
            model="gpt-4o-mini", messages=HI, max_tokens=2
        )
    assert raised.value.status_code == 401
    assert raised.value.code == "invalid_api_key"
    assert "sk-not-registered-1234" not in raised.value.message


def test_missing_key_is_401_in_openai_shape(emulator: LlmServer) -> None:
    response = httpx.post(
        f"{emulator.openai_base_url}/chat/completions",
        json={"model": "gpt-4o-mini", "messages": HI},
    )
    assert response.status_code == 401
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["code"] == "invalid_api_key"


def test_revoked_key_is_refused(emulator: LlmServer, control: ModelControl, api_key: str) -> None:
    control.revoke_key(api_key)
    with pytest.raises(openai.AuthenticationError):
        _sdk(emulator, api_key).models.list()


def test_unknown_model_is_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="gpt-7-ultra", messages=HI, max_tokens=2)
    assert raised.value.code == "model_not_found"
    assert "gpt-7-ultra" in raised.value.message


def test_embedding_model_is_not_a_chat_model(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="text-embedding-3-small", messages=HI)


def test_prompt_over_the_context_window(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "hello " * 9000}],
            max_tokens=5,
        )
    assert raised.value.code == "context_length_exceeded"
    assert raised.value.param == "messages"
    assert "8192" in raised.value.message


def test_prompt_plus_max_tokens_over_the_window(client: openai.OpenAI) -> None:
    """About 4,000 prompt tokens fit, but not with 5,000 more to generate."""
    messages: list[Any] = [{"role": "user", "content": "hello " * 4000}]
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="gpt-4o-mini", messages=messages, max_tokens=5000)
    assert raised.value.code == "context_length_exceeded"
    assert "5000 in the completion" in raised.value.message


@pytest.mark.parametrize(
    ("override", "param"),
    [
        ({"temperature": 2.5}, "temperature"),
        ({"n": 0}, "n"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"top_p": 1.5}, "top_p"),
        ({"messages": [{"role": "wizard", "content": "hi"}]}, "messages[0].role"),
        ({"messages": [{"role": "user"}]}, "messages[0].content"),
        ({"messages": []}, "messages"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"extra_body": {"frobnicate": True}}, "frobnicate"),
        ({"extra_body": {"max_tokens": "many"}}, "max_tokens"),
        ({"extra_body": {"stream": "yes"}}, "stream"),
        (
            {
                "messages": [
                    {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}
                ]
            },
            "messages[0].content[0].type",
        ),
    ],
)
def test_invalid_parameters_are_bad_requests(
    client: openai.OpenAI, override: dict[str, Any], param: str
) -> None:
    kwargs: dict[str, Any] = {"model": "gpt-4o-mini", "messages": HI, "max_tokens": 2}
    kwargs.update(override)
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(**kwargs)
    assert raised.value.status_code == 400
    assert raised.value.param == param
    assert raised.value.type == "invalid_request_error"


def test_malformed_json_says_what_is_wrong(emulator: LlmServer, api_key: str) -> None:
    response = httpx.post(
        f"{emulator.openai_base_url}/chat/completions",
        content=b'{"model": "gpt-4o-mini", "messages": [}',
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "not valid JSON" in message
    assert "line 1 column" in message


def test_unknown_route_is_404_in_openai_shape(emulator: LlmServer, api_key: str) -> None:
    response = httpx.get(
        f"{emulator.openai_base_url}/nowhere", headers={"Authorization": f"Bearer {api_key}"}
    )
    assert response.status_code == 404
    assert "Invalid URL" in response.json()["error"]["message"]


def test_injected_429_is_rate_limit_error(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.fail_next(api_key, 429, retry_after=7)
    with pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(model="gpt-4o-mini", messages=HI, max_tokens=2)
    assert raised.value.code == "rate_limit_exceeded"
    assert raised.value.response.headers["retry-after"] == "7"
    assert "gpt-4o-mini" in raised.value.message


@pytest.mark.parametrize("status", [500, 503])
def test_injected_5xx_is_internal_server_error(
    client: openai.OpenAI, control: ModelControl, api_key: str, status: int
) -> None:
    control.fail_next(api_key, status)
    with pytest.raises(openai.InternalServerError) as raised:
        client.chat.completions.create(model="gpt-4o-mini", messages=HI, max_tokens=2)
    assert raised.value.status_code == status


def test_injected_401_on_embeddings(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.fail_next(api_key, 401)
    with pytest.raises(openai.AuthenticationError):
        client.embeddings.create(model="text-embedding-3-small", input="x")
    assert client.embeddings.create(model="text-embedding-3-small", input="x").data


def test_sdk_retries_a_429_by_itself(
    emulator: LlmServer, control: ModelControl, api_key: str
) -> None:
    control.fail_next(api_key, 429, count=1, retry_after=0.05)
    reply = _sdk(emulator, api_key, retries=1).chat.completions.create(
        model="gpt-4o-mini", messages=HI, max_tokens=2
    )

    assert reply.choices[0].message.content is not None
    attempts = control.requests(api_key)
    assert [a["status"] for a in attempts] == [429, 200]
    assert all(a["path"] == "/v1/chat/completions" for a in attempts)


def test_faults_count_down(client: openai.OpenAI, control: ModelControl, api_key: str) -> None:
    control.fail_next(api_key, 500, count=2)
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            client.chat.completions.create(model="gpt-4o-mini", messages=HI, max_tokens=2)
    assert client.chat.completions.create(model="gpt-4o-mini", messages=HI, max_tokens=2)
