"""The reply side of function calling: the model's constrained JSON read as far as it goes
(tolerant of a cut-off end, so a stream can hand out the call's name as soon as it is written
and its arguments as they are generated), then OpenAI's shapes - a whole choice, or stream
deltas."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

from openai.types.chat import ChatCompletionMessage
from openai.types.chat import chat_completion as cc
from openai.types.chat import chat_completion_chunk as ccc
from openai.types.chat.chat_completion_message_function_tool_call import (
    ChatCompletionMessageFunctionToolCall,
    Function,
)

from emulator.llm.replies import Delta, FinishReason, finish_reason, new_id

_WS = " \t\n\r"


# --- reading the model's JSON -----------------------------------------------------------
@dataclass
class ToolReply:
    """What the model's (possibly partial) JSON reply says so far."""

    kind: Literal["call", "response"] | None = None
    name: str | None = None
    arguments: str = ""
    complete: bool = False
    content: str = ""

    @property
    def is_call(self) -> bool:
        return self.kind == "call" and self.name is not None


def read_reply(text: str) -> ToolReply:
    """Read the reply as far as it goes. ``arguments`` is the model's own JSON text of the
    arguments object (a prefix while it is still being generated)."""
    reply = ToolReply()
    scan = _Scan(text)
    if not scan.take("{"):
        return reply
    key = scan.key()
    if key == "response":
        reply.kind = "response"
        if scan.at('"'):
            reply.content, reply.complete = scan.string()
        return reply
    if key != "tool_call" or not scan.take("{"):
        return reply
    reply.kind = "call"
    while (inner := scan.key()) is not None:
        if inner == "name" and scan.at('"'):
            name, closed = scan.string()
            if not closed:
                return reply
            reply.name = name
        elif inner == "arguments" and scan.at("{"):
            start = scan.i
            reply.complete = scan.skip_value()
            reply.arguments = text[start : scan.i]
            if not reply.complete:
                return reply
        else:
            return reply
        if not scan.take(","):
            break
    return reply


@dataclass
class ReplyReader:
    """Reads a streamed reply piece by piece and says what is new: text of a ``response``,
    the start of a call (its name), more of its arguments."""

    text: str = ""
    sent_content: int = 0
    sent_arguments: int = 0
    call_started: bool = False
    reply: ToolReply = field(default_factory=ToolReply)

    def feed(self, piece: str) -> tuple[str, bool, str]:
        """(new answer text, whether the call's name just became known, new argument text)."""
        self.text += piece
        self.reply = read_reply(self.text)
        content = ""
        started = False
        arguments = ""
        if self.reply.kind == "response":
            content = self.reply.content[self.sent_content :]
            self.sent_content = len(self.reply.content)
        elif self.reply.is_call:
            if not self.call_started:
                self.call_started = started = True
            arguments = self.reply.arguments[self.sent_arguments :]
            self.sent_arguments = len(self.reply.arguments)
        return content, started, arguments


class _Scan:
    """Just enough of a JSON reader for the constrained reply, tolerant of a cut-off end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def _ws(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in _WS:
            self.i += 1

    def at(self, char: str) -> bool:
        self._ws()
        return self.i < len(self.text) and self.text[self.i] == char

    def take(self, char: str) -> bool:
        if self.at(char):
            self.i += 1
            return True
        return False

    def key(self) -> str | None:
        if not self.at('"'):
            return None
        name, closed = self.string()
        return name if closed and self.take(":") else None

    def string(self) -> tuple[str, bool]:
        """The decoded string at the cursor (a prefix when it is cut off) and whether it ended."""
        start = self.i + 1
        j = start
        text = self.text
        while j < len(text):
            char = text[j]
            if char == '"':
                self.i = j + 1
                return _decode(text[start:j]), True
            if char == "\\":
                size = 6 if text[j + 1 : j + 2] == "u" else 2
                if j + size > len(text):
                    break
                j += size
                continue
            j += 1
        self.i = j
        return _decode(text[start:j]), False

    def skip_value(self) -> bool:
        """Move past the object or array at the cursor; False when it is cut off."""
        depth = 0
        text = self.text
        while self.i < len(text):
            char = text[self.i]
            if char == '"':
                _, closed = self.string()
                if not closed:
                    return False
                continue
            if char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return True
            self.i += 1
        return False


def _decode(raw: str) -> str:
    try:
        decoded: str = json.loads(f'"{raw}"')
    except json.JSONDecodeError:
        return ""
    if decoded and "\ud800" <= decoded[-1] <= "\udbff":
        decoded = decoded[:-1]  # half of a surrogate pair: the rest is still to come
    return decoded


# --- OpenAI's shapes --------------------------------------------------------------------
def _finish(reply: ToolReply, reported: object) -> FinishReason:
    """``tool_calls`` once the call's arguments are complete and ``stop`` once the answer's
    text is (the budget may run out on the closing braces and whitespace of the JSON around
    them, which the caller never sees); otherwise what the model reported (``length``)."""
    if reply.complete and reply.is_call:
        return "tool_calls"
    if reply.complete and reply.kind == "response":
        return "stop"
    return finish_reason(reported)


def tool_choice(index: int, reply: ToolReply, reported: object) -> cc.Choice:
    """One choice of a whole reply: the call (content null) or the answer's text."""
    message = ChatCompletionMessage(
        role="assistant",
        content=None if reply.is_call else reply.content,
        refusal=None,
        annotations=[],
    )
    if reply.is_call:
        assert reply.name is not None
        message.tool_calls = [
            ChatCompletionMessageFunctionToolCall(
                id=new_id("call_", 24),
                type="function",
                function=Function(name=reply.name, arguments=reply.arguments),
            )
        ]
    return cc.Choice(
        index=index, message=message, finish_reason=_finish(reply, reported), logprobs=None
    )


async def tool_deltas(
    pieces: AsyncIterator[tuple[str, str | None]], index: int
) -> AsyncIterator[Delta]:
    """Deltas of one streamed choice from the generated (text, finish reason) pieces."""
    reader = ReplyReader()
    call_id = new_id("call_", 24)
    async for text, reported in pieces:
        if text:
            content, started, arguments = reader.feed(text)
            if content:
                yield Delta(index=index, content=content)
            if started:
                head = ccc.ChoiceDeltaToolCall(
                    index=0,
                    id=call_id,
                    type="function",
                    function=ccc.ChoiceDeltaToolCallFunction(name=reader.reply.name, arguments=""),
                )
                yield Delta(index=index, tool_calls=(head,))
            if arguments:
                more = ccc.ChoiceDeltaToolCall(
                    index=0, function=ccc.ChoiceDeltaToolCallFunction(arguments=arguments)
                )
                yield Delta(index=index, tool_calls=(more,))
        if reported:
            yield Delta(index=index, finish_reason=_finish(reader.reply, reported))
