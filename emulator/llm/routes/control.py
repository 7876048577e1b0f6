"""The control plane under ``/_control``: health (open), and per-key behaviour (token).

Every behaviour names the API key it applies to, so parallel scenarios, each with its own
key, never see each other's faults, latency, cuts or scripts.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator.llm.app_state import AppState, app_state
from emulator.llm.control_state import Cut, Fault, Latency, Script, ToolCallScript
from emulator.llm.errors import OpenAIError, invalid_param
from emulator.llm.requests.body import parse_json_object
from emulator.llm.routes.auth import require_control_token
from emulator.llm.settings import NATIVE_MODEL_NAME

router = APIRouter(prefix="/_control")

Count = Annotated[int, Field(ge=1)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    api_key: Annotated[str, Field(min_length=1)]


class KeyBody(_Body):
    pass


class FaultBody(_Body):
    status: Literal[401, 429, 500, 503]
    count: Count = 1
    #: seconds announced in retry-after / retry-after-ms (429 only)
    retry_after: Annotated[float, Field(ge=0, le=600)] = 1.0


class LatencyBody(_Body):
    ms: Annotated[int, Field(ge=0, le=600_000)]
    count: Count | None = None


class CutBody(_Body):
    after_chunks: Annotated[int, Field(ge=0)]
    count: Count = 1


class ToolCallBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: Annotated[str, Field(min_length=1)]
    arguments: str | dict[str, Any] = "{}"


class ScriptBody(_Body):
    reply: str | None = None
    match: str | None = None
    tool_calls: list[ToolCallBody] = []
    count: Count | None = None


B = TypeVar("B", bound=_Body)


async def _read(request: Request, model: type[B], *, registered: bool = True) -> tuple[AppState, B]:
    """How every route that changes behaviour starts: the token checked (403 before anything
    else), the body parsed strictly (400 naming the field), and the key known to the server
    (400), except where the route is the one that registers keys."""
    state = _guard(request)
    raw = parse_json_object(await request.body())
    try:
        body = model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        param = ".".join(str(p) for p in first["loc"]) or None
        raise invalid_param(param, f"Invalid control request: {param}: {first['msg']}") from None
    if registered and not state.control.is_registered(body.api_key):
        raise invalid_param("api_key", "Unknown api_key: register it with /_control/keys first.")
    return state, body


def _guard(request: Request) -> AppState:
    state = app_state(request)
    require_control_token(request, state.settings.control_token)
    return state


def _ok(status: int = 200, **fields: Any) -> JSONResponse:
    return JSONResponse({"ok": True, **fields}, status_code=status)


@router.get("/health")
async def health(request: Request) -> Response:
    state = app_state(request)
    if await state.llama.healthy():
        return JSONResponse({"status": "ok", "model": NATIVE_MODEL_NAME})
    return JSONResponse({"status": "unavailable", "model": NATIVE_MODEL_NAME}, status_code=503)


@router.get("/info")
async def info(request: Request) -> Response:
    """Where the wrapped llama.cpp server answers (for the benchmark) and the limits."""
    state = _guard(request)
    llama = state.llama.info
    return JSONResponse(
        {
            "model": NATIVE_MODEL_NAME,
            "model_path": str(llama.model_path),
            "load_seconds": round(llama.load_seconds, 3),
            "llama_url": llama.base_url,
            "llama_api_key": llama.api_key,
            "context_window": state.llama.context_window,
            "embedding_max_tokens": llama.embedding_batch,
            "embedding_dimensions": state.llama.n_embd,
            "chat_models": list(state.settings.chat_models),
            "embedding_models": list(state.settings.embedding_models),
        }
    )


@router.post("/keys")
async def register_key(request: Request) -> Response:
    state, body = await _read(request, KeyBody, registered=False)
    state.control.register(body.api_key)
    return _ok(201)


@router.post("/keys/revoke")
async def revoke_key(request: Request) -> Response:
    state, body = await _read(request, KeyBody, registered=False)
    return _ok(revoked=state.control.revoke(body.api_key))


@router.post("/faults")
async def add_fault(request: Request) -> Response:
    state, body = await _read(request, FaultBody)
    fault = Fault(status=body.status, remaining=body.count, retry_after=body.retry_after)
    state.control.add_fault(body.api_key, fault)
    return _ok(201)


@router.post("/latency")
async def set_latency(request: Request) -> Response:
    state, body = await _read(request, LatencyBody)
    latency = Latency(ms=body.ms, remaining=body.count) if body.ms > 0 else None
    state.control.set_latency(body.api_key, latency)
    return _ok()


@router.post("/cut")
async def set_cut(request: Request) -> Response:
    state, body = await _read(request, CutBody)
    state.control.set_cut(body.api_key, Cut(after_chunks=body.after_chunks, remaining=body.count))
    return _ok()


@router.post("/scripts")
async def add_script(request: Request) -> Response:
    state, body = await _read(request, ScriptBody)
    if body.reply is None and not body.tool_calls:
        raise invalid_param("reply", "A script needs a reply text or tool_calls.")
    calls = tuple(
        ToolCallScript(
            name=c.name,
            arguments=c.arguments if isinstance(c.arguments, str) else json.dumps(c.arguments),
        )
        for c in body.tool_calls
    )
    script = Script(reply=body.reply, match=body.match, tool_calls=calls, remaining=body.count)
    state.control.add_script(body.api_key, script)
    return _ok(201)


@router.post("/reset")
async def reset(request: Request) -> Response:
    state, body = await _read(request, KeyBody, registered=False)
    state.control.reset(body.api_key)
    return _ok()


@router.get("/requests")
async def requests_log(request: Request) -> Response:
    state = _guard(request)
    key = request.query_params.get("api_key")
    if not key:
        error: OpenAIError = invalid_param("api_key", "Missing query parameter: api_key.")
        raise error
    records = [r.as_dict() for r in state.control.requests(key)]
    return JSONResponse({"requests": records})
