"""Spans recorded from the real instrumentors (tests/honeyhive/recorded/*.json, written by
`record.py` there) replayed through the emulator's own OTLP/JSON decoder and span mapping: each
mapped field is where semconv/README.md says it lands. The model's replies were scripted, so the
contents are known: a tool call to lookup_stock({"sku": "K-1"}), the answer after the tool's
result "12", a request refused with 401, and (frameworks) a tool that raises."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from emulator.honeyhive.otlp.decode import decode_json
from emulator.honeyhive.otlp.spans import Span
from emulator.honeyhive.span_mapping import span_to_event

RECORDED = Path(__file__).resolve().parent / "recorded"
SID = "sess-replay"
SYSTEM = "You are a stock clerk."
QUESTION = "How many kettles (K-1) are in stock?"
ANSWER = "There are 12 kettles in stock."
Event = dict[str, Any]


def spans(name: str) -> list[Span]:
    doc = json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))
    assert doc["recorded_by"].endswith(f"record {name}"), doc["recorded_by"]
    return decode_json(json.dumps(doc["otlp"]).encode())


def to_event(span: Span) -> Event:
    return span_to_event(span, project="p", project_id="pid", session_id=SID)


def events(name: str) -> list[Event]:
    return [to_event(s) for s in spans(name)]


def named(evs: list[Event], name: str) -> list[Event]:
    found = [e for e in evs if e["event_name"] == name]
    assert found, f"no event {name!r} in {[e['event_name'] for e in evs]}"
    return found


def only_call(event: Event) -> dict[str, Any]:
    (call,) = event["outputs"]["tool_calls"]
    return dict(call)


# ---- one model call after another: the same three calls under five instrumentors -----------

MODEL_CALLS = [
    "openai-openinference",
    "openai-traceloop",
    "openai-genai",
    "litellm-openinference",
    "litellm-traceloop",
]


@pytest.mark.parametrize("name", MODEL_CALLS)
def test_a_tool_call_lands_in_outputs_as_openai_tool_calls(name: str) -> None:
    first = events(name)[0]

    assert first["event_type"] == "model"
    assert first["inputs"]["chat_history"] == [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": QUESTION},
    ]
    call = only_call(first)
    assert call["type"] == "function"
    assert call["function"]["name"] == "lookup_stock"
    assert json.loads(call["function"]["arguments"]) == {"sku": "K-1"}
    assert str(call["id"]).startswith("call_")
    assert first["outputs"]["role"] == "assistant"
    assert first["outputs"]["content"] is None
    assert first["error"] is None


@pytest.mark.parametrize("name", MODEL_CALLS)
def test_the_tool_result_is_in_the_next_calls_chat_history(name: str) -> None:
    first, second = events(name)[:2]
    call_id = only_call(first)["id"]

    history = second["inputs"]["chat_history"]
    assert [m["role"] for m in history] == ["system", "user", "assistant", "tool"]
    assert [c["id"] for c in history[2]["tool_calls"]] == [call_id]
    assert history[3]["content"] == "12"
    if name != "litellm-openinference":  # see test_litellm_openinference_drops_the_tool_call_id
        assert history[3]["tool_call_id"] == call_id
    assert second["outputs"]["role"] == "assistant"
    assert second["outputs"]["content"] == ANSWER
    assert "tool_calls" not in second["outputs"]


def test_litellm_openinference_drops_the_tool_call_id() -> None:
    """A finding: the LiteLLM instrumentor records a tool message's content, not which call
    it answers (OpenAI's instrumentor records `message.tool_call_id`)."""
    second = events("litellm-openinference")[1]

    assert "tool_call_id" not in second["inputs"]["chat_history"][3]


@pytest.mark.parametrize("name", MODEL_CALLS)
def test_model_parameters_and_usage(name: str) -> None:
    first = events(name)[0]

    assert str(first["config"]["model"]).endswith("gpt-4o-mini")
    assert first["config"]["temperature"] == 0.2
    metadata = first["metadata"]
    prompt, completion = metadata["prompt_tokens"], metadata["completion_tokens"]
    assert isinstance(prompt, int) and prompt > 0
    assert isinstance(completion, int) and completion > 0
    assert metadata["total_tokens"] == prompt + completion
    assert str(metadata["model_name"]).endswith("gpt-4o-mini")


@pytest.mark.parametrize("name", MODEL_CALLS)
def test_a_refused_request_is_a_model_event_with_its_error(name: str) -> None:
    refused = events(name)[2]

    assert refused["event_type"] == "model"
    assert "401" in str(refused["error"]) or "AuthenticationError" in str(refused["error"])
    assert refused["inputs"]["chat_history"] == [
        {"role": "user", "content": "This request is refused."}
    ]
    assert refused["outputs"] == {}


def test_openinference_openai_fields() -> None:
    first, second, _ = events("openai-openinference")

    assert first["metadata"]["span_kind"] == "LLM"
    assert first["config"]["max_tokens"] == 64  # from llm.invocation_parameters
    (tool,) = first["config"]["tools"]
    assert tool["function"]["name"] == "lookup_stock"
    assert first["metadata"]["session_id"] == "rec-session-1"
    assert first["metadata"]["conversation_id"] == "rec-session-1"
    assert first["metadata"]["user_id"] == "rec-user-1"
    # the raw request stays where the streaming checks read it; llm.system is mapped nowhere
    assert '"messages"' in first["metadata"]["input.value"]
    assert first["metadata"]["llm.system"] == "openai"
    assert "provider" not in first["config"]  # OpenInference's OpenAI spans carry no llm.provider
    assert second["session_id"] == SID  # session.id never replaces the event's session


@pytest.mark.parametrize("name", ["openai-traceloop", "openai-genai"])
def test_genai_openai_fields(name: str) -> None:
    first = events(name)[0]

    assert first["config"]["provider"] == "openai"  # gen_ai.provider.name (1.37+)
    assert first["config"]["max_tokens"] == 64
    metadata = first["metadata"]
    assert metadata["provider"] == "openai"
    assert metadata["operation_name"] == "chat"
    assert metadata["input_tokens"] == metadata["prompt_tokens"]
    assert metadata["output_tokens"] == metadata["completion_tokens"]
    assert metadata["response_model"] == "gpt-4o-mini"
    assert str(metadata["response_id"]).startswith("chatcmpl-")
    assert metadata["finish_reasons"] in (["tool_calls"], ["tool_call"])
    assert "span_kind" not in metadata  # neither writes gen_ai.agent.type


def test_traceloop_openai_tool_definitions_and_its_finish_reason() -> None:
    first = events("openai-traceloop")[0]

    (tool,) = first["config"]["tools"]
    assert tool["name"] == "lookup_stock"
    # a finding: Traceloop writes "tool_call" where OpenAI (and OTel's example) say "tool_calls"
    assert first["metadata"]["finish_reasons"] == ["tool_call"]


def test_genai_openai_v2_error_type_is_a_class_repr() -> None:
    """A finding: opentelemetry-instrumentation-openai-v2 2.4b0 records `error.type` as the
    repr of the exception class; the error itself comes from the span status."""
    refused = events("openai-genai")[2]

    assert refused["metadata"]["error.type"] == "<class 'openai.AuthenticationError'>"
    assert refused["error"] == "Error code: 401 - Incorrect API key provided."


# ---- LangChain: prompt | model with tools, the tool, a tool that raises -------------------


def test_langchain_openinference() -> None:
    evs = events("langchain-openinference")
    (prompt,) = named(evs, "ChatPromptTemplate")
    (model,) = named(evs, "ChatOpenAI")
    (chain,) = named(evs, "RunnableSequence")
    (tool,) = named(evs, "lookup_stock")
    (failing,) = named(evs, "reorder")

    assert chain["event_type"] == "chain"
    assert chain["metadata"]["span_kind"] == "CHAIN"
    assert chain["inputs"] == {"value": QUESTION}
    # PROMPT is in no event-type map (the SDK's included): it decides nothing
    assert prompt["event_type"] == "tool"
    assert prompt["metadata"]["span_kind"] == "PROMPT"
    assert model["event_type"] == "model"
    assert model["config"]["provider"] == "openai"
    assert [t["function"]["name"] for t in model["config"]["tools"]] == ["lookup_stock", "reorder"]
    assert only_call(model)["function"]["name"] == "lookup_stock"

    assert tool["event_type"] == "tool"
    assert tool["config"]["tool_name"] == "lookup_stock"
    assert tool["config"]["tool_description"] == "Units in stock for a SKU."
    assert tool["metadata"]["tool_name"] == "lookup_stock"
    # a finding: the instrumentor records the single argument's value, not {"sku": "K-1"}
    assert tool["inputs"] == {"value": "K-1"}
    assert tool["outputs"]["data"]["content"] == "12"
    assert failing["event_type"] == "tool"
    assert "supplier offline for K-1" in str(failing["error"])


def test_langchain_traceloop() -> None:
    evs = events("langchain-traceloop")
    (workflow,) = named(evs, "RunnableSequence.workflow")
    (task,) = named(evs, "execute_task ChatPromptTemplate")
    (model,) = named(evs, "ChatOpenAI.chat")
    (tool,) = named(evs, "execute_tool lookup_stock")
    (failing,) = named(evs, "execute_tool reorder")

    assert workflow["event_type"] == "chain"
    assert workflow["metadata"]["span_kind"] == "workflow"
    assert workflow["inputs"] == {"question": QUESTION}  # traceloop.entity.input's "inputs"
    assert workflow["metadata"]["agent_name"] == "RunnableSequence"
    assert task["event_type"] == "chain"
    assert task["metadata"]["span_kind"] == "task"

    assert model["event_type"] == "model"  # no traceloop.span.kind: gen_ai.operation.name=chat
    assert model["inputs"]["chat_history"] == [{"role": "user", "content": QUESTION}]
    assert model["config"]["system_instructions"] == [{"type": "text", "content": SYSTEM}]
    assert model["config"]["model"] == "gpt-4o-mini"
    assert only_call(model)["function"]["name"] == "lookup_stock"

    assert tool["event_type"] == "tool"
    assert tool["metadata"]["span_kind"] == "tool"
    assert tool["inputs"] == {"sku": "K-1"}
    assert tool["outputs"]["kwargs"]["content"] == "12"
    assert tool["config"]["tool_name"] == "lookup_stock"
    assert tool["config"]["tool_description"] == "Units in stock for a SKU."
    # the same callback payload again, left in metadata (not merged twice)
    assert "inputs" in json.loads(tool["metadata"]["gen_ai.tool.call.arguments"])
    assert failing["error"] == "supplier offline for K-1"
    assert failing["metadata"]["error.type"] == "RuntimeError"
    # a finding: Traceloop names LangChain itself as the provider of non-model spans
    assert tool["config"]["provider"] == "langchain"


# ---- LangGraph: a ReAct agent, two tools (one raises), then the answer ----------------------


def test_langgraph_openinference() -> None:
    evs = events("langgraph-openinference")
    (graph,) = named(evs, "LangGraph")
    agents = named(evs, "agent")
    models = named(evs, "ChatOpenAI")
    (tool,) = named(evs, "lookup_stock")
    (failing,) = named(evs, "reorder")

    assert graph["event_type"] == "chain"
    assert {a["event_type"] for a in agents} == {"chain"}
    assert {a["metadata"]["span_kind"] for a in agents} == {"AGENT"}
    assert [m["event_type"] for m in models] == ["model", "model"]
    first_calls = [c["function"]["name"] for c in models[0]["outputs"]["tool_calls"]]
    assert first_calls == ["lookup_stock", "reorder"]
    assert models[1]["outputs"]["content"] == ANSWER
    tool_messages = [m for m in models[1]["inputs"]["chat_history"] if m["role"] == "tool"]
    assert tool_messages[0]["content"] == "12"
    assert "supplier offline" in tool_messages[1]["content"]
    assert tool["event_type"] == failing["event_type"] == "tool"
    assert failing["error"] and "supplier offline for K-1" in failing["error"]
    # a CHAIN span carries the graph state's messages as llm.input_messages
    assert graph["inputs"]["chat_history"][0] == {"role": "user", "content": QUESTION}


def test_langgraph_traceloop() -> None:
    evs = events("langgraph-traceloop")
    (workflow,) = named(evs, "LangGraph.workflow")
    (invoke,) = named(evs, "invoke_agent LangGraph")
    (create,) = named(evs, "create_agent react_agent")
    models = named(evs, "ChatOpenAI.chat")
    (tool,) = named(evs, "execute_tool lookup_stock")
    (failing,) = named(evs, "execute_tool reorder")

    assert workflow["event_type"] == "chain"
    # no traceloop.span.kind on these two: gen_ai.operation.name decides
    assert invoke["event_type"] == create["event_type"] == "chain"
    assert "span_kind" not in invoke["metadata"]
    assert invoke["metadata"]["operation_name"] == "invoke_agent"
    assert [m["event_type"] for m in models] == ["model", "model"]
    assert models[1]["outputs"]["content"] == ANSWER
    assert tool["inputs"] == {"sku": "K-1"}
    assert failing["error"] == "supplier offline for K-1"


# ---- the SDK's labels beside the convention's span kind --------------------------------------


def labelled(span: Span, event_type: str) -> Span:
    """The span as HoneyHive SDK 1.7.0 exports it: its label set when the span started."""
    return dataclasses.replace(
        span, attributes={**span.attributes, "honeyhive_event_type": event_type}
    )


def test_the_span_kind_wins_over_the_sdks_fallback_tool_but_not_over_its_other_labels() -> None:
    by_name = {s.name: s for s in spans("langchain-openinference")}

    # what SDK 1.7.0 sends for this chain (toolchain.md): CHAIN as tool, PROMPT as model
    assert to_event(labelled(by_name["RunnableSequence"], "tool"))["event_type"] == "chain"
    assert to_event(labelled(by_name["ChatPromptTemplate"], "model"))["event_type"] == "model"
    assert to_event(labelled(by_name["ChatOpenAI"], "model"))["event_type"] == "model"
    assert to_event(labelled(by_name["lookup_stock"], "tool"))["event_type"] == "tool"
    # an explicit chain on a TOOL span stays chain
    assert to_event(labelled(by_name["lookup_stock"], "chain"))["event_type"] == "chain"


def test_explicit_sdk_enrichment_wins_over_the_mapped_value() -> None:
    span = spans("openai-openinference")[0]
    enriched = dataclasses.replace(
        span,
        attributes={
            **span.attributes,
            "honeyhive_config.model": "chosen",
            "honeyhive_metadata.user_id": "explicit-user",
        },
    )

    e = to_event(enriched)

    assert e["config"]["model"] == "chosen"
    assert e["metadata"]["user_id"] == "explicit-user"
    assert e["config"]["temperature"] == 0.2
