"""The tool-call plan and the reader of the model's constrained JSON reply, without a server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.llm.errors import OpenAIError
from emulator.llm.tools.plan import (
    ARRAY_CAP,
    MAX_CALL_BUDGET,
    STRING_CAP,
    bounded,
    render_call,
    tool_plan,
)
from emulator.llm.tools.reply import ReplyReader, read_reply

STOCK = {
    "type": "function",
    "function": {
        "name": "lookup_stock",
        "description": "Units in stock",
        "parameters": {
            "type": "object",
            "properties": {"sku": {"type": "string"}},
            "required": ["sku"],
        },
    },
}
CLOCK = {"type": "function", "function": {"name": "current_time"}}


def test_no_tools_or_none_means_text() -> None:
    assert tool_plan([], None) is None
    assert tool_plan([STOCK], "none") is None


def test_auto_is_the_default_and_offers_both_shapes() -> None:
    plan = tool_plan([STOCK, CLOCK], None)

    assert plan is not None and plan.mode == "auto"
    shapes = plan.schema()["anyOf"]
    assert [list(s["properties"]) for s in shapes] == [["tool_call"], ["response"]]
    calls = shapes[0]["properties"]["tool_call"]["anyOf"]
    assert [c["properties"]["name"] for c in calls] == [
        {"const": "lookup_stock"},
        {"const": "current_time"},
    ]
    # a function without parameters takes an empty object
    assert calls[1]["properties"]["arguments"] == {
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }
    assert '{"response": <your answer>}' in plan.instructions()


def test_required_leaves_only_calls() -> None:
    plan = tool_plan([STOCK], "required")

    assert plan is not None and plan.mode == "required"
    schema = plan.schema()
    assert list(schema["properties"]) == ["tool_call"]
    assert schema["properties"]["tool_call"]["properties"]["arguments"] == {
        "type": "object",
        "properties": {"sku": {"type": "string", "maxLength": STRING_CAP}},
        "required": ["sku"],
        "additionalProperties": False,
    }
    assert "response" not in plan.instructions()


def test_the_grammar_bounds_only_what_the_schema_leaves_open() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "free": {"type": "string"},
            "short": {"type": "string", "maxLength": 5},
            "long": {"type": "string", "minLength": 50},
            "choice": {"type": "string", "enum": ["a", "b"]},
            "day": {"type": "string", "format": "date"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "nested": {"$ref": "#/$defs/Inner"},
        },
        "$defs": {"Inner": {"type": "object", "properties": {"x": {"type": ["string", "null"]}}}},
        "additionalProperties": True,
    }

    out = bounded(schema)

    properties = out["properties"]
    assert properties["free"]["maxLength"] == STRING_CAP
    assert properties["short"]["maxLength"] == 5
    assert properties["long"]["maxLength"] == 50  # never below the schema's own minimum
    assert "maxLength" not in properties["choice"] and "maxLength" not in properties["day"]
    assert properties["tags"]["maxItems"] == ARRAY_CAP
    assert properties["tags"]["items"]["maxLength"] == STRING_CAP
    assert out["$defs"]["Inner"]["properties"]["x"]["maxLength"] == STRING_CAP
    assert out["$defs"]["Inner"]["additionalProperties"] is False
    assert out["additionalProperties"] is True  # the schema's own word stands
    assert schema["properties"]["free"] == {"type": "string"}  # the original is untouched


def test_the_call_budget_covers_the_bounded_json() -> None:
    plan = tool_plan([STOCK], "required")
    assert plan is not None
    budget = plan.call_budget()
    # the name, the wrapper and one string of at most STRING_CAP (escaped) characters
    assert 2 * STRING_CAP < budget < 200
    open_ended = {
        "type": "function",
        "function": {"name": "anything", "parameters": {"type": "object"}},
    }
    unbounded = tool_plan([open_ended], "required")
    assert unbounded is not None and unbounded.call_budget() == MAX_CALL_BUDGET


def test_a_named_function_is_the_only_one_offered() -> None:
    plan = tool_plan([STOCK, CLOCK], {"type": "function", "function": {"name": "current_time"}})

    assert plan is not None and plan.mode == "required"
    assert [f.name for f in plan.functions] == ["current_time"]


def test_allowed_tools_narrow_the_offer() -> None:
    choice = {
        "type": "allowed_tools",
        "allowed_tools": {
            "mode": "auto",
            "tools": [{"type": "function", "function": {"name": "lookup_stock"}}],
        },
    }
    plan = tool_plan([STOCK, CLOCK], choice)

    assert plan is not None and plan.mode == "auto"
    assert [f.name for f in plan.functions] == ["lookup_stock"]


def test_instructions_join_the_system_message() -> None:
    plan = tool_plan([STOCK], "required")
    assert plan is not None

    with_system = plan.with_instructions(
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]
    )
    without = plan.with_instructions([{"role": "user", "content": "hi"}])

    assert with_system[0]["content"].startswith("Be brief.\n\nYou can call these functions:")
    assert [m["role"] for m in with_system] == ["system", "user"]
    assert [m["role"] for m in without] == ["system", "user"]


@pytest.mark.parametrize(
    ("tools", "choice", "param"),
    [
        ([], "auto", "tool_choice"),
        ([STOCK], {"type": "function", "function": {"name": "nope"}}, "tool_choice.function.name"),
        ([{"type": "custom", "custom": {"name": "x"}}], None, "tools[0].type"),
        (
            [{"type": "function", "function": {"name": "has space"}}],
            None,
            "tools[0].function.name",
        ),
        (
            [{"type": "function", "function": {"name": "f", "parameters": {"type": "string"}}}],
            None,
            "tools[0].function.parameters",
        ),
    ],
)
def test_refused_combinations_name_the_parameter(
    tools: list[dict[str, object]], choice: object, param: str
) -> None:
    with pytest.raises(OpenAIError) as raised:
        tool_plan(tools, choice)

    assert raised.value.status == 400
    assert raised.value.param == param


# --- reading the reply --------------------------------------------------------------------
def test_a_complete_call_keeps_the_models_own_argument_text() -> None:
    text = (
        '{"tool_call": {"name": "lookup_stock", "arguments": {"sku": "K-1", "n": [1, {"a": "}"}]}}}'
    )
    reply = read_reply(text)

    assert reply.is_call and reply.complete
    assert reply.name == "lookup_stock"
    assert reply.arguments == '{"sku": "K-1", "n": [1, {"a": "}"}]}'


def test_whitespace_the_grammar_allows_is_read() -> None:
    text = '{ "tool_call" :\n {\n  "name" : "f" ,\n  "arguments" : {\n "x": 1\n }\n }\n}'
    reply = read_reply(text)

    assert reply.name == "f"
    assert json.loads(reply.arguments) == {"x": 1}


def test_a_cut_off_call_is_incomplete() -> None:
    reply = read_reply('{"tool_call": {"name": "f", "arguments": {"sku": "K-')

    assert reply.is_call and not reply.complete
    assert reply.arguments == '{"sku": "K-'


def test_a_name_is_known_only_once_it_is_closed() -> None:
    assert read_reply('{"tool_call": {"name": "look').name is None
    assert read_reply('{"tool_call": {"name": "lookup"').name == "lookup"


def test_an_answer_is_decoded_as_far_as_it_goes() -> None:
    assert read_reply('{"response": "Hi \\"you\\"\\n').content == 'Hi "you"\n'
    half_escape = read_reply('{"response": "caf\\u00')
    assert half_escape.content == "caf" and not half_escape.complete
    done = read_reply('{"response": "caf\\u00e9"}')
    assert done.content == "café" and done.complete


def test_half_a_surrogate_pair_waits_for_the_other_half() -> None:
    assert read_reply('{"response": "a\\ud83d').content == "a"
    assert read_reply('{"response": "a\\ud83d\\ude00"}').content == "a\U0001f600"


def test_nothing_readable_yet() -> None:
    assert read_reply("").kind is None
    assert read_reply('{"tool').kind is None


@given(
    st.text(max_size=40),
    st.dictionaries(st.text(max_size=8), st.text(max_size=12) | st.integers(), max_size=3),
    st.integers(min_value=1, max_value=7),
)
def test_streamed_pieces_add_up_to_the_whole(answer: str, arguments: object, size: int) -> None:
    """However the text is cut into pieces, what is handed out adds up to the final reply."""
    for whole in (
        json.dumps({"response": answer}),
        json.dumps({"tool_call": {"name": "f", "arguments": arguments}}),
    ):
        reader = ReplyReader()
        content, arguments_text, starts = "", "", 0
        for i in range(0, len(whole), size):
            new_content, started, more = reader.feed(whole[i : i + size])
            content += new_content
            arguments_text += more
            starts += started
        final = read_reply(whole)
        assert final.complete
        assert content == final.content
        assert arguments_text == final.arguments
        assert starts == (1 if final.is_call else 0)


def test_an_earlier_call_is_rendered_as_the_model_writes_one() -> None:
    assert json.loads(render_call("f", '{"x": 1}')) == {
        "tool_call": {"name": "f", "arguments": {"x": 1}}
    }
    assert json.loads(render_call("f", "not json"))["tool_call"]["arguments"] == "not json"
