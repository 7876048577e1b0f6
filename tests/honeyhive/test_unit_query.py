"""query.py and jsontext.py on their own: filter validation that names what is wrong, how each
operator matches, path lookup, dates (UTC whatever the machine's zone), dateRange, projections,
pagination bounds; strict JSON."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.honeyhive import jsontext
from emulator.honeyhive.errors import BadRequest
from emulator.honeyhive.query import (
    Filter,
    lookup,
    page_bounds,
    parse_date_range,
    parse_filters,
    parse_projections,
    projected,
    pushdown,
    to_epoch_ms,
)

EVENT: dict[str, Any] = {
    "event_id": "e1",
    "event_name": "Answer",
    "event_type": "model",
    "error": None,
    "start_time": 1_735_689_600_000.0,
    "duration": 12.5,
    "children_ids": ["c1", "c2"],
    "metadata": {
        "customer": {"tier": "gold"},
        "http.status": 200,
        "tags": ["a", "b"],
        "ok": True,
        "when": "2025-01-01T00:00:00Z",
        "items": [{"sku": "x"}],
    },
    "inputs": {"q": "hello world"},
}


def matches(field: str, operator: str, value: Any = None, type_: str | None = None) -> bool:
    raw: dict[str, Any] = {"field": field, "operator": operator, "value": value}
    if type_:
        raw["type"] = type_
    (parsed,) = parse_filters([raw])
    return parsed.matches(EVENT)


@pytest.mark.parametrize(
    ("field", "found", "value"),
    [
        ("event_name", True, "Answer"),
        ("metadata.customer.tier", True, "gold"),
        ("metadata.http.status", True, 200),
        ("metadata.tags.1", True, "b"),
        ("metadata.items.0.sku", True, "x"),
        ("metadata.tags.5", False, None),
        ("metadata.nothing", False, None),
        ("inputs.q.deeper", False, None),
        ("error", True, None),
    ],
)
def test_lookup_follows_nested_objects_dotted_keys_and_list_indexes(
    field: str, found: bool, value: Any
) -> None:
    assert lookup(EVENT, field) == (found, value)


@pytest.mark.parametrize(
    ("field", "operator", "value", "type_", "expected"),
    [
        ("event_name", "is", "Answer", "string", True),
        ("event_name", "is", "answer", "string", False),
        ("event_name", "contains", "nsw", "string", True),
        ("metadata.tags", "contains", "a", "string", True),
        ("metadata.tags", "contains", "ab", "string", False),
        ("metadata.customer", "contains", "tier", "string", True),
        ("children_ids", "not contains", "c3", "string", True),
        ("metadata.http.status", "is", "200", "number", True),
        ("metadata.http.status", "greater than", 199.5, "number", True),
        ("metadata.http.status", "less than", 200, "number", False),
        ("duration", "is", 12.5, "number", True),
        ("metadata.ok", "is", True, "boolean", True),
        ("metadata.ok", "is", "false", "boolean", False),
        ("metadata.ok", "is", True, None, True),
        ("metadata.when", "after", "2024-12-31T23:59:59Z", "datetime", True),
        ("metadata.when", "before", "2025-01-01T00:00:00.001Z", "datetime", True),
        ("start_time", "is", "2025-01-01T00:00:00Z", "datetime", True),
        ("start_time", "greater than", 1_735_689_599_999, "datetime", True),
        ("error", "exists", None, None, False),
        ("error", "not exists", None, None, True),
        ("metadata.missing", "is not", "x", "string", True),
        ("metadata.missing", "not contains", "x", "string", True),
        ("metadata.missing", "is", "x", "string", False),
        ("metadata.missing", "greater than", 1, "number", False),
        ("inputs.q", "greater than", 1, "number", False),
    ],
)
def test_each_operator_matches(
    field: str, operator: str, value: Any, type_: str | None, expected: bool
) -> None:
    assert matches(field, operator, value, type_) is expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("x", "'filters' must be a list"),
        (["x"], "filters[0] must be an object"),
        ([{"operator": "is", "value": 1}], "filters[0].field is required"),
        ([{"field": "colour", "operator": "is", "value": 1}], "unknown field 'colour'"),
        ([{"field": "metadata", "operator": "is", "value": 1, "x": 1}], "unknown keys ['x']"),
        ([{"field": "event_name", "operator": "~", "value": 1}], "unknown operator '~'"),
        ([{"field": "event_name", "operator": "is"}], "value is required"),
        ([{"field": "event_name", "operator": "is", "value": [1]}], "must be a string, number"),
        ([{"field": "event_name", "operator": "is", "value": 1, "type": "int"}], "unknown type"),
        ([{"field": "duration", "operator": "after", "value": 1, "type": "number"}],
         "needs type datetime"),
        ([{"field": "event_name", "operator": "less than", "value": "a", "type": "string"}],
         "needs type number or datetime"),
        ([{"field": "duration", "operator": "is", "value": "many", "type": "number"}],
         "'many' is not a valid number"),
        ([{"field": "metadata.ok", "operator": "is", "value": "yes", "type": "boolean"}],
         "'yes' is not a valid boolean"),
        ([{"field": "start_time", "operator": "before", "value": "later", "type": "datetime"}],
         "'later' is not a valid datetime"),
    ],
)  # fmt: skip
def test_bad_filters_are_refused_naming_the_problem(raw: Any, says: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_filters(raw)

    assert says in caught.value.message


def test_exists_needs_no_value() -> None:
    (parsed,) = parse_filters([{"field": "metadata.ok", "operator": "exists"}])

    assert parsed.matches(EVENT)


def test_only_exact_string_matches_on_indexed_columns_are_pushed_down() -> None:
    filters = parse_filters(
        [
            {"field": "session_id", "operator": "is", "value": "s1", "type": "string"},
            {"field": "event_type", "operator": "is not", "value": "session", "type": "string"},
            {"field": "event_name", "operator": "is", "value": "x", "type": "string"},
            {"field": "session_id", "operator": "is", "value": "s2", "type": "string"},
        ]
    )

    assert pushdown(filters) == {"session_id": "s1"}


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("new_york")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-01T00:00:00Z", 1_735_689_600_000.0),
        ("2025-01-01T00:00:00", 1_735_689_600_000.0),
        ("2025-01-01", 1_735_689_600_000.0),
        ("2025-01-01T01:00:00+01:00", 1_735_689_600_000.0),
        ("2025-01-01T00:00:00.250Z", 1_735_689_600_250.0),
        ("1735689600000", 1_735_689_600_000.0),
    ],
)
def test_dates_without_an_offset_are_utc_whatever_the_machines_zone(
    text: str, expected: float
) -> None:
    assert to_epoch_ms(text) == expected


@pytest.mark.parametrize("value", [True, None, [], "next tuesday"])
def test_non_dates_are_none(value: Any) -> None:
    assert to_epoch_ms(value) is None


def test_date_range_bounds_are_inclusive() -> None:
    window = parse_date_range({"$gte": 100, "$lte": "1970-01-01T00:00:00.200Z"})

    assert window is not None
    assert [window.matches({"start_time": t}) for t in (99, 100, 200, 201)] == [
        False,
        True,
        True,
        False,
    ]
    assert not window.matches({"start_time": None})


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("2024", "'dateRange' must be an object"),
        ({"from": 1}, "unknown keys ['from']"),
        ({"$gte": "soon"}, "dateRange.$gte: 'soon' is not an ISO date"),
    ],
)
def test_bad_date_ranges_are_refused(raw: Any, says: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_date_range(raw)

    assert says in caught.value.message


def test_projections_keep_only_the_named_fields_nested_as_they_were() -> None:
    fields = parse_projections(["event_id", "metadata.customer.tier", "metadata.absent"])

    assert projected(EVENT, fields) == {"event_id": "e1", "metadata": {"customer.tier": "gold"}}
    assert projected(EVENT, None) is EVENT


@pytest.mark.parametrize(
    ("raw", "says"),
    [("event_id", "must be a list"), ([1], "must be a list"), (["colour"], "'colour'")],
)
def test_bad_projections_are_refused(raw: Any, says: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_projections(raw)

    assert says in caught.value.message


@pytest.mark.parametrize(
    ("limit", "page", "says"),
    [
        (0, 1, "between 1 and 100"),
        (101, 1, "between 1 and 100"),
        (10, 0, "'page' must be 1 or more"),
        (1.5, 1, "'limit' must be a whole number"),
        (True, 1, "'limit' must be a whole number"),
        (10, "2", "'page' must be a whole number"),
    ],
)
def test_page_bounds_are_checked(limit: Any, page: Any, says: str) -> None:
    with pytest.raises(BadRequest) as caught:
        page_bounds(limit, page, max_limit=100)

    assert says in caught.value.message


def test_page_bounds_accept_whole_floats() -> None:
    assert page_bounds(10.0, 2.0, max_limit=100) == (10, 2)


# ---- properties -------------------------------------------------------------------------------

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.text(max_size=3), max_size=3),
)
scalars = st.one_of(st.booleans(), st.integers(-1000, 1000), st.text(max_size=8))


@given(actual=values, needle=scalars, type_=st.sampled_from(["string", "number", "boolean"]))
def test_each_negation_is_the_exact_complement(actual: Any, needle: Any, type_: str) -> None:
    event = {"metadata": {"x": actual}}
    for positive, negative in (("is", "is not"), ("contains", "not contains")):
        yes = Filter("metadata.x", positive, needle, type_).matches(event)
        no = Filter("metadata.x", negative, needle, type_).matches(event)
        assert yes != no
    assert Filter("metadata.x", "exists", None, type_).matches(event) != Filter(
        "metadata.x", "not exists", None, type_
    ).matches(event)


@given(st.recursive(values, lambda inner: st.dictionaries(st.text(max_size=4), inner, max_size=3)))
def test_strict_json_reads_what_standard_json_writes(doc: Any) -> None:
    import json

    assert jsontext.loads(json.dumps(doc)) == doc


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("NaN", "NaN is not valid JSON"),
        ('{"a": -Infinity}', "-Infinity is not valid JSON"),
        ("[1e999]", "number 1e999 is out of range"),
        ("[" * 201 + "]" * 201, "nested too deep"),
        ("[" * 50_000 + "]" * 50_000, "nested too deep"),
        ("{", "malformed JSON body"),
        (b"\xff", "malformed JSON body"),
    ],
)
def test_strict_json_refuses_what_javascript_would_not_read(text: str | bytes, says: str) -> None:
    with pytest.raises(BadRequest) as caught:
        jsontext.loads(text)

    assert says in caught.value.message


def test_strict_json_allows_nesting_up_to_the_limit() -> None:
    doc = jsontext.loads("[" * 200 + "]" * 200)

    assert isinstance(doc, list)
