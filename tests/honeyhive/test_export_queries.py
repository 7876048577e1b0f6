"""Export queries: every filter operator with every type where it means something, on top-level
fields and on `metadata.x` paths; pagination, dateRange and projections.

The tests only read, so they share one project seeded once: a session and three events with
fixed ids and times (event ids are unique per project, so fixed ids cannot collide)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .api import Emulator, Tenant, is_, new_event, new_session

T0 = 1_735_689_600_000  # 2025-01-01T00:00:00Z in epoch ms
SESSION = "sess-seed"
SEED: dict[str, dict[str, Any]] = {
    "alpha": {
        "event_id": "ev-alpha",
        "event_type": "tool",
        "start_time": T0,
        "duration": 100,
        "inputs": {"q": "hello world"},
        "user_properties": {"plan": "free"},
        "metadata": {
            "customer": "acme-corp",
            "count": 5,
            "flag": True,
            "when": "2024-03-01T10:00:00Z",
            "tags": ["red", "blue"],
            "dotted.key": "yes",
        },
    },
    "beta": {
        "event_id": "ev-beta",
        "event_type": "model",
        "start_time": T0 + 1000,
        "duration": 2000,
        "inputs": {"q": "bye"},
        "error": "timeout",
        "metadata": {
            "customer": "globex",
            "count": 12,
            "flag": False,
            "when": "2024-06-01T10:00:00Z",
            "tags": ["green"],
        },
    },
    "gamma": {
        "event_id": "ev-gamma",
        "event_type": "chain",
        "parent_id": "ev-alpha",
        "start_time": T0 + 5000,
        "duration": 10,
        "inputs": {},
        "metadata": {"count": 0.5},
    },
}
ALL = {"seed", "alpha", "beta", "gamma"}


@pytest.fixture(scope="module")
def seeded(emulator: Emulator) -> Iterator[Tenant]:
    tenant = emulator.new_tenant("queries")
    client = tenant.client()
    client.sessions.start(
        new_session(
            session_name="seed",
            session_id=SESSION,
            start_time=T0 - 60_000,
            metadata={"kind": "seed"},
        )
    )
    for name, fields in SEED.items():
        client.events.create(new_event(**fields, event_name=name, session_id=SESSION))
    yield tenant
    emulator.control.reset(tenant.project)


def names(events: list[dict[str, Any]]) -> set[str]:
    return {e["event_name"] for e in events}


def f(field: str, operator: str, value: Any = None, type_: str | None = "string") -> dict[str, Any]:
    out: dict[str, Any] = {"field": field, "operator": operator}
    if operator not in ("exists", "not exists") or value is not None:
        out["value"] = value
    if type_ is not None:
        out["type"] = type_
    return out


CASES: list[tuple[dict[str, Any], set[str]]] = [
    # string, top level
    (f("event_name", "is", "alpha"), {"alpha"}),
    (f("event_name", "is not", "alpha"), {"seed", "beta", "gamma"}),
    (f("event_name", "contains", "a"), {"alpha", "beta", "gamma"}),
    (f("event_name", "not contains", "mm"), {"seed", "alpha", "beta"}),
    (f("event_type", "is", "model"), {"beta"}),
    (f("session_id", "is", SESSION), ALL),
    (f("parent_id", "is", "ev-alpha"), {"gamma"}),
    (f("children_ids", "contains", "ev-gamma"), {"alpha"}),
    (f("error", "exists"), {"beta"}),
    (f("error", "not exists"), {"seed", "alpha", "gamma"}),
    (f("error", "is", "timeout"), {"beta"}),
    # string, paths
    (f("metadata.customer", "is", "globex"), {"beta"}),
    (f("metadata.customer", "is not", "globex"), {"seed", "alpha", "gamma"}),
    (f("metadata.customer", "contains", "acme"), {"alpha"}),
    (f("metadata.customer", "not contains", "acme"), {"seed", "beta", "gamma"}),
    (f("metadata.customer", "exists"), {"alpha", "beta"}),
    (f("metadata.customer", "not exists"), {"seed", "gamma"}),
    (f("metadata.tags", "contains", "red"), {"alpha"}),
    (f("metadata.tags", "not contains", "red"), {"seed", "beta", "gamma"}),
    (f("metadata.dotted.key", "is", "yes"), {"alpha"}),
    (f("inputs.q", "contains", "world"), {"alpha"}),
    (f("user_properties.plan", "is", "free"), {"alpha"}),
    (f("metadata.kind", "is", "seed"), {"seed"}),
    # number
    (f("metadata.count", "is", 5, "number"), {"alpha"}),
    (f("metadata.count", "is", "5", "number"), {"alpha"}),
    (f("metadata.count", "is not", 5, "number"), {"seed", "beta", "gamma"}),
    (f("metadata.count", "greater than", 4, "number"), {"alpha", "beta"}),
    (f("metadata.count", "less than", 5, "number"), {"gamma"}),
    (f("metadata.count", "exists", type_="number"), {"alpha", "beta", "gamma"}),
    (f("duration", "greater than", 1000, "number"), {"seed", "beta"}),
    (f("duration", "less than", 50, "number"), {"gamma"}),
    (f("start_time", "greater than", T0, "number"), {"beta", "gamma"}),
    (f("metadata.count", "greater than", 4, None), {"alpha", "beta"}),
    # boolean
    (f("metadata.flag", "is", True, "boolean"), {"alpha"}),
    (f("metadata.flag", "is", False, "boolean"), {"beta"}),
    (f("metadata.flag", "is", "true", "boolean"), {"alpha"}),
    (f("metadata.flag", "is not", True, "boolean"), {"seed", "beta", "gamma"}),
    (f("metadata.flag", "exists", type_="boolean"), {"alpha", "beta"}),
    (f("metadata.flag", "is", False, None), {"beta"}),
    # datetime
    (f("start_time", "after", "2025-01-01T00:00:00.500Z", "datetime"), {"beta", "gamma"}),
    (f("start_time", "before", "2025-01-01T00:00:00Z", "datetime"), {"seed"}),
    (f("start_time", "after", T0, "datetime"), {"beta", "gamma"}),
    (f("start_time", "greater than", "2025-01-01T00:00:01Z", "datetime"), {"gamma"}),
    (f("start_time", "less than", "2025-01-01T00:00:00.001Z", "datetime"), {"seed", "alpha"}),
    (f("start_time", "is", "2025-01-01T01:00:00+01:00", "datetime"), {"alpha"}),
    (f("end_time", "after", "2025-01-01T00:00:05Z", "datetime"), {"seed", "gamma"}),
    (f("metadata.when", "after", "2024-04-01T00:00:00Z", "datetime"), {"beta"}),
    (f("metadata.when", "before", "2024-04-01T00:00:00+00:00", "datetime"), {"alpha"}),
    (f("metadata.when", "before", "2024-04-01T00:00:00", "datetime"), {"alpha"}),
    (f("metadata.when", "is", "2024-03-01T11:00:00+01:00", "datetime"), {"alpha"}),
    (f("metadata.when", "not exists", type_="datetime"), {"seed", "gamma"}),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    CASES,
    ids=[f"{q['field']} {q['operator']} {q.get('value', '')!r} {q.get('type')}" for q, _ in CASES],
)
def test_a_filter_selects_exactly_the_matching_events(
    seeded: Tenant, query: dict[str, Any], expected: set[str]
) -> None:
    assert names(seeded.export(query)) == expected


def test_filters_combine_with_and(seeded: Tenant) -> None:
    found = seeded.export(
        f("metadata.count", "greater than", 1, "number"), f("error", "not exists")
    )

    assert names(found) == {"alpha"}


def test_no_filters_return_the_whole_project_oldest_first(seeded: Tenant) -> None:
    page = seeded.export_page()

    assert [e["event_name"] for e in page["events"]] == ["seed", "alpha", "beta", "gamma"]
    assert page["totalEvents"] == 4


def test_pages_partition_the_results_and_keep_the_full_count(seeded: Tenant) -> None:
    pages = [seeded.export_page(limit=3, page=n) for n in (1, 2, 3)]

    assert [len(p["events"]) for p in pages] == [3, 1, 0]
    assert [p["totalEvents"] for p in pages] == [4, 4, 4]
    ids = [e["event_id"] for p in pages for e in p["events"]]
    assert len(ids) == len(set(ids)) == 4


def test_the_count_is_of_the_filtered_events(seeded: Tenant) -> None:
    page = seeded.export_page(filters=[f("event_type", "is not", "session")], limit=1, page=2)

    assert page["totalEvents"] == 3
    assert [e["event_name"] for e in page["events"]] == ["beta"]


@pytest.mark.parametrize(
    ("date_range", "expected"),
    [
        ({"$gte": "2025-01-01T00:00:00Z", "$lte": "2025-01-01T00:00:02Z"}, {"alpha", "beta"}),
        ({"$gte": T0 + 1000}, {"beta", "gamma"}),
        ({"$lte": T0}, {"seed", "alpha"}),
        ({"$gte": "2025-01-01T00:00:10Z"}, set()),
    ],
    ids=["iso-both", "epoch-gte", "epoch-lte", "after-everything"],
)
def test_date_range_bounds_the_start_time(
    seeded: Tenant, date_range: dict[str, Any], expected: set[str]
) -> None:
    page = seeded.export_page(dateRange=date_range)

    assert names(page["events"]) == expected
    assert page["totalEvents"] == len(expected)


def test_projections_return_only_the_named_fields(seeded: Tenant) -> None:
    found = seeded.export(
        is_("session_id", SESSION), projections=["event_name", "metadata.customer"]
    )

    by_name = {e["event_name"]: e for e in found}
    assert by_name["alpha"] == {"event_name": "alpha", "metadata": {"customer": "acme-corp"}}
    assert by_name["gamma"] == {"event_name": "gamma"}


def test_the_sdks_export_carries_projections_and_date_range(seeded: Tenant) -> None:
    page = seeded.client().events.export(
        filters=[],
        date_range={"$gte": "2025-01-01T00:00:00Z", "$lte": "2025-01-01T00:00:02Z"},
        projections=["event_id", "event_name"],
    )

    assert {(e.event_id, e.event_name) for e in page.events} == {
        ("ev-alpha", "alpha"),
        ("ev-beta", "beta"),
    }
    assert page.total_events == 2


def test_search_applies_the_same_filters_and_date_range_newest_first(seeded: Tenant) -> None:
    response = seeded.call(
        "POST",
        "/v1/events/search",
        {
            "filters": [f("metadata.count", "exists", type_="number")],
            "dateRange": {"$gte": T0},
        },
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert [e["event_name"] for e in body["events"]] == ["gamma", "beta", "alpha"]
    assert body["count"] == 3
