"""Each closed set of names has one source, a `Literal`, whose tuple the validators use; the
request schemas and the emulator's OpenAPI document (what schemathesis fuzzes) carry exactly
that set as their enum."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from emulator.honeyhive.app import Settings, create_app
from emulator.honeyhive.event_fields import EVENT_TYPES
from emulator.honeyhive.faults import FAULT_GROUPS
from emulator.honeyhive.query import OPERATORS, TYPES
from emulator.honeyhive.schemas.control import FaultSpec
from emulator.honeyhive.schemas.events import EventFields
from emulator.honeyhive.schemas.metrics import MetricFilter

OPENAPI = create_app(Settings()).openapi()


def _body_schema(method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = OPENAPI["paths"][path][method]["requestBody"]["content"]
    return dict(found["application/json"]["schema"])


def _enum(node: Any, model: type[BaseModel], key: str) -> list[Any]:
    """The enum of `key` in the (sub)schema of `model`, wherever it sits in the document: the
    object schema whose properties are the model's fields."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict) and set(props) == set(model.model_fields):
            return list(props[key].get("enum", []))
        children: list[Any] = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return []
    for child in children:
        found = _enum(child, model, key)
        if found:
            return found
    return []


@pytest.mark.parametrize(
    ("model", "key", "names", "method", "path"),
    [
        (MetricFilter, "operator", OPERATORS, "post", "/v1/metrics"),
        (MetricFilter, "type", TYPES, "post", "/v1/metrics"),
        (EventFields, "event_type", EVENT_TYPES, "post", "/events"),
        (FaultSpec, "route", FAULT_GROUPS, "put", "/_control/faults"),
    ],
)
def test_the_schema_enum_is_the_one_source(
    model: type[BaseModel], key: str, names: tuple[str, ...], method: str, path: str
) -> None:
    assert _enum(model.model_json_schema(), model, key) == list(names)
    assert _enum(_body_schema(method, path), model, key) == list(names)


def test_the_query_operators_are_the_ones_honeyhive_documents() -> None:
    assert OPERATORS == (
        "exists",
        "not exists",
        "is",
        "is not",
        "contains",
        "not contains",
        "greater than",
        "less than",
        "after",
        "before",
    )
