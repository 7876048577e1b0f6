"""The agent loop with real tool calls: the stock-desk agent (`support/app/agent.py`) answers a
question in a traced session, and the checks read back the loop, the model calls the
instrumentation recorded and the tool the model asked for."""

from __future__ import annotations

import json
from dataclasses import dataclass

from honeyhive import HoneyHiveTracer

from support.app.agent import LOOP, AgentAnswer, Inventory, StockAgent
from support.readback.fields import MISSING, field
from support.readback.reader import Event
from support.readback.stored import Stored, value
from support.report.evidence import attach_json
from support.sdk.tracers import Run, Tracers, traced
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

QUESTION = "How many blue kettles (KET-BLUE) do you have in stock?"


REPLIES = {"in one go": False, "streamed": True}


def streamed(replies: str) -> bool:
    assert replies in REPLIES, f"the model's replies come {' or '.join(REPLIES)}, not {replies!r}"
    return REPLIES[replies]


def ask_the_agent(
    tracers: Tracers, project: Project, model: ModelTarget, *, stream: bool = False
) -> Run:
    client = openai_client(model)

    def body(tracer: HoneyHiveTracer, unique_id: str) -> Run:
        agent = StockAgent(tracer, client, model.model, Inventory(), stream=stream)
        answer = agent.ask(QUESTION)
        attach_json(
            "what the agent did",
            {
                "question": answer.question,
                "tool runs": [vars(r) for r in answer.tool_runs],
                "finish reasons": answer.finish_reasons,
                "answer": answer.answer,
            },
        )
        assert answer.tool_runs, f"the model asked for no tool: {answer}"
        return Run.of(
            project,
            tracer,
            unique_id,
            [LOOP, *(r.name for r in answer.tool_runs)],
            extra={"agent": answer},
            ready=lambda events: _model_calls_stored(events, answer),
        )

    return traced(tracers, project, "agent", body)


def _model_calls_stored(events: list[Event], answer: AgentAnswer) -> bool:
    models = [e for e in events if e.get("event_type") == "model"]
    return len(models) >= answer.model_calls


# ---- what the Then steps check -----------------------------------------------------------


def loop_steps(stored: Stored, loop: str = LOOP) -> list[Event]:
    """The loop's steps, oldest first."""
    steps = stored.children(stored.one(loop))
    return sorted(steps, key=lambda e: e.get("start_time") or 0)


def loop_kinds(stored: Stored, loop: str, expected: list[str]) -> None:
    steps = loop_steps(stored, loop)
    kinds = [e.get("event_type") for e in steps]
    assert kinds == expected, (
        f"the loop holds {[(e.get('event_name'), e.get('event_type')) for e in steps]}"
    )


def model_calls(stored: Stored) -> list[Event]:
    return [e for e in loop_steps(stored) if e.get("event_type") == "model"]


@dataclass(frozen=True)
class StoredCall:
    name: str
    arguments: str
    found_in: str


def tool_calls_of(event: Event) -> list[StoredCall]:
    """The tool calls a model event holds, where a backend records them: in its outputs
    (OpenAI's nesting or OpenInference's flat `tool_call.*` keys), else in the raw response the
    instrumentation recorded on the same event (`output.value`)."""
    outputs = event.get("outputs") or {}
    structured = outputs.get("tool_calls")
    if isinstance(structured, list) and structured:
        return [
            StoredCall(
                str(field(c, "function.name") if "function" in c else c.get("name")),
                str(field(c, "function.arguments") if "function" in c else c.get("arguments")),
                "outputs.tool_calls",
            )
            for c in structured
            if isinstance(c, dict)
        ]
    flat: list[StoredCall] = []
    for i in range(8):
        name = field(outputs, f"tool_calls.{i}.tool_call.function.name")
        if name is MISSING:
            break
        arguments = field(outputs, f"tool_calls.{i}.tool_call.function.arguments")
        flat.append(StoredCall(str(name), str(arguments), "outputs (flat tool_call keys)"))
    if flat:
        return flat
    raw = field(event, "metadata.output.value")
    if isinstance(raw, str):
        try:
            message = json.loads(raw)["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            return []
        return [
            StoredCall(c["function"]["name"], c["function"]["arguments"], "metadata.output.value")
            for c in message.get("tool_calls") or []
        ]
    return []


def asked_tool_ran(stored: Stored, run: Run) -> None:
    """The tool step after the first model call is the tool that call asked for, and its
    inputs are exactly the model's arguments."""
    first = model_calls(stored)[0]
    calls = tool_calls_of(first)
    attach_json("tool calls stored on the first model call", [vars(c) for c in calls])
    assert calls, (
        f"the first model call holds no tool call; outputs={first.get('outputs')}, "
        f"metadata keys={sorted((first.get('metadata') or {}).keys())}"
    )
    tools = [e for e in loop_steps(stored) if e.get("event_type") == "tool"]
    assert [t.get("event_name") for t in tools] == [c.name for c in calls], (
        f"tools run: {[t.get('event_name') for t in tools]}; asked for: {[c.name for c in calls]}"
    )
    for tool, call in zip(tools, calls, strict=True):
        asked = json.loads(call.arguments)
        got = tool.get("inputs")
        assert got == asked, f"{call.name} ran with {got!r}; the model asked for {asked!r}"


def result_sent_back(stored: Stored, run: Run) -> None:
    """The next model call was sent each tool's result, as the tool recorded it."""
    answer: AgentAnswer = run.extra["agent"]
    second = model_calls(stored)[1]
    history = value(second, "inputs.chat_history")
    sent = [m for m in history if isinstance(m, dict) and m.get("role") == "tool"]
    assert len(sent) == len(answer.tool_runs), f"tool messages sent: {sent}"
    for message, run_ in zip(sent, answer.tool_runs, strict=True):
        # a backend that keeps the message's call id must keep the right one
        assert message.get("tool_call_id", run_.call_id) == run_.call_id, message
        content = json.loads(str(message.get("content")))
        assert content == run_.result, f"sent {content!r}, the tool returned {run_.result!r}"
        tool = stored.one(run_.name)
        assert tool.get("outputs") == content, (
            f"the {run_.name} step recorded {tool.get('outputs')!r}; the model was sent {content!r}"
        )


def final_answer(stored: Stored, run: Run) -> None:
    answer: AgentAnswer = run.extra["agent"]
    last = model_calls(stored)[-1]
    assert value(last, "outputs.content") == answer.answer, "the last model call's reply differs"
    assert value(stored.one(LOOP), "outputs.answer") == answer.answer, "the loop's answer differs"
