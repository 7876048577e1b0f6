"""Scripted replies: a fixed text (or tool calls) set per key through the control plane,
answered with real token counts from the model's tokenizer."""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator
from dataclasses import dataclass

from openai.types.chat import ChatCompletionMessage
from openai.types.chat import chat_completion as cc
from openai.types.chat import chat_completion_chunk as ccc
from openai.types.chat.chat_completion_message_function_tool_call import (
    ChatCompletionMessageFunctionToolCall,
    Function,
)

from emulator.llm.llama.client import LlamaClient
from emulator.llm.replies import Delta, FinishReason, Prepared, new_id


@dataclass(frozen=True)
class ScriptedCall:
    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class ScriptedReply:
    text: str | None
    pieces: tuple[bytes, ...]
    finish_reason: FinishReason
    tool_calls: tuple[ScriptedCall, ...] = ()


async def scripted_reply(llama: LlamaClient, prepared: Prepared) -> ScriptedReply:
    """The script's text cut by ``stop`` and ``max_tokens``, counted by the tokenizer."""
    script = prepared.script
    assert script is not None
    request = prepared.request
    usage = prepared.usage
    usage.prompt_tokens = prepared.prompt_tokens or 0
    if script.tool_calls:
        calls = tuple(
            ScriptedCall(new_id("call_", 24), c.name, c.arguments) for c in script.tool_calls
        )
        tokens = 0
        for call in calls:
            tokens += len(await llama.tokenize(call.name + call.arguments))
        usage.completion_tokens = tokens * request.n
        return ScriptedReply(text=None, pieces=(), finish_reason="tool_calls", tool_calls=calls)

    text = script.reply or ""
    pieces = await llama.tokenize_pieces(text) if text else []
    finish: FinishReason = "stop"
    cut_at = min((i for s in request.stop if (i := text.find(s)) >= 0), default=-1)
    if cut_at >= 0:
        pieces = await llama.tokenize_pieces(text[:cut_at]) if cut_at else []
    limit = prepared.max_tokens
    if limit is not None and len(pieces) > limit:
        pieces = pieces[:limit]
        finish = "length"
    final = b"".join(pieces).decode("utf-8", errors="ignore")
    usage.completion_tokens = len(pieces) * request.n
    return ScriptedReply(text=final, pieces=tuple(pieces), finish_reason=finish)


def scripted_choices(reply: ScriptedReply, n: int) -> list[cc.Choice]:
    """``n`` identical choices carrying the scripted text or tool calls."""
    message = ChatCompletionMessage(
        role="assistant",
        content=reply.text if not reply.tool_calls else None,
        refusal=None,
        annotations=[],
    )
    if reply.tool_calls:
        message.tool_calls = [
            ChatCompletionMessageFunctionToolCall(
                id=call.id,
                type="function",
                function=Function(name=call.name, arguments=call.arguments),
            )
            for call in reply.tool_calls
        ]
    return [
        cc.Choice(index=i, message=message, finish_reason=reply.finish_reason, logprobs=None)
        for i in range(n)
    ]


async def scripted_deltas(reply: ScriptedReply, index: int) -> AsyncIterator[Delta]:
    """A scripted reply streamed one token at a time (whole UTF-8 characters only)."""
    if reply.tool_calls:
        for position, call in enumerate(reply.tool_calls):
            head = ccc.ChoiceDeltaToolCall(
                index=position,
                id=call.id,
                type="function",
                function=ccc.ChoiceDeltaToolCallFunction(name=call.name, arguments=""),
            )
            body = ccc.ChoiceDeltaToolCall(
                index=position,
                function=ccc.ChoiceDeltaToolCallFunction(arguments=call.arguments),
            )
            yield Delta(index=index, tool_calls=(head,))
            yield Delta(index=index, tool_calls=(body,))
    else:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
        for piece in reply.pieces:
            text = decoder.decode(piece)
            if text:
                yield Delta(index=index, content=text)
        tail = decoder.decode(b"", final=True)
        if tail:
            yield Delta(index=index, content=tail)
    yield Delta(index=index, finish_reason=reply.finish_reason)
