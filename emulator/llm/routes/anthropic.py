"""``POST /v1/messages``: the Anthropic Messages API, plain JSON or Anthropic's server-sent
events, on the same gate (keys, faults, latency, request log) and engine as chat completions.

The key comes in ``x-api-key`` (or ``Authorization: Bearer``); ``anthropic-version`` is
required, as on Anthropic. Every error is answered in Anthropic's shape. The ``anthropic``
package (~0.8 s to import) is loaded on the first request, not at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from emulator.llm.app_state import AppState, app_state
from emulator.llm.blocks import block_events
from emulator.llm.errors import OpenAIError, invalid_param, server_error
from emulator.llm.replies import Delta, Prepared
from emulator.llm.routes.auth import KeyScheme, anthropic_key
from emulator.llm.routes.gate import Call, open_call, read_json
from emulator.llm.routes.served import SSE_HEADERS, Counted, answer, end_stream, record_whole
from emulator.llm.sse import StreamCut

router = APIRouter()
LOGGER = logging.getLogger("emulator.llm")


def _missing_key() -> OpenAIError:
    return OpenAIError(401, "x-api-key header is required", code="invalid_api_key")


def _invalid_key(_: str) -> OpenAIError:
    return OpenAIError(401, "invalid x-api-key", code="invalid_api_key")


ANTHROPIC_KEYS = KeyScheme(read=anthropic_key, missing=_missing_key, invalid=_invalid_key)


@router.post("/v1/messages")
async def messages(request: Request) -> Response:
    from emulator.llm import anthropic_replies as replies  # loaded on first use

    request_id = replies.new_request_id()
    try:
        return await _messages(request, request_id)
    except OpenAIError as error:
        return replies.error_response(error, request_id)
    except Exception:
        LOGGER.exception("unexpected error")
        return replies.error_response(server_error(), request_id)


async def _messages(request: Request, request_id: str) -> Response:
    from emulator.llm import anthropic_replies as replies
    from emulator.llm.requests.anthropic import parse_messages_request

    state = app_state(request)
    input_tokens = 0
    call = await open_call(request, state.control, scheme=ANTHROPIC_KEYS)
    try:
        if not request.headers.get("anthropic-version"):
            raise invalid_param(None, "anthropic-version: header is required", code=None)
        body = await read_json(request, call)
        chat = parse_messages_request(body)
        _check_model(state, chat.model)
        answered = await answer(state, call, chat)
        prepared = answered.prepared
        if answered.deltas is not None:
            counted = prepared.prompt_tokens
            if counted is None:  # message_start carries it, before llama.cpp has reported it
                counted = await state.llama.count_prompt_tokens(prepared.messages)
            input_tokens = counted
    except OpenAIError as error:
        raise call.fail(error) from None
    except Exception:
        call.record(500, error_code="internal_error")
        raise

    message_id = replies.new_message_id()
    headers = {"request-id": request_id}
    if answered.deltas is None:
        assert answered.completion is not None
        record_whole(call, prepared)
        message = replies.whole_message(answered.completion, prepared, message_id)
        return JSONResponse(message.model_dump(mode="json", exclude_unset=True), headers=headers)
    cut_after = state.control.take_cut(call.key)
    return StreamingResponse(
        _sse(prepared, answered.deltas, call, cut_after, message_id, input_tokens),
        media_type="text/event-stream",
        headers={**SSE_HEADERS, **headers},
    )


def _check_model(state: AppState, model: str) -> None:
    if model not in state.settings.chat_models:
        raise OpenAIError(404, f"model: {model}", param="model", code="model_not_found")


async def _sse(
    prepared: Prepared,
    deltas: AsyncIterator[Delta],
    call: Call,
    cut_after: int | None,
    message_id: str,
    input_tokens: int,
) -> AsyncIterator[bytes]:
    """message_start, ping, the content blocks (start, deltas, stop), message_delta with the
    stop reason and usage, message_stop. A cut stops after ``cut_after`` content deltas."""
    from emulator.llm import anthropic_replies as replies

    counted = Counted(cut_after)
    outcome = "cancelled"
    try:
        yield replies.start_event(prepared, message_id, input_tokens)
        yield replies.PING
        counted.opening()
        events = replies.stream_events(block_events(deltas), prepared, input_tokens)
        async for data in counted.events(events):
            yield data
        outcome = "done"
    except StreamCut:
        outcome = "cut"
        raise
    except OpenAIError as error:
        outcome = "error"
        yield replies.error_event(error)
    finally:
        await end_stream(call, prepared, deltas, outcome, counted.sent, input_tokens)
