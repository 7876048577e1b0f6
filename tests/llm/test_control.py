"""The control plane: token check, per-key scripts, faults, latency, cuts, request log."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import openai
import pytest

from emulator.llm.control_client import ModelControl
from emulator.llm.launcher import LlmServer

ASK: list[Any] = [{"role": "user", "content": "What is the capital of France?"}]
ANSWER = "The capital of France is Paris. Çà et là — 日本語 ✓"


@pytest.mark.parametrize(
    ("method", "route", "body"),
    [
        ("POST", "/keys", {"api_key": "k"}),
        ("POST", "/keys/revoke", {"api_key": "k"}),
        ("POST", "/faults", {"api_key": "k", "status": 500}),
        ("POST", "/latency", {"api_key": "k", "ms": 10}),
        ("POST", "/cut", {"api_key": "k", "after_chunks": 1}),
        ("POST", "/scripts", {"api_key": "k", "reply": "x"}),
        ("POST", "/reset", {"api_key": "k"}),
        ("GET", "/requests?api_key=k", None),
        ("GET", "/info", None),
    ],
)
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_control_routes_need_the_token(
    emulator: LlmServer, method: str, route: str, body: Any, token: str | None
) -> None:
    headers = {"X-Control-Token": token} if token else {}
    response = httpx.request(method, f"{emulator.url}/_control{route}", json=body, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_control_token"


def test_health_needs_no_token(emulator: LlmServer) -> None:
    response = httpx.get(f"{emulator.url}/_control/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "model": "smollm2-135m-instruct"}


def test_control_body_is_validated(emulator: LlmServer, api_key: str) -> None:
    response = httpx.post(
        f"{emulator.url}/_control/faults",
        json={"api_key": api_key, "status": 418},
        headers={"X-Control-Token": emulator.control_token},
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "status"


def test_scripted_reply_is_exact_with_real_usage(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    real = client.chat.completions.create(model="gpt-4o-mini", messages=ASK, max_tokens=2)
    control.script(api_key, ANSWER, match="What is the capital of France?")

    reply = client.chat.completions.create(model="gpt-4o-mini", messages=ASK)

    assert reply.choices[0].message.content == ANSWER
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage is not None and real.usage is not None
    assert reply.usage.prompt_tokens == real.usage.prompt_tokens
    assert reply.usage.completion_tokens > 10
    log = control.requests(api_key)
    assert [r["scripted"] for r in log] == [False, True]


def test_scripted_reply_streamed(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.script(api_key, ANSWER)
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o",
            messages=ASK,
            stream=True,
            stream_options={"include_usage": True},
        )
    )

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == ANSWER
    assert len(chunks) > 5
    assert chunks[-1].usage is not None
    whole = control.requests(api_key)[-1]
    assert chunks[-1].usage.completion_tokens == whole["completion_tokens"]


def test_script_matches_only_its_prompt(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.script(api_key, "scripted", match="exactly this")
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=ASK, max_tokens=3)
    assert control.requests(api_key)[-1]["scripted"] is False
    assert reply.usage is not None and reply.usage.completion_tokens <= 3


def test_scripted_reply_respects_max_tokens(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.script(api_key, ANSWER)
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=ASK, max_tokens=3)

    assert reply.choices[0].finish_reason == "length"
    assert reply.usage is not None and reply.usage.completion_tokens == 3
    assert ANSWER.startswith(reply.choices[0].message.content or "")


def test_scripted_reply_honours_stop(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.script(api_key, "alpha, beta, gamma")
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=ASK, stop=[", g"])

    assert reply.choices[0].message.content == "alpha, beta"
    assert reply.choices[0].finish_reason == "stop"


def test_scripted_tool_call(client: openai.OpenAI, control: ModelControl, api_key: str) -> None:
    control.script(api_key, tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}])
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=ASK,
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
                },
            }
        ],
    )

    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    calls = choice.message.tool_calls or []
    assert len(calls) == 1
    assert calls[0].type == "function"
    assert calls[0].function.name == "get_weather"
    assert json.loads(calls[0].function.arguments) == {"city": "Paris"}


def test_two_keys_faults_do_not_mix(
    emulator: LlmServer, control: ModelControl, api_key: str
) -> None:
    other = control.new_key()
    control.fail_next(api_key, 500, count=5)
    with (
        openai.OpenAI(base_url=emulator.openai_base_url, api_key=api_key, max_retries=0) as one,
        openai.OpenAI(base_url=emulator.openai_base_url, api_key=other, max_retries=0) as two,
    ):
        assert two.chat.completions.create(model="gpt-4o-mini", messages=ASK, max_tokens=2)
        with pytest.raises(openai.InternalServerError):
            one.chat.completions.create(model="gpt-4o-mini", messages=ASK, max_tokens=2)
        assert two.chat.completions.create(model="gpt-4o-mini", messages=ASK, max_tokens=2)
    assert [r["status"] for r in control.requests(other)] == [200, 200]
    assert [r["status"] for r in control.requests(api_key)] == [500]


def test_latency_is_added_until_removed(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.set_latency(api_key, 400)
    started = time.perf_counter()
    client.models.list()
    assert time.perf_counter() - started >= 0.4
    control.set_latency(api_key, 0)
    started = time.perf_counter()
    client.models.list()
    assert time.perf_counter() - started < 0.4


def test_cut_stream_raises_in_the_client(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.cut_next_stream(api_key, after_chunks=2)
    received: list[str] = []
    with pytest.raises((openai.APIConnectionError, httpx.TransportError)):
        for chunk in client.chat.completions.create(
            model="gpt-4o-mini", messages=ASK, max_tokens=20, stream=True
        ):
            if chunk.choices and chunk.choices[0].delta.content:
                received.append(chunk.choices[0].delta.content)

    assert len(received) == 2
    assert control.requests(api_key)[-1]["cut"] is True
    # the cut was for one stream only
    assert list(
        client.chat.completions.create(model="gpt-4o-mini", messages=ASK, max_tokens=3, stream=True)
    )


def test_reset_forgets_behaviour_and_log(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.fail_next(api_key, 503, count=3)
    control.script(api_key, "never")
    control.reset(api_key)

    reply = client.chat.completions.create(model="gpt-4o-mini", messages=ASK, max_tokens=2)
    assert reply.choices[0].message.content != "never"
    assert len(control.requests(api_key)) == 1


def test_request_log_fields(client: openai.OpenAI, control: ModelControl, api_key: str) -> None:
    client.chat.completions.create(model="gpt-4.1-mini", messages=ASK, max_tokens=2)
    record = control.requests(api_key)[0]

    assert record["path"] == "/v1/chat/completions"
    assert record["model"] == "gpt-4.1-mini"
    assert record["status"] == 200
    assert record["stream"] is False
    assert record["prompt_tokens"] > 0
    assert record["completion_tokens"] == 2
    assert record["time"] <= time.time()


def test_log_file_has_one_line_per_request_and_no_keys(
    emulator: LlmServer, client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    client.models.list()
    control.requests(api_key)
    assert emulator.log_path is not None
    text = emulator.log_path.read_text()
    assert "GET /v1/models 200" in text
    assert "GET /_control/requests 200" in text
    assert api_key not in text
