"""Tenant isolation: one key never reads, changes, enriches or deletes another project's sessions
and events through any route; an unknown or missing key gets HoneyHive's 401."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from honeyhive import HoneyHiveTracer

from .api import HTTP, OTLP_PATH, Emulator, Tenant, error_of, event_body, is_
from .conftest import MakeTenant, MakeTracer
from .spans import SpanSpec, json_export


@dataclass(frozen=True)
class Victim:
    tenant: Tenant
    session_id: str
    event_id: str


@dataclass(frozen=True)
class Attempt:
    """What the intruder tries with its own key, and the status it must get (None for an
    attempt through the SDK, which swallows the refusal; the victim's data is checked anyway)."""

    name: str
    act: Callable[[Tenant, Victim, MakeTracer], httpx.Response | None]
    status: int | None


def _call(method: str, path: str, body: Any = None) -> Callable[..., httpx.Response]:
    def act(intruder: Tenant, victim: Victim, _: MakeTracer) -> httpx.Response:
        fill = {"sid": victim.session_id, "eid": victim.event_id, "project": victim.tenant.project}
        filled = _fill(body, fill)
        return intruder.call(method, path.format(**fill), filled)

    return act


def _fill(body: Any, values: dict[str, str]) -> Any:
    if isinstance(body, str):
        return body.format(**values)
    if isinstance(body, dict):
        return {k: _fill(v, values) for k, v in body.items()}
    if isinstance(body, list):
        return [_fill(v, values) for v in body]
    return body


def _enrich_with_sdk(intruder: Tenant, victim: Victim, make_tracer: MakeTracer) -> None:
    tracer: HoneyHiveTracer = make_tracer(intruder)
    tracer.enrich_session(session_id=victim.session_id, metadata={"owned": True})


def _span_into_victims_session(intruder: Tenant, victim: Victim, _: MakeTracer) -> httpx.Response:
    spec = SpanSpec("intruder-span", victim.session_id)
    return intruder.call("POST", OTLP_PATH, content=json_export(spec))


ATTEMPTS = [
    Attempt("export by session", _call("POST", "/v1/events/export",
            {"filters": [is_("session_id", "{sid}")]}), 200),
    Attempt("export naming the project", _call("POST", "/v1/events/export",
            {"project": "{project}", "filters": []}), 200),
    Attempt("search by event", _call("POST", "/v1/events/search",
            {"filters": [is_("event_id", "{eid}")]}), 200),
    Attempt("get event", _call("GET", "/v1/events/{eid}"), 404),
    Attempt("get session", _call("GET", "/session/{sid}"), 404),
    Attempt("session tree", _call("GET", "/v1/sessions/{sid}"), 404),
    Attempt("update event", _call("PUT", "/events", {"event_id": "{eid}", "metadata": {"x": 1}}),
            404),
    Attempt("update session", _call("PUT", "/events",
            {"event_id": "{sid}", "feedback": {"x": 1}}), 404),
    Attempt("enrich session with the SDK", _enrich_with_sdk, None),
    Attempt("delete event", _call("DELETE", "/v1/events/{eid}"), 404),
    Attempt("delete session", _call("DELETE", "/v1/sessions/{sid}"), 404),
    Attempt("create an event with the same id", _call("POST", "/events",
            {"event": event_body(event_id="{eid}", session_id="{sid}")}), 200),
    Attempt("restart the session", _call("POST", "/session/start",
            {"session": {"session_id": "{sid}", "metadata": {"owned": True}}}), 200),
    Attempt("batch into the session", _call("POST", "/events/batch",
            {"events": [event_body(session_id="{sid}")]}), 200),
    Attempt("span into the session", _span_into_victims_session, 200),
]  # fmt: skip


@pytest.fixture
def victim(make_tenant: MakeTenant, make_tracer: MakeTracer) -> Victim:
    owner = make_tenant("victim")
    tracer = make_tracer(owner, session_name="private")
    with tracer.trace("secret-step", event_type="tool"):
        tracer.enrich_span(metadata={"secret": "s3cr3t"})
    tracer.flush()
    events = owner.wait_for_events(tracer.session_id, ["secret-step"])
    assert tracer.session_id is not None
    return Victim(owner, tracer.session_id, events["secret-step"]["event_id"])


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[a.name for a in ATTEMPTS])
def test_another_key_cannot_touch_the_projects_data(
    make_tenant: MakeTenant, make_tracer: MakeTracer, victim: Victim, attempt: Attempt
) -> None:
    intruder = make_tenant("intruder")
    before = victim.tenant.everything()

    response = attempt.act(intruder, victim, make_tracer)

    if response is not None:
        assert response.status_code == attempt.status, response.text
        body = response.json()
        if response.status_code == 404:
            error_of(response)
        if isinstance(body, dict) and "events" in body:
            assert body["events"] == []
        assert "s3cr3t" not in response.text
    assert victim.tenant.everything() == before
    own = intruder.everything()
    assert all(e["project"] == intruder.project for e in own)
    assert "s3cr3t" not in repr(own)


def test_the_same_ids_in_two_projects_stay_two_records(make_tenant: MakeTenant) -> None:
    a, b = make_tenant("a"), make_tenant("b")
    sid, eid = str(uuid.uuid4()), str(uuid.uuid4())

    for tenant, word in ((a, "from-a"), (b, "from-b")):
        body = {"event": event_body(event_id=eid, session_id=sid, inputs={"w": word})}
        assert tenant.call("POST", "/events", body).status_code == 200

    for tenant, word in ((a, "from-a"), (b, "from-b")):
        event = tenant.event(eid)
        assert event is not None and event["inputs"] == {"w": word}
        assert event["project"] == tenant.project


@pytest.fixture(scope="module")
def bystander(emulator: Emulator) -> Tenant:
    """A registered project that no refused request may write to."""
    return emulator.new_tenant("bystander")


ROUTES = [
    ("POST", "/session/start", {"session": {"session_name": "x"}}),
    ("POST", "/v1/sessions", {"session_name": "x"}),
    ("GET", "/session/some-id", None),
    ("GET", "/v1/sessions/some-id", None),
    ("DELETE", "/v1/sessions/some-id", None),
    ("POST", "/events", {"event": event_body()}),
    ("POST", "/events/batch", {"events": [event_body()]}),
    ("PUT", "/events", {"event_id": "e", "metadata": {}}),
    ("GET", "/v1/events/some-id", None),
    ("DELETE", "/v1/events/some-id", None),
    ("POST", "/v1/events/export", {"filters": []}),
    ("POST", "/v1/events/search", {"filters": []}),
    ("POST", OTLP_PATH, {"resourceSpans": []}),
]
CREDENTIALS = {
    "unknown key": {"Authorization": "Bearer hh-not-a-real-key"},
    "no header": {},
    "Bearer None": {"Authorization": "Bearer None"},
    "bearer without key": {"Authorization": "Bearer"},
    "not bearer": {"Authorization": "Basic dXNlcjpwYXNz"},
}


@pytest.mark.parametrize("credentials", CREDENTIALS.values(), ids=list(CREDENTIALS))
@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_a_request_without_a_valid_key_is_401(
    bystander: Tenant, method: str, path: str, body: Any, credentials: dict[str, str]
) -> None:
    response = HTTP.request(method, f"{bystander.url}{path}", json=body, headers=credentials)

    assert response.status_code == 401, response.text
    assert error_of(response)["errorCode"] == "UNAUTHORIZED"
    assert bystander.everything() == []


def test_the_sdk_with_an_unknown_key_stores_nothing(
    tenant: Tenant, make_tracer: MakeTracer
) -> None:
    """A bad key never raises in the SDK: it falls back to a local session id and its exports
    are refused; the emulator must store none of it."""
    impostor = Tenant(tenant.url, "hh-unknown-key", tenant.project)
    tracer = make_tracer(impostor, session_name="ghost")
    with tracer.trace("ghost-step", event_type="tool"):
        pass
    tracer.flush()

    assert tenant.everything() == []
    assert tenant.call("GET", f"/session/{tracer.session_id}").status_code == 404
