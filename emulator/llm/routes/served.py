"""What every model route does after the gate, whatever API it speaks: the scripted reply or
the engine's, whole or streamed, and the request log entry a whole reply or a stream leaves.

Chat completions, the Responses API and Anthropic's Messages API each parse their body into the
engine's `ChatRequest` and shape the answer their own way; the rest is this module's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
from openai.types.chat import ChatCompletion

from emulator.llm.app_state import AppState
from emulator.llm.replies import Delta, Prepared
from emulator.llm.requests.chat import ChatRequest
from emulator.llm.routes.gate import Call
from emulator.llm.sse import StreamCut

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


@dataclass
class Answer:
    """The engine's answer to one request: whole (`completion`) or to stream (`deltas`)."""

    prepared: Prepared
    completion: ChatCompletion | None = None
    deltas: AsyncIterator[Delta] | None = None


async def answer(state: AppState, call: Call, chat: ChatRequest) -> Answer:
    """The key's next scripted reply for this message, else the model's; whole or streamed."""
    script = state.control.take_script(call.key, chat.last_user_message)
    call.scripted = script is not None
    prepared = await state.engine.prepare(chat, script)
    if chat.stream:
        return Answer(prepared, deltas=await state.engine.stream(prepared))
    return Answer(prepared, completion=await state.engine.complete(prepared))


def record_whole(call: Call, prepared: Prepared) -> None:
    usage = prepared.usage
    call.record(200, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens)


async def end_stream(
    call: Call,
    prepared: Prepared,
    deltas: AsyncIterator[Delta],
    outcome: str,
    sent: int,
    prompt_tokens: int | None,
) -> None:
    """Close the engine's stream (shielded: the client may be gone) and log how it ended:
    done, cut, error or cancelled, with the tokens counted so far."""
    with anyio.CancelScope(shield=True):
        closer = getattr(deltas, "aclose", None)
        if closer is not None:
            await closer()
    usage = prepared.usage
    call.record(
        200 if outcome != "error" else 500,
        prompt_tokens=usage.prompt_tokens or prompt_tokens,
        completion_tokens=usage.completion_tokens or sent,
        cut=outcome == "cut",
        error_code=None if outcome in ("done", "cut") else outcome,
    )


class Counted:
    """Events of a stream, each marked whether it carries content; a cut after `cut_after`
    content events drops the connection (`StreamCut`). `sent` is how many went out."""

    def __init__(self, cut_after: int | None) -> None:
        self.cut_after, self.sent = cut_after, 0

    def opening(self) -> None:
        if self.cut_after == 0:
            raise StreamCut

    async def events(self, events: AsyncIterator[tuple[bytes, bool]]) -> AsyncIterator[bytes]:
        async for data, content in events:
            yield data
            if content:
                self.sent += 1
                if self.cut_after is not None and self.sent >= self.cut_after:
                    raise StreamCut
