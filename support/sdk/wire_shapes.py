"""The three model APIs the frameworks call, read off the wire into one shape.

OpenAI's chat completions (`/v1/chat/completions`), OpenAI's Responses API (`/v1/responses`,
what the OpenAI Agents SDK calls) and Anthropic's Messages API (`/v1/messages`) each carry the
conversation, the reply, the tool calls and the token counts under their own keys. This module
turns a request body into the messages as sent (role, content) and a reply body — whole or as
server-sent events — into the reply text, the tool calls, the usage and the finish reason, so
`model_traffic` records every framework's calls the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

CHAT, RESPONSES, MESSAGES, EMBEDDINGS = "chat.completions", "responses", "messages", "embeddings"


def endpoint_of(path: str) -> str:
    for suffix, name in (
        ("/chat/completions", CHAT),
        ("/embeddings", EMBEDDINGS),
        ("/responses", RESPONSES),
        ("/messages", MESSAGES),
    ):
        if path.endswith(suffix):
            return name
    return path.rsplit("/v1/", 1)[-1]


def _text(content: Any) -> Any:
    """A content that is a list of text parts, as one string; anything else as it is."""
    if isinstance(content, list):
        texts = [
            p.get("text")
            for p in content
            if isinstance(p, dict) and p.get("type") in ("text", "input_text", "output_text")
        ]
        if texts and len(texts) == len(content):
            return "".join(str(t) for t in texts)
    return content


def _anthropic_message(message: dict[str, Any]) -> list[dict[str, Any]]:
    """An Anthropic turn in OpenAI's shape: a turn of `tool_use` blocks is the assistant's tool
    calls (no text), a turn of `tool_result` blocks is one tool message per result."""
    content = message.get("content")
    blocks = [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []
    if blocks and all(b.get("type") == "tool_result" for b in blocks):
        return [
            {
                "role": "tool",
                "tool_call_id": b.get("tool_use_id"),
                "content": _text(b.get("content")),
            }
            for b in blocks
        ]
    if blocks and all(b.get("type") == "tool_use" for b in blocks):
        return [{**message, "content": None, "tool_calls": blocks}]
    return [{**message, "content": _text(content)}]


def sent_messages(endpoint: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The conversation the request carried, each message a dict with its role and content
    (system instructions first, as the API places them)."""
    if endpoint == EMBEDDINGS:
        return [{"role": "user", "content": body.get("input")}]
    if endpoint == MESSAGES:
        system = body.get("system")
        out = [{"role": "system", "content": _text(system)}] if system else []
        for m in body.get("messages") or ():
            if isinstance(m, dict):
                out += _anthropic_message(m)
        return out
    if endpoint == RESPONSES:
        instructions = body.get("instructions")
        head = [{"role": "system", "content": instructions}] if instructions else []
        items = body.get("input")
        if isinstance(items, str):
            return [*head, {"role": "user", "content": items}]
        out = []
        for item in items or ():
            if not isinstance(item, dict):
                continue
            kind = item.get("type", "message")
            if kind == "message":
                out.append({**item, "content": _text(item.get("content"))})
            elif kind == "function_call":  # the model's tool call, given back
                out.append({"role": "assistant", "content": None, "tool_calls": [dict(item)]})
            elif kind == "function_call_output":  # the tool's result
                out.append(
                    {
                        "role": "tool",
                        "tool_call_id": item.get("call_id"),
                        "content": item.get("output"),
                        "type": kind,
                        "output": item.get("output"),
                    }
                )
            else:
                out.append(dict(item))
        return head + out
    return [m for m in body.get("messages") or () if isinstance(m, dict)]


@dataclass(frozen=True)
class Call:
    call_id: str
    name: str
    arguments: str


@dataclass
class Answer:
    reply: str | None = None
    calls: list[Call] = field(default_factory=list)
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None


def answer_of(endpoint: str, body: dict[str, Any]) -> Answer:
    """A whole (not streamed) reply body of a successful call."""
    if endpoint == MESSAGES:
        blocks = [b for b in body.get("content") or () if isinstance(b, dict)]
        usage = body.get("usage") or {}
        return Answer(
            reply="".join(str(b.get("text", "")) for b in blocks if b.get("type") == "text"),
            calls=[
                Call(str(b.get("id", "")), str(b.get("name")), json.dumps(b.get("input") or {}))
                for b in blocks
                if b.get("type") == "tool_use"
            ],
            prompt_tokens=usage.get("input_tokens"),
            completion_tokens=usage.get("output_tokens"),
            finish_reason=body.get("stop_reason"),
        )
    if endpoint == RESPONSES:
        items = [i for i in body.get("output") or () if isinstance(i, dict)]
        usage = body.get("usage") or {}
        texts = [
            str(part.get("text", ""))
            for item in items
            if item.get("type") == "message"
            for part in item.get("content") or ()
            if isinstance(part, dict) and part.get("type") == "output_text"
        ]
        return Answer(
            reply="".join(texts),
            calls=[
                Call(str(i.get("call_id", "")), str(i.get("name")), str(i.get("arguments") or ""))
                for i in items
                if i.get("type") == "function_call"
            ],
            prompt_tokens=usage.get("input_tokens"),
            completion_tokens=usage.get("output_tokens"),
            finish_reason=body.get("status"),
        )
    usage = body.get("usage") or {}
    choice = (body.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    return Answer(
        reply=message.get("content"),
        calls=[
            Call(
                str(c.get("id", "")),
                str((c.get("function") or {}).get("name")),
                str((c.get("function") or {}).get("arguments") or ""),
            )
            for c in message.get("tool_calls") or ()
        ],
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        finish_reason=choice.get("finish_reason"),
    )


def error_message(body: Any) -> str | None:
    """OpenAI's `{"error": {"message"}}` and Anthropic's `{"type": "error", "error": {...}}`."""
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return str(message) if message else None


@dataclass
class StreamFold:
    """The events of a streamed reply, folded as the application reads them."""

    endpoint: str
    text: list[str] = field(default_factory=list)
    calls: dict[int, dict[str, str]] = field(default_factory=dict)
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish: str | None = None
    done: bool = False

    def event(self, event: dict[str, Any]) -> None:
        if self.endpoint == MESSAGES:
            self._anthropic(event)
        elif self.endpoint == RESPONSES:
            self._responses(event)
        else:
            self._chat(event)

    def _chat(self, event: dict[str, Any]) -> None:
        usage = event.get("usage") or {}
        if usage:
            self.prompt_tokens = usage.get("prompt_tokens")
            self.completion_tokens = usage.get("completion_tokens")
        for choice in event.get("choices") or ():
            delta = choice.get("delta") or {}
            if delta.get("content"):
                self.text.append(delta["content"])
            for call in delta.get("tool_calls") or ():
                into = self.calls.setdefault(int(call.get("index", 0)), {"arguments": ""})
                function = call.get("function") or {}
                into["id"] = call.get("id") or into.get("id", "")
                into["name"] = function.get("name") or into.get("name", "")
                into["arguments"] += function.get("arguments") or ""
            self.finish = choice.get("finish_reason") or self.finish

    def _anthropic(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "message_start":
            usage = (event.get("message") or {}).get("usage") or {}
            self.prompt_tokens = usage.get("input_tokens", self.prompt_tokens)
        elif kind == "content_block_start":
            block = event.get("content_block") or {}
            if block.get("type") == "tool_use":
                self.calls[int(event.get("index", 0))] = {
                    "id": str(block.get("id", "")),
                    "name": str(block.get("name", "")),
                    "arguments": "",
                }
        elif kind == "content_block_delta":
            delta = event.get("delta") or {}
            if delta.get("type") == "text_delta":
                self.text.append(str(delta.get("text", "")))
            elif delta.get("type") == "input_json_delta":
                into = self.calls.setdefault(int(event.get("index", 0)), {"arguments": ""})
                into["arguments"] += str(delta.get("partial_json", ""))
        elif kind == "message_delta":
            usage = event.get("usage") or {}
            self.completion_tokens = usage.get("output_tokens", self.completion_tokens)
            self.prompt_tokens = usage.get("input_tokens") or self.prompt_tokens
            self.finish = (event.get("delta") or {}).get("stop_reason") or self.finish
        elif kind == "message_stop":
            self.done = True

    def _responses(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "response.output_text.delta":
            self.text.append(str(event.get("delta", "")))
        elif kind == "response.completed":
            whole = answer_of(RESPONSES, event.get("response") or {})
            self.calls = {
                i: {"id": c.call_id, "name": c.name, "arguments": c.arguments}
                for i, c in enumerate(whole.calls)
            }
            self.prompt_tokens = whole.prompt_tokens
            self.completion_tokens = whole.completion_tokens
            self.finish = whole.finish_reason
            self.done = True

    @property
    def reply(self) -> str:
        return "".join(self.text)
