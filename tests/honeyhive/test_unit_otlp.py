"""The OTLP decoders (emulator/honeyhive/otlp/) on their own: both recorded samples decode; ids
in hex or base64; intValue as a string; enum names or numbers; malformed exports fail whole, with
a message naming the spot."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from emulator.honeyhive.errors import BadRequest, UnsupportedMediaType
from emulator.honeyhive.otlp.decode import decode, decode_json
from emulator.honeyhive.otlp.spans import Span

from .api import JSON_SAMPLE, PROTOBUF_SAMPLE
from .spans import SpanSpec, json_export, protobuf_export


def test_the_json_sample_decodes() -> None:
    spans = decode(JSON_SAMPLE.read_bytes(), "application/json")

    assert [s.name for s in spans] == ["openai.chat", "tool-step", "my_chain"]
    chat = spans[0]
    assert chat.trace_id == "7646bc0328d6baf4f161dc50a5716549"
    assert chat.span_id == "d23389ba4805e0da"
    assert chat.parent_span_id is None
    assert (chat.kind, chat.status_code) == ("INTERNAL", "UNSET")
    assert chat.start_ns == 1795626452643561841
    assert chat.attributes["custom.attr"] == 1
    assert chat.attributes["honeyhive_metrics.latency_ms"] == 12.5
    assert chat.attributes["honeyhive.session_id"] == "b02455d6-a63e-4ed3-98c4-6955e973554b"
    (exception,) = chat.events
    assert exception.name == "exception"
    assert exception.attributes["exception.type"] == "ValueError"
    assert chat.resource["service.name"] == "unknown_service:python"
    assert chat.scope.startswith("honeyhive.")
    assert spans[2].attributes["honeyhive_duration_ms"] == pytest.approx(0.42128562927246094)


def test_the_protobuf_sample_decodes_as_its_recorded_dump_says() -> None:
    spans = decode(PROTOBUF_SAMPLE.read_bytes(), "application/x-protobuf")

    child, parent = spans
    assert (child.name, parent.name) == ("child-llm", "parent")
    assert child.trace_id == parent.trace_id == "9b2d649eb1a17f3895eea3eb452dd923"
    assert child.span_id == "5739ee44e3e5a4c0"
    assert child.parent_span_id == parent.span_id == "15aa579cb086b5a6"
    assert parent.parent_span_id is None
    assert (child.kind, child.status_code) == ("INTERNAL", "UNSET")
    assert child.attributes["gen_ai.usage.input_tokens"] == 11
    assert child.attributes["honeyhive_metadata.temperature"] == 0.2
    assert child.attributes["honeyhive_inputs.chat_history.0.role"] == "user"
    assert child.resource["telemetry.sdk.version"] == "1.45.2"


def test_json_and_protobuf_of_the_same_spans_decode_alike() -> None:
    parent = SpanSpec("p", "sess", attributes={"n": 3, "f": 0.5, "b": True, "s": "x"})
    specs = (parent, parent.child("c", status="ERROR", status_message="bad"))

    from_json = decode(json_export(*specs), "application/json")
    from_pb = decode(protobuf_export(*specs), "application/x-protobuf; charset=binary")

    def essentials(spans: list[Span]) -> list[tuple[Any, ...]]:
        return [
            (s.trace_id, s.span_id, s.parent_span_id, s.name, s.kind, s.start_ns, s.end_ns,
             s.attributes, s.status_code, s.status_message)
            for s in spans
        ]  # fmt: skip

    assert essentials(from_json) == essentials(from_pb)


def one_span(**fields: Any) -> bytes:
    span = {"traceId": "ab" * 16, "spanId": "cd" * 8, "name": "s", **fields}
    return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}).encode()


def decode_one(**fields: Any) -> Span:
    (span,) = decode_json(one_span(**fields))
    return span


def test_base64_ids_are_read_as_standard_otlp_json() -> None:
    trace, span = bytes(range(16)), bytes(range(8))

    decoded = decode_one(
        traceId=base64.b64encode(trace).decode(), spanId=base64.b64encode(span).decode()
    )

    assert (decoded.trace_id, decoded.span_id) == (trace.hex(), span.hex())


def test_hex_ids_are_normalised_to_lower_case() -> None:
    decoded = decode_one(traceId="AB" * 16, spanId="CD" * 8, parentSpanId="EF" * 8)

    assert (decoded.trace_id, decoded.span_id, decoded.parent_span_id) == (
        "ab" * 16,
        "cd" * 8,
        "ef" * 8,
    )


@pytest.mark.parametrize("parent", [None, ""])
def test_a_missing_parent_is_none(parent: str | None) -> None:
    assert decode_one(parentSpanId=parent).parent_span_id is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"intValue": "42"}, 42),
        ({"intValue": 42}, 42),
        ({"intValue": "-7"}, -7),
        ({"doubleValue": 1.5}, 1.5),
        ({"doubleValue": "2.5"}, 2.5),
        ({"doubleValue": "NaN"}, None),
        ({"doubleValue": "Infinity"}, None),
        ({"boolValue": False}, False),
        ({"stringValue": "x"}, "x"),
        ({"arrayValue": {"values": [{"intValue": "1"}, {"stringValue": "a"}]}}, [1, "a"]),
        ({"kvlistValue": {"values": [{"key": "k", "value": {"boolValue": True}}]}}, {"k": True}),
        ({"bytesValue": "AAE="}, "AAE="),
        ({}, None),
    ],
)
def test_attribute_values_decode_by_their_type(value: dict[str, Any], expected: Any) -> None:
    span = decode_one(attributes=[{"key": "k", "value": value}])

    assert span.attributes["k"] == expected


@pytest.mark.parametrize(
    ("kind", "code", "expected"),
    [
        ("SPAN_KIND_CLIENT", "STATUS_CODE_ERROR", ("CLIENT", "ERROR")),
        ("SERVER", "OK", ("SERVER", "OK")),
        (3, 2, ("CLIENT", "ERROR")),
        (0, 0, ("UNSPECIFIED", "UNSET")),
    ],
)
def test_enums_are_read_by_name_or_number(kind: Any, code: Any, expected: tuple[str, str]) -> None:
    span = decode_one(kind=kind, status={"code": code, "message": "m"})

    assert (span.kind, span.status_code) == expected
    assert span.status_message == "m"


def test_protobuf_non_finite_doubles_are_none() -> None:
    spec = SpanSpec("s", "sess", attributes={"nan": float("nan"), "inf": float("-inf")})

    (span,) = decode(protobuf_export(spec), "application/x-protobuf")

    assert (span.attributes["nan"], span.attributes["inf"]) == (None, None)


def test_an_empty_protobuf_body_is_no_spans() -> None:
    assert decode(b"", "application/x-protobuf") == []


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"[]", "must be a JSON object"),
        (b'{"resourceSpans": {}}', "resourceSpans must be a list"),
        (b'{"resourceSpans": [], "extra": 1}', "unknown keys"),
        (one_span(traceId="xyz"), "traceId must be 32 hex characters"),
        (one_span(spanId="ab" * 4), "spanId must be 16 hex characters"),
        (one_span(traceId=None), "traceId is required"),
        (one_span(traceId=5), "traceId must be a string"),
        (one_span(name=""), "name is required"),
        (one_span(kind="SPAN_KIND_WEIRD"), "unknown enum value 'SPAN_KIND_WEIRD'"),
        (one_span(kind=True), "unknown enum value True"),
        (one_span(startTimeUnixNano="soon"), "startTimeUnixNano must be an integer"),
        (one_span(startTimeUnixNano=1.5), "startTimeUnixNano must be an integer"),
        (one_span(attributes={"k": "v"}), "attributes must be a list"),
        (one_span(attributes=[{"value": {}}]), "string 'key'"),
        (one_span(attributes=[{"key": "k", "value": {"floatValue": 1}}]), "unknown value type"),
        (one_span(attributes=[{"key": "k", "value": {"boolValue": "yes"}}]), "boolValue"),
        (one_span(attributes=[{"key": "k", "value": {"intValue": "1.5"}}]), "intValue"),
        (one_span(status="ERROR"), "status must be an object"),
        (one_span(events=[1]), "events[0] must be an object"),
    ],
)
def test_malformed_json_exports_fail_whole_naming_the_spot(body: bytes, says: str) -> None:
    with pytest.raises(BadRequest, match=None) as caught:
        decode(body, "application/json")

    assert says in caught.value.message


def test_a_bad_span_among_good_ones_fails_the_whole_export() -> None:
    good = json.loads(json_export(SpanSpec("a", "s"), SpanSpec("b", "s")))
    good["resourceSpans"][0]["scopeSpans"][0]["spans"][1]["spanId"] = "short"

    with pytest.raises(BadRequest) as caught:
        decode(json.dumps(good).encode(), "application/json")

    assert "spans[1].spanId" in caught.value.message


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"\xff\xff\xff\xff", "malformed OTLP protobuf"),
        (b"\x0a\x05\x12\x03\x12\x01", "malformed OTLP protobuf"),
    ],
)
def test_malformed_protobuf_fails(body: bytes, says: str) -> None:
    with pytest.raises(BadRequest) as caught:
        decode(body, "application/x-protobuf")

    assert says in caught.value.message


@pytest.mark.parametrize("content_type", ["text/plain", "", "application/xml", "json"])
def test_other_content_types_are_unsupported(content_type: str) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        decode(b"{}", content_type)

    assert "application/json or application/x-protobuf" in caught.value.message
