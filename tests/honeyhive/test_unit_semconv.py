"""The convention rules on hand-made spans, for what the recorded instrumentors do not emit
(Traceloop's older indexed messages, retrieval documents, pure OTel tool spans, gen_ai.agent.type)
and for the edges of the rules (precedence, fallbacks, computed totals)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.honeyhive.otlp.spans import Span
from emulator.honeyhive.span_mapping import span_to_event


def event(attributes: dict[str, Any], **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "trace_id": "ab" * 16,
        "span_id": "cd" * 8,
        "parent_span_id": None,
        "name": "step",
        "kind": "INTERNAL",
        "start_ns": 1,
        "end_ns": 2,
        "attributes": {"honeyhive.session_id": "s", **attributes},
        "status_code": "UNSET",
        "status_message": "",
    }
    return span_to_event(Span(**{**base, **fields}), project="p", project_id="pid", session_id="s")


def test_traceloop_indexed_prompts_and_completions() -> None:
    e = event(
        {
            "llm.request.type": "chat",
            "gen_ai.prompt.0.role": "user",
            "gen_ai.prompt.0.content": "stock of K-1?",
            "gen_ai.completion.0.role": "assistant",
            "gen_ai.completion.0.finish_reason": "tool_calls",
            "gen_ai.completion.0.tool_calls.0.id": "call_1",
            "gen_ai.completion.0.tool_calls.0.name": "lookup_stock",
            "gen_ai.completion.0.tool_calls.0.arguments": '{"sku": "K-1"}',
            "llm.usage.total_tokens": 30,
            "gen_ai.usage.prompt_tokens": 20,
            "gen_ai.usage.completion_tokens": 10,
            "llm.request.functions.0.name": "lookup_stock",
            "llm.request.functions.0.parameters": '{"type": "object"}',
        }
    )

    assert e["event_type"] == "model"
    assert e["metadata"]["request_type"] == "chat"
    assert e["inputs"]["chat_history"] == [{"role": "user", "content": "stock of K-1?"}]
    assert e["outputs"]["tool_calls"] == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "lookup_stock", "arguments": '{"sku": "K-1"}'},
        }
    ]
    assert e["metadata"]["total_tokens"] == 30
    assert e["metadata"]["prompt_tokens"] == 20
    assert e["config"]["tools"] == [{"name": "lookup_stock", "parameters": {"type": "object"}}]


def test_traceloop_entity_input_that_is_not_json_is_the_value() -> None:
    e = event({"traceloop.span.kind": "task", "traceloop.entity.input": "plain"})

    assert e["inputs"] == {"value": "plain"}
    assert e["event_type"] == "chain"


def test_openinference_retrieval_documents() -> None:
    e = event(
        {
            "openinference.span.kind": "RETRIEVER",
            "input.value": "kettles",
            "retrieval.documents.0.document.id": "d1",
            "retrieval.documents.0.document.content": "Kettle K-1",
            "retrieval.documents.0.document.score": 0.9,
            "retrieval.documents.1.document.id": "d2",
        }
    )

    assert e["event_type"] == "tool"
    assert e["inputs"] == {"value": "kettles"}
    assert e["outputs"]["documents"] == [
        {"id": "d1", "content": "Kettle K-1", "score": 0.9},
        {"id": "d2"},
    ]


def test_an_otel_tool_span() -> None:
    e = event(
        {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "lookup_stock",
            "gen_ai.tool.description": "Units in stock",
            "gen_ai.tool.call.id": "call_1",
            "gen_ai.tool.call.arguments": '{"sku": "K-1"}',
            "gen_ai.tool.call.result": "12",
        }
    )

    assert e["event_type"] == "tool"
    assert e["config"] == {"tool_name": "lookup_stock", "tool_description": "Units in stock"}
    assert e["metadata"]["tool_call_id"] == "call_1"
    assert e["metadata"]["tool_name"] == "lookup_stock"
    assert e["inputs"] == {"sku": "K-1"}
    assert e["outputs"] == {"value": 12}  # the result is JSON text: 12


def test_otel_messages_with_a_tool_result_and_other_parts() -> None:
    messages = [
        {
            "role": "user",
            "parts": [{"type": "text", "content": "a"}, {"type": "text", "content": "b"}],
        },
        {
            "role": "assistant",
            "parts": [{"type": "tool_call", "id": "c1", "name": "f", "arguments": {"x": 1}}],
        },
        {"role": "tool", "parts": [{"type": "tool_call_response", "id": "c1", "response": 7}]},
        {"role": "user", "parts": [{"type": "uri", "uri": "file://x"}]},
    ]
    e = event({"gen_ai.operation.name": "chat", "gen_ai.input.messages": json.dumps(messages)})

    assert e["inputs"]["chat_history"] == [
        {"role": "user", "content": "ab"},
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"x": 1}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "7"},
        {"role": "user", "parts": [{"type": "uri", "uri": "file://x"}]},
    ]


def test_otel_messages_that_are_not_a_list_stay_in_metadata() -> None:
    e = event({"gen_ai.input.messages": "not json"})

    assert e["inputs"] == {}
    assert e["metadata"]["gen_ai.input.messages"] == "not json"


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({"gen_ai.agent.type": "agent", "gen_ai.operation.name": "chat"}, "chain"),
        ({"traceloop.span.kind": "tool", "gen_ai.operation.name": "chat"}, "tool"),
        ({"openinference.span.kind": "llm"}, "model"),  # OpenInference's casing is forgiven
        ({"openinference.span.kind": "UNKNOWN"}, "tool"),
        ({"openinference.span.kind": "UNKNOWN", "honeyhive_event_type": "chain"}, "chain"),
        ({"openinference.span.kind": "CHAIN", "honeyhive_event_type": "tool"}, "chain"),
        ({"openinference.span.kind": "TOOL", "honeyhive_event_type": "model"}, "model"),
        ({"gen_ai.operation.name": "execute_task"}, "tool"),
    ],
)
def test_event_type_precedence(attributes: dict[str, Any], expected: str) -> None:
    assert event(attributes)["event_type"] == expected


def test_the_span_kind_is_kept_as_emitted_first_present_first() -> None:
    e = event({"traceloop.span.kind": "workflow", "gen_ai.agent.type": "agent"})

    assert e["metadata"]["span_kind"] == "workflow"


def test_otel_error_type_names_an_error_the_status_does_not_describe() -> None:
    e = event({"error.type": "TimeoutError"}, status_code="ERROR")

    assert e["error"] == "TimeoutError"
    assert event({"error.type": "TimeoutError"})["error"] is None  # not failed: no error


def test_the_total_is_computed_only_when_missing() -> None:
    computed = event({"llm.token_count.prompt": 5, "llm.token_count.completion": 2})
    given = event(
        {"llm.token_count.prompt": 5, "llm.token_count.completion": 2, "llm.token_count.total": 9}
    )

    assert computed["metadata"]["total_tokens"] == 7
    assert given["metadata"]["total_tokens"] == 9


def test_otel_request_parameters_keep_their_own_names() -> None:
    e = event(
        {
            "gen_ai.request.stop_sequences": ["\n"],
            "gen_ai.request.seed": 7,
            "gen_ai.request.top_k": 3,
            "gen_ai.request.frequency_penalty": 0.5,
        }
    )

    assert e["config"] == {
        "stop_sequences": ["\n"],
        "seed": 7,
        "top_k": 3,
        "frequency_penalty": 0.5,
    }


def test_an_explicit_honeyhive_chat_history_wins_over_the_conventions() -> None:
    e = event(
        {
            "honeyhive_inputs.chat_history.0.role": "user",
            "honeyhive_inputs.chat_history.0.content": "explicit",
            "llm.input_messages.0.message.role": "user",
            "llm.input_messages.0.message.content": "recorded",
        }
    )

    assert e["inputs"]["chat_history"] == [{"role": "user", "content": "explicit"}]


@pytest.mark.parametrize("raw", ['{"a": NaN}', "[" * 300 + "]" * 300, '{"n": 1e999}'])
def test_json_values_that_are_not_strict_json_stay_text(raw: str) -> None:
    e = event({"openinference.span.kind": "CHAIN", "input.value": raw})

    assert e["inputs"] == {"value": raw}


def test_openinference_multi_part_contents() -> None:
    """The shape OpenInference's Anthropic and OpenAI Agents (Responses) instrumentors write
    (openinference.semconv: message.contents.<n>.message_content.type|text|image)."""
    e = event(
        {
            "openinference.span.kind": "LLM",
            "llm.input_messages.0.message.role": "user",
            "llm.input_messages.0.message.contents.0.message_content.type": "text",
            "llm.input_messages.0.message.contents.0.message_content.text": "stock ",
            "llm.input_messages.0.message.contents.1.message_content.type": "text",
            "llm.input_messages.0.message.contents.1.message_content.text": "of K-1?",
            "llm.input_messages.1.message.role": "user",
            "llm.input_messages.1.message.contents.0.message_content.type": "image",
            "llm.input_messages.1.message.contents.0.message_content.image.image.url": "u",
            "llm.output_messages.0.message.role": "assistant",
            "llm.output_messages.0.message.contents.0.message_content.type": "text",
            "llm.output_messages.0.message.contents.0.message_content.text": "12",
        }
    )

    assert e["inputs"]["chat_history"] == [
        {"role": "user", "content": "stock of K-1?"},
        {"role": "user", "contents": [{"type": "image", "image.image.url": "u"}]},
    ]
    assert e["outputs"] == {"role": "assistant", "content": "12"}
