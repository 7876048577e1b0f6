"""Then checks of what a framework's units are stored with: a tool's arguments, an agent's
question and answer — against what the application called them with."""

from __future__ import annotations

from typing import Any

from support.outcome import NeedsAnotherWhen, SessionOutcome, StepOutcome
from support.readback.stored import Stored


def _given(step: StepOutcome, bucket: str) -> dict[str, Any]:
    prefix = f"{bucket}."
    return {k[len(prefix) :]: v for k, v in step.recorded.items() if k.startswith(prefix)}


def _units(
    session: SessionOutcome, wanted: str, kind: str | None, role: str | None
) -> list[StepOutcome]:
    units = [
        s
        for s in session.steps
        if not s.framework_unit and (kind is None or s.kind == kind) and s.role == role
    ]
    if not units:
        raise NeedsAnotherWhen(f"the application ran no {wanted} in session {session.name}")
    return units


def tools_called_with(stored: Stored, session: SessionOutcome) -> None:
    """Every tool is stored with exactly the arguments it was called with, by their names."""
    wrong = []
    for tool in _units(session, "tool", "tool", None):
        called = _given(tool, "inputs")
        got = [e.get("inputs") for e in stored.named(tool.name)]
        if not got:
            wrong.append(f"the tool {tool.name!r} is not stored; stored: {stored.names()}")
        elif any(g != called for g in got):
            shown = next(g for g in got if g != called)
            wrong.append(
                f"the tool {tool.name!r} is stored with the inputs {shown}; "
                f"it was called with {called}"
            )
    assert not wrong, "; ".join(wrong)


def agents_given_and_answered(stored: Stored, session: SessionOutcome) -> None:
    """Every agent the application ran is stored with the question it was given (its input)
    and the answer it gave (its output)."""
    wrong = []
    for agent in _units(session, "agent", None, "agent"):
        given, answered = _given(agent, "inputs"), _given(agent, "outputs")
        for event in stored.named(agent.name):
            inputs, outputs = event.get("inputs") or {}, event.get("outputs") or {}
            if not _holds(inputs, given) or not _holds(outputs, answered):
                wrong.append(
                    f"the agent {agent.name!r} is stored with inputs {inputs} and outputs "
                    f"{outputs}; it was given {given.get('value')!r} and answered "
                    f"{answered.get('value')!r}"
                )
                break
    assert not wrong, "; ".join(wrong)


def _holds(stored: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(stored.get(k) == v for k, v in wanted.items())
