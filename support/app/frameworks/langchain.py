"""The described application built with LangChain: each step one of LangChain's own units,
named after the step, nested as the table nests them.

| the step                        | its LangChain unit                          | stored as   |
|---------------------------------|---------------------------------------------|-------------|
| kind tool                       | a tool (`StructuredTool` named after it)    | tool        |
| retrieves N documents (no nest) | a retriever (`BaseRetriever` named after it)| tool        |
| anything else (model and chain) | a `RunnableLambda` named after it           | chain       |

A model call a step makes is a `ChatOpenAI` call inside its unit (with the tool bound, when the
model is to call one): the model event under the step, as in the plain application. A step of
kind model is therefore stored as a chain holding its model call — LangChain has no unit that is
both named by the application and a model call (Traceloop names every chat model
`ChatOpenAI.chat`, whatever its run name). A tool the model calls is a `StructuredTool` of its
own, run with the model's arguments. Nested steps are invoked inside their parent's unit, so
LangChain's run tree — and each instrumentor's span tree — follows the table.

Instrumentors name the units their way (`SPAN_NAMES`): OpenInference by the run name,
Traceloop `<name>.workflow` for the outermost runnable, `execute_task <name>` inside it,
`execute_tool <name>` for a tool. LangChain is imported only here.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from langchain_core.tools import StructuredTool
from langchain_openai import ChatOpenAI
from pydantic import ConfigDict

from support.app import step_context
from support.app.model_calls import Completion
from support.app.pipeline import (
    TOOL_CALL_TOKENS,
    Pipeline,
    PipelineError,
    RequestRun,
    Retrieves,
    StepRun,
    StepSpec,
    run_tool,
    tool_description,
)


class _Retriever(BaseRetriever):
    """A retriever over the application's document store."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    app: Any
    count: int

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = Pipeline._retrieve(self.app, query, self.count)
        return [Document(page_content=h["title"], metadata={"score": h["score"]}) for h in hits]


def bucket(value: Any) -> dict[str, Any]:
    """Where HoneyHive keeps a unit's input or output: an object's own keys, else `value`."""
    return dict(value) if isinstance(value, dict) else {"value": value}


def _messages(messages: list[dict[str, Any]]) -> list[BaseMessage]:
    out: list[BaseMessage] = []
    for m in messages:
        if m["role"] == "tool":
            out.append(ToolMessage(content=m["content"], tool_call_id=m["tool_call_id"]))
        elif m["role"] == "assistant":
            out.append(AIMessage(content=m.get("content") or ""))
        else:
            out.append(HumanMessage(content=m["content"]))
    return out


#: instrumentor -> unit role -> the span name it gives a unit named `{}`
SPAN_NAMES: dict[str, dict[str, str]] = {
    "traceloop": {
        "workflow": "{}.workflow",
        "task": "execute_task {}",
        "tool": "execute_tool {}",
        "retriever": "{}.task",
    },
}


class LangChainApp(Pipeline):
    SPAN_NAMES = SPAN_NAMES

    def span_name(self, role: str, name: str) -> str | None:
        """The event name the instrumentor gives a unit, when it is not the unit's own."""
        found = self.SPAN_NAMES.get(self.instrumentor, {}).get(role)
        return found.format(name) if found else None

    def role(self, spec: StepSpec) -> str:
        if spec.kind == "tool":
            return "tool"
        if self._is_retriever(spec):
            return "retriever"
        return "workflow" if spec.under is None else "task"

    def chat_model(self, **options: Any) -> ChatOpenAI:
        endpoint = self.endpoint
        if endpoint is None:
            raise PipelineError("a LangChain application needs the model's endpoint")
        return ChatOpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,  # type: ignore[arg-type]
            model=self.model,
            max_tokens=options.pop("max_tokens", self.settings.max_tokens),  # type: ignore[call-arg]
            temperature=self.settings.temperature,
            max_retries=self.settings.retries,
            http_client=endpoint.http_client(),
            **options,
        )

    # ---- a step as a LangChain unit -------------------------------------------------------

    def unit_kind(self, spec: StepSpec) -> str:
        """The HoneyHive event type the step's unit is stored as."""
        return "tool" if spec.kind == "tool" or self._is_retriever(spec) else "chain"

    def _is_retriever(self, spec: StepSpec) -> bool:
        return isinstance(spec.action, Retrieves) and not any(
            s.under == spec.name for s in self.steps
        )

    def _step(self, spec: StepSpec, value: Any, run: RequestRun) -> Any:
        # what the instrumentor records of the unit, where HoneyHive puts it: the input and
        # output a runnable was called with (an object's keys, else `value`); a tool's
        # arguments; nothing the application adds (no enrichment: the units are LangChain's)
        given = {"query": str(value)} if spec.kind == "tool" else bucket(value)
        step = StepRun(spec.name, self.unit_kind(spec), spec.under, inputs=given)
        step.stored_name = self.span_name(self.role(spec), spec.name)
        run.steps.append(step)
        with step_context.running(spec.name), self.failing(step):
            value = self._run_unit(spec, value, step, run)
        step.outputs = bucket(value)
        return value

    def _body(self, spec: StepSpec, step: StepRun, run: RequestRun) -> Any:
        def body(value: Any) -> Any:  # runs in the step's context (`_step`)
            result = self._act(spec.action, value, step, run)
            return self._children(spec.name, result, run)

        return body

    def _run_unit(self, spec: StepSpec, value: Any, step: StepRun, run: RequestRun) -> Any:
        if self._is_retriever(spec):
            assert isinstance(spec.action, Retrieves)
            retriever = _Retriever(app=self, count=spec.action.count).with_config(
                run_name=spec.name
            )
            documents = retriever.invoke(str(value))
            return [{"title": d.page_content, "score": d.metadata.get("score")} for d in documents]
        body = self._body(spec, step, run)
        if spec.kind == "tool":

            def tool_function(query: str) -> Any:
                return body(value)

            tool = StructuredTool.from_function(
                tool_function, name=spec.name, description=f"The {spec.name} step."
            )
            return tool.invoke({"query": str(value)})
        return RunnableLambda(body, name=spec.name).invoke(value)

    # ---- the model and the tools inside a unit ---------------------------------------------

    def _chat(
        self, model: Runnable[Any, Any], messages: list[dict[str, Any]], *, stream: bool = False
    ) -> Completion:
        sent = _messages(messages)
        if stream:
            parts = [str(chunk.content) for chunk in model.stream(sent)]
            return Completion("".join(parts), 0, 0, 1, ())
        reply = model.invoke(sent)
        return Completion(str(reply.content), 0, 0, 1, ())

    def _ask(
        self, messages: list[dict[str, Any]], *, stream: bool = False, **params: Any
    ) -> Completion:
        return self._chat(self.chat_model(), messages, stream=stream)

    def tool(self, name: str, run: RequestRun, parent: str) -> StructuredTool:
        """A tool the model may call: a LangChain tool of its own, recorded as a step."""

        def call(query: str) -> dict[str, Any]:
            arguments = {"query": query}
            result = run_tool(name, arguments, None)
            tool_step = StepRun(name, "tool", parent, inputs=arguments, outputs=result)
            tool_step.stored_name = self.span_name("tool", name)
            run.steps.append(tool_step)
            return result

        return StructuredTool.from_function(call, name=name, description=tool_description(name))

    def _ask_with_tool(self, tool: str, question: str, run: RequestRun, parent: str) -> str:
        lc_tool = self.tool(tool, run, parent)
        model = self.chat_model(max_tokens=TOOL_CALL_TOKENS).bind_tools([lc_tool], tool_choice=tool)
        first = model.invoke([HumanMessage(content=question)])
        assert isinstance(first, AIMessage)
        if not first.tool_calls:
            return str(first.content)
        history: list[BaseMessage] = [HumanMessage(content=question), first]
        for call in first.tool_calls:
            output = lc_tool.invoke(call)  # a ToolCall in: a ToolMessage out
            history.append(output)
        return str(self.chat_model().invoke(history).content)
