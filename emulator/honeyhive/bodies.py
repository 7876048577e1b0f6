"""Reading request bodies: content type, JSON syntax and the route's model, each failing with a
4xx that says what is wrong."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from . import jsontext
from .errors import BadRequest, UnsupportedMediaType

M = TypeVar("M", bound=BaseModel)


async def parse(request: Request, model: type[M]) -> M:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise UnsupportedMediaType(
            f"content type {media or 'missing'!r} is not supported here; send application/json"
        )
    doc = jsontext.loads(await request.body())
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise BadRequest(describe(exc)) from exc


def describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "body"
        if err["type"] == "extra_forbidden":
            parts.append(f"{where}: unknown key")
        else:
            parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - 5
    return "invalid request body: " + "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with `$defs` inlined, for the OpenAPI document."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return dict(inline(schema))


def openapi_body(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema_of(model)}},
        }
    }
