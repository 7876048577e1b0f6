"""OpenAI Responses API replies, built with the ``openai`` package's own models
(``openai.types.responses``): the ``Response`` with its output items (``message``,
``function_call``), and its stream of typed events."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal

from openai.types.chat import ChatCompletion
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseIncompleteEvent,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseUsage,
)
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails
from pydantic import BaseModel

from emulator.llm.blocks import Block, BlockEvent, Closed, Finished, Opened, Piece, whole_blocks
from emulator.llm.errors import OpenAIError
from emulator.llm.replies import FinishReason, Prepared
from emulator.llm.requests.responses import ResponsesRequest

Status = Literal["completed", "incomplete", "in_progress"]
OutputItem = ResponseOutputMessage | ResponseFunctionToolCall


def _item_id(prefix: str) -> str:
    return prefix + secrets.token_hex(24)


@dataclass
class ReplyState:
    """One response being built: its id, creation time and output items so far."""

    request: ResponsesRequest
    prepared: Prepared
    id: str = field(default_factory=lambda: _item_id("resp_"))
    created_at: float = field(default_factory=lambda: float(int(time.time())))
    output: list[OutputItem] = field(default_factory=list)
    sequence: int = 0

    def next_sequence(self) -> int:
        number = self.sequence
        self.sequence += 1
        return number

    def response(self, status: Status, *, usage: bool = True) -> Response:
        request = self.request
        body: dict[str, Any] = {
            "id": self.id,
            "object": "response",
            "created_at": self.created_at,
            "model": request.chat.model,
            "status": status,
            "output": [item.model_dump(mode="json", exclude_unset=True) for item in self.output],
            "parallel_tool_calls": request.parallel_tool_calls,
            "tool_choice": request.tool_choice,
            "tools": [_echo_tool(t) for t in request.tools],
            "instructions": request.instructions,
            "temperature": request.chat.temperature
            if request.chat.temperature is not None
            else 1.0,
            "top_p": request.chat.top_p if request.chat.top_p is not None else 1.0,
            "max_output_tokens": request.max_output_tokens,
            "metadata": request.metadata,
            "text": {"format": request.text_format},
            "error": None,
            "incomplete_details": (
                {"reason": "max_output_tokens"} if status == "incomplete" else None
            ),
            "previous_response_id": None,
            "reasoning": {"effort": None, "summary": None},
            "service_tier": "default",
            "store": False,
            "truncation": "disabled",
            "background": False,
            "user": None,
        }
        if usage and status != "in_progress":
            body["usage"] = _usage(self.prepared).model_dump(mode="json")
        else:
            body["usage"] = None
        return Response.model_validate(body)


def _echo_tool(tool: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "name": tool["name"],
        "description": tool.get("description"),
        "parameters": tool.get("parameters"),
        "strict": tool.get("strict", True),
    }


def _usage(prepared: Prepared) -> ResponseUsage:
    usage = prepared.usage
    return ResponseUsage(
        input_tokens=usage.prompt_tokens,
        input_tokens_details=InputTokensDetails(
            cached_tokens=usage.cached_tokens, cache_write_tokens=0
        ),
        output_tokens=usage.completion_tokens,
        output_tokens_details=OutputTokensDetails(reasoning_tokens=0),
        total_tokens=usage.prompt_tokens + usage.completion_tokens,
    )


def _status(reason: FinishReason | None) -> Status:
    return "incomplete" if reason == "length" else "completed"


def _text_part(text: str) -> ResponseOutputText:
    return ResponseOutputText(type="output_text", text=text, annotations=[], logprobs=[])


def _message(item_id: str, text: str | None, status: Status) -> ResponseOutputMessage:
    content = [] if text is None else [_text_part(text)]
    return ResponseOutputMessage(
        id=item_id,
        type="message",
        role="assistant",
        status=status,
        content=content,  # type: ignore[arg-type]
    )


def _call(item_id: str, call_id: str, name: str, arguments: str, status: Status) -> OutputItem:
    return ResponseFunctionToolCall(
        id=item_id,
        type="function_call",
        call_id=call_id,
        name=name,
        arguments=arguments,
        status=status,
    )


def _item(block: Block, status: Status) -> OutputItem:
    if block.kind == "text":
        return _message(_item_id("msg_"), block.text, status)
    return _call(_item_id("fc_"), block.call_id, block.name, block.text, status)


def whole_response(completion: ChatCompletion, reply: ReplyState) -> Response:
    blocks, reason = whole_blocks(completion)
    status = _status(reason)
    reply.output = [_item(block, status) for block in blocks]
    return reply.response(status)


def sse(model: BaseModel) -> bytes:
    kind = getattr(model, "type", "message")
    return f"event: {kind}\ndata: ".encode() + model.model_dump_json().encode() + b"\n\n"


def opening_events(reply: ReplyState) -> list[bytes]:
    response = reply.response("in_progress")
    return [
        sse(
            ResponseCreatedEvent(
                type="response.created", response=response, sequence_number=reply.next_sequence()
            )
        ),
        sse(
            ResponseInProgressEvent(
                type="response.in_progress",
                response=response,
                sequence_number=reply.next_sequence(),
            )
        ),
    ]


async def stream_events(
    events: AsyncIterator[BlockEvent], reply: ReplyState
) -> AsyncIterator[tuple[bytes, bool]]:
    """(SSE bytes, whether it carries content) for each block event, ending with
    response.completed (or response.incomplete when max_output_tokens cut the reply)."""
    ids: dict[int, str] = {}
    seq = reply.next_sequence
    async for item in events:
        if isinstance(item, Opened):
            if item.kind == "text":
                item_id = ids[item.index] = _item_id("msg_")
                yield (
                    sse(
                        ResponseOutputItemAddedEvent(
                            type="response.output_item.added",
                            item=_message(item_id, None, "in_progress"),
                            output_index=item.index,
                            sequence_number=seq(),
                        )
                    ),
                    False,
                )
                yield (
                    sse(
                        ResponseContentPartAddedEvent(
                            type="response.content_part.added",
                            item_id=item_id,
                            output_index=item.index,
                            content_index=0,
                            part=_text_part(""),
                            sequence_number=seq(),
                        )
                    ),
                    False,
                )
            else:
                item_id = ids[item.index] = _item_id("fc_")
                yield (
                    sse(
                        ResponseOutputItemAddedEvent(
                            type="response.output_item.added",
                            item=_call(item_id, item.call_id, item.name, "", "in_progress"),
                            output_index=item.index,
                            sequence_number=seq(),
                        )
                    ),
                    False,
                )
        elif isinstance(item, Piece):
            item_id = ids[item.index]
            piece: BaseModel = (
                ResponseTextDeltaEvent(
                    type="response.output_text.delta",
                    item_id=item_id,
                    output_index=item.index,
                    content_index=0,
                    delta=item.text,
                    logprobs=[],
                    sequence_number=seq(),
                )
                if item.kind == "text"
                else ResponseFunctionCallArgumentsDeltaEvent(
                    type="response.function_call_arguments.delta",
                    item_id=item_id,
                    output_index=item.index,
                    delta=item.text,
                    sequence_number=seq(),
                )
            )
            yield sse(piece), True
        elif isinstance(item, Closed):
            item_id = ids[item.index]
            status = _status(item.reason)
            if item.kind == "text":
                done: OutputItem = _message(item_id, item.text, status)
                yield (
                    sse(
                        ResponseTextDoneEvent(
                            type="response.output_text.done",
                            item_id=item_id,
                            output_index=item.index,
                            content_index=0,
                            text=item.text,
                            logprobs=[],
                            sequence_number=seq(),
                        )
                    ),
                    False,
                )
                yield (
                    sse(
                        ResponseContentPartDoneEvent(
                            type="response.content_part.done",
                            item_id=item_id,
                            output_index=item.index,
                            content_index=0,
                            part=_text_part(item.text),
                            sequence_number=seq(),
                        )
                    ),
                    False,
                )
            else:
                done = _call(item_id, item.call_id, item.name, item.text, status)
                yield (
                    sse(
                        ResponseFunctionCallArgumentsDoneEvent(
                            type="response.function_call_arguments.done",
                            item_id=item_id,
                            output_index=item.index,
                            arguments=item.text,
                            sequence_number=seq(),
                        )
                    ),
                    False,
                )
            reply.output.append(done)
            yield (
                sse(
                    ResponseOutputItemDoneEvent(
                        type="response.output_item.done",
                        item=done,
                        output_index=item.index,
                        sequence_number=seq(),
                    )
                ),
                False,
            )
        elif isinstance(item, Finished):
            status = _status(item.reason)
            response = reply.response(status)
            final: BaseModel = (
                ResponseIncompleteEvent(
                    type="response.incomplete", response=response, sequence_number=seq()
                )
                if status == "incomplete"
                else ResponseCompletedEvent(
                    type="response.completed", response=response, sequence_number=seq()
                )
            )
            yield sse(final), False


def error_event(error: OpenAIError, reply: ReplyState) -> bytes:
    body = {
        "type": "error",
        "code": error.code,
        "message": error.message,
        "param": error.param,
        "sequence_number": reply.next_sequence(),
    }
    return b"event: error\ndata: " + json.dumps(body).encode() + b"\n\n"
