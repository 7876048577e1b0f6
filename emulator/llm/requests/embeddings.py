"""``POST /v1/embeddings`` requests: ``input`` as a string, strings, token ids or lists of them,
checked with the SDK's ``EmbeddingCreateParams``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openai.types import embedding_create_params
from pydantic import TypeAdapter, ValidationError

from emulator.llm.errors import invalid_param
from emulator.llm.requests.body import JSON, json_type
from emulator.llm.requests.params import int_range, reject_unknown, validate

_EMBEDDING_PARAMS = TypeAdapter(embedding_create_params.EmbeddingCreateParams)
# The SDK types `input` with lazy Iterables, which cannot fall back from list[int] to
# list[list[int]]: the same union, eager.
_EMBEDDING_INPUT = TypeAdapter(str | list[str] | list[int] | list[list[int]])

EMBEDDING_KEYS = frozenset(embedding_create_params.EmbeddingCreateParams.__annotations__)
MAX_EMBEDDING_INPUTS = 2048


@dataclass(frozen=True)
class EmbeddingRequest:
    model: str
    inputs: list[str] | list[list[int]]
    encoding_format: str = "float"
    dimensions: int | None = None


def parse_embedding_request(body: JSON) -> EmbeddingRequest:
    reject_unknown(body, EMBEDDING_KEYS)
    # `input` is checked on its own (see _EMBEDDING_INPUT); a stand-in keeps it "present".
    stand_in = {**body, "input": ""} if "input" in body else body
    params = validate(_EMBEDDING_PARAMS, stand_in)
    try:
        inputs_any: Any = _EMBEDDING_INPUT.validate_python(body["input"], strict=True)
    except ValidationError:
        raise invalid_param(
            "input",
            "Invalid type for 'input': expected a string, an array of strings, an array of "
            f"integers or an array of integer arrays, but got {json_type(body['input'])}.",
            code="invalid_type",
        ) from None
    model = params["model"]
    if not model:
        raise invalid_param("model", "you must provide a model parameter", code=None)

    inputs: list[str] | list[list[int]]
    if isinstance(inputs_any, str):
        inputs = [inputs_any]
    elif inputs_any and all(isinstance(x, int) for x in inputs_any):
        inputs = [[int(x) for x in inputs_any]]
    else:
        inputs = inputs_any
    if not inputs or any(len(x) == 0 for x in inputs):
        raise invalid_param(
            "input", "'$.input' is invalid: it must be a non-empty string or array.", code=None
        )
    if len(inputs) > MAX_EMBEDDING_INPUTS:
        raise invalid_param(
            "input",
            f"Invalid 'input': maximum {MAX_EMBEDDING_INPUTS} inputs per request.",
            code="array_above_max_length",
        )
    dimensions = int_range(params, "dimensions", 1, None)
    return EmbeddingRequest(
        model=model,
        inputs=inputs,
        encoding_format=params.get("encoding_format") or "float",
        dimensions=dimensions,
    )
