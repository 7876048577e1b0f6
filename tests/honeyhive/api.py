"""What the HoneyHive tests share: a running emulator, a tenant on it (API key + project), raw
HTTP calls for the routes the SDK does not wrap, and reads validated with the SDK's own models."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from honeyhive import HoneyHive
from honeyhive._generated import models as generated
from honeyhive._generated.api_config import APIConfig
from honeyhive.models import PostEventBatchRequest, PostEventRequest, StartSessionRequest

from emulator.honeyhive.control_client import HoneyHiveControl
from emulator.honeyhive.launcher import honeyhive_emulator
from emulator.process import Service
from support.ids import unique
from support.readback.polling import wait_for

DATA = Path(__file__).resolve().parents[1] / "data" / "honeyhive"
JSON_SAMPLE = DATA / "otlp_export_http_json.json"
PROTOBUF_SAMPLE = DATA / "otlp_export_http_protobuf.bin"
OTLP_PATH = "/opentelemetry/v1/traces"
EXPORT_PATH = "/v1/events/export"
# One client for the whole process: building an httpx.Client (its TLS context) costs ~20 ms.
# TCP_NODELAY: httpcore writes a request's headers and body separately, and on a kept-alive
# connection Nagle + delayed ACK would add ~40 ms to every request with a body.
HTTP = httpx.Client(
    timeout=10.0,
    transport=httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]),
)


@dataclass
class Emulator:
    """One emulator process and the client of its control plane."""

    service: Service
    token: str

    @property
    def url(self) -> str:
        return self.service.url

    @property
    def control(self) -> HoneyHiveControl:
        return HoneyHiveControl(self.url, self.token)

    def new_tenant(self, label: str = "t") -> Tenant:
        project = unique(f"hh-{label}")
        api_key = f"hh-key-{secrets.token_hex(12)}"
        self.control.add_tenant(api_key, project)
        return Tenant(self.url, api_key, project)

    def log_since(self, offset: int) -> list[str]:
        with self.service.log_path.open(encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            return log.read().splitlines()


def start_emulator(log_dir: Path, db: Path | str, *extra: str, name: str = "honeyhive") -> Emulator:
    token = secrets.token_urlsafe(16)
    service = honeyhive_emulator(log_dir, db, token, *extra, name=name)
    service.start()
    return Emulator(service, token)


@dataclass(frozen=True)
class Tenant:
    """An API key and the project it maps to, on one emulator."""

    url: str
    api_key: str
    project: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def client(self) -> HoneyHive:
        return HoneyHive(api_key=self.api_key, server_url=self.url)

    def api_config(self) -> APIConfig:
        return APIConfig(base_path=self.url, access_token=self.api_key)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content: bytes | None = None,
        content_type: str = "application/json",
        timeout: float = 10.0,
    ) -> httpx.Response:
        """One request with this tenant's key: a JSON `body`, or raw `content`."""
        headers = dict(self.headers)
        if body is not None or content is not None:
            headers["content-type"] = content_type
        return HTTP.request(
            method,
            f"{self.url}{path}",
            json=body,
            content=content,
            headers=headers,
            timeout=timeout,
        )

    def export_page(self, **body: Any) -> dict[str, Any]:
        """POST /v1/events/export; the reply is checked against the SDK's model."""
        response = self.call("POST", EXPORT_PATH, body)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        generated.ExportEventsResponse.model_validate(page)
        assert set(page) >= {"events", "totalEvents"}, page
        return page

    def export(self, *filters: dict[str, Any], **body: Any) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = self.export_page(filters=list(filters), **body)["events"]
        return events

    def everything(self) -> list[dict[str, Any]]:
        """Every event the project holds (sessions included), oldest first."""
        return self.export(limit=7500)

    def session_events(self, session_id: str | None) -> list[dict[str, Any]]:
        """`session_id` is typed as the SDK types `tracer.session_id`; None is a test bug."""
        assert session_id is not None, "no session id"
        return self.export(is_("session_id", session_id))

    def wait_for_events(
        self, session_id: str | None, names: Iterable[str], timeout: float = 15.0
    ) -> dict[str, dict[str, Any]]:
        """The session's events by name, once every expected name is there."""
        wanted = set(names)
        found = wait_for(
            lambda: self.session_events(session_id),
            lambda events: wanted <= {e["event_name"] for e in events},
            what=f"events {sorted(wanted)} in session {session_id}",
            timeout=timeout,
        )
        return {e["event_name"]: e for e in found}

    def event(self, event_id: str) -> dict[str, Any] | None:
        found = self.export(is_("event_id", event_id))
        return found[0] if found else None


def is_(field: str, value: Any, type_: str = "string") -> dict[str, Any]:
    return {"field": field, "operator": "is", "value": value, "type": type_}


def event_body(**fields: Any) -> dict[str, Any]:
    """A minimal valid event for POST /events (`event_type` and `inputs` are required)."""
    return {"event_type": "tool", "inputs": {}, **fields}


def new_event(**fields: Any) -> PostEventRequest:
    """The SDK's request for `client.events.create`, built as its docs show, from a dict."""
    return PostEventRequest.model_validate({"event": event_body(**fields)})


def new_session(**fields: Any) -> StartSessionRequest:
    """The SDK's request for `client.sessions.start`."""
    return StartSessionRequest.model_validate({"session": fields})


def new_batch(*events: dict[str, Any], **options: Any) -> PostEventBatchRequest:
    """The SDK's request for `client.events.create_batch`."""
    return PostEventBatchRequest.model_validate({"events": list(events), **options})


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The body of an error reply, checked to be HoneyHive's `{message, errorCode}` shape."""
    assert response.headers.get("content-type", "").startswith("application/json"), response
    body: dict[str, Any] = response.json()
    assert set(body) == {"message", "errorCode"}, body
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["errorCode"], str) and body["errorCode"], body
    return body
