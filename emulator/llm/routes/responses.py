"""``POST /v1/responses``: the OpenAI Responses API (what the OpenAI Agents SDK calls by
default), plain JSON or its typed server-sent events, on the same gate (keys, faults,
latency, request log) and engine as chat completions. Errors are OpenAI's, as on every
``/v1`` route."""

from __future__ import annotations

from collections.abc import AsyncIterator

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
from emulator.llm.routes.served import SSE_HEADERS, Counted, answer, end_stream, record_whole
from emulator.llm.sse import StreamCut

router = APIRouter()


@router.post("/v1/responses")
async def responses(request: Request) -> Response:
    state = app_state(request)
    call = await open_call(request, state.control)
    try:
        body = await read_json(request, call)
        parsed = parse_responses_request(body)
        chat = parsed.chat
        check_chat_model(state, chat.model)
        answered = await answer(state, call, chat)
        reply = ReplyState(parsed, answered.prepared)
    except OpenAIError as error:
        raise call.fail(error) from None
    except Exception:
        call.record(500, error_code="internal_error")
        raise

    if answered.deltas is None:
        assert answered.completion is not None
        record_whole(call, answered.prepared)
        response = whole_response(answered.completion, reply)
        return JSONResponse(response.model_dump(mode="json", exclude_unset=True))
    cut_after = state.control.take_cut(call.key)
    return StreamingResponse(
        _sse(reply, answered.deltas, call, cut_after),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )


async def _sse(
    reply: ReplyState, deltas: AsyncIterator[Delta], call: Call, cut_after: int | None
) -> AsyncIterator[bytes]:
    """response.created, response.in_progress, per output item its added / delta / done
    events, then response.completed (or .incomplete) with usage. A cut stops after
    ``cut_after`` delta events."""
    prepared = reply.prepared
    counted = Counted(cut_after)
    outcome = "cancelled"
    try:
        for opening in opening_events(reply):
            yield opening
        counted.opening()
        async for data in counted.events(stream_events(block_events(deltas), reply)):
            yield data
        outcome = "done"
    except StreamCut:
        outcome = "cut"
        raise
    except OpenAIError as error:
        outcome = "error"
        yield error_event(error, reply)
    finally:
        await end_stream(call, prepared, deltas, outcome, counted.sent, prepared.prompt_tokens)
