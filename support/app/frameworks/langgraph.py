"""The described application built with LangGraph: a graph whose nodes are the application's
top-level steps, in the order the table lists them (START → first → … → END), each node running
its step and, inside it, the steps nested under it as LangChain units (`langchain.py`).

| the step                 | its LangGraph unit                            | stored as |
|--------------------------|-----------------------------------------------|-----------|
| the application          | the compiled graph (`LangGraph`)              | chain     |
| a top-level step         | a node named after it                         | chain     |
| a nested step            | a LangChain unit (see `langchain.py`)         | per kind  |
| a tool the model calls   | its tool, run by a `ToolNode` (which neither  | tool      |
|                          | instrumentor traces when invoked in a node)   |           |

A step that asks the model to call a tool runs the tool through LangGraph's own `ToolNode`, fed
the model's message with its tool calls, as a graph's tool node is. LangGraph is imported only
here.
"""

from __future__ import annotations

from typing import Any, TypedDict

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode

from support.app import step_context
from support.app.frameworks.langchain import LangChainApp, bucket
from support.app.pipeline import TOOL_CALL_TOKENS, RequestRun, StepFailed, StepRun, StepSpec

GRAPH = "LangGraph"  # the name LangGraph gives a compiled graph's run

#: instrumentor -> unit role -> the span name it gives a unit named `{}`
SPAN_NAMES: dict[str, dict[str, str]] = {
    "traceloop": {
        "graph": "{}.workflow",
        "node": "execute_task {}",
        "task": "execute_task {}",
        "tool": "execute_tool {}",
        "retriever": "{}.task",
    },
}


#: instrumentor -> the span it opens around a graph's run, above the graph's own
AGENT_SPANS = {"traceloop": f"invoke_agent {GRAPH}"}


class _State(TypedDict):
    value: Any


class LangGraphApp(LangChainApp):
    SPAN_NAMES = SPAN_NAMES

    def role(self, spec: StepSpec) -> str:
        return "node" if spec.under is None else super().role(spec)

    def unit_kind(self, spec: StepSpec) -> str:
        return "chain" if spec.under is None else super().unit_kind(spec)

    def _children(self, parent: str | None, value: Any, run: RequestRun) -> Any:
        if parent is not None:
            return super()._children(parent, value, run)
        agent = AGENT_SPANS.get(self.instrumentor)
        if agent is not None:  # Traceloop opens the graph's run as an agent's
            run.steps.append(StepRun(agent, "chain", None, inputs={}, framework_unit=True))
        graph_step = StepRun(GRAPH, "chain", agent, inputs={"value": value}, framework_unit=True)
        graph_step.stored_name = self.span_name("graph", GRAPH)
        run.steps.append(graph_step)
        graph: StateGraph[_State] = StateGraph(_State)
        previous = START
        for spec in [s for s in self.steps if s.under is None]:
            graph.add_node(spec.name, self._node(spec, run))
            graph.add_edge(previous, spec.name)
            previous = spec.name
        graph.add_edge(previous, END)
        try:
            state = graph.compile().invoke({"value": value})
        except StepFailed as exc:
            graph_step.error = f"{type(exc).__name__}: {exc}"
            raise
        graph_step.outputs = {"value": state["value"]}
        return state["value"]

    def _node(self, spec: StepSpec, run: RequestRun) -> Any:
        def node(state: _State) -> _State:
            value = state["value"]
            step = StepRun(spec.name, "chain", GRAPH, inputs=bucket({"value": value}))
            step.stored_name = self.span_name("node", spec.name)
            run.steps.append(step)
            with step_context.running(spec.name), self.failing(step):
                result = self._act(spec.action, value, step, run)
                result = self._children(spec.name, result, run)
            step.outputs = bucket({"value": result})
            return {"value": result}

        return node

    def _ask_with_tool(self, tool: str, question: str, run: RequestRun, parent: str) -> str:
        lc_tool = self.tool(tool, run, parent)
        model = self.chat_model(max_tokens=TOOL_CALL_TOKENS).bind_tools([lc_tool], tool_choice=tool)
        first = model.invoke([HumanMessage(content=question)])
        assert isinstance(first, AIMessage)
        if not first.tool_calls:
            return str(first.content)
        ran = ToolNode([lc_tool]).invoke({"messages": [first]})
        history: list[BaseMessage] = [HumanMessage(content=question), first, *ran["messages"]]
        return str(self.chat_model().invoke(history).content)
