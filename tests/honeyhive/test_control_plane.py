"""The control plane: token required, faults scoped to one project (status with Retry-After,
delay, dropped connection), project reset, ingest delay that hides data until it passes, and
what arrived (payloads, receipts), and whether everything received is answered and readable
(settled)."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest
from honeyhive._generated.api_config import HTTPException
from honeyhive._generated.services import Events_service
from honeyhive.models import PostEventRequest

from emulator.control_client import ControlError
from support.readback.polling import wait_for

from .api import HTTP, OTLP_PATH, Emulator, Tenant, error_of, event_body, new_event
from .conftest import MakeTenant
from .sdk_versions import ERROR_BODY_ON_EXCEPTIONS
from .spans import SpanSpec, json_export, protobuf_export

GUARDED = [
    ("POST", "/_control/tenants", {"api_key": "k", "project": "p"}),
    ("POST", "/_control/projects/p/reset", None),
    ("PUT", "/_control/faults", {"project": "p", "faults": []}),
    ("GET", "/_control/projects/p/faults", None),
    ("DELETE", "/_control/projects/p/faults", None),
    ("PUT", "/_control/ingest-delay", {"project": "p", "seconds": 0}),
    ("GET", "/_control/projects/p/payloads", None),
    ("GET", "/_control/projects/p/receipts", None),
    ("GET", "/_control/projects/p/settled", None),
]


@pytest.mark.parametrize("token", [None, "wrong-token"], ids=["no token", "wrong token"])
@pytest.mark.parametrize(
    ("method", "path", "body"), GUARDED, ids=[f"{m} {p}" for m, p, _ in GUARDED]
)
def test_the_control_plane_needs_its_token(
    emulator: Emulator, method: str, path: str, body: Any, token: str | None
) -> None:
    headers = {} if token is None else {"x-control-token": token}

    response = HTTP.request(method, f"{emulator.url}{path}", json=body, headers=headers)

    assert response.status_code == 403
    assert "x-control-token" in error_of(response)["message"]


def test_health_needs_no_token(emulator: Emulator) -> None:
    response = HTTP.get(f"{emulator.url}/_control/health")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_a_key_cannot_be_moved_to_another_project(emulator: Emulator, tenant: Tenant) -> None:
    with pytest.raises(ControlError, match="409"):
        emulator.control.add_tenant(tenant.api_key, tenant.project + "-other")

    emulator.control.add_tenant(tenant.api_key, tenant.project)  # the same mapping again is fine


def faults(emulator: Emulator, tenant: Tenant, *specs: dict[str, Any]) -> None:
    emulator.control.set_faults(tenant.project, list(specs))


def test_a_fault_touches_only_its_own_project_and_route(
    emulator: Emulator, make_tenant: MakeTenant
) -> None:
    a, b = make_tenant("a"), make_tenant("b")
    faults(emulator, a, {"route": "read", "status": 503, "times": -1})

    hit = a.call("POST", "/v1/events/export", {})
    spared_project = b.call("POST", "/v1/events/export", {})
    spared_route = a.call("POST", OTLP_PATH, content=json_export(SpanSpec("s", "sess")))

    assert hit.status_code == 503
    assert error_of(hit)["errorCode"] == "INJECTED_FAULT"
    assert spared_project.status_code == 200
    assert spared_route.status_code == 200


def test_a_fault_counts_down_its_times(emulator: Emulator, tenant: Tenant) -> None:
    faults(emulator, tenant, {"route": "events", "status": 500, "times": 2})

    statuses = [tenant.call("POST", "/events", {"event": event_body()}).status_code for _ in "abc"]

    assert statuses == [500, 500, 200]
    (listed,) = emulator.control.faults(tenant.project)
    assert (listed["hits"], listed["times"]) == (2, 0)
    assert len(tenant.everything()) == 2  # the event and its implicit session, stored once


def test_a_429_fault_carries_retry_after(emulator: Emulator, tenant: Tenant) -> None:
    faults(emulator, tenant, {"route": "otlp", "status": 429, "retry_after": 7})

    response = tenant.call("POST", OTLP_PATH, content=json_export(SpanSpec("s", "sess")))

    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert tenant.everything() == []


@ERROR_BODY_ON_EXCEPTIONS
def test_the_sdks_export_retries_a_503_and_its_create_does_not(
    emulator: Emulator, tenant: Tenant
) -> None:
    client = tenant.client()
    faults(
        emulator,
        tenant,
        {"route": "read", "status": 503, "times": 1},
        {"route": "events", "status": 503, "times": 1},
    )

    page = client.events.export(filters=[])
    with pytest.raises(HTTPException) as caught:
        client.events.create(new_event())

    assert page.total_events == 0
    assert caught.value.status_code == 503
    assert caught.value.error_code == "INJECTED_FAULT"
    assert [f["hits"] for f in emulator.control.faults(tenant.project)] == [1, 1]


def test_a_delay_fault_holds_the_request_of_its_project_only(
    emulator: Emulator, make_tenant: MakeTenant
) -> None:
    slow, fast = make_tenant("slow"), make_tenant("fast")
    faults(emulator, slow, {"route": "read", "action": "delay", "delay_ms": 400})

    started = time.monotonic()
    delayed = slow.call("POST", "/v1/events/export", {})
    slow_seconds = time.monotonic() - started
    started = time.monotonic()
    prompt = fast.call("POST", "/v1/events/export", {})
    fast_seconds = time.monotonic() - started

    assert delayed.status_code == prompt.status_code == 200
    assert slow_seconds >= 0.4
    assert fast_seconds < 0.4


def test_a_client_that_times_out_on_a_delay_is_not_a_server_error(
    emulator: Emulator, tenant: Tenant
) -> None:
    """The SDK gives up first; the emulator must not log the hang-up as its own error (the
    autouse check fails this test on any ERROR line)."""
    faults(emulator, tenant, {"route": "events", "action": "delay", "delay_ms": 700})
    config = tenant.api_config()
    config.timeout = 0.2

    with pytest.raises(httpx.TimeoutException):
        Events_service.createEventLegacy(
            config, data=PostEventRequest.model_validate({"event": event_body()})
        )

    wait_for(
        lambda: emulator.service.log_tail(50),
        lambda log: "POST /events 499" in log,
        what="the emulator to log the abandoned request as 499",
        timeout=10,
    )
    assert tenant.everything() == []


def test_a_reset_fault_drops_the_connection_and_stores_nothing(
    emulator: Emulator, make_tenant: MakeTenant
) -> None:
    victim, bystander = make_tenant("reset"), make_tenant("calm")
    faults(emulator, victim, {"route": "otlp", "action": "reset"})
    body = json_export(SpanSpec("s", "sess"))

    with pytest.raises(httpx.TransportError):
        httpx.post(
            f"{victim.url}{OTLP_PATH}",
            content=body,
            headers={**victim.headers, "content-type": "application/json"},
        )

    assert victim.everything() == []
    assert bystander.call("POST", OTLP_PATH, content=body).status_code == 200
    assert victim.call("POST", OTLP_PATH, content=body).status_code == 200  # times=1: spent


def test_reset_clears_a_projects_data_and_faults_but_keeps_its_key(
    emulator: Emulator, make_tenant: MakeTenant
) -> None:
    tenant, other = make_tenant("wiped"), make_tenant("kept")
    for t in (tenant, other):
        assert t.call("POST", OTLP_PATH, content=json_export(SpanSpec("s", "sess"))).is_success
    faults(emulator, tenant, {"route": "read", "status": 500, "times": -1})

    result = emulator.control.reset(tenant.project)

    assert result["deleted"] == {"events": 2, "payloads": 1}
    assert tenant.everything() == []
    assert emulator.control.faults(tenant.project) == []
    assert emulator.control.payloads(tenant.project) == []
    assert len(other.everything()) == 2


def test_ingest_delay_hides_data_until_it_passes(
    emulator: Emulator, make_tenant: MakeTenant
) -> None:
    delayed, prompt = make_tenant("delayed"), make_tenant("prompt")
    emulator.control.ingest_delay(delayed.project, 1.0)

    acked_at = time.monotonic()
    for t in (delayed, prompt):
        assert t.call("POST", "/events", {"event": event_body(event_name="late")}).is_success

    assert delayed.everything() == []
    assert {e["event_name"] for e in prompt.everything()} == {"late", "unknown"}
    wait_for(
        delayed.everything,
        lambda events: {e["event_name"] for e in events} == {"late", "unknown"},
        what="the delayed events to show",
        timeout=10,
        interval=0.05,
    )
    assert time.monotonic() - acked_at >= 0.9


def test_payloads_and_receipts_show_what_arrived(emulator: Emulator, tenant: Tenant) -> None:
    first = SpanSpec("once", "sess", attributes={"honeyhive_event_id": "ev-1"})
    tenant.call("POST", OTLP_PATH, content=json_export(first))
    tenant.call(
        "POST",
        OTLP_PATH,
        content=protobuf_export(first, SpanSpec("other", "sess")),
        content_type="application/x-protobuf",
    )

    payloads = emulator.control.payloads(tenant.project)
    receipts = emulator.control.receipts(tenant.project)

    assert [(p["content_type"], p["span_count"]) for p in payloads] == [
        ("application/json", 1),
        ("application/x-protobuf", 2),
    ]
    assert receipts["ev-1"] == 2


def settled(emulator: Emulator, tenant: Tenant) -> dict[str, Any]:
    answer: dict[str, Any] = emulator.control._call("GET", f"/projects/{tenant.project}/settled")
    return answer


def test_a_backend_with_nothing_in_progress_is_settled(emulator: Emulator, tenant: Tenant) -> None:
    assert tenant.call("POST", OTLP_PATH, content=json_export(SpanSpec("s", "sess"))).is_success

    assert settled(emulator, tenant) == {
        "in_flight": 0,
        "ingest_delay": 0.0,
        "not_yet_visible": 0,
        "settled": True,
    }
    assert emulator.control.settled(tenant.project) is True


def test_a_request_still_being_handled_keeps_every_project_unsettled(
    emulator: Emulator, make_tenant: MakeTenant
) -> None:
    slow, other = make_tenant("slow"), make_tenant("other")
    faults(emulator, slow, {"route": "otlp", "action": "delay", "delay_ms": 1500})
    sending = threading.Thread(
        target=slow.call,
        args=("POST", OTLP_PATH),
        kwargs={"content": json_export(SpanSpec("slow", "sess"))},
    )
    sending.start()
    try:
        seen = wait_for(
            lambda: settled(emulator, other),
            lambda answer: answer["in_flight"] == 1,
            what="the slow export to be in progress",
            timeout=5,
            interval=0.05,
        )
        assert seen["settled"] is False  # another tenant's request counts too
    finally:
        sending.join()
    assert settled(emulator, other)["settled"] is True


def test_data_an_ingest_delay_still_hides_is_not_settled(
    emulator: Emulator, tenant: Tenant
) -> None:
    emulator.control.ingest_delay(tenant.project, 30.0)
    assert tenant.call("POST", "/events", {"event": event_body(event_name="late")}).is_success
    emulator.control.ingest_delay(tenant.project, 0.0)

    answer = settled(emulator, tenant)

    assert answer["ingest_delay"] == 0.0
    assert answer["not_yet_visible"] == 2  # the event and its session, hidden by the old delay
    assert answer["settled"] is False
