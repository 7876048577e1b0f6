"""No request body makes the emulator answer 5xx, and nothing accepted poisons later reads: a
generated body either gets a 4xx that says why, or is stored and the project stays readable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .api import OTLP_PATH, Emulator, Tenant, error_of

FIELDS = [
    "event_id", "session_id", "event_name", "event_type", "error", "start_time", "duration",
    "children_ids", "parent_id", "metadata", "metadata.a", "metadata.a.0", "inputs.q",
    "children_ids.0", "colour", "", ".", "metadata.",
]  # fmt: skip
OPERATORS = [
    "is", "is not", "contains", "not contains", "exists", "not exists", "greater than",
    "less than", "after", "before", "like",
]  # fmt: skip
TYPES = ["string", "number", "boolean", "datetime", "id", None]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
    st.sampled_from(["2025-01-01T00:00:00Z", "2025-01-01", "1735689600000", "nan", "\x00"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def loose(keys: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with some of the known keys (plausible or wild values) and maybe a stray one."""
    return st.fixed_dictionaries(
        {},
        optional={
            **{k: st.one_of(v, json_values) for k, v in keys.items()},
            "stray": json_values,
        },
    )


filters = loose(
    {
        "field": st.sampled_from(FIELDS),
        "operator": st.sampled_from(OPERATORS),
        "value": scalars,
        "type": st.sampled_from(TYPES),
    }
)
query = loose(
    {
        "filters": st.lists(filters, max_size=3),
        "limit": st.integers(-1, 8000),
        "page": st.integers(-1, 3),
        "dateRange": loose({"$gte": scalars, "$lte": scalars}),
        "projections": st.lists(st.sampled_from(FIELDS), max_size=3),
    }
)
event = loose(
    {
        "event_type": st.sampled_from(["tool", "model", "chain", "session", "robot"]),
        "inputs": st.dictionaries(st.text(max_size=5), json_values, max_size=3),
        "event_id": st.text(max_size=6),
        "session_id": st.sampled_from(["s1", "s2", ""]),
        "parent_id": st.sampled_from(["s1", "e1", "e2", None]),
        "metadata": st.dictionaries(st.sampled_from(["prompt_tokens", "a"]), json_values),
        "start_time": st.one_of(st.floats(allow_nan=False), st.integers()),
        "duration": st.floats(allow_nan=False),
    }
)
ROUTES: dict[str, tuple[str, str, st.SearchStrategy[Any]]] = {
    "export": ("POST", "/v1/events/export", query),
    "search": ("POST", "/v1/events/search", query),
    "create": ("POST", "/events", st.one_of(st.builds(lambda e: {"event": e}, event), json_values)),
    "batch": ("POST", "/events/batch", loose({"events": st.lists(event, max_size=3),
                                              "is_single_session": st.booleans(),
                                              "session_properties": event})),
    "update": ("PUT", "/events", loose({"event_id": st.sampled_from(["e1", "s1", "none"]),
                                        "metadata": json_values, "duration": scalars})),
    "session": ("POST", "/session/start", st.builds(lambda e: {"session": e}, event)),
    "v1 session": ("POST", "/v1/sessions", event),
}  # fmt: skip


@pytest.fixture(scope="module")
def target(emulator: Emulator) -> Iterator[Tenant]:
    tenant = emulator.new_tenant("fuzz")
    yield tenant
    emulator.control.reset(tenant.project)


def still_readable(tenant: Tenant) -> None:
    for path in ("/v1/events/export", "/v1/events/search"):
        assert tenant.call("POST", path, {"limit": 1000}).status_code == 200
    for sid in ("s1", "s2"):
        assert tenant.call("GET", f"/v1/sessions/{sid}").status_code in (200, 404)


@pytest.mark.parametrize("route", list(ROUTES))
def test_no_body_gets_a_5xx_or_poisons_the_project(target: Tenant, route: str) -> None:
    method, path, bodies = ROUTES[route]

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=bodies)
    def check(body: Any) -> None:
        response = target.call(method, path, content=json.dumps(body).encode())
        assert response.status_code < 500, (body, response.text)
        if response.status_code >= 400:
            error_of(response)
        else:
            still_readable(target)

    check()


@settings(max_examples=60, deadline=None)
@given(
    attributes=st.dictionaries(st.text(min_size=1, max_size=30), scalars, max_size=6),
    name=st.text(max_size=10),
)
def test_no_span_attributes_get_a_5xx(
    target: Tenant, attributes: dict[str, Any], name: str
) -> None:
    kv = [
        {"key": k, "value": {"stringValue": str(v)} if not isinstance(v, bool | int | float)
         else {"boolValue": v} if isinstance(v, bool)
         else {"intValue": str(v)} if isinstance(v, int)
         else {"doubleValue": v}}
        for k, v in {**attributes, "honeyhive.session_id": "s1"}.items()
    ]  # fmt: skip
    span = {"traceId": "ab" * 16, "spanId": "cd" * 8, "name": name or "n", "attributes": kv}
    body = {"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}

    response = target.call("POST", OTLP_PATH, content=json.dumps(body).encode())

    assert response.status_code < 500, response.text
    still_readable(target)
