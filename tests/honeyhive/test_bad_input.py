"""Bad input: each gets the right 4xx with a message that names what is wrong, in HoneyHive's
error shape, and nothing of it is stored (no partial write, no raw payload kept)."""

from __future__ import annotations

import gzip
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from .api import HTTP, OTLP_PATH, Emulator, Tenant, error_of, event_body, start_emulator
from .spans import SpanSpec, json_export, protobuf_export

JSON = "application/json"
PROTOBUF = "application/x-protobuf"


@dataclass(frozen=True)
class Bad:
    name: str
    method: str
    path: str
    body: bytes
    status: int
    says: str
    content_type: str | None = JSON


def j(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def export(**body: Any) -> bytes:
    return j(body)


def one_filter(**fields: Any) -> bytes:
    return j({"filters": [{"field": "event_name", "operator": "is", "value": "x", **fields}]})


def bad_span_ids() -> bytes:
    doc = json.loads(json_export(SpanSpec("s", "sess")))
    doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["traceId"] = "not-hex"
    return j(doc)


def bad_span_kind() -> bytes:
    doc = json.loads(json_export(SpanSpec("s", "sess")))
    doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["kind"] = "SPAN_KIND_SIDEWAYS"
    return j(doc)


def short_protobuf_span_id() -> bytes:
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

    request = trace_service_pb2.ExportTraceServiceRequest()
    request.ParseFromString(protobuf_export(SpanSpec("s", "sess")))
    request.resource_spans[0].scope_spans[0].spans[0].span_id = b"\x01\x02\x03"
    data: bytes = request.SerializeToString()
    return data


DEEP = b'{"event": {"event_type": "tool", "inputs": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}}"

CASES = [
    # syntax
    Bad("malformed JSON event", "POST", "/events", b'{"event": ', 400, "malformed JSON"),
    Bad("malformed JSON session", "POST", "/session/start", b"{session}", 400, "malformed JSON"),
    Bad("malformed JSON batch", "POST", "/events/batch", b"[", 400, "malformed JSON"),
    Bad("malformed JSON update", "PUT", "/events", b"nope", 400, "malformed JSON"),
    Bad("malformed JSON export", "POST", "/v1/events/export", b"{,}", 400, "malformed JSON"),
    Bad("malformed JSON search", "POST", "/v1/events/search", b"{", 400, "malformed JSON"),
    Bad("malformed JSON v1 session", "POST", "/v1/sessions", b"{'a': 1}", 400, "malformed JSON"),
    Bad("malformed OTLP JSON", "POST", OTLP_PATH, b'{"resourceSpans": [', 400, "malformed JSON"),
    Bad("not UTF-8", "POST", "/events", b'{"event": "\xff\xfe"}', 400, "malformed JSON"),
    Bad("NaN in a body", "POST", "/events",
        b'{"event": {"event_type": "tool", "inputs": {}, "metadata": {"x": NaN}}}', 400, "NaN"),
    Bad("Infinity in a body", "POST", "/events",
        b'{"event": {"event_type": "tool", "inputs": {}, "start_time": Infinity}}', 400,
        "Infinity"),
    Bad("number out of range", "POST", "/events",
        b'{"event": {"event_type": "tool", "inputs": {}, "start_time": 1e400}}', 400, "1e400"),
    Bad("NaN in OTLP JSON", "POST", OTLP_PATH,
        json_export(SpanSpec("s", "sess")).replace(b'"status"', b'"x": NaN, "status"'), 400,
        "NaN"),
    Bad("nesting too deep", "POST", "/events", DEEP, 400, "deep"),
    Bad("malformed protobuf", "POST", OTLP_PATH, b"\xff\xff\xff\xff", 400,
        "malformed OTLP protobuf", PROTOBUF),
    Bad("protobuf span id of 3 bytes", "POST", OTLP_PATH, short_protobuf_span_id(), 400,
        "spanId must be 8 bytes", PROTOBUF),
    Bad("OTLP trace id not hex", "POST", OTLP_PATH, bad_span_ids(), 400, "traceId"),
    Bad("OTLP unknown span kind", "POST", OTLP_PATH, bad_span_kind(), 400, "SPAN_KIND_SIDEWAYS"),
    Bad("OTLP unknown top-level key", "POST", OTLP_PATH, j({"spans": []}), 400, "spans"),
    # content type
    Bad("text/plain event", "POST", "/events", j({"event": event_body()}), 415, "text/plain",
        "text/plain"),
    Bad("no content type", "POST", "/v1/events/export", b"{}", 415, "application/json", None),
    Bad("form export", "POST", "/v1/events/export", b"a=1", 415,
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
    Bad("text/plain OTLP", "POST", OTLP_PATH, json_export(SpanSpec("s", "sess")), 415,
        "text/plain", "text/plain"),
    Bad("protobuf to a JSON route", "POST", "/events", b"\x0a\x00", 415, "application/json",
        PROTOBUF),
    # queries
    Bad("unknown filter field", "POST", "/v1/events/export", one_filter(field="colour"), 400,
        "unknown field 'colour'"),
    Bad("unknown operator", "POST", "/v1/events/export", one_filter(operator="like"), 400,
        "unknown operator 'like'"),
    Bad("unknown filter type", "POST", "/v1/events/export", one_filter(type="money"), 400,
        "unknown type 'money'"),
    Bad("filter value missing", "POST", "/v1/events/export",
        j({"filters": [{"field": "event_name", "operator": "is", "type": "string"}]}), 400,
        "value is required"),
    Bad("order on a string", "POST", "/v1/events/export",
        one_filter(operator="greater than", type="string"), 400, "needs type number"),
    Bad("not a number", "POST", "/v1/events/export",
        one_filter(field="duration", value="abc", type="number"), 400, "not a valid number"),
    Bad("not a date", "POST", "/v1/events/export",
        one_filter(field="start_time", operator="after", value="soon", type="datetime"), 400,
        "not a valid datetime"),
    Bad("unknown key in a filter", "POST", "/v1/events/export", one_filter(negate=True), 400,
        "negate"),
    Bad("unknown key in export", "POST", "/v1/events/export", export(filter=[]), 400,
        "filter: unknown key"),
    Bad("unknown key in search", "POST", "/v1/events/search", j({"projections": ["x"]}), 400,
        "projections: unknown key"),
    Bad("unknown key in dateRange", "POST", "/v1/events/export",
        export(dateRange={"from": "2024-01-01"}), 400, "from"),
    Bad("unknown projection", "POST", "/v1/events/export", export(projections=["colour"]), 400,
        "colour"),
    Bad("projection into a list", "POST", "/v1/events/export",
        export(projections=["children_ids.0"]), 400, "'children_ids.0'"),
    Bad("filters not a list", "POST", "/v1/events/export", export(filters="x"), 400, "filters"),
    Bad("limit not a number", "POST", "/v1/events/export", export(limit="ten"), 400, "limit"),
    Bad("limit a boolean", "POST", "/v1/events/export", export(limit=True), 400, "limit"),
    Bad("page a string", "POST", "/v1/events/export", export(page="2"), 400, "page"),
    Bad("limit zero", "POST", "/v1/events/export", export(limit=0), 400, "limit"),
    Bad("limit above the maximum", "POST", "/v1/events/export", export(limit=7501), 400, "7500"),
    Bad("page zero", "POST", "/v1/events/export", export(page=0), 400, "page"),
    Bad("dateRange not a date", "POST", "/v1/events/export",
        export(dateRange={"$gte": "yesterday"}), 400, "yesterday"),
    # event and session bodies
    Bad("unknown key in update", "PUT", "/events", j({"event_id": "e", "metdata": {}}), 400,
        "metdata: unknown key"),
    Bad("update without event_id", "PUT", "/events", j({"metadata": {}}), 400, "event_id"),
    Bad("update with nothing to change", "PUT", "/events", j({"event_id": "e"}), 400,
        "nothing to update"),
    Bad("update duration a string", "PUT", "/events", j({"event_id": "e", "duration": "long"}),
        400, "duration"),
    Bad("unknown event type", "POST", "/events", j({"event": event_body(event_type="banana")}),
        400, "event_type"),
    Bad("event without inputs", "POST", "/events", j({"event": {"event_type": "tool"}}), 400,
        "inputs"),
    Bad("inputs not an object", "POST", "/events", j({"event": event_body(inputs="x")}), 400,
        "inputs"),
    Bad("metadata a list", "POST", "/events", j({"event": event_body(metadata=[1])}), 400,
        "metadata"),
    Bad("start_time a word", "POST", "/events", j({"event": event_body(start_time="soon")}), 400,
        "start_time"),
    Bad("start_time a numeric string", "POST", "/events",
        j({"event": event_body(start_time="1700000000000")}), 400, "start_time"),
    Bad("unknown key in an event", "POST", "/events", j({"event": event_body(colour="red")}), 400,
        "colour: unknown key"),
    Bad("event not wrapped", "POST", "/events", j(event_body()), 400, "event"),
    Bad("session metadata a number", "POST", "/session/start",
        j({"session": {"session_name": "s", "metadata": 5}}), 400, "metadata"),
    Bad("empty batch", "POST", "/events/batch", j({"events": []}), 400, "events"),
    Bad("batch with one invalid event", "POST", "/events/batch",
        j({"events": [event_body(event_name="good"), {"event_type": "tool"}]}), 400,
        "events.1.inputs"),
    Bad("batch with an unknown event type", "POST", "/events/batch",
        j({"events": [event_body(), event_body(), event_body(event_type="robot")]}), 400,
        "events.2.event_type"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("encoding", "body", "status", "says"),
    [
        ("gzip", b"not gzip at all", 400, "malformed gzip body"),
        ("gzip", gzip.compress(json_export(SpanSpec("s", "sess")))[:-12], 400, "ends early"),
        ("br", json_export(SpanSpec("s", "sess")), 415, "unsupported content encoding 'br'"),
    ],
    ids=["not gzip", "truncated gzip", "brotli"],
)
def test_a_bad_content_encoding_is_refused(
    emulator: Emulator, tenant: Tenant, encoding: str, body: bytes, status: int, says: str
) -> None:
    response = HTTP.post(
        f"{tenant.url}{OTLP_PATH}",
        content=body,
        headers={**tenant.headers, "content-type": JSON, "content-encoding": encoding},
    )

    assert response.status_code == status
    assert says in error_of(response)["message"]
    assert emulator.control.payloads(tenant.project) == []


def test_a_gzip_json_export_is_read(tenant: Tenant) -> None:
    body = gzip.compress(json_export(SpanSpec("zipped", "sess")))

    response = HTTP.post(
        f"{tenant.url}{OTLP_PATH}",
        content=body,
        headers={**tenant.headers, "content-type": JSON, "content-encoding": "gzip"},
    )

    assert response.status_code == 200, response.text
    assert "zipped" in {e["event_name"] for e in tenant.everything()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_and_nothing_is_stored(
    emulator: Emulator, tenant: Tenant, case: Bad
) -> None:
    headers = dict(tenant.headers)
    if case.content_type is not None:
        headers["content-type"] = case.content_type

    response = HTTP.request(
        case.method, f"{tenant.url}{case.path}", content=case.body, headers=headers
    )

    assert response.status_code == case.status, response.text
    body = error_of(response)
    assert case.says in body["message"], body
    assert body["errorCode"] == {400: "INVALID_REQUEST", 415: "UNSUPPORTED_MEDIA_TYPE"}[case.status]
    assert tenant.everything() == []
    assert emulator.control.payloads(tenant.project) == []


def test_a_refused_batch_leaves_an_existing_session_untouched(tenant: Tenant) -> None:
    ok = tenant.call("POST", "/events", {"event": event_body(event_name="before", session_id="s")})
    assert ok.status_code == 200
    before = tenant.everything()

    response = tenant.call(
        "POST",
        "/events/batch",
        {
            "events": [event_body(session_id="s"), {"event_type": "tool", "session_id": "s"}],
            "is_single_session": True,
            "session_properties": {"session_name": "batch"},
        },
    )

    assert response.status_code == 400
    assert tenant.everything() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/events"), ("GET", "/v1/events/{}"), ("GET", "/session/{}")],
)
def test_an_unknown_event_or_session_is_404(tenant: Tenant, method: str, path: str) -> None:
    missing = "missing-" + tenant.api_key[-6:]
    body = {"event_id": missing, "metadata": {"a": 1}} if method == "PUT" else None

    response = tenant.call(method, path.format(missing), body)

    assert response.status_code == 404
    error = error_of(response)
    assert error["errorCode"] == "NOT_FOUND"
    assert missing in error["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nope"),
        ("POST", "/v1/queues"),
        ("POST", "/v1/events"),
        ("GET", "/v1/events/export/extra"),
    ],
)
def test_an_unknown_route_is_404_json(tenant: Tenant, method: str, path: str) -> None:
    response = tenant.call(method, path, {} if method == "POST" else None)

    assert response.status_code == 404
    error = error_of(response)
    assert path in error["message"]


def test_a_known_route_with_the_wrong_method_is_405_json(tenant: Tenant) -> None:
    response = tenant.call("GET", "/events")

    assert response.status_code == 405
    assert "GET" in error_of(response)["message"]


# ---- body size ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    folder = tmp_path_factory.mktemp("small-bodies")
    running = start_emulator(folder, ":memory:", "--max-body-bytes", "4096", name="small")
    try:
        yield running
    finally:
        running.service.stop()


def padded_event(size: int) -> bytes:
    return j({"event": event_body(inputs={"pad": "x" * size})})


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("path", ["/events", OTLP_PATH])
def test_an_oversized_body_is_413_and_not_stored(small: Emulator, path: str, chunked: bool) -> None:
    tenant = small.new_tenant("big")
    body = (
        padded_event(8000)
        if path == "/events"
        else json_export(SpanSpec("big", "sess", attributes={"pad": "x" * 8000}))
    )
    content: bytes | Iterator[bytes] = (
        iter([body[i : i + 1024] for i in range(0, len(body), 1024)]) if chunked else body
    )

    response = HTTP.post(
        f"{tenant.url}{path}",
        content=content,
        headers={**tenant.headers, "content-type": JSON},
    )

    assert response.status_code == 413
    assert "4096 byte limit" in error_of(response)["message"]
    assert tenant.everything() == []
    assert small.control.payloads(tenant.project) == []


def test_a_gzip_body_that_inflates_past_the_limit_is_413(small: Emulator) -> None:
    tenant = small.new_tenant("bomb")
    body = gzip.compress(json_export(SpanSpec("big", "sess", attributes={"pad": "x" * 50_000})))
    assert len(body) < 4096

    response = HTTP.post(
        f"{tenant.url}{OTLP_PATH}",
        content=body,
        headers={**tenant.headers, "content-type": JSON, "content-encoding": "gzip"},
    )

    assert response.status_code == 413
    assert "once inflated" in error_of(response)["message"]
    assert small.control.payloads(tenant.project) == []


def test_a_body_under_the_limit_is_served(small: Emulator) -> None:
    tenant = small.new_tenant("fits")

    response = tenant.call("POST", "/events", {"event": event_body(inputs={"pad": "x" * 1000})})

    assert response.status_code == 200, response.text


# ---- a server-side failure ------------------------------------------------------------------


def test_a_storage_failure_is_a_500_not_a_4xx(tmp_path: Path) -> None:
    """An external writer holding the database lock makes a write fail inside the emulator:
    that is the emulator's failure, reported as 500 in HoneyHive's shape and logged."""
    db = tmp_path / "locked.db"
    running = start_emulator(tmp_path, db, name="locked")
    try:
        tenant = running.new_tenant("locked")
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            started = time.monotonic()
            response = tenant.call("POST", "/events", {"event": event_body()}, timeout=30)
            waited = time.monotonic() - started
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()

        assert response.status_code == 500, response.text
        assert error_of(response)["errorCode"] == "INTERNAL_ERROR"
        assert response.headers["connection"] == "close"
        assert waited >= 1.0  # sqlite waited for the lock before giving up
        log = running.service.log_tail(200)
        assert "internal error on POST /events" in log
        assert "POST /events 500" in log
        assert tenant.call("POST", "/events", {"event": event_body()}).status_code == 200
    finally:
        running.service.stop()


def test_a_slow_client_does_not_block_other_requests(emulator: Emulator, tenant: Tenant) -> None:
    """A half-sent body holds its own request only."""
    import socket

    host, port = emulator.url.removeprefix("http://").split(":")
    slow = socket.create_connection((host, int(port)))
    try:
        slow.sendall(
            b"POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {tenant.api_key}\r\nContent-Length: 500\r\n\r\n{{".encode()
        )
        done = threading.Event()
        result: list[httpx.Response] = []

        def other() -> None:
            result.append(tenant.call("POST", "/v1/events/export", {}))
            done.set()

        threading.Thread(target=other, daemon=True).start()
        assert done.wait(5), "an unrelated request waited behind a slow upload"
        assert result[0].status_code == 200
    finally:
        slow.close()


# ---- odd but valid input ---------------------------------------------------------------------


@pytest.mark.parametrize("route", ["/events", OTLP_PATH])
def test_a_lone_surrogate_in_a_string_is_stored_and_reads_back(tenant: Tenant, route: str) -> None:
    """`"\\ud800"` is a valid JSON string (JavaScript reads and writes it); it is not UTF-8."""
    if route == "/events":
        body = b'{"event": {"event_type": "tool", "session_id": "s", "inputs": {"x": "\\ud800"}}}'
    else:
        body = json_export(SpanSpec("odd", "s", attributes={"x": "SURROGATE"}))
        body = body.replace(b'"SURROGATE"', b'"\\ud800"')

    assert tenant.call("POST", route, content=body).status_code == 200

    (event,) = [e for e in tenant.session_events("s") if e["event_type"] != "session"]
    assert "\ud800" in (event["inputs"].get("x"), event["metadata"].get("x"))


def test_non_finite_otlp_doubles_are_kept_as_null(tenant: Tenant) -> None:
    """OTLP allows NaN and Infinity doubles (protobuf, or "NaN" strings in OTLP/JSON); JSON has
    no such numbers, so the event keeps null rather than poisoning every later read."""
    spec = SpanSpec("nan", "s", attributes={"score": float("nan"), "big": float("inf")})
    text = json_export(SpanSpec("nan-json", "s", attributes={"score": 1.5}))
    text = text.replace(b'"doubleValue": 1.5', b'"doubleValue": "NaN"')

    for body, ctype in ((protobuf_export(spec), PROTOBUF), (text, JSON)):
        assert tenant.call("POST", OTLP_PATH, content=body, content_type=ctype).status_code == 200

    events = {e["event_name"]: e for e in tenant.session_events("s")}
    assert events["nan"]["metadata"] == {"score": None, "big": None}
    assert events["nan-json"]["metadata"] == {"score": None}
