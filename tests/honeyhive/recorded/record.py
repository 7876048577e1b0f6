"""Record real instrumentor spans for the semantic-convention replay tests.

    .venv/bin/python -m tests.honeyhive.recorded.record [NAME ...]

starts the suite's model server (``emulator.llm``, loopback, port 0), then runs each recording
NAME (all of them by default) in a child process of its own, so that one instrumentor's patches
never leak into another's spans. A child runs the real framework under the real instrumentor
with an ``InMemorySpanExporter`` on a plain ``TracerProvider`` (no HoneyHive SDK), and writes
``tests/honeyhive/recorded/<NAME>.json``:

    {"recorded_by": "<the command>", "packages": {name: version}, "otlp": <OTLP/JSON request>}

``otlp`` is the ExportTraceServiceRequest the OTLP exporter would send, in its protobuf JSON
mapping, so the tests replay it through the emulator's own (validating) decoder. The model's
replies are scripted per API key through the server's control plane, so the recorded contents
are the same on every run; only ids and times change.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

QUESTION = "How many kettles (K-1) are in stock?"
SYSTEM = "You are a stock clerk."
ANSWER = "There are 12 kettles in stock."
FAILING = "This request is refused."
SESSION_ID = "rec-session-1"
USER_ID = "rec-user-1"
TOOL_ARGS = {"sku": "K-1"}
STOCK_TOOL: Any = {
    "type": "function",
    "function": {
        "name": "lookup_stock",
        "description": "Units in stock for a SKU.",
        "parameters": {
            "type": "object",
            "properties": {"sku": {"type": "string"}},
            "required": ["sku"],
        },
    },
}
PACKAGES = (
    "openai",
    "langchain-core",
    "langchain-openai",
    "langgraph",
    "litellm",
    "opentelemetry-sdk",
    "openinference-instrumentation-openai",
    "openinference-instrumentation-langchain",
    "openinference-instrumentation-litellm",
    "opentelemetry-instrumentation-openai",
    "opentelemetry-instrumentation-langchain",
    "opentelemetry-instrumentation-litellm",
    "opentelemetry-instrumentation-openai-v2",
)


# ---- the child: one framework under one instrumentor ---------------------------------------


class Env:
    def __init__(self) -> None:
        from emulator.llm.control_client import ModelControl

        self.base_url = os.environ["REC_BASE_URL"]
        self.control = ModelControl(os.environ["REC_CONTROL_URL"], os.environ["REC_TOKEN"])
        self.key = self.control.new_key()

    def script_tool_then_answer(self, calls: list[dict[str, Any]]) -> None:
        self.control.script(self.key, tool_calls=calls, count=1)
        self.control.script(self.key, ANSWER, match=None)


def provider() -> tuple[Any, Any]:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    tp = TracerProvider(resource=Resource.create({"service.name": "semconv-recorder"}))
    exporter = InMemorySpanExporter()
    tp.add_span_processor(SimpleSpanProcessor(exporter))
    return tp, exporter


def openinference_context() -> Any:
    from openinference.instrumentation import using_attributes

    return using_attributes(session_id=SESSION_ID, user_id=USER_ID)


def openai_calls(env: Env) -> None:
    """A tool call, the answer after the tool's result, and a refused request."""
    import openai

    env.script_tool_then_answer([{"name": "lookup_stock", "arguments": TOOL_ARGS}])
    client = openai.OpenAI(base_url=env.base_url, api_key=env.key, max_retries=0)
    messages: list[Any] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": QUESTION},
    ]
    first = client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, tools=[STOCK_TOOL], temperature=0.2, max_tokens=64
    )
    call = (first.choices[0].message.tool_calls or [])[0]
    messages += [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "12"},
    ]
    client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, tools=[STOCK_TOOL], temperature=0.2, max_tokens=64
    )
    env.control.fail_next(env.key, 401)
    with contextlib.suppress(openai.AuthenticationError):
        client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": FAILING}], max_tokens=8
        )


def stock_tools() -> tuple[Any, Any]:
    from langchain_core.tools import tool

    @tool
    def lookup_stock(sku: str) -> int:
        """Units in stock for a SKU."""
        return 12

    @tool
    def reorder(sku: str) -> str:
        """Reorder a SKU from the supplier."""
        raise RuntimeError(f"supplier offline for {sku}")

    return lookup_stock, reorder


def chat_model(env: Env) -> Any:
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        model="gpt-4o-mini",
        base_url=env.base_url,
        api_key=SecretStr(env.key),
        temperature=0.2,
        max_completion_tokens=64,
        max_retries=0,
    )


def langchain_calls(env: Env) -> None:
    """prompt | model-with-tools, the tool it asked for, and a tool that raises."""
    from langchain_core.prompts import ChatPromptTemplate

    env.script_tool_then_answer([{"name": "lookup_stock", "arguments": TOOL_ARGS}])
    lookup_stock, reorder = stock_tools()
    prompt = ChatPromptTemplate.from_messages([("system", SYSTEM), ("human", "{question}")])
    chain = prompt | chat_model(env).bind_tools([lookup_stock, reorder])
    reply = chain.invoke({"question": QUESTION})
    lookup_stock.invoke(reply.tool_calls[0])
    with contextlib.suppress(RuntimeError):
        reorder.invoke({"sku": "K-1"})


def langgraph_calls(env: Env) -> None:
    """A ReAct agent that calls a tool that works and one that raises, then answers."""
    from langgraph.prebuilt import ToolNode, create_react_agent

    env.script_tool_then_answer(
        [
            {"name": "lookup_stock", "arguments": TOOL_ARGS},
            {"name": "reorder", "arguments": TOOL_ARGS},
        ]
    )
    tools = list(stock_tools())
    # the failing tool's error becomes a tool message (the model then answers) instead of
    # ending the run: its span still records the exception
    node = ToolNode(tools, handle_tool_errors=True)
    agent = create_react_agent(chat_model(env).bind_tools(tools), node, prompt=SYSTEM)
    agent.invoke({"messages": [("user", QUESTION)]})


def litellm_calls(env: Env) -> None:
    """The same three calls as openai_calls, through litellm.completion."""
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    env.script_tool_then_answer([{"name": "lookup_stock", "arguments": TOOL_ARGS}])
    common: dict[str, Any] = {
        "model": "openai/gpt-4o-mini",
        "api_base": env.base_url,
        "api_key": env.key,
        "max_retries": 0,
    }
    messages: list[Any] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": QUESTION},
    ]
    first = litellm.completion(
        messages=messages, tools=[STOCK_TOOL], temperature=0.2, max_tokens=64, **common
    )
    call = first.choices[0].message.tool_calls[0]
    messages += [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.function.name, "arguments": call.function.arguments},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call.id, "content": "12"},
    ]
    litellm.completion(
        messages=messages, tools=[STOCK_TOOL], temperature=0.2, max_tokens=64, **common
    )
    env.control.fail_next(env.key, 401)
    # litellm maps the 401 onto its own AuthenticationError
    with contextlib.suppress(litellm.exceptions.AuthenticationError):
        litellm.completion(messages=[{"role": "user", "content": FAILING}], max_tokens=8, **common)


def instrument(name: str, tp: Any) -> None:
    if name == "openinference-openai":
        from openinference.instrumentation.openai import OpenAIInstrumentor

        OpenAIInstrumentor().instrument(tracer_provider=tp)
    elif name == "openinference-langchain":
        from openinference.instrumentation.langchain import LangChainInstrumentor

        LangChainInstrumentor().instrument(tracer_provider=tp)
    elif name == "openinference-litellm":
        from openinference.instrumentation.litellm import LiteLLMInstrumentor

        LiteLLMInstrumentor().instrument(tracer_provider=tp)
    elif name == "traceloop-openai":
        from opentelemetry.instrumentation.openai import OpenAIInstrumentor as TlOpenAI

        TlOpenAI().instrument(tracer_provider=tp)
    elif name == "traceloop-langchain":
        from opentelemetry.instrumentation.langchain import LangchainInstrumentor

        LangchainInstrumentor().instrument(tracer_provider=tp)
    elif name == "traceloop-litellm":
        from opentelemetry.instrumentation.litellm import LiteLLMInstrumentor as TlLiteLLM

        TlLiteLLM().instrument(tracer_provider=tp)  # type: ignore[no-untyped-call]
    elif name == "genai-openai":
        from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor as V2

        V2().instrument(tracer_provider=tp)  # type: ignore[no-untyped-call]
    else:
        raise SystemExit(f"unknown instrumentor {name}")


# recording name -> (instrumentor, calls, extra environment set before any import)
RECORDINGS: dict[str, tuple[str, Callable[[Env], None], dict[str, str]]] = {
    "openai-openinference": ("openinference-openai", openai_calls, {}),
    "openai-traceloop": ("traceloop-openai", openai_calls, {}),
    "openai-genai": (
        "genai-openai",
        openai_calls,
        {
            "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental",
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "SPAN_ONLY",
        },
    ),
    "langchain-openinference": ("openinference-langchain", langchain_calls, {}),
    "langchain-traceloop": ("traceloop-langchain", langchain_calls, {}),
    "langgraph-openinference": ("openinference-langchain", langgraph_calls, {}),
    "langgraph-traceloop": ("traceloop-langchain", langgraph_calls, {}),
    "litellm-openinference": ("openinference-litellm", litellm_calls, {}),
    "litellm-traceloop": ("traceloop-litellm", litellm_calls, {}),
}


def record_one(name: str) -> None:
    from google.protobuf.json_format import MessageToDict
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

    instrumentor, calls, _ = RECORDINGS[name]
    env = Env()
    tp, exporter = provider()
    instrument(instrumentor, tp)
    if instrumentor.startswith("openinference"):
        with openinference_context():
            calls(env)
    else:
        calls(env)
    tp.force_flush()
    spans = exporter.get_finished_spans()
    packages = {}
    for package in PACKAGES:
        try:
            packages[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            continue
    doc = {
        "recorded_by": f".venv/bin/python -m tests.honeyhive.recorded.record {name}",
        "packages": packages,
        "otlp": MessageToDict(encode_spans(spans)),
    }
    out = HERE / f"{name}.json"
    out.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n")
    print(f"{name}: {len(spans)} spans -> {out.relative_to(ROOT)}")


# ---- the parent: the model server, one child per recording ----------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"default: all of {', '.join(RECORDINGS)}")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        record_one(args.one)
        return 0
    names = args.names or list(RECORDINGS)
    unknown = [n for n in names if n not in RECORDINGS]
    if unknown:
        parser.error(f"unknown recording(s): {', '.join(unknown)}")

    from emulator.llm.launcher import llm_server

    failed = 0
    with tempfile.TemporaryDirectory(prefix="semconv-record-") as logs:
        server = llm_server(Path(logs))
        server.start()
        try:
            for name in names:
                env = {
                    **os.environ,
                    **RECORDINGS[name][2],
                    "REC_BASE_URL": server.openai_base_url,
                    "REC_CONTROL_URL": server.url,
                    "REC_TOKEN": server.control_token,
                    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
                }
                argv = [sys.executable, "-m", "tests.honeyhive.recorded.record", "--one", name]
                done = subprocess.run(argv, cwd=ROOT, env=env, timeout=300, check=False)
                failed += done.returncode != 0
        finally:
            server.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
