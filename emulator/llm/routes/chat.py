"""``POST /v1/chat/completions``: plain JSON or server-sent events."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from emulator.llm.app_state import AppState, app_state
from emulator.llm.errors import OpenAIError, model_not_found, not_a_chat_model
from emulator.llm.replies import Delta, Prepared, chunk_for, usage_chunk
from emulator.llm.requests.chat import parse_chat_request
from emulator.llm.routes.gate import Call, open_call, read_json
from emulator.llm.routes.served import SSE_HEADERS, answer, end_stream, record_whole
from emulator.llm.sse import DONE, StreamCut, event

router = APIRouter()


@router.post("/v1/chat/completions")
async def chat_completions(request: Request) -> Response:
    state = app_state(request)
    call = await open_call(request, state.control)
    try:
        body = await read_json(request, call)
        chat = parse_chat_request(body)
        check_chat_model(state, chat.model)
        answered = await answer(state, call, chat)
    except OpenAIError as error:
        raise call.fail(error) from None
    except Exception:
        call.record(500, error_code="internal_error")
        raise

    prepared = answered.prepared
    if answered.deltas is None:
        assert answered.completion is not None
        record_whole(call, prepared)
        return JSONResponse(answered.completion.model_dump(mode="json", exclude_unset=True))
    cut_after = state.control.take_cut(call.key)
    return StreamingResponse(
        _sse(prepared, answered.deltas, call, cut_after),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )


def check_chat_model(state: AppState, model: str) -> None:
    if model in state.settings.chat_models:
        return
    if model in state.settings.embedding_models:
        raise not_a_chat_model(model)
    raise model_not_found(model)


async def _sse(
    prepared: Prepared, deltas: AsyncIterator[Delta], call: Call, cut_after: int | None
) -> AsyncIterator[bytes]:
    """OpenAI's event sequence: a role chunk per choice, content chunks, a finish chunk per
    choice, the usage chunk when asked for, then ``[DONE]``. A cut stops after
    ``cut_after`` content chunks and drops the connection."""
    sent = 0
    outcome = "cancelled"
    try:
        for index in range(prepared.request.n):
            yield event(chunk_for(prepared, None, role=index))
        if cut_after == 0:
            raise StreamCut
        async for delta in deltas:
            yield event(chunk_for(prepared, delta))
            if delta.finish_reason is None:
                sent += 1
                if cut_after is not None and sent >= cut_after:
                    raise StreamCut
        if prepared.request.include_usage:
            yield event(usage_chunk(prepared))
        yield DONE
        outcome = "done"
    except StreamCut:
        outcome = "cut"
        raise
    except OpenAIError as error:
        # Too late for an HTTP status: OpenAI sends the error as an event.
        outcome = "error"
        yield b"event: error\ndata: " + _json_bytes(error) + b"\n\n"
    finally:
        await end_stream(call, prepared, deltas, outcome, sent, prepared.prompt_tokens)


def _json_bytes(error: OpenAIError) -> bytes:
    return json.dumps(error.body()).encode()
