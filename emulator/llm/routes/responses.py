"""``POST /v1/responses``: the OpenAI Responses API (what the OpenAI Agents SDK calls by
default), plain JSON or its typed server-sent events, on the same gate (keys, faults,
latency, request log) and engine as chat completions. Errors are OpenAI's, as on every
``/v1`` route."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from emulator.llm.app_state import app_state
from emulator.llm.blocks import block_events
from emulator.llm.errors import OpenAIError
from emulator.llm.replies import Delta
from emulator.llm.requests.responses import parse_responses_request
from emulator.llm.responses_replies import (
    ReplyState,
    error_event,
    opening_events,
    stream_events,
    whole_response,
)
from emulator.llm.routes.chat import check_chat_model
from emulator.llm.routes.gate import Call, open_call, read_json
from emulator.llm.sse import StreamCut

router = APIRouter()

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


@router.post("/v1/responses")
async def responses(request: Request) -> Response:
    state = app_state(request)
    call = await open_call(request, state.control)
    try:
        body = await read_json(request, call)
        parsed = parse_responses_request(body)
        chat = parsed.chat
        check_chat_model(state, chat.model)
        script = state.control.take_script(call.key, chat.last_user_message)
        call.scripted = script is not None
        prepared = await state.engine.prepare(chat, script)
        reply = ReplyState(parsed, prepared)
        if not chat.stream:
            completion = await state.engine.complete(prepared)
        else:
            deltas = await state.engine.stream(prepared)
    except OpenAIError as error:
        raise call.fail(error) from None
    except Exception:
        call.record(500, error_code="internal_error")
        raise

    if not chat.stream:
        usage = prepared.usage
        call.record(
            200, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens
        )
        response = whole_response(completion, reply)
        return JSONResponse(response.model_dump(mode="json", exclude_unset=True))
    cut_after = state.control.take_cut(call.key)
    return StreamingResponse(
        _sse(reply, deltas, call, cut_after), media_type="text/event-stream", headers=SSE_HEADERS
    )


async def _sse(
    reply: ReplyState, deltas: AsyncIterator[Delta], call: Call, cut_after: int | None
) -> AsyncIterator[bytes]:
    """response.created, response.in_progress, per output item its added / delta / done
    events, then response.completed (or .incomplete) with usage. A cut stops after
    ``cut_after`` delta events."""
    prepared = reply.prepared
    sent = 0
    outcome = "cancelled"
    try:
        for opening in opening_events(reply):
            yield opening
        if cut_after == 0:
            raise StreamCut
        async for data, content in stream_events(block_events(deltas), reply):
            yield data
            if content:
                sent += 1
                if cut_after is not None and sent >= cut_after:
                    raise StreamCut
        outcome = "done"
    except StreamCut:
        outcome = "cut"
        raise
    except OpenAIError as error:
        outcome = "error"
        yield error_event(error, reply)
    finally:
        with anyio.CancelScope(shield=True):
            closer = getattr(deltas, "aclose", None)
            if closer is not None:
                await closer()
        usage = prepared.usage
        call.record(
            200 if outcome != "error" else 500,
            prompt_tokens=usage.prompt_tokens or prepared.prompt_tokens,
            completion_tokens=usage.completion_tokens or sent,
            cut=outcome == "cut",
            error_code=None if outcome in ("done", "cut") else outcome,
        )
