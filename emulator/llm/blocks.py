"""A chat reply as a list of content blocks - text, or a function call - whole or as stream
events. The Anthropic Messages and OpenAI Responses routes both describe a reply this way
(content blocks / output items); this is their common reading of the chat engine's output
(one choice)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

from openai.types.chat import ChatCompletion, ChatCompletionMessageFunctionToolCall

from emulator.llm.replies import Delta, FinishReason


@dataclass(frozen=True)
class Block:
    """One block of a whole reply."""

    kind: Literal["text", "call"]
    text: str = ""
    call_id: str = ""
    name: str = ""


def whole_blocks(completion: ChatCompletion) -> tuple[list[Block], FinishReason]:
    """The first choice's text or calls, and why it ended."""
    choice = completion.choices[0]
    message = choice.message
    calls = [
        c for c in message.tool_calls or () if isinstance(c, ChatCompletionMessageFunctionToolCall)
    ]
    blocks = [Block("call", c.function.arguments, c.id, c.function.name) for c in calls]
    if message.content or not blocks:
        blocks.insert(0, Block("text", message.content or ""))
    return blocks, choice.finish_reason


@dataclass(frozen=True)
class Opened:
    index: int
    kind: Literal["text", "call"]
    call_id: str = ""
    name: str = ""


@dataclass(frozen=True)
class Piece:
    """More text of a text block, or more argument JSON of a call."""

    index: int
    kind: Literal["text", "call"]
    text: str


@dataclass(frozen=True)
class Closed:
    index: int
    kind: Literal["text", "call"]
    #: the block's whole text (or argument JSON)
    text: str
    call_id: str = ""
    name: str = ""
    #: why the reply ended, when it ended with this block
    reason: FinishReason | None = None


@dataclass(frozen=True)
class Finished:
    reason: FinishReason


BlockEvent = Opened | Piece | Closed | Finished


async def block_events(deltas: AsyncIterator[Delta]) -> AsyncIterator[BlockEvent]:
    """The deltas of choice 0 as blocks opened, filled and closed, then the finish (once the
    deltas are exhausted, so the usage they carry is complete). A reply with nothing in it
    still has one (empty) text block."""
    current: Opened | None = None
    text = ""
    count = 0
    finished: FinishReason | None = None
    async for delta in deltas:
        if delta.index != 0 or finished is not None:
            continue
        for call in delta.tool_calls:
            if call.id is not None:  # the head of a new call
                if current is not None:
                    yield Closed(current.index, current.kind, text, current.call_id, current.name)
                name = call.function.name if call.function and call.function.name else ""
                current = Opened(count, "call", call.id, name)
                count += 1
                text = ""
                yield current
            arguments = call.function.arguments if call.function else None
            if arguments and current is not None:
                text += arguments
                yield Piece(current.index, "call", arguments)
        if delta.content:
            if current is None or current.kind != "text":
                if current is not None:
                    yield Closed(current.index, current.kind, text, current.call_id, current.name)
                current = Opened(count, "text")
                count += 1
                text = ""
                yield current
            text += delta.content
            yield Piece(current.index, "text", delta.content)
        if delta.finish_reason is not None:
            if current is None:
                current = Opened(count, "text")
                yield current
            reason = delta.finish_reason
            yield Closed(current.index, current.kind, text, current.call_id, current.name, reason)
            finished = reason
    if finished is not None:
        yield Finished(finished)
