"""Sessions through the real SDK: started by a tracer and by the client, the id the SDK gets is
the one stored, a supplied id is honoured; read back (legacy event, v1 tree) and deleted."""

from __future__ import annotations

import uuid

import httpx
import pytest
from honeyhive._generated import models as generated
from honeyhive._generated.services import Sessions_service

from .api import Tenant, error_of, new_event, new_session
from .conftest import MakeTracer
from .sdk_versions import ERROR_BODY_ON_EXCEPTIONS


def stored_session(tenant: Tenant, session_id: str | None) -> generated.LegacyEvent:
    response = tenant.call("GET", f"/session/{session_id}")
    assert response.status_code == 200, response.text
    return generated.LegacyEvent.model_validate(response.json())


def test_a_tracer_starts_the_session_whose_id_it_reports(
    tenant: Tenant, make_tracer: MakeTracer
) -> None:
    tracer = make_tracer(tenant, session_name="checkout-flow")

    session = stored_session(tenant, tracer.session_id)

    assert session.event_id == session.session_id == tracer.session_id
    assert (session.event_type, session.event_name) == ("session", "checkout-flow")
    assert session.project == tenant.project
    assert session.source == "contract-tests"
    assert session.parent_id is None


def test_a_tracer_honours_a_supplied_session_id(tenant: Tenant, make_tracer: MakeTracer) -> None:
    chosen = str(uuid.uuid4())

    tracer = make_tracer(tenant, session_name="resumed", session_id=chosen)

    assert tracer.session_id == chosen
    assert stored_session(tenant, chosen).event_name == "resumed"


def test_the_client_starts_a_session_and_gets_back_the_stored_id(tenant: Tenant) -> None:
    started = tenant.client().sessions.start(
        new_session(
            session_name="support-chat",
            source="client",
            inputs={"question": "where is my parcel?"},
            metadata={"channel": "web"},
            user_properties={"plan": "pro"},
        )
    )

    assert isinstance(started, generated.PostSessionStartResponse)
    for value in (started.org_id, started.workspace_id, started.project_id, started.event_id):
        assert isinstance(value, str) and value
    session = stored_session(tenant, started.session_id)
    assert session.event_id == started.session_id == started.event_id
    assert session.project_id == started.project_id
    assert session.inputs == {"question": "where is my parcel?"}
    assert session.metadata is not None and session.metadata["channel"] == "web"
    assert session.user_properties == {"plan": "pro"}
    assert session.source == "client"


def test_the_client_honours_a_supplied_session_id(tenant: Tenant) -> None:
    chosen = str(uuid.uuid4())

    started = tenant.client().sessions.start(new_session(session_name="mine", session_id=chosen))

    assert started.session_id == chosen
    assert stored_session(tenant, chosen).event_name == "mine"


def test_starting_a_known_session_again_merges_its_metadata(tenant: Tenant) -> None:
    sid = str(uuid.uuid4())
    client = tenant.client()
    client.sessions.start(new_session(session_name="s", session_id=sid, metadata={"a": 1}))

    client.sessions.start(new_session(session_name="s", session_id=sid, metadata={"b": 2}))

    sessions = [e for e in tenant.everything() if e["event_type"] == "session"]
    assert [s["event_id"] for s in sessions] == [sid]
    assert sessions[0]["metadata"] | {"a": 1, "b": 2} == sessions[0]["metadata"]


def test_starting_a_session_that_events_implied_gives_it_its_name(tenant: Tenant) -> None:
    """Events for an unknown session create an implicit one ("unknown"); a start with that id
    afterwards (the real backend ingests asynchronously, so order is not guaranteed) names it."""
    sid = str(uuid.uuid4())
    client = tenant.client()
    client.events.create(new_event(session_id=sid, event_name="early"))

    client.sessions.start(new_session(session_name="late-start", session_id=sid, source="app"))

    session = stored_session(tenant, sid)
    assert (session.event_name, session.source) == ("late-start", "app")
    assert session.metadata is not None and session.metadata["session_name"] == "late-start"


def test_v1_sessions_creates_a_session_through_the_generated_service(tenant: Tenant) -> None:
    chosen = str(uuid.uuid4())

    started = Sessions_service.createSession(
        tenant.api_config(),
        data=generated.StartSessionRequest(
            session_name="v1-session", session_id=chosen, metadata={"via": "v1"}
        ),
    )

    assert started.session_id == started.event_id == chosen
    session = stored_session(tenant, chosen)
    assert session.event_name == "v1-session"
    assert session.metadata is not None and session.metadata["via"] == "v1"


def test_the_session_tree_nests_the_trace_and_totals_its_model_calls(
    tenant: Tenant, make_tracer: MakeTracer
) -> None:
    tracer = make_tracer(tenant, session_name="tree")
    with tracer.trace("agent", event_type="chain"):
        with tracer.trace("llm", event_type="model") as span:
            span.set_attribute("llm.token_count.prompt", 7)
            span.set_attribute("llm.token_count.completion", 3)
            span.set_attribute("llm.token_count.total", 10)
        with tracer.trace("search", event_type="tool"):
            pass
    tracer.flush()
    tenant.wait_for_events(tracer.session_id, ["agent", "llm", "search"])

    response = tenant.call("GET", f"/v1/sessions/{tracer.session_id}")

    assert response.status_code == 200, response.text
    root = response.json()
    generated.LegacyEvent.model_validate(root)
    assert root["event_id"] == tracer.session_id
    (agent,) = root["children"]
    assert agent["event_name"] == "agent"
    assert sorted(c["event_name"] for c in agent["children"]) == ["llm", "search"]
    assert root["metadata"]["num_events"] == 3
    assert root["metadata"]["num_model_events"] == 1
    assert root["metadata"]["prompt_tokens"] == 7
    assert root["metadata"]["completion_tokens"] == 3
    assert root["metadata"]["total_tokens"] == 10


def test_the_session_tree_totals_only_numeric_token_counts(tenant: Tenant) -> None:
    """Metadata is free-form: a token count sent as text must not break the tree."""
    for tokens in (5, "7", True, {"n": 1}, 2.5):
        event = new_event(event_type="model", session_id="s", metadata={"prompt_tokens": tokens})
        tenant.client().events.create(event)

    response = tenant.call("GET", "/v1/sessions/s")

    assert response.status_code == 200, response.text
    assert response.json()["metadata"]["prompt_tokens"] == 7.5
    assert response.json()["metadata"]["num_model_events"] == 5


def test_the_session_tree_keeps_events_whose_parent_is_gone_or_circular(tenant: Tenant) -> None:
    client = tenant.client()
    for event_id, parent_id in (("p", None), ("c", "p"), ("g", "c"), ("x", "y"), ("y", "x")):
        client.events.create(new_event(event_id=event_id, parent_id=parent_id, session_id="s"))
    assert tenant.call("DELETE", "/v1/events/p").status_code == 200

    response = tenant.call("GET", "/v1/sessions/s")

    assert response.status_code == 200, response.text
    root = response.json()
    by_id = {n["event_id"]: n for n in root["children"]}
    assert set(by_id) == {"c", "x"}  # the orphan, and the cycle broken at its first event
    assert [n["event_id"] for n in by_id["c"]["children"]] == ["g"]
    assert [n["event_id"] for n in by_id["x"]["children"]] == ["y"]
    assert root["metadata"]["num_events"] == 4


def test_deleting_a_session_removes_it_and_all_its_events(
    tenant: Tenant, make_tracer: MakeTracer
) -> None:
    kept = make_tracer(tenant, session_name="kept")
    doomed = make_tracer(tenant, session_name="doomed")
    for tracer in (kept, doomed):
        with tracer.trace("step", event_type="tool"):
            pass
        tracer.flush()
        tenant.wait_for_events(tracer.session_id, ["step"])

    response = tenant.call("DELETE", f"/v1/sessions/{doomed.session_id}")

    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "deleted": doomed.session_id}  # combined spec
    assert tenant.session_events(doomed.session_id) == []
    assert {e["event_name"] for e in tenant.session_events(kept.session_id)} == {"kept", "step"}
    assert tenant.call("GET", f"/session/{doomed.session_id}").status_code == 404
    again = tenant.call("DELETE", f"/v1/sessions/{doomed.session_id}")
    assert again.status_code == 404
    assert error_of(again)["errorCode"] == "NOT_FOUND"


@pytest.mark.parametrize("path", ["/session/{}", "/v1/sessions/{}"])
def test_an_unknown_session_is_404_in_honeyhives_shape(tenant: Tenant, path: str) -> None:
    missing = str(uuid.uuid4())

    response = tenant.call("GET", path.format(missing))

    assert response.status_code == 404
    assert missing in error_of(response)["message"]


@ERROR_BODY_ON_EXCEPTIONS
def test_the_sdk_surfaces_the_servers_message_on_404(tenant: Tenant) -> None:
    """The generated services raise HTTPException carrying HoneyHive's message and code."""
    from honeyhive._generated.api_config import HTTPException
    from honeyhive._generated.services import Events_service

    missing = str(uuid.uuid4())
    with pytest.raises(HTTPException) as caught:
        Events_service.getEvent(tenant.api_config(), event_id=missing)

    assert caught.value.status_code == 404
    assert caught.value.error_code == "NOT_FOUND"
    assert caught.value.server_message is not None and missing in caught.value.server_message


def test_session_start_without_a_session_object_is_rejected(tenant: Tenant) -> None:
    response = httpx.post(
        f"{tenant.url}/session/start", json={"session_name": "flat"}, headers=tenant.headers
    )

    assert response.status_code == 400
    assert "session" in error_of(response)["message"]
