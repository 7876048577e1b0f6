"""Events through the real SDK: create (client and tracer), batch, update and enrich_session,
export, and the generated services' search and get; delete one event over HTTP."""

from __future__ import annotations

import uuid

import pytest
from honeyhive._generated import models as generated
from honeyhive._generated.api_config import HTTPException
from honeyhive._generated.services import Events_service
from honeyhive.models import (
    EventFilter,
    UpdateEventRequest,
)

from .api import Tenant, error_of, event_body, is_, new_batch, new_event
from .conftest import MakeTracer
from .sdk_versions import ERROR_BODY_ON_EXCEPTIONS


def get_event(tenant: Tenant, event_id: str | None) -> generated.GetEventResponseEvent:
    assert event_id is not None
    found = Events_service.getEvent(tenant.api_config(), event_id=event_id)
    assert isinstance(found, generated.GetEventResponse)
    return found.event


def test_the_client_creates_an_event_that_reads_back_field_for_field(tenant: Tenant) -> None:
    sid = str(uuid.uuid4())
    created = tenant.client().events.create(
        new_event(
            **{
                "event_type": "model",
                "event_name": "draft-reply",
                "session_id": sid,
                "source": "client",
                "inputs": {"prompt": "hello"},
                "outputs": {"text": "hi there"},
                "config": {"model": "gpt-4o-mini"},
                "metadata": {"attempt": 1},
                "metrics": {"cost": 0.002},
                "feedback": {"rating": 4},
                "user_properties": {"user_id": "u-1"},
                "start_time": 1_767_225_600_000,
                "duration": 250,
            }
        )
    )

    assert created.success is True and created.event_id
    event = get_event(tenant, created.event_id)
    assert (event.event_type, event.event_name, event.session_id) == ("model", "draft-reply", sid)
    assert event.inputs == {"prompt": "hello"}
    assert event.outputs == {"text": "hi there"}
    assert event.config == {"model": "gpt-4o-mini"}
    assert event.metadata == {"attempt": 1}
    assert event.metrics == {"cost": 0.002}
    assert event.feedback == {"rating": 4}
    assert event.user_properties == {"user_id": "u-1"}
    assert (event.start_time, event.end_time, event.duration) == (
        1_767_225_600_000,
        1_767_225_600_250,
        250,
    )
    assert event.parent_id == sid
    assert event.project == tenant.project


def test_the_tracer_creates_an_event_in_its_own_session(
    tenant: Tenant, make_tracer: MakeTracer
) -> None:
    """SDK finding: create_event documents `duration` in seconds but sends the number as is;
    HoneyHive (and the emulator) read event durations as milliseconds."""
    tracer = make_tracer(tenant)

    event_id = tracer.create_event(
        "lookup",
        event_type="tool",
        inputs={"sku": "A-1"},
        outputs={"stock": 3},
        metadata={"warehouse": "north"},
        metrics={"hits": 1},
        feedback={"ok": True},
        config={"cache": False},
        duration=12,
    )

    assert event_id is not None
    event = get_event(tenant, event_id)
    assert event.session_id == tracer.session_id
    assert (event.event_name, event.event_type) == ("lookup", "tool")
    assert event.inputs == {"sku": "A-1"}
    assert event.outputs == {"stock": 3}
    assert event.metadata == {"warehouse": "north"}
    assert event.metrics == {"hits": 1}
    assert event.feedback == {"ok": True}
    assert event.config == {"cache": False}
    assert event.duration == 12


def test_a_batch_stores_every_event(tenant: Tenant) -> None:
    sid = str(uuid.uuid4())
    batch = new_batch(
        *[event_body(event_name=f"item-{n}", session_id=sid, inputs={"n": n}) for n in (1, 2)]
    )

    created = tenant.client().events.create_batch(batch)

    assert created.success is True and len(created.event_ids) == 2
    stored = {e["event_id"]: e for e in tenant.session_events(sid)}
    assert set(created.event_ids) <= set(stored)
    assert [stored[i]["inputs"] for i in created.event_ids] == [{"n": 1}, {"n": 2}]


def test_a_single_session_batch_starts_that_session(tenant: Tenant) -> None:
    batch = new_batch(
        event_body(event_name="a"),
        event_body(event_name="b"),
        is_single_session=True,
        session_properties={"session_name": "batch-session", "metadata": {"k": "v"}},
    )

    created = tenant.client().events.create_batch(batch)

    assert created.session_id
    events = {e["event_name"]: e for e in tenant.session_events(created.session_id)}
    assert set(events) == {"batch-session", "a", "b"}
    assert events["batch-session"]["event_type"] == "session"
    assert events["batch-session"]["metadata"]["k"] == "v"


def test_update_merges_into_an_event(tenant: Tenant) -> None:
    client = tenant.client()
    created = client.events.create(new_event(metadata={"a": 1}, outputs={"draft": "x"}))

    client.events.update(
        UpdateEventRequest(
            event_id=created.event_id,
            metadata={"b": 2},
            outputs={"final": "y"},
            feedback={"rating": 5},
            metrics={"score": 0.5},
            config={"temperature": 0},
            user_properties={"tier": "gold"},
            duration=42,
        )
    )

    event = get_event(tenant, created.event_id)
    assert event.metadata == {"a": 1, "b": 2}
    assert event.outputs == {"draft": "x", "final": "y"}
    assert event.feedback == {"rating": 5}
    assert event.metrics == {"score": 0.5}
    assert event.config == {"temperature": 0}
    assert event.user_properties == {"tier": "gold"}
    assert event.duration == 42


def test_enrich_session_updates_the_tracers_session(
    tenant: Tenant, make_tracer: MakeTracer
) -> None:
    tracer = make_tracer(tenant, session_name="enriched")

    tracer.enrich_session(
        metadata={"release": "1.2"},
        outputs={"resolution": "refund"},
        feedback={"csat": 5},
        metrics={"turns": 4},
        user_properties={"user_id": "u-7"},
    )

    session = get_event(tenant, tracer.session_id)
    assert session.event_type == "session"
    assert session.metadata is not None and session.metadata["release"] == "1.2"
    assert session.outputs == {"resolution": "refund"}
    assert session.feedback == {"csat": 5}
    assert session.metrics == {"turns": 4}
    assert session.user_properties == {"user_id": "u-7"}


@ERROR_BODY_ON_EXCEPTIONS
def test_update_of_an_unknown_event_is_a_404_the_sdk_raises(tenant: Tenant) -> None:
    missing = str(uuid.uuid4())

    with pytest.raises(HTTPException) as caught:
        tenant.client().events.update(UpdateEventRequest(event_id=missing, metadata={"a": 1}))

    assert caught.value.status_code == 404
    assert caught.value.error_code == "NOT_FOUND"


def test_export_through_the_client_filters_and_counts(tenant: Tenant) -> None:
    client = tenant.client()
    sid = str(uuid.uuid4())
    for name in ("one", "two", "three"):
        client.events.create(new_event(event_name=name, session_id=sid))

    page = client.events.export(
        filters=[
            EventFilter(field="session_id", operator="is", value=sid, type="string"),
            EventFilter(field="event_type", operator="is", value="tool", type="string"),
        ],
        limit=2,
    )

    assert page.total_events == 3
    assert len(page.events) == 2
    assert {e.event_name for e in page.events} <= {"one", "two", "three"}


def test_the_sdks_export_reports_a_refusal_as_api_error_not_http_exception(
    tenant: Tenant,
) -> None:
    """SDK finding: events.export raises honeyhive.utils.error_handler.APIError (status only in
    .error_response, the raw body as text) where every other client call raises HTTPException
    with .status_code / .server_message / .error_code parsed from HoneyHive's error body."""
    from honeyhive.utils.error_handler import APIError

    stranger = Tenant(tenant.url, "hh-unknown-key", tenant.project).client()

    with pytest.raises(APIError) as caught:
        stranger.events.export(filters=[])

    assert caught.value.error_response is not None
    assert caught.value.error_response.status_code == 401
    assert "UNAUTHORIZED" in str(caught.value)


def test_search_through_the_generated_service_returns_newest_first(tenant: Tenant) -> None:
    client = tenant.client()
    sid = str(uuid.uuid4())
    for n, name in enumerate(("old", "mid", "new")):
        client.events.create(
            new_event(event_name=name, session_id=sid, start_time=1_700_000_000_000 + n)
        )

    found = Events_service.searchEvents(
        tenant.api_config(),
        data=generated.SearchEventsRequest(
            filters=[
                generated.EventSearchFilter(
                    field="event_type", operator="is", value="tool", type="string"
                )
            ],
            limit=10,
        ),
    )

    assert [e.event_name for e in found.events] == ["new", "mid", "old"]
    assert found.count == 3


def test_get_event_through_the_generated_service(tenant: Tenant) -> None:
    created = tenant.client().events.create(new_event(event_name="fetched", inputs={"k": 1}))

    event = get_event(tenant, created.event_id)

    assert event.event_id == created.event_id
    assert event.inputs == {"k": 1}


def test_deleting_an_event_removes_only_that_event(tenant: Tenant) -> None:
    client = tenant.client()
    sid = str(uuid.uuid4())
    doomed = client.events.create(new_event(session_id=sid))
    kept = client.events.create(new_event(session_id=sid))

    response = tenant.call("DELETE", f"/v1/events/{doomed.event_id}")

    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "deleted": doomed.event_id}  # combined spec
    remaining = {e["event_id"] for e in tenant.session_events(sid)}
    assert remaining == {sid, kept.event_id}
    again = tenant.call("DELETE", f"/v1/events/{doomed.event_id}")
    assert again.status_code == 404
    assert doomed.event_id in error_of(again)["message"]


def test_an_event_for_an_unstarted_session_gets_an_implicit_session(tenant: Tenant) -> None:
    sid = str(uuid.uuid4())

    tenant.client().events.create(new_event(session_id=sid))

    (session,) = tenant.export(is_("event_type", "session"))
    assert session["event_id"] == sid
    assert session["event_name"] == "unknown"
