"""Function calling with the real model, through the real openai SDK: the model itself writes
the call (constrained by the function's schema), never a script. Assertions are on structure:
the arguments parse and validate against the schema they were generated under."""

from __future__ import annotations

import json
from typing import Any, Literal

import openai
import pytest
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionMessage,
    ChatCompletionMessageFunctionToolCall,
    ChatCompletionMessageParam,
    ChatCompletionToolParam,
)
from pydantic import BaseModel, ConfigDict, Field

from emulator.llm.control_client import ModelControl


class StockQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: str


class Reservation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: str
    quantity: int = Field(ge=1, le=10)
    warehouse: Literal["north", "south"]


def tool(name: str, description: str, parameters: type[BaseModel]) -> ChatCompletionToolParam:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": parameters.model_json_schema(),
        },
    }


TOOLS = [
    tool("lookup_stock", "How many units of a product are in stock", StockQuery),
    tool("reserve_units", "Reserve units of a product in a warehouse", Reservation),
]
SCHEMAS: dict[str, type[BaseModel]] = {"lookup_stock": StockQuery, "reserve_units": Reservation}
QUESTION = "How many blue kettles (sku KET-BLUE) are in stock?"
ASK: list[ChatCompletionMessageParam] = [{"role": "user", "content": QUESTION}]


def function_calls(message: ChatCompletionMessage) -> list[ChatCompletionMessageFunctionToolCall]:
    calls = message.tool_calls or []
    assert all(isinstance(c, ChatCompletionMessageFunctionToolCall) for c in calls)
    return [c for c in calls if isinstance(c, ChatCompletionMessageFunctionToolCall)]


def only_call(reply: ChatCompletion) -> tuple[str, BaseModel]:
    """The one call of the reply, its arguments validated against the function's schema."""
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    calls = function_calls(choice.message)
    assert len(calls) == 1
    call = calls[0]
    assert call.type == "function"
    assert call.id.startswith("call_")
    name = call.function.name
    return name, SCHEMAS[name].model_validate_json(call.function.arguments, strict=True)


def test_required_makes_the_model_call_a_tool(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=ASK,
        tools=TOOLS,
        tool_choice="required",
        temperature=0,
        max_tokens=120,
    )

    name, _ = only_call(reply)
    assert name in SCHEMAS
    assert reply.usage is not None and reply.usage.completion_tokens > 0


def test_a_named_function_is_the_one_called(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=ASK,
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "reserve_units"}},
        temperature=0,
        max_tokens=120,
    )

    name, arguments = only_call(reply)
    assert name == "reserve_units"
    assert isinstance(arguments, Reservation)
    assert 1 <= arguments.quantity <= 10  # the schema's range, enforced while generating


def test_auto_lets_the_model_decide(client: openai.OpenAI) -> None:
    """Under auto each reply is a well-formed call or a plain answer; over these prompts the
    model (at temperature 0) takes both ways, so neither is forced."""
    outcomes = set()
    for prompt in ("What is the capital of France?", QUESTION):
        reply = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": prompt}],
            tools=TOOLS,
            temperature=0,
            max_tokens=120,
        )
        choice = reply.choices[0]
        if choice.message.tool_calls:
            only_call(reply)
            outcomes.add("call")
        else:
            assert isinstance(choice.message.content, str) and choice.message.content
            assert not choice.message.content.lstrip().startswith('{"response"')
            assert choice.finish_reason in ("stop", "length")
            outcomes.add("answer")
    assert outcomes == {"call", "answer"}


def test_none_answers_in_text(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=ASK, tools=TOOLS, tool_choice="none", max_tokens=20
    )

    choice = reply.choices[0]
    assert choice.message.tool_calls is None
    assert choice.message.content
    assert choice.finish_reason in ("stop", "length")


def test_the_tool_definitions_count_as_prompt_tokens(client: openai.OpenAI) -> None:
    plain = client.chat.completions.create(model="gpt-4o-mini", messages=ASK, max_tokens=1)
    offered = client.chat.completions.create(
        model="gpt-4o-mini", messages=ASK, tools=TOOLS, tool_choice="required", max_tokens=1
    )

    assert plain.usage is not None and offered.usage is not None
    assert offered.usage.prompt_tokens > plain.usage.prompt_tokens + 50


def test_a_streamed_call_adds_up_to_a_valid_call(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=ASK,
            tools=TOOLS,
            tool_choice={"type": "function", "function": {"name": "lookup_stock"}},
            temperature=0,
            max_tokens=120,
            stream=True,
            stream_options={"include_usage": True},
        )
    )

    deltas = [c.choices[0].delta for c in chunks if c.choices]
    calls = [tc for d in deltas for tc in d.tool_calls or ()]
    head = calls[0]
    assert head.id is not None and head.id.startswith("call_")
    assert head.function is not None and head.function.name == "lookup_stock"
    assert all(tc.index == 0 and tc.id is None for tc in calls[1:])  # one call, named once
    arguments = "".join(tc.function.arguments or "" for tc in calls if tc.function)
    assert len(calls) > 2  # the arguments arrive as they are generated, not in one piece
    StockQuery.model_validate_json(arguments, strict=True)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert finishes[-1] == "tool_calls" and all(f is None for f in finishes[:-1])
    assert not any(d.content for d in deltas)
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_the_same_call_plain_and_streamed(client: openai.OpenAI) -> None:
    """At temperature 0 the streamed pieces add up to the plain reply's call."""
    options: dict[str, Any] = {
        "model": "gpt-4o-mini",
        "messages": ASK,
        "tools": TOOLS,
        "tool_choice": "required",
        "temperature": 0,
        "max_tokens": 120,
    }
    plain = client.chat.completions.create(**options)
    streamed = list(client.chat.completions.create(**options, stream=True))

    (call,) = function_calls(plain.choices[0].message)
    pieces = [tc for c in streamed if c.choices for tc in c.choices[0].delta.tool_calls or ()]
    assert pieces[0].function is not None and pieces[0].function.name == call.function.name
    assert "".join(p.function.arguments or "" for p in pieces if p.function) == (
        call.function.arguments
    )


def test_a_streamed_answer_under_auto_is_plain_text(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "What is the capital of France?"}],
            tools=TOOLS,
            temperature=0,
            max_tokens=120,
            stream=True,
        )
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    if any(d.tool_calls for d in deltas):
        pytest.skip("the model chose to call a tool for this prompt")
    text = "".join(d.content or "" for d in deltas)
    assert text and not text.startswith("{")
    assert chunks[-1].choices[0].finish_reason in ("stop", "length")


class Ticket(BaseModel):
    """Free strings, unbounded in the schema: the model fills them until it is stopped."""

    model_config = ConfigDict(extra="forbid")
    title: str
    body: str
    tags: list[str]


TICKET = tool("open_ticket", "Open a support ticket", Ticket)


@pytest.mark.parametrize("max_tokens", [16, 32, 48])
def test_a_forced_call_always_completes_whatever_max_tokens(
    client: openai.OpenAI, max_tokens: int
) -> None:
    """A forced call gets the tokens its bounded JSON needs: the arguments always parse and
    hold every required property, even when max_tokens would cut them."""
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "The kettle leaks. Open a ticket."}],
        tools=[TICKET],
        tool_choice="required",
        temperature=0,
        max_tokens=max_tokens,
    )

    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    (call,) = function_calls(choice.message)
    arguments = json.loads(call.function.arguments)
    assert set(Ticket.model_json_schema()["required"]) <= set(arguments)
    Ticket.model_validate(arguments, strict=True)


def test_an_answer_under_auto_is_still_cut_at_max_tokens(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "What is the capital of France?"}],
        tools=TOOLS,
        temperature=0,
        max_tokens=5,
    )

    choice = reply.choices[0]
    if choice.message.tool_calls:
        pytest.skip("the model chose to call a tool for this prompt")
    assert choice.finish_reason == "length"
    assert reply.usage is not None and reply.usage.completion_tokens == 5


def test_n_choices_each_carry_a_call(client: openai.OpenAI) -> None:
    reply = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=ASK,
        tools=TOOLS,
        tool_choice="required",
        n=2,
        temperature=0,
        max_tokens=120,
    )

    assert len(reply.choices) == 2
    for choice in reply.choices:
        assert choice.finish_reason == "tool_calls"
        (call,) = function_calls(choice.message)
        SCHEMAS[call.function.name].model_validate_json(call.function.arguments, strict=True)


def test_the_tool_result_goes_back_and_the_model_answers(client: openai.OpenAI) -> None:
    first = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=ASK,
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "lookup_stock"}},
        temperature=0,
        max_tokens=120,
    )
    (call,) = function_calls(first.choices[0].message)
    history: list[ChatCompletionMessageParam] = [
        *ASK,
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.function.name, "arguments": call.function.arguments},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call.id, "content": json.dumps({"units": 42})},
    ]

    answer = client.chat.completions.create(
        model="gpt-4o-mini", messages=history, tools=TOOLS, tool_choice="none", max_tokens=40
    )

    assert answer.choices[0].message.tool_calls is None
    assert answer.choices[0].message.content
    assert answer.usage is not None and first.usage is not None
    assert answer.usage.prompt_tokens > 0


@pytest.mark.parametrize(
    ("tools", "choice", "param"),
    [
        (None, "required", "tool_choice"),
        (TOOLS, {"type": "function", "function": {"name": "nope"}}, "tool_choice.function.name"),
        (
            [{"type": "function", "function": {"name": "bad name"}}],
            "auto",
            "tools[0].function.name",
        ),
    ],
)
def test_inconsistent_tools_are_refused_like_openai(
    client: openai.OpenAI, tools: Any, choice: Any, param: str
) -> None:
    extra = {"tools": tools} if tools is not None else {}
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(
            model="gpt-4o-mini", messages=ASK, tool_choice=choice, max_tokens=5, **extra
        )

    assert raised.value.status_code == 400
    body = raised.value.body
    assert isinstance(body, dict) and body.get("param") == param


def test_a_script_still_wins_over_the_model(
    client: openai.OpenAI, control: ModelControl, api_key: str
) -> None:
    control.script(api_key, "scripted answer")
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=ASK, tools=TOOLS, tool_choice="required"
    )

    assert reply.choices[0].message.content == "scripted answer"
    assert [r["scripted"] for r in control.requests(api_key)] == [True]
