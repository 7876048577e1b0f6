"""span_mapping.py on its own: flattened `honeyhive_*` attributes un-flattened (lists from `.0`
keys), model attributes (OpenInference, GenAI) mapped, other attributes kept in metadata, errors
from the status and from exception events, ids, types and timing."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.honeyhive.ids import span_event_id
from emulator.honeyhive.otlp.spans import Span, SpanEvent
from emulator.honeyhive.span_mapping import session_id_of, span_to_event

SID = "sess-1"


def span(attributes: dict[str, Any] | None = None, **fields: Any) -> Span:
    base: dict[str, Any] = {
        "trace_id": "ab" * 16,
        "span_id": "cd" * 8,
        "parent_span_id": None,
        "name": "step",
        "kind": "INTERNAL",
        "start_ns": 1_700_000_000_000_000_000,
        "end_ns": 1_700_000_000_250_000_000,
        "attributes": {"honeyhive.session_id": SID, **(attributes or {})},
        "status_code": "UNSET",
        "status_message": "",
    }
    return Span(**{**base, **fields})


def event(attributes: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return span_to_event(span(attributes, **fields), project="p", project_id="pid", session_id=SID)


def test_flattened_enrichment_is_nested_again() -> None:
    e = event(
        {
            "honeyhive_inputs.question": "hi",
            "honeyhive_metadata.customer.id": "c-1",
            "honeyhive_metadata.customer.tier": "gold",
            "honeyhive_config.model": "m",
            "honeyhive_metrics.score": 0.5,
            "honeyhive_feedback.rating": 5,
            "honeyhive_user_properties.user_id": "u",
            "honeyhive_outputs.result.sum": 3,
        }
    )

    assert e["inputs"] == {"question": "hi"}
    assert e["metadata"] == {"customer": {"id": "c-1", "tier": "gold"}}
    assert e["config"] == {"model": "m"}
    assert e["metrics"] == {"score": 0.5}
    assert e["feedback"] == {"rating": 5}
    assert e["user_properties"] == {"user_id": "u"}
    assert e["outputs"] == {"result": {"sum": 3}}


def test_numbered_keys_become_lists_at_any_depth() -> None:
    e = event(
        {
            "honeyhive_inputs.chat_history.0.role": "user",
            "honeyhive_inputs.chat_history.0.content": "hi",
            "honeyhive_inputs.chat_history.1.role": "assistant",
            "honeyhive_metadata.tags.0": "a",
            "honeyhive_metadata.tags.1": "b",
            "honeyhive_metadata.matrix.0.0": 1,
            "honeyhive_metadata.matrix.0.1": 2,
        }
    )

    assert e["inputs"]["chat_history"] == [{"role": "user", "content": "hi"}, {"role": "assistant"}]
    assert e["metadata"]["tags"] == ["a", "b"]
    assert e["metadata"]["matrix"] == [[1, 2]]


def test_numbered_keys_with_a_gap_stay_an_object() -> None:
    e = event({"honeyhive_metadata.sparse.0": "a", "honeyhive_metadata.sparse.2": "c"})

    assert e["metadata"]["sparse"] == {"0": "a", "2": "c"}


def test_a_json_string_for_a_whole_field_is_merged() -> None:
    e = event({"honeyhive_inputs": '{"a": 1}', "honeyhive_outputs": "plain text"})

    assert e["inputs"] == {"a": 1}
    assert e["outputs"] == {"value": "plain text"}


def test_other_attributes_land_in_metadata_under_their_dotted_key() -> None:
    e = event({"my.plain.attr": "x", "custom_attr": 1, "honeyhive_metadata.k": "v"})

    assert e["metadata"] == {"my.plain.attr": "x", "custom_attr": 1, "k": "v"}


def test_bookkeeping_attributes_are_not_copied() -> None:
    e = event(
        {
            "honeyhive.project": "p",
            "honeyhive.source": "ci",
            "honeyhive.event_type": "tool",
            "traceloop.association.properties.session_id": SID,
            "traceloop.association.properties.project": "p",
            "honeyhive_event_type": "tool",
        }
    )

    assert e["metadata"] == {}
    assert e["source"] == "ci"


@pytest.mark.parametrize(
    ("attributes", "config", "metadata"),
    [
        (
            {
                "llm.model_name": "gpt-4o-mini",
                "llm.provider": "openai",
                "llm.token_count.prompt": 7,
                "llm.token_count.completion": 3,
                "llm.token_count.total": 10,
                "llm.invocation_parameters": '{"temperature": 0.2, "max_tokens": 5}',
            },
            {"model": "gpt-4o-mini", "provider": "openai", "temperature": 0.2, "max_tokens": 5},
            {
                "prompt_tokens": 7,
                "completion_tokens": 3,
                "total_tokens": 10,
                "model_name": "gpt-4o-mini",
                "provider": "openai",
            },
        ),
        (
            {
                "gen_ai.request.model": "gpt-4o-mini",
                "gen_ai.response.model": "gpt-4o-mini-2024",
                "gen_ai.system": "openai",
                "gen_ai.request.temperature": 0.1,
                "gen_ai.usage.input_tokens": 11,
                "gen_ai.usage.output_tokens": 4,
            },
            # gen_ai.system is metadata.system; config.provider is gen_ai.provider.name (1.37)
            {"model": "gpt-4o-mini", "temperature": 0.1},
            {
                "input_tokens": 11,
                "prompt_tokens": 11,
                "output_tokens": 4,
                "completion_tokens": 4,
                "total_tokens": 15,
                "response_model": "gpt-4o-mini-2024",
                "model_name": "gpt-4o-mini-2024",
                "system": "openai",
            },
        ),
    ],
    ids=["openinference", "genai"],
)
def test_model_attributes_map_to_config_and_token_metadata(
    attributes: dict[str, Any], config: dict[str, Any], metadata: dict[str, Any]
) -> None:
    e = event({"honeyhive_event_type": "model", **attributes})

    assert e["config"] == config
    assert e["metadata"] == metadata
    assert e["event_type"] == "model"


def test_explicit_config_wins_over_the_model_attribute() -> None:
    e = event({"honeyhive_config.model": "chosen", "llm.model_name": "reported"})

    assert e["config"]["model"] == "chosen"


def test_openinference_messages_become_chat_history_and_output() -> None:
    e = event(
        {
            "llm.input_messages.0.message.role": "system",
            "llm.input_messages.0.message.content": "be brief",
            "llm.input_messages.1.message.role": "user",
            "llm.input_messages.1.message.content": "hi",
            "llm.output_messages.0.message.role": "assistant",
            "llm.output_messages.0.message.content": "hello",
        }
    )

    assert e["inputs"]["chat_history"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hi"},
    ]
    assert e["outputs"] == {"role": "assistant", "content": "hello"}


def test_openinference_tool_calls_become_openai_tool_calls_in_history_and_output() -> None:
    call = "llm.output_messages.0.message.tool_calls.0.tool_call."
    asked = "llm.input_messages.1.message.tool_calls.0.tool_call."
    e = event(
        {
            "llm.input_messages.0.message.role": "user",
            "llm.input_messages.0.message.content": "stock of kettles?",
            "llm.input_messages.1.message.role": "assistant",
            asked + "id": "call_1",
            asked + "function.name": "lookup_stock",
            asked + "function.arguments": '{"sku": "K-1"}',
            "llm.input_messages.2.message.role": "tool",
            "llm.input_messages.2.message.tool_call_id": "call_1",
            "llm.input_messages.2.message.content": "12",
            "llm.output_messages.0.message.role": "assistant",
            call + "id": "call_2",
            call + "function.name": "price",
            call + "function.arguments": '{"sku": "K-1", "qty": 2}',
        }
    )

    want = [
        {
            "id": "call_2",
            "type": "function",
            "function": {"name": "price", "arguments": '{"sku": "K-1", "qty": 2}'},
        }
    ]
    assert e["outputs"] == {"role": "assistant", "content": None, "tool_calls": want}
    history = e["inputs"]["chat_history"]
    assert history[1] == {
        "role": "assistant",
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "lookup_stock", "arguments": '{"sku": "K-1"}'},
            }
        ],
    }
    assert history[2] == {"role": "tool", "tool_call_id": "call_1", "content": "12"}


def test_the_error_comes_from_the_status_message() -> None:
    e = event(status_code="ERROR", status_message="RuntimeError: boom")

    assert e["error"] == "RuntimeError: boom"


def test_the_error_comes_from_an_exception_event() -> None:
    exception = SpanEvent(
        "exception", 1, {"exception.type": "ValueError", "exception.message": "bad value"}
    )

    assert event(events=[exception])["error"] == "ValueError: bad value"


def test_an_explicit_error_attribute_wins() -> None:
    e = event({"honeyhive_error": "custom"}, status_code="ERROR", status_message="other")

    assert e["error"] == "custom"


def test_an_error_status_without_a_message_still_marks_an_error() -> None:
    assert event(status_code="ERROR")["error"] == "error"


def test_a_plain_span_has_no_error() -> None:
    assert event(status_code="OK")["error"] is None


def test_times_are_milliseconds_and_duration_their_difference() -> None:
    e = event()

    assert e["start_time"] == 1_700_000_000_000.0
    assert e["end_time"] == 1_700_000_000_250.0
    assert e["duration"] == 250.0


def test_an_explicit_duration_wins() -> None:
    assert event({"honeyhive_duration_ms": 12.5})["duration"] == 12.5


def test_the_event_id_is_named_or_derived_stably_from_the_span() -> None:
    named = event({"honeyhive_event_id": "ev-1"})
    derived = event()

    assert named["event_id"] == "ev-1"
    assert derived["event_id"] == span_event_id("ab" * 16, "cd" * 8)
    assert span_event_id("ab" * 16, "cd" * 8) != span_event_id("ab" * 16, "ce" * 8)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("model", "model"), ("chain", "chain"), ("session", "session"), ("banana", "tool")],
)
def test_the_event_type_is_one_of_honeyhives(given: str, expected: str) -> None:
    assert event({"honeyhive_event_type": given})["event_type"] == expected


def test_the_name_comes_from_the_attribute_else_the_span() -> None:
    assert event({"honeyhive_event_name": "named"})["event_name"] == "named"
    assert event()["event_name"] == "step"


def test_the_session_id_comes_from_honeyhive_or_traceloop_attributes() -> None:
    both = span({"traceloop.association.properties.session_id": "other"})
    traceloop_only = span(attributes={"traceloop.association.properties.session_id": "t"})
    traceloop_only.attributes.pop("honeyhive.session_id")
    neither = span()
    neither.attributes.clear()

    assert session_id_of(both) == SID
    assert session_id_of(traceloop_only) == "t"
    assert session_id_of(neither) is None
