"""Anthropic Messages API replies, built with the ``anthropic`` package's own models: the
``Message``, its SSE event sequence and the error shape
``{"type": "error", "error": {"type", "message"}}``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any, Literal

from anthropic.types import (
    InputJSONDelta,
    Message,
    MessageDeltaUsage,
    RawContentBlockDeltaEvent,
    RawContentBlockStartEvent,
    RawContentBlockStopEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    RawMessageStopEvent,
    TextBlock,
    TextDelta,
    ToolUseBlock,
    Usage,
)
from anthropic.types.raw_message_delta_event import Delta as MessageDelta
from openai.types.chat import ChatCompletion
from pydantic import BaseModel
from starlette.responses import JSONResponse

from emulator.llm.blocks import BlockEvent, Closed, Finished, Opened, Piece, whole_blocks
from emulator.llm.errors import OpenAIError
from emulator.llm.replies import FinishReason, Prepared, new_id

StopReason = Literal["end_turn", "max_tokens", "stop_sequence", "tool_use"]

#: Anthropic's error type for each status (its SDK maps the status to its classes).
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def anthropic_status(error: OpenAIError) -> int:
    """Anthropic says "overloaded" with 529, where the OpenAI routes answer 503."""
    return 529 if error.status == 503 else error.status


def error_body(error: OpenAIError) -> dict[str, Any]:
    status = anthropic_status(error)
    kind = ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
    return {"type": "error", "error": {"type": kind, "message": error.message}}


def error_response(error: OpenAIError, request_id: str) -> JSONResponse:
    body = {**error_body(error), "request_id": request_id}
    headers = {**error.headers, "request-id": request_id}
    return JSONResponse(body, status_code=anthropic_status(error), headers=headers)


def stop_reason(reason: FinishReason) -> StopReason:
    if reason == "length":
        return "max_tokens"
    if reason in ("tool_calls", "function_call"):
        return "tool_use"
    return "end_turn"


def tool_use_id(call_id: str) -> str:
    """Anthropic's ``toolu_...`` id for the engine's ``call_...`` id."""
    return "toolu_" + call_id.removeprefix("call_")


def _usage(prepared: Prepared, input_tokens: int | None = None) -> Usage:
    usage = prepared.usage
    return Usage(
        input_tokens=input_tokens if input_tokens is not None else usage.prompt_tokens,
        output_tokens=usage.completion_tokens,
        cache_creation_input_tokens=0,
        cache_read_input_tokens=0,
    )


def _input(arguments: str) -> dict[str, Any]:
    try:
        parsed = json.loads(arguments) if arguments else {}
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def whole_message(completion: ChatCompletion, prepared: Prepared, message_id: str) -> Message:
    blocks, reason = whole_blocks(completion)
    content: list[TextBlock | ToolUseBlock] = []
    for block in blocks:
        if block.kind == "text":
            content.append(TextBlock(type="text", text=block.text))
        else:
            content.append(
                ToolUseBlock(
                    type="tool_use",
                    id=tool_use_id(block.call_id),
                    name=block.name,
                    input=_input(block.text),
                )
            )
    return Message(
        id=message_id,
        type="message",
        role="assistant",
        model=prepared.request.model,
        content=content,  # type: ignore[arg-type]
        stop_reason=stop_reason(reason),
        stop_sequence=None,
        usage=_usage(prepared),
    )


def new_message_id() -> str:
    return new_id("msg_01", 22)


def new_request_id() -> str:
    return new_id("req_01", 22)


def sse(model: BaseModel) -> bytes:
    kind = getattr(model, "type", "message")
    return f"event: {kind}\ndata: ".encode() + model.model_dump_json().encode() + b"\n\n"


PING = b'event: ping\ndata: {"type": "ping"}\n\n'


def start_event(prepared: Prepared, message_id: str, input_tokens: int) -> bytes:
    message = Message(
        id=message_id,
        type="message",
        role="assistant",
        model=prepared.request.model,
        content=[],
        stop_reason=None,
        stop_sequence=None,
        usage=Usage(
            input_tokens=input_tokens,
            output_tokens=1,
            cache_creation_input_tokens=0,
            cache_read_input_tokens=0,
        ),
    )
    return sse(RawMessageStartEvent(type="message_start", message=message))


async def stream_events(
    events: AsyncIterator[BlockEvent], prepared: Prepared, input_tokens: int
) -> AsyncIterator[tuple[bytes, bool]]:
    """(SSE bytes, whether it carries content) for each block event, then message_delta
    and message_stop."""
    async for item in events:
        if isinstance(item, Opened):
            block: TextBlock | ToolUseBlock = (
                TextBlock(type="text", text="")
                if item.kind == "text"
                else ToolUseBlock(
                    type="tool_use", id=tool_use_id(item.call_id), name=item.name, input={}
                )
            )
            start = RawContentBlockStartEvent(
                type="content_block_start",
                index=item.index,
                content_block=block,
            )
            yield sse(start), False
        elif isinstance(item, Piece):
            delta: TextDelta | InputJSONDelta = (
                TextDelta(type="text_delta", text=item.text)
                if item.kind == "text"
                else InputJSONDelta(type="input_json_delta", partial_json=item.text)
            )
            yield (
                sse(
                    RawContentBlockDeltaEvent(
                        type="content_block_delta", index=item.index, delta=delta
                    )
                ),
                True,
            )
        elif isinstance(item, Closed):
            yield sse(RawContentBlockStopEvent(type="content_block_stop", index=item.index)), False
        elif isinstance(item, Finished):
            end = RawMessageDeltaEvent(
                type="message_delta",
                delta=MessageDelta(stop_reason=stop_reason(item.reason), stop_sequence=None),
                usage=MessageDeltaUsage(
                    input_tokens=input_tokens,
                    output_tokens=prepared.usage.completion_tokens,
                    cache_creation_input_tokens=0,
                    cache_read_input_tokens=0,
                ),
            )
            yield sse(end), False
            yield sse(RawMessageStopEvent(type="message_stop")), False


def error_event(error: OpenAIError) -> bytes:
    return b"event: error\ndata: " + json.dumps(error_body(error)).encode() + b"\n\n"
