"""The described application calling the model through LiteLLM: the application's steps are its
own code traced by HoneyHive (as in the plain application), and every model call is a
`litellm.completion` (`openai/<model>` against the model's base URL), plain, streamed or with a
tool the model is to call — LiteLLM's own OpenAI-compatible request and reply shapes.

LiteLLM fetches its model cost map from the internet when imported, and retries for seconds when
it cannot: `LITELLM_LOCAL_MODEL_COST_MAP` makes it read the copy it ships. LiteLLM is imported
only here.
"""

from __future__ import annotations

import json
import os
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm
import openai

from support.app.model_calls import Completion
from support.app.pipeline import (
    TOOL_CALL_TOKENS,
    Pipeline,
    PipelineError,
    RequestRun,
    parse_arguments,
    tool_schema,
)


class LiteLLMApp(Pipeline):
    def _call(self, **params: Any) -> Any:
        endpoint = self.endpoint
        if endpoint is None:
            raise PipelineError("a LiteLLM application needs the model's endpoint")
        client = openai.OpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,
            http_client=endpoint.http_client(),
            max_retries=0,
        )
        return litellm.completion(
            model=f"openai/{self.model}",
            api_base=endpoint.base_url,
            api_key=endpoint.api_key,
            client=client,
            num_retries=self.settings.retries,
            temperature=self.settings.temperature,
            **params,
        )

    def _ask(
        self, messages: list[dict[str, Any]], *, stream: bool = False, **params: Any
    ) -> Completion:
        params.setdefault("max_tokens", self.settings.max_tokens)
        if not stream:
            reply = self._call(messages=messages, **params)
            usage = reply.usage
            text = reply.choices[0].message.content or ""
            return Completion(text, usage.prompt_tokens, usage.completion_tokens, 1, ())
        parts: list[str] = []
        for chunk in self._call(
            messages=messages, stream=True, stream_options={"include_usage": True}, **params
        ):
            if chunk.choices and chunk.choices[0].delta.content:
                parts.append(chunk.choices[0].delta.content)
        return Completion("".join(parts), 0, 0, 1, ())

    def _ask_with_tool(self, tool: str, question: str, run: RequestRun, parent: str) -> str:
        messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
        reply = self._call(
            messages=messages,
            tools=[tool_schema(tool)],
            tool_choice={"type": "function", "function": {"name": tool}},
            max_tokens=TOOL_CALL_TOKENS,
        )
        message = reply.choices[0].message
        calls = list(message.tool_calls or [])
        if not calls:
            return str(message.content or "")
        messages.append(
            {
                "role": "assistant",
                "content": message.content,
                "tool_calls": [
                    {
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.function.name, "arguments": c.function.arguments},
                    }
                    for c in calls
                ],
            }
        )
        for call in calls:
            result = self._traced_tool(
                call.function.name, parse_arguments(call.function.arguments), call.id, run, parent
            )
            messages.append(
                {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)}
            )
        return self._ask(messages).text
