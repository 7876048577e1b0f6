"""The described application built with the OpenAI Agents SDK: every step that asks the model is
an agent named after the step, run by the SDK's `Runner` (over OpenAI's Responses API, the
SDK's default); the other steps are the application's own code traced by HoneyHive, as in the
plain application.

| the step                                | its Agents SDK units                                  |
|-----------------------------------------|-------------------------------------------------------|
| asks the model                          | one run: the agent answers                            |
| asks the model, which calls the tool X  | a run in which the agent must call the function tool  |
|                                         | X (its result ends the run), then a run in which it   |
|                                         | must hand off to its writer agent, which answers from |
|                                         | the conversation, the tool's result included          |
| anything else                           | the application's code in a HoneyHive span            |

Each run is a trace of the SDK's own (`Agent workflow`), under the step that started it. The
SDK's default trace processor sends traces to OpenAI's servers: it is removed when this module
is imported, so only the instrumentor the scenario attached sees them. The Agents SDK is
imported only here.
"""

from __future__ import annotations

import json
from typing import Any

import agents
import openai
from agents import (
    Agent,
    FunctionTool,
    ModelSettings,
    OpenAIResponsesModel,
    RunConfig,
    Runner,
    RunResult,
    handoff,
)

from support.app import step_context
from support.app.model_calls import Completion
from support.app.pipeline import (
    TOOL_CALL_TOKENS,
    TOOL_PARAMETERS,
    AsksModel,
    AsksModelWithTool,
    Pipeline,
    PipelineError,
    RequestRun,
    StepRun,
    StepSpec,
    run_tool,
    tool_description,
)

agents.set_trace_processors([])  # nothing goes to a host the configuration did not name

WORKFLOW = "Agent workflow"  # the SDK's name for a run's trace
INSTRUCTIONS = "Answer in one short sentence."
# the SDK fails a run whose answer the token cap cut (the Responses API's `incomplete`): an
# agent's free answer gets room to end by itself
AGENT_ANSWER_TOKENS = 96

#: instrumentor -> how it names a run's units: the trace (workflow), an agent, a tool, a
#: handoff; OpenInference opens each trace as an agent span and a chain span of the same name
#: and a `turn` chain per model turn; Traceloop names agents `<agent>.agent` and does not know
#: a handoff's target
SPAN_NAMES: dict[str, dict[str, str]] = {
    "openinference": {"agent": "{}", "tool": "{}", "handoff": "handoff to {target}"},
    "traceloop": {
        "workflow": "Agent Workflow",
        "agent": "{}.agent",
        "tool": "{}.tool",
        "handoff": "{} → unknown.handoff",
    },
}


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "additionalProperties": False}


class OpenAIAgentsApp(Pipeline):
    # ---- the model ---------------------------------------------------------------------------

    def _model(self, step: str | None = None) -> OpenAIResponsesModel:
        endpoint = self.endpoint
        if endpoint is None:
            raise PipelineError("an OpenAI Agents application needs the model's endpoint")
        client = openai.AsyncOpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,
            http_client=endpoint.async_http_client(step),
            max_retries=self.settings.retries,
        )
        return OpenAIResponsesModel(model=self.model, openai_client=client)

    def _agent(self, name: str, **options: Any) -> Agent[Any]:
        settings = options.pop("model_settings", None) or ModelSettings(
            max_tokens=max(self.settings.max_tokens, AGENT_ANSWER_TOKENS),
            temperature=self.settings.temperature,
        )
        return Agent(
            name=name,
            instructions=INSTRUCTIONS,
            model=self._model(options.pop("speaks_for", None)),
            model_settings=settings,
            **options,
        )

    # ---- the units a run leaves, as the instrumentor names them -----------------------------

    def _name(self, role: str, name: str, **more: str) -> str:
        found = SPAN_NAMES.get(self.instrumentor, {}).get(role, "{}")
        return found.format(name, **more)

    def _unit(
        self, run: RequestRun, role: str | None, own: str, kind: str, parent: str | None
    ) -> str:
        """A unit the SDK opens by itself, under the name the steps refer to it by (`own`);
        the backend holds it under the instrumentor's name for its role (None: `own`)."""
        step = StepRun(own, kind, parent, inputs={}, framework_unit=True)
        step.stored_name = self._alias(own, self._name(role, own)) if role else None
        run.steps.append(step)
        return own

    @staticmethod
    def _alias(own: str, stored: str) -> str | None:
        return None if stored == own else stored

    def _workflow(self, run: RequestRun, parent: str | None) -> str:
        """The units of a run's trace, down to the one the agents hang under."""
        if self.instrumentor == "openinference":
            top = self._unit(run, "workflow", WORKFLOW, "chain", parent)
            return self._unit(run, "workflow", WORKFLOW, "chain", top)
        return self._unit(run, "workflow", WORKFLOW, "chain", parent)

    def _turn(self, run: RequestRun, agent: str) -> str:
        """Where an agent's model call and tools hang: OpenInference's `turn` chain."""
        if self.instrumentor == "openinference":
            return self._unit(run, "turn", "turn", "chain", agent)
        return agent

    def _run(self, agent: Agent[Any], given: Any, step: str) -> RunResult:
        with step_context.running(step):
            return Runner.run_sync(agent, given, run_config=RunConfig(workflow_name=WORKFLOW))

    # ---- the steps ---------------------------------------------------------------------------

    def _step(self, spec: StepSpec, value: Any, run: RequestRun) -> Any:
        if not isinstance(spec.action, AsksModel | AsksModelWithTool):
            return super()._step(spec, value, run)
        if any(s.under == spec.name for s in self.steps):
            raise PipelineError(
                f"under the OpenAI Agents SDK the step {spec.name!r} is an agent's run, which "
                "cannot hold other steps of the application"
            )
        question = (
            spec.action.question
            if isinstance(spec.action, AsksModel) and spec.action.question
            else str(value)
        )
        # the step's agent, in a run of its own: the run's units, the agent, its turn
        top = self._workflow(run, spec.under)
        step = StepRun(spec.name, "chain", top, inputs={"value": question}, role="agent")
        step.stored_name = self._alias(spec.name, self._name("agent", spec.name))
        run.steps.append(step)
        turn = self._turn(run, spec.name)
        with self.failing(step):
            if isinstance(spec.action, AsksModelWithTool):
                answer = self._run_with_tool(spec, spec.action.tool, question, run, turn)
            else:
                answer = str(self._run(self._agent(spec.name), question, spec.name).final_output)
        step.outputs = {"value": answer}
        return answer

    def _run_with_tool(
        self, spec: StepSpec, tool: str, question: str, run: RequestRun, turn: str
    ) -> str:
        # the first run: the agent must call the tool; the tool's result ends the run
        caller = self._agent(
            spec.name,
            tools=[self._function_tool(tool, run, turn)],
            tool_use_behavior="stop_on_first_tool",
            model_settings=ModelSettings(
                max_tokens=TOOL_CALL_TOKENS,
                temperature=self.settings.temperature,
                tool_choice=tool,
            ),
        )
        first = self._run(caller, question, spec.name)
        # the second: the agent must hand off to its writer, who answers from the conversation
        writer_name = f"{spec.name} writer"
        # the writer's model calls are its own, not the step's (they hang under the writer)
        writer = self._agent(writer_name, speaks_for=writer_name)
        top = self._workflow(run, spec.under)
        again = self._unit(run, "agent", spec.name, "chain", top)
        turn = self._turn(run, again)
        handoff_unit = self._name("handoff", spec.name, target=writer_name)
        self._unit(run, None, handoff_unit, "tool", turn)
        written = self._unit(run, "agent", writer_name, "chain", top)
        self._turn(run, written)
        triage = self._agent(
            spec.name,
            handoffs=[writer],
            model_settings=ModelSettings(
                max_tokens=TOOL_CALL_TOKENS,
                temperature=self.settings.temperature,
                tool_choice=handoff(writer).tool_name,
            ),
        )
        final = self._run(triage, first.to_input_list(), spec.name)
        return str(final.final_output)

    def _function_tool(self, name: str, run: RequestRun, parent: str) -> FunctionTool:
        async def invoke(context: Any, raw: str) -> str:
            arguments = json.loads(raw or "{}")
            result = run_tool(name, arguments, None)
            tool_step = StepRun(name, "tool", parent, inputs=arguments, outputs=result)
            tool_step.stored_name = self._alias(name, self._name("tool", name))
            run.steps.append(tool_step)
            return json.dumps(result)

        return FunctionTool(
            name=name,
            description=tool_description(name),
            params_json_schema=_strict(TOOL_PARAMETERS),
            on_invoke_tool=invoke,
        )

    def _ask(
        self, messages: list[dict[str, Any]], *, stream: bool = False, **params: Any
    ) -> Completion:
        raise PipelineError(
            "under the OpenAI Agents SDK the model is asked by a step's agent; a step of its own "
            "asks it (write the question as that step's 'asks the model')"
        )
