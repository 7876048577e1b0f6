"""``POST /v1/embeddings``: mean-pooled SmolLM2 vectors, as floats or base64."""

from __future__ import annotations

import base64
import math
import struct

from fastapi import APIRouter
from openai.types import CreateEmbeddingResponse, Embedding
from openai.types.create_embedding_response import Usage
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulator.llm.app_state import AppState, app_state
from emulator.llm.errors import (
    OpenAIError,
    input_too_long,
    invalid_param,
    model_not_found,
    not_an_embedding_model,
)
from emulator.llm.requests.embeddings import EmbeddingRequest, parse_embedding_request
from emulator.llm.routes.gate import open_call, read_json
from emulator.llm.settings import MODELS_WITH_DIMENSIONS_PREFIX

router = APIRouter()


@router.post("/v1/embeddings")
async def embeddings(request: Request) -> Response:
    state = app_state(request)
    call = await open_call(request, state.control)
    try:
        body = await read_json(request, call)
        parsed = parse_embedding_request(body)
        _check_model(state, parsed)
        await _check_lengths(state, parsed)
        reply = await state.llama.embeddings(parsed.inputs)
    except OpenAIError as error:
        raise call.fail(error) from None
    except Exception:
        call.record(500, error_code="internal_error")
        raise

    rows = sorted(reply["data"], key=lambda row: int(row["index"]))
    data: list[Embedding] = []
    for position, row in enumerate(rows):
        vector = [float(x) for x in row["embedding"]]
        if parsed.dimensions is not None:
            vector = _shorten(vector, parsed.dimensions)
        if parsed.encoding_format == "base64":
            packed = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
            # The SDK model types `embedding` as floats; base64 replies carry a string.
            data.append(
                Embedding.model_construct(embedding=packed, index=position, object="embedding")
            )
        else:
            data.append(Embedding(embedding=vector, index=position, object="embedding"))
    tokens = int((reply.get("usage") or {}).get("prompt_tokens", 0))
    response = CreateEmbeddingResponse(
        data=data,
        model=parsed.model,
        object="list",
        usage=Usage(prompt_tokens=tokens, total_tokens=tokens),
    )
    call.record(200, prompt_tokens=tokens, completion_tokens=0)
    return JSONResponse(response.model_dump(mode="json", warnings=False))


def _check_model(state: AppState, parsed: EmbeddingRequest) -> None:
    model = parsed.model
    if model not in state.settings.embedding_models:
        if model in state.settings.chat_models:
            raise not_an_embedding_model(model)
        raise model_not_found(model)
    if parsed.dimensions is None:
        return
    if not model.startswith(MODELS_WITH_DIMENSIONS_PREFIX):
        raise invalid_param(
            "dimensions", "This model does not support specifying dimensions.", code=None
        )
    if parsed.dimensions > state.llama.n_embd:
        raise invalid_param(
            "dimensions",
            f"Invalid 'dimensions': integer above maximum value. Expected a value <= "
            f"{state.llama.n_embd}, but got {parsed.dimensions} instead.",
            code="integer_above_max_value",
        )


async def _check_lengths(state: AppState, parsed: EmbeddingRequest) -> None:
    """Each input must fit llama.cpp's batch; token ids must exist in SmolLM2's vocabulary."""
    limit = state.llama.info.embedding_batch
    items: list[str | list[int]] = list(parsed.inputs)
    for position, item in enumerate(items):
        param = "input" if len(parsed.inputs) == 1 else f"input[{position}]"
        if isinstance(item, str):
            # A token holds at least one byte: only long texts need the tokenizer.
            if len(item.encode()) <= limit:
                continue
            count = len(await state.llama.tokenize(item))
        else:
            bad = [t for t in item if not 0 <= t < state.llama.n_vocab]
            if bad:
                raise invalid_param(
                    param,
                    f"Invalid token id {bad[0]}: this model's vocabulary has "
                    f"{state.llama.n_vocab} tokens.",
                )
            count = len(item)
        if count > limit:
            raise input_too_long(limit, count, param)


def _shorten(vector: list[float], dimensions: int) -> list[float]:
    """OpenAI's ``dimensions``: keep the first values and scale back to unit length."""
    head = vector[:dimensions]
    norm = math.sqrt(sum(x * x for x in head)) or 1.0
    return [x / norm for x in head]
