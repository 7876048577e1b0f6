"""The described application calling the model through the Anthropic SDK: the application's
steps are its own code traced by HoneyHive (as in the plain application), and every model call
is an Anthropic Messages call (`client.messages.create`, plain or streamed), with `tool_use`
and `tool_result` blocks when the model is to call a tool. The Anthropic SDK is imported only
here.
"""

from __future__ import annotations

import json
from typing import Any

import anthropic

from support.app.model_calls import Completion
from support.app.pipeline import (
    TOOL_CALL_TOKENS,
    TOOL_PARAMETERS,
    Pipeline,
    PipelineError,
    RequestRun,
    tool_description,
)


class AnthropicApp(Pipeline):
    def model_errors(self) -> tuple[type[Exception], ...]:
        return (anthropic.APIError,)

    def anthropic_client(self) -> anthropic.Anthropic:
        endpoint = self.endpoint
        if endpoint is None:
            raise PipelineError("an Anthropic application needs the model's endpoint")
        return anthropic.Anthropic(
            base_url=endpoint.root_url,
            api_key=endpoint.api_key,
            http_client=endpoint.http_client(),
            max_retries=self.settings.retries,
        )

    def _ask(
        self, messages: list[dict[str, Any]], *, stream: bool = False, **params: Any
    ) -> Completion:
        client = self.anthropic_client()
        request: dict[str, Any] = {
            "model": self.model,
            "max_tokens": params.pop("max_tokens", self.settings.max_tokens),
            "messages": messages,
            **params,
        }
        if not stream:
            reply = client.messages.create(**request)
            text = "".join(b.text for b in reply.content if b.type == "text")
            return Completion(text, reply.usage.input_tokens, reply.usage.output_tokens, 1, ())
        with client.messages.stream(**request) as events:
            text = "".join(events.text_stream)
            final = events.get_final_message()
        return Completion(text, final.usage.input_tokens, final.usage.output_tokens, 1, ())

    def _ask_with_tool(self, tool: str, question: str, run: RequestRun, parent: str) -> str:
        client = self.anthropic_client()
        messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
        request: dict[str, Any] = {
            "model": self.model,
            "max_tokens": TOOL_CALL_TOKENS,
            "messages": messages,
            "tools": [
                {
                    "name": tool,
                    "description": tool_description(tool),
                    "input_schema": TOOL_PARAMETERS,
                }
            ],
            "tool_choice": {"type": "tool", "name": tool},
        }
        first = client.messages.create(**request)
        uses = [b for b in first.content if b.type == "tool_use"]
        if not uses:
            return "".join(b.text for b in first.content if b.type == "text")
        messages.append({"role": "assistant", "content": [b.model_dump() for b in first.content]})
        results = []
        for use in uses:
            arguments = use.input if isinstance(use.input, dict) else {"query": use.input}
            result = self._traced_tool(use.name, arguments, use.id, run, parent)
            results.append(
                {"type": "tool_result", "tool_use_id": use.id, "content": json.dumps(result)}
            )
        messages.append({"role": "user", "content": results})
        return self._ask(messages).text


def _tool(name: str) -> dict[str, Any]:
    return {"name": name, "description": tool_description(name), "input_schema": TOOL_PARAMETERS}
