"""The Anthropic Messages API (``POST /v1/messages``) through the official ``anthropic``
client: whole and streamed replies, tools, a tool_result round trip, real usage, Anthropic's
errors, and the control plane's faults and scripts."""

from __future__ import annotations

import json
from collections.abc import Iterator

import anthropic
import httpx
import openai
import pytest
from anthropic.types import MessageParam, TextBlock, ToolParam, ToolUseBlock

from emulator.llm.control_client import ModelControl
from emulator.llm.launcher import LlmServer

MODEL = "claude-3-5-haiku-latest"
QUESTION = "What is the capital of France?"
ASK: list[MessageParam] = [{"role": "user", "content": QUESTION}]
#: anthropic 2.x dropped ``temperature`` from its types; it still reaches the server this way
GREEDY = {"temperature": 0}
WEATHER: ToolParam = {
    "name": "get_weather",
    "description": "The current weather in a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"enum": ["celsius", "fahrenheit"]}},
        "required": ["city", "unit"],
    },
}
WEATHER_ASK: list[MessageParam] = [{"role": "user", "content": "What is the weather in Paris?"}]


@pytest.fixture
def claude(emulator: LlmServer, api_key: str) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(
        base_url=emulator.url, api_key=api_key, max_retries=0, timeout=120
    ) as sdk:
        yield sdk


def only_tool_use(message: anthropic.types.Message) -> ToolUseBlock:
    assert message.stop_reason == "tool_use"
    (block,) = message.content
    assert isinstance(block, ToolUseBlock)
    assert block.id.startswith("toolu_")
    return block


def test_a_message_with_a_system_prompt_and_real_usage(
    claude: anthropic.Anthropic, client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    system = "You answer in one short sentence."
    message = claude.messages.create(
        model=MODEL,
        max_tokens=5,
        system=[{"type": "text", "text": system}],
        messages=ASK,
        extra_body=GREEDY,
    )

    assert message.type == "message" and message.role == "assistant"
    assert message.model == MODEL
    assert message.id.startswith("msg_")
    (block,) = message.content
    assert isinstance(block, TextBlock) and block.text
    assert message.stop_reason == "max_tokens"
    assert message.usage.output_tokens == 5
    # the same conversation through chat completions: the same prompt, the same tokenizer
    chat = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": system},
            {"role": "user", "content": QUESTION},
        ],
        max_tokens=1,
    )
    assert chat.usage is not None
    assert message.usage.input_tokens == chat.usage.prompt_tokens
    first = control.requests(api_key)[0]
    assert first["path"] == "/v1/messages" and first["model"] == MODEL
    assert (first["prompt_tokens"], first["completion_tokens"]) == (
        message.usage.input_tokens,
        5,
    )


def test_a_streamed_message_follows_anthropics_event_sequence(claude: anthropic.Anthropic) -> None:
    with claude.messages.stream(
        model=MODEL, max_tokens=8, messages=ASK, extra_body=GREEDY
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()

    assert kinds[0] == "message_start"
    assert kinds[1] == "content_block_start"
    assert "text" in kinds  # the SDK's own event for each text_delta
    assert kinds[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    (block,) = final.content
    assert isinstance(block, TextBlock) and block.text
    assert final.usage.output_tokens == 8
    assert final.stop_reason == "max_tokens"
    plain = claude.messages.create(model=MODEL, max_tokens=8, messages=ASK, extra_body=GREEDY)
    assert final.usage.input_tokens == plain.usage.input_tokens
    assert isinstance(plain.content[0], TextBlock) and plain.content[0].text == block.text


def test_a_forced_tool_use_always_has_complete_input(claude: anthropic.Anthropic) -> None:
    """max_tokens 16 would cut the call's JSON: the call gets its own budget."""
    message = claude.messages.create(
        model=MODEL,
        max_tokens=16,
        messages=WEATHER_ASK,
        tools=[WEATHER],
        tool_choice={"type": "tool", "name": "get_weather"},
        extra_body=GREEDY,
    )

    block = only_tool_use(message)
    assert block.name == "get_weather"
    assert isinstance(block.input, dict)
    assert {"city", "unit"} <= set(block.input)
    assert block.input["unit"] in ("celsius", "fahrenheit")


def test_a_streamed_tool_use_adds_up_to_its_input(claude: anthropic.Anthropic) -> None:
    with claude.messages.stream(
        model=MODEL,
        max_tokens=64,
        messages=WEATHER_ASK,
        tools=[WEATHER],
        tool_choice={"type": "any"},
        extra_body=GREEDY,
    ) as stream:
        partial = "".join(
            event.delta.partial_json
            for event in stream
            if event.type == "content_block_delta" and event.delta.type == "input_json_delta"
        )
        final = stream.get_final_message()

    block = only_tool_use(final)
    assert json.loads(partial) == block.input
    assert final.usage.output_tokens > 0


def test_a_tool_result_goes_back_and_the_model_answers(claude: anthropic.Anthropic) -> None:
    tool_use = only_tool_use(
        claude.messages.create(
            model=MODEL,
            max_tokens=64,
            messages=WEATHER_ASK,
            tools=[WEATHER],
            tool_choice={"type": "any"},
            extra_body=GREEDY,
        )
    )
    history: list[MessageParam] = [
        *WEATHER_ASK,
        {"role": "assistant", "content": [tool_use]},
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": tool_use.id, "content": "Sunny, 21 C"}
            ],
        },
    ]
    answer = claude.messages.create(
        model=MODEL,
        max_tokens=20,
        messages=history,
        tools=[WEATHER],
        tool_choice={"type": "none"},
        extra_body=GREEDY,
    )

    assert answer.stop_reason in ("end_turn", "max_tokens")
    (block,) = answer.content
    assert isinstance(block, TextBlock) and block.text


def test_a_bad_key_is_anthropics_authentication_error(emulator: LlmServer) -> None:
    with (
        anthropic.Anthropic(base_url=emulator.url, api_key="sk-ant-wrong", max_retries=0) as sdk,
        pytest.raises(anthropic.AuthenticationError) as caught,
    ):
        sdk.messages.create(model=MODEL, max_tokens=5, messages=ASK)
    assert caught.value.status_code == 401
    assert caught.value.body == {
        "type": "error",
        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
        "request_id": caught.value.request_id,
    }


def test_anthropic_version_is_required(emulator: LlmServer, api_key: str) -> None:
    reply = httpx.post(
        f"{emulator.url}/v1/messages",
        headers={"x-api-key": api_key},
        json={"model": MODEL, "max_tokens": 5, "messages": ASK},
    )
    assert reply.status_code == 400
    assert reply.json()["error"] == {
        "type": "invalid_request_error",
        "message": "anthropic-version: header is required",
    }


@pytest.mark.parametrize(
    ("body", "status", "kind"),
    [
        ({"model": "claude-nonexistent", "max_tokens": 5, "messages": ASK}, 404, "not_found_error"),
        ({"model": MODEL, "messages": ASK}, 400, "invalid_request_error"),
        (
            {"model": MODEL, "max_tokens": 5, "messages": ASK, "bogus": 1},
            400,
            "invalid_request_error",
        ),
    ],
    ids=["unknown-model", "no-max-tokens", "unknown-field"],
)
def test_bad_requests_get_anthropics_errors(
    emulator: LlmServer, api_key: str, body: dict[str, object], status: int, kind: str
) -> None:
    reply = httpx.post(
        f"{emulator.url}/v1/messages",
        headers={"x-api-key": api_key, "anthropic-version": "2023-06-01"},
        json=body,
    )
    assert reply.status_code == status
    assert reply.json()["type"] == "error"
    assert reply.json()["error"]["type"] == kind


@pytest.mark.parametrize(
    ("status", "error", "kind"),
    [
        (429, anthropic.RateLimitError, "rate_limit_error"),
        (500, anthropic.InternalServerError, "api_error"),
        (503, anthropic.OverloadedError, "overloaded_error"),
    ],
)
def test_faults_from_the_control_plane(
    claude: anthropic.Anthropic,
    control: ModelControl,
    api_key: str,
    status: int,
    error: type[anthropic.APIStatusError],
    kind: str,
) -> None:
    control.fail_next(api_key, status)
    with pytest.raises(error) as caught:
        claude.messages.create(model=MODEL, max_tokens=5, messages=ASK)
    assert caught.value.body["error"]["type"] == kind  # type: ignore[index]
    log = control.requests(api_key)
    assert [(r["path"], r["status"]) for r in log] == [("/v1/messages", status)]


def test_a_script_answers_plain_and_streamed(
    claude: anthropic.Anthropic, control: ModelControl, api_key: str
) -> None:
    control.script(api_key, "Paris, of course.", count=2)

    plain = claude.messages.create(model=MODEL, max_tokens=50, messages=ASK)
    with claude.messages.stream(model=MODEL, max_tokens=50, messages=ASK) as stream:
        streamed = "".join(stream.text_stream)
        final = stream.get_final_message()

    assert isinstance(plain.content[0], TextBlock)
    assert plain.content[0].text == streamed == "Paris, of course."
    assert plain.stop_reason == final.stop_reason == "end_turn"
    assert plain.usage.output_tokens == final.usage.output_tokens > 0
    assert [r["scripted"] for r in control.requests(api_key)] == [True, True]


def test_a_cut_stream_raises_in_the_client(
    claude: anthropic.Anthropic, control: ModelControl, api_key: str
) -> None:
    control.script(api_key, "One two three four five six seven eight.")
    control.cut_next_stream(api_key, after_chunks=2)
    with (
        pytest.raises(anthropic.APIConnectionError),
        claude.messages.stream(model=MODEL, max_tokens=50, messages=ASK) as stream,
    ):
        for _ in stream:
            pass
    assert control.requests(api_key)[0]["cut"] is True
