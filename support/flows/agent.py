"""The agent loop with real tool calls: the stock-desk agent (`support/app/agent.py`) answers a
question in a traced session; the Thens read back the loop, the model calls the instrumentation
recorded and the tools the model asked for."""

from __future__ import annotations

from dataclasses import dataclass

from support.app.agent import LOOP, AgentAnswer, Inventory, StockAgent
from support.outcome import BadScenario, Facet, Outcome, StepOutcome
from support.report.evidence import attach_json
from support.sdk.tracers import TracedSession, Tracers
from support.target.model import ModelTarget, openai_client
from support.target.projects import Project

QUESTION = "How many blue kettles (KET-BLUE) do you have in stock?"
REPLIES = {"in one go": False, "streamed": True}


@dataclass(frozen=True)
class AgentRun(Facet):
    NEEDS = "a When in which the stock desk agent answers with the help of its tools"
    loop: str
    answer: AgentAnswer


def streamed(replies: str) -> bool:
    if replies not in REPLIES:
        raise BadScenario(f"the model's replies come {' or '.join(REPLIES)}, not {replies!r}")
    return REPLIES[replies]


def ask_the_agent(
    tracers: Tracers, project: Project, model: ModelTarget, *, stream: bool = False
) -> Outcome:
    with TracedSession(tracers, project, "agent", model) as s:
        agent = StockAgent(s.tracer, openai_client(model), model.model, Inventory(), stream=stream)
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
        s.steps = [StepOutcome(LOOP, "chain", recorded={"outputs.answer": answer.answer})] + [
            StepOutcome(r.name, "tool", parent=LOOP) for r in answer.tool_runs
        ]
    session = s.session
    session.ready = lambda events: (
        len([e for e in events if e.get("event_type") == "model"]) >= answer.model_calls
    )
    return s.outcome(
        "the stock desk agent answers a customer's question",
        session=session,
        facets=[AgentRun(LOOP, answer)],
    )
