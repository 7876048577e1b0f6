"""``GET /v1/models`` and ``GET /v1/models/{model}``: the accepted names, all one SmolLM2."""

from __future__ import annotations

from fastapi import APIRouter
from openai.types import Model
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator.llm.app_state import AppState, app_state
from emulator.llm.errors import OpenAIError, model_not_found
from emulator.llm.routes.gate import open_call

router = APIRouter()

#: a fixed creation time, so listings are stable between runs
CREATED = 1_700_000_000


def _models(state: AppState) -> list[Model]:
    names = dict.fromkeys([*state.settings.chat_models, *state.settings.embedding_models])
    return [Model(id=name, created=CREATED, object="model", owned_by="system") for name in names]


@router.get("/v1/models")
async def list_models(request: Request) -> Response:
    state = app_state(request)
    call = await open_call(request, state.control, faults=False)
    call.record(200)
    data = [m.model_dump(mode="json", exclude_none=True) for m in _models(state)]
    return JSONResponse({"object": "list", "data": data})


@router.get("/v1/models/{model:path}")
async def retrieve_model(model: str, request: Request) -> Response:
    state = app_state(request)
    call = await open_call(request, state.control, faults=False)
    call.model = model
    for known in _models(state):
        if known.id == model:
            call.record(200)
            return JSONResponse(known.model_dump(mode="json", exclude_none=True))
    error: OpenAIError = model_not_found(model)
    raise call.fail(error)
