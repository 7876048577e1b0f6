"""Generated tool-call replies as OpenAI shapes: a whole choice, or stream deltas that hand out
the call's name as soon as the model has written it and its arguments as they are generated."""

from __future__ import annotations

from collections.abc import AsyncIterator

from openai.types.chat import ChatCompletionMessage
from openai.types.chat import chat_completion as cc
from openai.types.chat import chat_completion_chunk as ccc
from openai.types.chat.chat_completion_message_function_tool_call import (
    ChatCompletionMessageFunctionToolCall,
    Function,
)

from emulator.llm.replies import Delta, FinishReason, finish_reason, new_id
from emulator.llm.tools import ReplyReader, ToolReply


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
