"""The pieces of a chat reply, built from the ``openai`` SDK's own models so the shapes are
OpenAI's: usage, streamed deltas, chunks, finish reasons, logprobs."""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from openai.types import CompletionUsage
from openai.types.chat import ChatCompletionChunk
from openai.types.chat import chat_completion as cc
from openai.types.chat import chat_completion_chunk as ccc
from openai.types.chat.chat_completion_token_logprob import ChatCompletionTokenLogprob, TopLogprob
from openai.types.completion_usage import CompletionTokensDetails, PromptTokensDetails

from emulator.llm.control_state import Script
from emulator.llm.requests.chat import ChatRequest

FinishReason = Literal["stop", "length", "tool_calls", "content_filter", "function_call"]

SYSTEM_FINGERPRINT = "fp_smollm2q41"


def new_id(prefix: str, size: int = 29) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(size))


@dataclass
class Usage:
    """Token counts gathered while answering (also what the request log records)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    def model(self) -> CompletionUsage:
        return CompletionUsage(
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            total_tokens=self.prompt_tokens + self.completion_tokens,
            prompt_tokens_details=PromptTokensDetails(
                cached_tokens=self.cached_tokens, audio_tokens=0
            ),
            completion_tokens_details=CompletionTokensDetails(
                reasoning_tokens=0,
                audio_tokens=0,
                accepted_prediction_tokens=0,
                rejected_prediction_tokens=0,
            ),
        )


@dataclass(frozen=True)
class Delta:
    """One step of a streamed choice: text, tool calls, or its end."""

    index: int
    content: str | None = None
    finish_reason: FinishReason | None = None
    logprobs: cc.ChoiceLogprobs | None = None
    tool_calls: tuple[ccc.ChoiceDeltaToolCall, ...] = ()


@dataclass
class Prepared:
    """A checked request: token budget known, ready to answer."""

    request: ChatRequest
    max_tokens: int | None
    prompt_tokens: int | None
    script: Script | None = None
    #: the messages the model is given (with the tool instructions when tools are offered)
    messages: list[dict[str, Any]] = field(default_factory=list)
    #: the caller's cap on a text answer (``max_tokens`` is the generation budget, which a
    #: tool call may raise)
    answer_limit: int | None = None
    usage: Usage = field(default_factory=Usage)
    id: str = field(default_factory=lambda: new_id("chatcmpl-"))
    created: int = field(default_factory=lambda: int(time.time()))


def chunk_for(
    prepared: Prepared, delta: Delta | None, *, role: int | None = None
) -> ChatCompletionChunk:
    """The SDK chunk for one delta (or the opening role chunk of choice ``role``)."""
    if role is not None:
        choice = ccc.Choice(
            index=role,
            delta=ccc.ChoiceDelta(role="assistant", content="", refusal=None),
            logprobs=None,
            finish_reason=None,
        )
    else:
        assert delta is not None
        if delta.finish_reason is not None:
            choice_delta = ccc.ChoiceDelta()
        elif delta.tool_calls:
            choice_delta = ccc.ChoiceDelta(tool_calls=list(delta.tool_calls))
        else:
            choice_delta = ccc.ChoiceDelta(content=delta.content)
        logprobs = (
            ccc.ChoiceLogprobs(content=delta.logprobs.content, refusal=None)
            if delta.logprobs is not None
            else None
        )
        choice = ccc.Choice(
            index=delta.index,
            delta=choice_delta,
            logprobs=logprobs,
            finish_reason=delta.finish_reason,
        )
    chunk = ChatCompletionChunk(
        id=prepared.id,
        object="chat.completion.chunk",
        created=prepared.created,
        model=prepared.request.model,
        choices=[choice],
        service_tier="default",
        system_fingerprint=SYSTEM_FINGERPRINT,
    )
    if prepared.request.include_usage:
        chunk.usage = None
    return chunk


def usage_chunk(prepared: Prepared) -> ChatCompletionChunk:
    return ChatCompletionChunk(
        id=prepared.id,
        object="chat.completion.chunk",
        created=prepared.created,
        model=prepared.request.model,
        choices=[],
        service_tier="default",
        system_fingerprint=SYSTEM_FINGERPRINT,
        usage=prepared.usage.model(),
    )


def finish_reason(reason: Any) -> FinishReason:
    if reason in ("stop", "length", "tool_calls", "content_filter", "function_call"):
        return reason  # type: ignore[no-any-return]
    return "stop"


def logprobs_from(raw: Any) -> cc.ChoiceLogprobs | None:
    if not raw or not raw.get("content"):
        return None
    content = [
        ChatCompletionTokenLogprob(
            token=str(item.get("token", "")),
            bytes=item.get("bytes"),
            logprob=float(item.get("logprob", 0.0)),
            top_logprobs=[
                TopLogprob(
                    token=str(top.get("token", "")),
                    bytes=top.get("bytes"),
                    logprob=float(top.get("logprob", 0.0)),
                )
                for top in item.get("top_logprobs") or ()
            ],
        )
        for item in raw["content"]
    ]
    return cc.ChoiceLogprobs(content=content, refusal=None)
