"""Property-based fuzzing of OTLP ingestion and export queries (hypothesis), against a real
emulator process. Properties: never a 5xx; a payload is stored whole or not at all — a refused
(4xx) export leaves the store untouched, an accepted one stores every span that names a
session, exactly once."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.honeyhive.query import OPERATORS

from .conftest import Fuzzed

HEX = "0123456789abcdef"
texts = st.text(max_size=30)
values = st.one_of(
    st.builds(lambda s: {"stringValue": s}, texts),
    st.builds(lambda i: {"intValue": str(i)}, st.integers(-(2**63), 2**63 - 1)),
    st.builds(lambda f: {"doubleValue": f}, st.floats(allow_nan=False, allow_infinity=False)),
    st.builds(lambda b: {"boolValue": b}, st.booleans()),
    st.builds(
        lambda xs: {"arrayValue": {"values": [{"stringValue": x} for x in xs]}},
        st.lists(texts, max_size=3),
    ),
)
keys = st.one_of(
    st.sampled_from(
        [
            "honeyhive_inputs.q",
            "honeyhive_metadata.a.b",
            "honeyhive_outputs.0",
            "honeyhive_config.model",
            "llm.token_count.prompt",
            "honeyhive_event_type",
            "plain.attr",
            "honeyhive_metrics.x",
        ]
    ),
    texts.filter(bool),
)


@st.composite
def spans(draw: st.DrawFn, session_id: str, trace_id: str) -> dict[str, Any]:
    attrs = [
        {"key": k, "value": v} for k, v in draw(st.dictionaries(keys, values, max_size=6)).items()
    ]
    attrs.append({"key": "honeyhive.session_id", "value": {"stringValue": session_id}})
    start = draw(st.integers(1_700_000_000_000_000_000, 1_900_000_000_000_000_000))
    return {
        "traceId": trace_id,
        "spanId": draw(st.text(HEX, min_size=16, max_size=16)),
        "parentSpanId": draw(st.one_of(st.none(), st.text(HEX, min_size=16, max_size=16))),
        "name": draw(texts.filter(bool)),
        "kind": draw(st.sampled_from(["SPAN_KIND_INTERNAL", "SPAN_KIND_CLIENT", 1])),
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + draw(st.integers(0, 10**10))),
        "attributes": attrs,
        "status": {"code": draw(st.sampled_from(["STATUS_CODE_UNSET", "STATUS_CODE_ERROR"]))},
    }


CORRUPTIONS = {
    "short trace id": lambda s: s.update(traceId="abc"),
    "unknown kind": lambda s: s.update(kind="SPAN_KIND_SIDEWAYS"),
    "int that is not a number": lambda s: s["attributes"].append(
        {"key": "n", "value": {"intValue": "12x"}}
    ),
    "value with two types": lambda s: s["attributes"].append(
        {"key": "n", "value": {"stringValue": "a", "boolValue": True}}
    ),
    "attributes not a list": lambda s: s.update(attributes={"a": 1}),
    "no name": lambda s: s.update(name=""),
}


def body(span_list: list[dict[str, Any]]) -> bytes:
    doc = {
        "resourceSpans": [
            {
                "resource": {"attributes": []},
                "scopeSpans": [{"scope": {"name": "fuzz"}, "spans": span_list}],
            }
        ]
    }
    return json.dumps(doc).encode()


def post(fuzzed: Fuzzed, data: bytes) -> httpx.Response:
    return httpx.post(
        f"{fuzzed.url}/opentelemetry/v1/traces",
        content=data,
        timeout=10,
        headers={**fuzzed.auth, "content-type": "application/json"},
    )


@given(data=st.data(), corruption=st.one_of(st.none(), st.sampled_from(sorted(CORRUPTIONS))))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_an_export_is_stored_whole_or_not_at_all(
    fuzzed: Fuzzed, data: st.DataObject, corruption: str | None
) -> None:
    # fresh ids per example: the store keeps the first copy of a span id by design
    session_id, trace_id = uuid.uuid4().hex, uuid.uuid4().hex
    batch = data.draw(
        st.lists(
            spans(session_id, trace_id), min_size=1, max_size=5, unique_by=lambda s: s["spanId"]
        )
    )
    if corruption:
        CORRUPTIONS[corruption](batch[data.draw(st.integers(0, len(batch) - 1))])
    before = fuzzed.control.receipts(fuzzed.project)
    response = post(fuzzed, body(batch))
    after = fuzzed.control.receipts(fuzzed.project)
    assert response.status_code < 500, response.text
    if corruption:
        assert response.status_code == 400, (corruption, response.text)
        assert after == before, f"a refused export changed the store ({corruption})"
    else:
        assert response.status_code == 200, response.text
        new = set(after) - set(before)
        assert len(new) == len(batch) + 1, (len(new), len(batch))  # + the implicit session


filters = st.fixed_dictionaries(
    {
        "field": st.one_of(
            st.sampled_from(
                [
                    "event_name",
                    "metadata.a.b",
                    "start_time",
                    "duration",
                    "inputs.q",
                    "session_id",
                    "nonsense",
                ]
            ),
            texts,
        ),
        "operator": st.one_of(
            st.sampled_from(OPERATORS),
            texts,
        ),
        "value": st.one_of(
            texts,
            st.integers(),
            st.floats(allow_nan=False, allow_infinity=False),
            st.booleans(),
            st.none(),
        ),
        "type": st.one_of(st.sampled_from(["string", "number", "boolean", "datetime"]), texts),
    }
)


@given(
    query=st.fixed_dictionaries(
        {"filters": st.lists(filters, max_size=3)},
        optional={
            "limit": st.integers(-5, 8000),
            "page": st.integers(-2, 5),
            "projections": st.lists(st.sampled_from(["event_name", "metadata", "x"]), max_size=2),
            "dateRange": st.fixed_dictionaries({"$gte": st.one_of(texts, st.integers())}),
        },
    )
)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_export_queries_answer_200_or_a_clear_400(fuzzed: Fuzzed, query: dict[str, Any]) -> None:
    response = httpx.post(
        f"{fuzzed.url}/v1/events/export", json=query, headers=fuzzed.auth, timeout=10
    )
    assert response.status_code in (200, 400), response.text
    answer = response.json()
    if response.status_code == 400:
        assert answer["errorCode"] == "INVALID_REQUEST" and answer["message"]
    else:
        assert answer["totalEvents"] >= len(answer["events"])
