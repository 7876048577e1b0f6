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
from emulator.llm.routes.auth import require_control_token
from emulator.llm.settings import NATIVE_MODEL_NAME
from emulator.llm.validation import parse_json_object

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


async def _body(request: Request, model: type[B]) -> B:
    raw = parse_json_object(await request.body())
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        param = ".".join(str(p) for p in first["loc"]) or None
        raise invalid_param(param, f"Invalid control request: {param}: {first['msg']}") from None


def _guard(request: Request) -> AppState:
    svc = app_state(request)
    require_control_token(request, svc.settings.control_token)
    return svc


def _ok(status: int = 200, **fields: Any) -> JSONResponse:
    return JSONResponse({"ok": True, **fields}, status_code=status)


def _known(svc: AppState, key: str) -> None:
    if not svc.control.is_registered(key):
        raise invalid_param("api_key", "Unknown api_key: register it with /_control/keys first.")


@router.get("/health")
async def health(request: Request) -> Response:
    svc = app_state(request)
    if await svc.llama.healthy():
        return JSONResponse({"status": "ok", "model": NATIVE_MODEL_NAME})
    return JSONResponse({"status": "unavailable", "model": NATIVE_MODEL_NAME}, status_code=503)


@router.get("/info")
async def info(request: Request) -> Response:
    """Where the wrapped llama.cpp server answers (for the benchmark) and the limits."""
    svc = _guard(request)
    llama = svc.llama.info
    return JSONResponse(
        {
            "model": NATIVE_MODEL_NAME,
            "model_path": str(llama.model_path),
            "load_seconds": round(llama.load_seconds, 3),
            "llama_url": llama.base_url,
            "llama_api_key": llama.api_key,
            "context_window": svc.llama.context_window,
            "embedding_max_tokens": llama.embedding_batch,
            "embedding_dimensions": svc.llama.n_embd,
            "chat_models": list(svc.settings.chat_models),
            "embedding_models": list(svc.settings.embedding_models),
        }
    )


@router.post("/keys")
async def register_key(request: Request) -> Response:
    svc = _guard(request)
    body = await _body(request, KeyBody)
    svc.control.register(body.api_key)
    return _ok(201)


@router.post("/keys/revoke")
async def revoke_key(request: Request) -> Response:
    svc = _guard(request)
    body = await _body(request, KeyBody)
    return _ok(revoked=svc.control.revoke(body.api_key))


@router.post("/faults")
async def add_fault(request: Request) -> Response:
    svc = _guard(request)
    body = await _body(request, FaultBody)
    _known(svc, body.api_key)
    fault = Fault(status=body.status, remaining=body.count, retry_after=body.retry_after)
    svc.control.add_fault(body.api_key, fault)
    return _ok(201)


@router.post("/latency")
async def set_latency(request: Request) -> Response:
    svc = _guard(request)
    body = await _body(request, LatencyBody)
    _known(svc, body.api_key)
    latency = Latency(ms=body.ms, remaining=body.count) if body.ms > 0 else None
    svc.control.set_latency(body.api_key, latency)
    return _ok()


@router.post("/cut")
async def set_cut(request: Request) -> Response:
    svc = _guard(request)
    body = await _body(request, CutBody)
    _known(svc, body.api_key)
    svc.control.set_cut(body.api_key, Cut(after_chunks=body.after_chunks, remaining=body.count))
    return _ok()


@router.post("/scripts")
async def add_script(request: Request) -> Response:
    svc = _guard(request)
    body = await _body(request, ScriptBody)
    _known(svc, body.api_key)
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
    svc.control.add_script(body.api_key, script)
    return _ok(201)


@router.post("/reset")
async def reset(request: Request) -> Response:
    svc = _guard(request)
    body = await _body(request, KeyBody)
    svc.control.reset(body.api_key)
    return _ok()


@router.get("/requests")
async def requests_log(request: Request) -> Response:
    svc = _guard(request)
    key = request.query_params.get("api_key")
    if not key:
        error: OpenAIError = invalid_param("api_key", "Missing query parameter: api_key.")
        raise error
    records = [r.as_dict() for r in svc.control.requests(key)]
    return JSONResponse({"requests": records})
