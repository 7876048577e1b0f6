"""The Messages and Responses requests turned into the engine's ``ChatRequest``, and a reply
read as content blocks, without a server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openai.types.chat import chat_completion_chunk as ccc

from emulator.llm.blocks import BlockEvent, Closed, Finished, Opened, Piece, block_events
from emulator.llm.errors import OpenAIError
from emulator.llm.replies import Delta
from emulator.llm.requests.anthropic import parse_messages_request
from emulator.llm.requests.responses import parse_responses_request

SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def roles_and_texts(messages: Any) -> list[tuple[str, str]]:
    return [(m.role, m.content) for m in messages]


# --- Anthropic --------------------------------------------------------------------------
def anthropic_body(**extra: Any) -> dict[str, Any]:
    return {
        "model": "claude-3-5-haiku-latest",
        "max_tokens": 10,
        "messages": [{"role": "user", "content": "Hi"}],
        **extra,
    }


def test_anthropic_system_blocks_and_sampling() -> None:
    request = parse_messages_request(
        anthropic_body(
            system=[{"type": "text", "text": "Be brief."}, {"type": "text", "text": "Be kind."}],
            temperature=0,
            top_k=5,
            stop_sequences=["END"],
            stream=True,
        )
    )

    assert roles_and_texts(request.messages) == [("system", "Be brief.\nBe kind."), ("user", "Hi")]
    assert request.temperature == 0 and request.stop == ("END",) and request.stream
    assert request.max_tokens == 10 and request.tool_plan is None


def test_anthropic_tool_use_and_tool_result_become_a_call_and_its_result() -> None:
    history = [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Let me look."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "get_weather",
                    "input": {"city": "Paris"},
                },
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_1",
                    "content": [{"type": "text", "text": "Sunny"}],
                }
            ],
        },
    ]
    tools = [{"name": "get_weather", "input_schema": SCHEMA}]

    with_tools = parse_messages_request(
        anthropic_body(messages=history, tools=tools, tool_choice={"type": "any"})
    )
    without = parse_messages_request(
        anthropic_body(messages=history, tools=tools, tool_choice={"type": "none"})
    )

    assert with_tools.tool_plan is not None and with_tools.tool_plan.mode == "required"
    role, text = roles_and_texts(with_tools.messages)[1]
    assert role == "assistant" and text.startswith("Let me look.\n")
    assert json.loads(text.split("\n", 1)[1]) == {
        "tool_call": {"name": "get_weather", "arguments": {"city": "Paris"}}
    }
    assert roles_and_texts(with_tools.messages)[2] == ("tool", "Sunny")
    assert without.tool_plan is None
    assert roles_and_texts(without.messages)[2] == ("tool", "get_weather returned: Sunny")
    assert with_tools.last_user_message == "Weather in Paris?"


def test_anthropic_named_tool_choice_keeps_only_that_tool() -> None:
    tools = [
        {"name": "get_weather", "input_schema": SCHEMA},
        {"name": "get_time", "input_schema": {"type": "object", "properties": {}}},
    ]
    request = parse_messages_request(
        anthropic_body(tools=tools, tool_choice={"type": "tool", "name": "get_time"})
    )
    assert request.tool_plan is not None
    assert [f.name for f in request.tool_plan.functions] == ["get_time"]


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"max_tokens": 0}, "max_tokens"),
        ({"temperature": 1.5}, "temperature"),
        ({"thinking": {"type": "enabled", "budget_tokens": 1024}}, "thinking"),
        ({"tools": [{"type": "web_search_20250305", "name": "web_search"}]}, "tools.0.type"),
        (
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "image",
                                "source": {"type": "url", "url": "http://127.0.0.1/x.png"},
                            }
                        ],
                    }
                ]
            },
            "messages.0.content.0.type",
        ),
    ],
    ids=["max-tokens-0", "temperature-above-1", "thinking", "server-tool", "image"],
)
def test_anthropic_refusals_name_the_field(extra: dict[str, Any], param: str) -> None:
    with pytest.raises(OpenAIError) as caught:
        parse_messages_request(anthropic_body(**extra))
    assert caught.value.status == 400
    assert caught.value.param == param


# --- Responses --------------------------------------------------------------------------
def test_a_function_tool_needs_neither_strict_nor_parameters() -> None:
    """The SDK's FunctionToolParam requires both (nullable); the API and LangChain do not."""
    request = parse_responses_request(
        {"model": "gpt-4o-mini", "input": "Hi", "tools": [{"type": "function", "name": "now"}]}
    )
    assert request.chat.tool_plan is not None
    assert request.chat.tool_plan.functions[0].parameters == {"type": "object", "properties": {}}


def test_a_string_input_with_instructions() -> None:
    request = parse_responses_request(
        {"model": "gpt-4o-mini", "input": "Hi", "instructions": "Be brief.", "store": True}
    )
    assert roles_and_texts(request.chat.messages) == [("system", "Be brief."), ("user", "Hi")]
    assert request.instructions == "Be brief." and request.tool_choice == "auto"


def test_function_call_items_join_the_assistant_turn() -> None:
    """The history as the Agents SDK and LangChain send it back: an assistant message with
    ``output_text`` parts (no ``id``: the SDK's item types would refuse it, the API does not),
    the call and its output."""
    tool = {"type": "function", "name": "get_weather", "parameters": SCHEMA, "strict": True}
    request = parse_responses_request(
        {
            "model": "gpt-4o-mini",
            "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "Weather?"}]},
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": "Looking.", "annotations": []}],
                },
                {
                    "type": "function_call",
                    "call_id": "call_1",
                    "name": "get_weather",
                    "arguments": '{"city": "Rome"}',
                },
                {"type": "function_call_output", "call_id": "call_1", "output": "Sunny"},
            ],
            "tools": [tool],
            "tool_choice": {"type": "function", "name": "get_weather"},
            "include": [],
            "parallel_tool_calls": False,
            "truncation": "disabled",
        }
    )

    roles = roles_and_texts(request.chat.messages)
    assert [r for r, _ in roles] == ["user", "assistant", "tool"]
    assert roles[1][1].startswith("Looking.\n")
    assert roles[2] == ("tool", "Sunny")
    assert request.chat.tool_plan is not None and request.chat.tool_plan.mode == "required"
    assert request.parallel_tool_calls is False


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"previous_response_id": "resp_1"}, "previous_response_id"),
        ({"conversation": "conv_1"}, "conversation"),
        ({"background": True}, "background"),
        ({"max_output_tokens": 8}, "max_output_tokens"),
        ({"input": [{"type": "item_reference", "id": "msg_1"}]}, "input[0].type"),
        (
            {"input": [{"type": "function_call", "name": "f", "arguments": "{}"}]},
            "input[0].call_id",
        ),
        ({"input": [{"role": "tool", "content": "x"}]}, "input[0].role"),
        (
            {"input": [{"role": "user", "content": [{"type": "input_image"}]}]},
            "input[0].content[0].type",
        ),
    ],
)
def test_responses_refusals_name_the_field(extra: dict[str, Any], param: str) -> None:
    with pytest.raises(OpenAIError) as caught:
        parse_responses_request({"model": "gpt-4o-mini", "input": "Hi", **extra})
    assert caught.value.status == 400
    assert caught.value.param == param


# --- content blocks ---------------------------------------------------------------------
async def _collect(deltas: list[Delta]) -> list[BlockEvent]:
    async def source() -> AsyncIterator[Delta]:
        for delta in deltas:
            yield delta

    return [event async for event in block_events(source())]


def test_a_call_after_text_is_a_second_block() -> None:
    head = ccc.ChoiceDeltaToolCall(
        index=0,
        id="call_1",
        type="function",
        function=ccc.ChoiceDeltaToolCallFunction(name="f", arguments=""),
    )
    more = ccc.ChoiceDeltaToolCall(
        index=0, function=ccc.ChoiceDeltaToolCallFunction(arguments="{}")
    )
    events = asyncio.run(
        _collect(
            [
                Delta(index=0, content="Hi"),
                Delta(index=0, tool_calls=(head,)),
                Delta(index=0, tool_calls=(more,)),
                Delta(index=0, finish_reason="tool_calls"),
            ]
        )
    )

    assert events == [
        Opened(0, "text"),
        Piece(0, "text", "Hi"),
        Closed(0, "text", "Hi"),
        Opened(1, "call", "call_1", "f"),
        Piece(1, "call", "{}"),
        Closed(1, "call", "{}", "call_1", "f", "tool_calls"),
        Finished("tool_calls"),
    ]


def test_an_empty_reply_still_has_a_text_block() -> None:
    events = asyncio.run(_collect([Delta(index=0, finish_reason="length")]))
    assert events == [Opened(0, "text"), Closed(0, "text", "", reason="length"), Finished("length")]
