"""A small stock-desk agent: the model is offered two real tools (a stock lookup over an
in-memory SQLite table and a price calculator), asks for one, the agent runs it with the
model's own arguments, sends the result back and the model answers.

Traced with the SDK as an agent would be: one `chain` event for the loop, each model call
recorded by the OpenAI instrumentation, each tool run as a `tool` event whose inputs are the
model's arguments and whose outputs are what the tool returned.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

if TYPE_CHECKING:
    import openai
    from honeyhive import HoneyHiveTracer
    from openai.types.chat import (
        ChatCompletionMessage,
        ChatCompletionMessageFunctionToolCall,
        ChatCompletionMessageParam,
        ChatCompletionToolChoiceOptionParam,
        ChatCompletionToolParam,
    )

LOOP = "stock-agent"
SYSTEM = (
    "You are the stock desk of a kitchenware shop. Use the tools to look up stock and prices, "
    "then answer the customer in one short sentence."
)
PRODUCTS = (
    # sku, name, units in stock, unit price in cents
    ("KET-BLUE", "blue kettle", 42, 3450),
    ("KET-RED", "red kettle", 0, 3450),
    ("PAN-28", "28 cm frying pan", 7, 5990),
    ("MUG-4", "set of four mugs", 130, 1800),
)


class StockQuery(BaseModel):
    """Arguments of `lookup_stock`."""

    model_config = ConfigDict(extra="forbid")
    sku: str = Field(description="the product code, e.g. KET-BLUE")


class PriceQuery(BaseModel):
    """Arguments of `quote_price`."""

    model_config = ConfigDict(extra="forbid")
    sku: str = Field(description="the product code, e.g. KET-BLUE")
    quantity: int = Field(ge=1, le=100, description="how many units")


class Inventory:
    """The shop's stock, in an in-memory SQLite table."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE TABLE products (sku TEXT PRIMARY KEY, name TEXT, units INTEGER, cents INTEGER)"
        )
        self._db.executemany("INSERT INTO products VALUES (?, ?, ?, ?)", PRODUCTS)

    def _row(self, sku: str) -> tuple[str, str, int, int] | None:
        found: tuple[str, str, int, int] | None = self._db.execute(
            "SELECT sku, name, units, cents FROM products WHERE sku = ?", (sku.strip().upper(),)
        ).fetchone()
        return found

    def lookup_stock(self, query: StockQuery) -> dict[str, Any]:
        row = self._row(query.sku)
        if row is None:
            return {"sku": query.sku, "found": False}
        return {"sku": row[0], "found": True, "name": row[1], "units_in_stock": row[2]}

    def quote_price(self, query: PriceQuery) -> dict[str, Any]:
        row = self._row(query.sku)
        if row is None:
            return {"sku": query.sku, "found": False}
        total = row[3] * query.quantity
        return {"sku": row[0], "found": True, "quantity": query.quantity, "total": total / 100}


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    arguments: type[BaseModel]
    run: Callable[[Any], dict[str, Any]]

    def spec(self) -> ChatCompletionToolParam:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.arguments.model_json_schema(),
            },
        }


def tools_of(inventory: Inventory) -> dict[str, Tool]:
    tools = (
        Tool(
            "lookup_stock",
            "How many units of a product are in stock",
            StockQuery,
            inventory.lookup_stock,
        ),
        Tool(
            "quote_price",
            "The total price of a quantity of a product, in euros",
            PriceQuery,
            inventory.quote_price,
        ),
    )
    return {t.name: t for t in tools}


@dataclass(frozen=True)
class ToolRun:
    """One tool the model asked for, run with the model's own arguments."""

    call_id: str
    name: str
    arguments: str  # the model's JSON text, exactly as it came in the tool call
    result: dict[str, Any]


@dataclass
class AgentAnswer:
    question: str
    answer: str = ""
    tool_runs: list[ToolRun] = field(default_factory=list)
    model_calls: int = 0
    finish_reasons: list[str] = field(default_factory=list)


class StockAgent:
    """The loop: model (with tools) → the tools it asked for → model, until it answers. The
    first turn must use a tool (the desk never answers from memory); once `max_tool_rounds`
    rounds of tools have run, the model is told to answer."""

    def __init__(
        self,
        tracer: HoneyHiveTracer,
        client: openai.OpenAI,
        model: str,
        inventory: Inventory,
        *,
        max_tool_rounds: int = 1,
        max_tokens: int = 96,
        stream: bool = False,
    ) -> None:
        self.tracer = tracer
        self.client = client
        self.model = model
        self.tools = tools_of(inventory)
        self.max_tool_rounds = max_tool_rounds
        self.max_tokens = max_tokens
        self.stream = stream

    def ask(self, question: str) -> AgentAnswer:
        from openai.types.chat import ChatCompletionMessageFunctionToolCall

        outcome = AgentAnswer(question)
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": question},
        ]
        with self.tracer.trace(LOOP, event_type="chain"):
            self.tracer.enrich_span(inputs={"question": question})
            for round_ in range(self.max_tool_rounds + 1):
                request: dict[str, Any] = {
                    "model": self.model,
                    "messages": messages,
                    "tools": [t.spec() for t in self.tools.values()],
                    "tool_choice": self._choice(round_),
                    "temperature": 0,
                    "max_tokens": self.max_tokens,
                }
                message, finish = self._stream(request) if self.stream else self._plain(request)
                outcome.model_calls += 1
                outcome.finish_reasons.append(finish)
                calls = [
                    c
                    for c in message.tool_calls or []
                    if isinstance(c, ChatCompletionMessageFunctionToolCall)
                ]
                if not calls:
                    outcome.answer = message.content or ""
                    break
                messages.append(
                    {
                        "role": "assistant",
                        "content": message.content,
                        "tool_calls": [
                            {
                                "id": c.id,
                                "type": "function",
                                "function": {
                                    "name": c.function.name,
                                    "arguments": c.function.arguments,
                                },
                            }
                            for c in calls
                        ],
                    }
                )
                for call in calls:
                    run = self._run(call)
                    outcome.tool_runs.append(run)
                    messages.append(
                        {"role": "tool", "tool_call_id": call.id, "content": json.dumps(run.result)}
                    )
            self.tracer.enrich_span(
                outputs={"answer": outcome.answer},
                metadata={"agent.tool_runs": len(outcome.tool_runs)},
            )
        return outcome

    def _plain(self, request: dict[str, Any]) -> tuple[ChatCompletionMessage, str]:
        reply = self.client.chat.completions.create(**request)
        choice = reply.choices[0]
        return choice.message, choice.finish_reason

    def _stream(self, request: dict[str, Any]) -> tuple[ChatCompletionMessage, str]:
        """The streamed reply put back together: its text, and each tool call from its first
        delta (id, name) and the argument pieces that follow."""
        from openai.types.chat import ChatCompletionMessage, ChatCompletionMessageFunctionToolCall
        from openai.types.chat.chat_completion_message_function_tool_call import Function

        text: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        finish = ""
        stream = self.client.chat.completions.create(
            **request, stream=True, stream_options={"include_usage": True}
        )
        for chunk in stream:
            for choice in chunk.choices:
                text.append(choice.delta.content or "")
                for piece in choice.delta.tool_calls or ():
                    call = calls.setdefault(piece.index, {"id": "", "name": "", "arguments": ""})
                    call["id"] = piece.id or call["id"]
                    if piece.function is not None:
                        call["name"] = piece.function.name or call["name"]
                        call["arguments"] += piece.function.arguments or ""
                finish = choice.finish_reason or finish
        message = ChatCompletionMessage(
            role="assistant",
            content="".join(text) if not calls else None,
            tool_calls=[
                ChatCompletionMessageFunctionToolCall(
                    id=c["id"],
                    type="function",
                    function=Function(name=c["name"], arguments=c["arguments"]),
                )
                for _, c in sorted(calls.items())
            ]
            or None,
        )
        return message, finish

    def _choice(self, round_: int) -> ChatCompletionToolChoiceOptionParam:
        if round_ == 0:
            return "required"
        return "auto" if round_ < self.max_tool_rounds else "none"

    def _run(self, call: ChatCompletionMessageFunctionToolCall) -> ToolRun:
        name, arguments = call.function.name, call.function.arguments
        with self.tracer.trace(name, event_type="tool"):
            self.tracer.enrich_span(
                inputs=_as_object(arguments), metadata={"tool.call_id": call.id}
            )
            tool = self.tools.get(name)
            if tool is None:
                result: dict[str, Any] = {"error": f"no tool named {name}"}
            else:
                try:
                    result = tool.run(tool.arguments.model_validate_json(arguments))
                except ValidationError as exc:
                    result = {"error": f"invalid arguments: {exc.error_count()} error(s)"}
            self.tracer.enrich_span(outputs=result)
        return ToolRun(call.id, name, arguments, result)


def _as_object(arguments: str) -> dict[str, Any]:
    try:
        parsed = json.loads(arguments)
    except json.JSONDecodeError:
        return {"raw_arguments": arguments}
    return parsed if isinstance(parsed, dict) else {"value": parsed}
