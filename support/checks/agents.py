"""Then checks of an agent loop: the tools that ran are the ones the model asked for, with the
model's own arguments, and the model was sent their results — read from the stored model calls
and compared with the model traffic the application really sent and received."""

from __future__ import annotations

import json

from support.checks.model_calls import history_of, tool_calls_of
from support.flows.agent import AgentRun
from support.outcome import Outcome
from support.readback.reader import Event
from support.readback.stored import Stored, value
from support.report.evidence import attach_json


def loop_steps(stored: Stored, loop: str) -> list[Event]:
    """The loop's steps, oldest first."""
    return stored.children(stored.one(loop))


def loop_kinds(stored: Stored, loop: str, expected: list[str]) -> None:
    steps = loop_steps(stored, loop)
    kinds = [e.get("event_type") for e in steps]
    assert kinds == expected, (
        f"the loop holds {[(e.get('event_name'), e.get('event_type')) for e in steps]}"
    )


def _model_calls(stored: Stored, loop: str) -> list[Event]:
    return [e for e in loop_steps(stored, loop) if e.get("event_type") == "model"]


def asked_tool_ran(stored: Stored, agent: AgentRun) -> None:
    """The tool steps after the first model call are the tools that call asked for, and their
    inputs are exactly the model's arguments."""
    first = _model_calls(stored, agent.loop)[0]
    calls = tool_calls_of(first)
    attach_json("tool calls stored on the first model call", calls)
    assert calls, (
        f"the first model call holds no tool call; outputs={first.get('outputs')}, "
        f"metadata keys={sorted((first.get('metadata') or {}).keys())}"
    )
    tools = [e for e in loop_steps(stored, agent.loop) if e.get("event_type") == "tool"]
    assert [t.get("event_name") for t in tools] == [name for _, name, _ in calls], (
        f"tools run: {[t.get('event_name') for t in tools]}; asked for: {[n for _, n, _ in calls]}"
    )
    for tool, (_, name, arguments) in zip(tools, calls, strict=True):
        asked = json.loads(arguments)
        got = tool.get("inputs")
        assert got == asked, f"{name} ran with {got!r}; the model asked for {asked!r}"


def result_sent_back(stored: Stored, outcome: Outcome, agent: AgentRun) -> None:
    """The next model call was sent each tool's result, under the id of the call that asked
    for it, as the tool recorded it and as the application really sent it."""
    second = _model_calls(stored, agent.loop)[1]
    sent = [m for m in history_of(second) if m.get("role") == "tool"]
    runs = agent.answer.tool_runs
    assert len(sent) == len(runs), f"tool messages stored on the second call: {sent}"
    on_wire = [
        m for x in outcome.model_exchanges[1:2] for m in x.messages if m.get("role") == "tool"
    ]
    for message, run in zip(sent, runs, strict=True):
        assert "tool_call_id" in message, (
            f"the tool message stored on the second model call has no tool_call_id: {message}"
        )
        assert message["tool_call_id"] == run.call_id, (
            f"the tool message carries call id {message['tool_call_id']!r}; the model's call "
            f"was {run.call_id!r}"
        )
        content = json.loads(str(message.get("content")))
        wire = [
            json.loads(str(m.get("content")))
            for m in on_wire
            if m.get("tool_call_id") == run.call_id
        ]
        assert wire == [content], f"stored tool result {content!r}; the app sent {wire!r}"
        tool = stored.one(run.name)
        assert tool.get("outputs") == content, (
            f"the {run.name} step recorded {tool.get('outputs')!r}; the model was sent {content!r}"
        )


def final_answer(stored: Stored, outcome: Outcome, agent: AgentRun) -> None:
    last = _model_calls(stored, agent.loop)[-1]
    replies = [x.reply for x in outcome.model_exchanges if not x.failed]
    assert replies, "the application received no answer from the model"
    assert value(last, "outputs.content") == replies[-1], (
        f"the last model call stored {value(last, 'outputs.content')!r}; the model answered "
        f"{replies[-1]!r}"
    )
    assert value(stored.one(agent.loop), "outputs.answer") == replies[-1], (
        "the loop's answer differs"
    )
