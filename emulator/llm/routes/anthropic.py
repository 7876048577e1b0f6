"""``POST /v1/messages``: the Anthropic Messages API, plain JSON or Anthropic's server-sent
events, on the same gate (keys, faults, latency, request log) and engine as chat completions.

The key comes in ``x-api-key`` (or ``Authorization: Bearer``); ``anthropic-version`` is
required, as on Anthropic. Every error is answered in Anthropic's shape. The ``anthropic``
package (~0.8 s to import) is loaded on the first request, not at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import anyio
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from emulator.llm.app_state import AppState, app_state
from emulator.llm.blocks import block_events
from emulator.llm.errors import OpenAIError, invalid_param, server_error
from emulator.llm.replies import Delta, Prepared
from emulator.llm.routes.auth import KeyScheme, anthropic_key
from emulator.llm.routes.gate import Call, open_call, read_json
from emulator.llm.sse import StreamCut

router = APIRouter()
LOGGER = logging.getLogger("emulator.llm")

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


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
        script = state.control.take_script(call.key, chat.last_user_message)
        call.scripted = script is not None
        prepared = await state.engine.prepare(chat, script)
        if not chat.stream:
            completion = await state.engine.complete(prepared)
        else:
            counted = prepared.prompt_tokens
            if counted is None:  # message_start carries it, before llama.cpp has reported it
                counted = await state.llama.count_prompt_tokens(prepared.messages)
            input_tokens = counted
            deltas = await state.engine.stream(prepared)
    except OpenAIError as error:
        raise call.fail(error) from None
    except Exception:
        call.record(500, error_code="internal_error")
        raise

    message_id = replies.new_message_id()
    headers = {"request-id": request_id}
    if not chat.stream:
        usage = prepared.usage
        call.record(
            200, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens
        )
        message = replies.whole_message(completion, prepared, message_id)
        return JSONResponse(message.model_dump(mode="json", exclude_unset=True), headers=headers)
    cut_after = state.control.take_cut(call.key)
    return StreamingResponse(
        _sse(prepared, deltas, call, cut_after, message_id, input_tokens),
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

    sent = 0
    outcome = "cancelled"
    try:
        yield replies.start_event(prepared, message_id, input_tokens)
        yield replies.PING
        if cut_after == 0:
            raise StreamCut
        async for data, content in replies.stream_events(
            block_events(deltas), prepared, input_tokens
        ):
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
        yield replies.error_event(error)
    finally:
        with anyio.CancelScope(shield=True):
            closer = getattr(deltas, "aclose", None)
            if closer is not None:
                await closer()
        usage = prepared.usage
        call.record(
            200 if outcome != "error" else 500,
            prompt_tokens=usage.prompt_tokens or input_tokens,
            completion_tokens=usage.completion_tokens or sent,
            cut=outcome == "cut",
            error_code=None if outcome in ("done", "cut") else outcome,
        )
