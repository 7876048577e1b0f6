"""OTLP trace export through the real SDK, JSON (default) and protobuf, and how spans become
events: names, types, enrichment, nesting, errors and timing."""

from __future__ import annotations

import json
import time

import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from .api import JSON_SAMPLE, OTLP_PATH, PROTOBUF_SAMPLE, Emulator, Tenant
from .conftest import MakeTracer
from .spans import SpanSpec, json_export, protobuf_export


def content_types(emulator: Emulator, tenant: Tenant) -> set[str]:
    return {p["content_type"] for p in emulator.control.payloads(tenant.project)}


def test_spans_are_exported_as_json_by_default(
    emulator: Emulator, tenant: Tenant, make_tracer: MakeTracer
) -> None:
    tracer = make_tracer(tenant)
    with tracer.trace("step", event_type="tool"):
        pass
    tracer.flush()

    tenant.wait_for_events(tracer.session_id, ["step"])
    assert content_types(emulator, tenant) == {"application/json"}


@pytest.mark.parametrize("variable", ["HH_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"])
def test_the_protocol_variable_read_at_tracer_init_switches_to_protobuf(
    emulator: Emulator,
    tenant: Tenant,
    make_tracer: MakeTracer,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    """The SDK reads the variable when the tracer is built (OTLPConfig.__init__ and
    initialization._create_otlp_exporter), not at import: setting it in-process is enough."""
    monkeypatch.delenv("HH_OTLP_PROTOCOL", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_PROTOCOL", raising=False)
    monkeypatch.setenv(variable, "http/protobuf")
    tracer = make_tracer(tenant)
    monkeypatch.delenv(variable)
    with tracer.trace("binary-step", event_type="chain"):
        tracer.enrich_span(inputs={"q": "hi"}, metadata={"n": 3, "nested": {"ok": True}})
    tracer.flush()

    events = tenant.wait_for_events(tracer.session_id, ["binary-step"])
    assert content_types(emulator, tenant) == {"application/x-protobuf"}
    step = events["binary-step"]
    assert step["event_type"] == "chain"
    assert step["inputs"] == {"q": "hi"}
    assert step["metadata"] == {"n": 3, "nested": {"ok": True}}


def test_gzip_compressed_protobuf_exports_are_read(
    emulator: Emulator, tenant: Tenant, make_tracer: MakeTracer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenTelemetry's protobuf exporter, which the SDK uses for http/protobuf, honours
    OTEL_EXPORTER_OTLP_COMPRESSION=gzip and sends `Content-Encoding: gzip`."""
    monkeypatch.setenv("HH_OTLP_PROTOCOL", "http/protobuf")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
    tracer = make_tracer(tenant)
    monkeypatch.delenv("HH_OTLP_PROTOCOL")
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_COMPRESSION")
    with tracer.trace("squeezed", event_type="tool"):
        tracer.enrich_span(outputs={"ok": True})
    tracer.flush()

    event = tenant.wait_for_events(tracer.session_id, ["squeezed"])["squeezed"]

    assert event["outputs"] == {"ok": True}
    assert content_types(emulator, tenant) == {"application/x-protobuf"}


def test_enrichment_lands_in_each_event_field(tenant: Tenant, make_tracer: MakeTracer) -> None:
    tracer = make_tracer(tenant)
    with tracer.trace("answer", event_type="model"):
        tracer.enrich_span(
            inputs={"question": "2+2?", "history": ["hi", "hello"]},
            outputs={"answer": "4"},
            metadata={"customer": {"id": "c-1", "tier": "gold"}, "attempt": 2},
            config={"model": "gpt-4o-mini", "temperature": 0.2},
            metrics={"latency_ms": 12.5, "score": 1},
            feedback={"thumbs_up": True},
            user_properties={"user_id": "u-9"},
        )
    tracer.flush()

    event = tenant.wait_for_events(tracer.session_id, ["answer"])["answer"]

    assert event["event_type"] == "model"
    assert event["inputs"] == {"question": "2+2?", "history": ["hi", "hello"]}
    assert event["outputs"] == {"answer": "4"}
    assert event["metadata"] == {"customer": {"id": "c-1", "tier": "gold"}, "attempt": 2}
    assert event["config"] == {"model": "gpt-4o-mini", "temperature": 0.2}
    assert event["metrics"] == {"latency_ms": 12.5, "score": 1}
    assert event["feedback"] == {"thumbs_up": True}
    assert event["user_properties"] == {"user_id": "u-9"}
    assert event["error"] is None
    assert event["project"] == tenant.project
    assert event["source"] == "contract-tests"


def test_nested_blocks_become_parent_and_children(tenant: Tenant, make_tracer: MakeTracer) -> None:
    tracer = make_tracer(tenant, session_name="nested")
    with tracer.trace("pipeline", event_type="chain"):
        with tracer.trace("retrieve", event_type="tool"), tracer.trace("embed", event_type="model"):
            pass
        with tracer.trace("generate", event_type="model"):
            pass
    tracer.flush()

    events = tenant.wait_for_events(
        tracer.session_id, ["nested", "pipeline", "retrieve", "embed", "generate"]
    )
    ids = {name: e["event_id"] for name, e in events.items()}

    assert events["pipeline"]["parent_id"] == tracer.session_id
    assert events["retrieve"]["parent_id"] == ids["pipeline"]
    assert events["embed"]["parent_id"] == ids["retrieve"]
    assert events["generate"]["parent_id"] == ids["pipeline"]
    assert sorted(events["pipeline"]["children_ids"]) == sorted([ids["retrieve"], ids["generate"]])
    assert events["retrieve"]["children_ids"] == [ids["embed"]]
    assert events["embed"]["children_ids"] == []
    assert events["nested"]["children_ids"] == [ids["pipeline"]]
    assert all(e["session_id"] == tracer.session_id for e in events.values())


def test_an_exception_inside_a_span_becomes_the_events_error(
    tenant: Tenant, make_tracer: MakeTracer
) -> None:
    tracer = make_tracer(tenant)
    with pytest.raises(RuntimeError), tracer.trace("fragile", event_type="tool"):
        tracer.enrich_span(inputs={"x": 1})
        raise RuntimeError("disk on fire")
    with tracer.trace("sturdy", event_type="tool"):
        pass
    tracer.flush()

    events = tenant.wait_for_events(tracer.session_id, ["fragile", "sturdy"])

    assert events["fragile"]["error"] == "RuntimeError: disk on fire"
    assert events["fragile"]["inputs"] == {"x": 1}
    assert events["sturdy"]["error"] is None


def test_times_are_epoch_milliseconds_and_duration_is_their_difference(
    tenant: Tenant, make_tracer: MakeTracer
) -> None:
    tracer = make_tracer(tenant)
    before_ms = time.time() * 1000
    with tracer.trace("timed", event_type="tool"):
        deadline = time.perf_counter() + 0.05
        while time.perf_counter() < deadline:  # work, not a wait for data
            pass
    after_ms = time.time() * 1000
    tracer.flush()

    event = tenant.wait_for_events(tracer.session_id, ["timed"])["timed"]

    assert before_ms - 1 <= event["start_time"] < event["end_time"] <= after_ms + 1
    assert event["duration"] == pytest.approx(event["end_time"] - event["start_time"], abs=0.01)
    assert 50 <= event["duration"] < 5000


def test_the_session_spans_its_events(tenant: Tenant, make_tracer: MakeTracer) -> None:
    tracer = make_tracer(tenant, session_name="span-of-session")
    with tracer.trace("first", event_type="tool"):
        pass
    with tracer.trace("last", event_type="tool"):
        pass
    tracer.flush()

    events = tenant.wait_for_events(tracer.session_id, ["first", "last", "span-of-session"])

    session = events["span-of-session"]
    assert session["start_time"] <= events["first"]["start_time"]
    assert session["end_time"] >= events["last"]["end_time"]
    assert session["duration"] == pytest.approx(session["end_time"] - session["start_time"])


def test_the_json_sample_maps_to_events(tenant: Tenant) -> None:
    response = tenant.call("POST", OTLP_PATH, content=JSON_SAMPLE.read_bytes())

    assert response.status_code == 200, response.text
    assert response.json() == {}
    sample = json.loads(JSON_SAMPLE.read_text())
    sid = "b02455d6-a63e-4ed3-98c4-6955e973554b"
    events = {e["event_name"]: e for e in tenant.session_events(sid)}
    chat = events["openai.chat"]
    assert chat["event_type"] == "model"
    assert chat["inputs"] == {"prompt": "hi", "q": "question"}
    assert chat["outputs"] == {"completion": "hello", "a": "answer"}
    assert chat["config"] == {"model": "gpt-4o-mini", "temperature": 0.1}
    assert chat["metrics"] == {"latency_ms": 12.5, "score": 0.9}
    assert chat["feedback"] == {"rating": 5}
    assert chat["user_properties"] == {"user_id": "u1"}
    assert chat["metadata"]["k"] == "v"
    assert chat["metadata"]["nested"] == {"a": 1}
    assert chat["metadata"]["custom.attr"] == 1
    assert chat["metadata"]["my.plain.attr"] == "plain"
    assert chat["error"] == "ValueError: boom"
    span = sample["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    assert chat["start_time"] == pytest.approx(int(span["startTimeUnixNano"]) / 1e6)
    assert chat["parent_id"] == sid
    assert events["unknown"]["event_type"] == "session"  # never started: an implicit session


def test_the_protobuf_sample_maps_to_events_and_gets_a_protobuf_reply(tenant: Tenant) -> None:
    response = tenant.call(
        "POST",
        OTLP_PATH,
        content=PROTOBUF_SAMPLE.read_bytes(),
        content_type="application/x-protobuf",
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-protobuf"
    reply = trace_service_pb2.ExportTraceServiceResponse()
    reply.ParseFromString(response.content)
    assert reply.partial_success.rejected_spans == 0
    events = {
        e["event_name"]: e for e in tenant.session_events("18754105-8c33-441c-8080-c396d4ee6f0f")
    }
    assert events["parent"]["event_type"] == "chain"
    child = events["child-llm"]
    assert child["parent_id"] == events["parent"]["event_id"]
    assert events["parent"]["children_ids"] == [child["event_id"]]
    assert child["config"]["model"] == "gpt-4o-mini"
    assert child["metadata"]["prompt_tokens"] == 11
    assert child["metadata"]["temperature"] == 0.2
    assert child["inputs"]["chat_history"] == [{"role": "user"}]
    assert child["source"] == "ci"


@pytest.mark.parametrize("encode", [json_export, protobuf_export], ids=["json", "protobuf"])
def test_a_child_that_arrives_before_its_parent_is_still_linked(
    tenant: Tenant, encode: object
) -> None:
    assert callable(encode)
    parent = SpanSpec("parent", "sess-" + tenant.api_key[-8:])
    child = parent.child("child")
    ctype = "application/json" if encode is json_export else "application/x-protobuf"

    for spec in (child, parent):
        reply = tenant.call("POST", OTLP_PATH, content=encode(spec), content_type=ctype)
        assert reply.status_code == 200, reply.text

    events = {e["event_name"]: e for e in tenant.session_events(parent.session_id or "")}
    assert events["child"]["parent_id"] == events["parent"]["event_id"]
    assert events["parent"]["children_ids"] == [events["child"]["event_id"]]


def test_a_span_without_a_session_is_refused_as_a_partial_success(tenant: Tenant) -> None:
    stray = SpanSpec("stray", None)
    kept = SpanSpec("kept", "sess-partial")

    response = tenant.call("POST", OTLP_PATH, content=json_export(stray, kept))

    assert response.status_code == 200
    partial = response.json()["partialSuccess"]
    assert partial["rejectedSpans"] == "1"
    assert "honeyhive.session_id" in partial["errorMessage"]
    assert {e["event_name"] for e in tenant.everything()} == {"kept", "unknown"}


def test_a_repeated_span_keeps_its_first_copy_and_counts_the_repeat(
    emulator: Emulator, tenant: Tenant
) -> None:
    first = SpanSpec("original", "sess-dup", attributes={"honeyhive_event_id": "ev-dup"})
    again = SpanSpec(
        "changed",
        "sess-dup",
        attributes={"honeyhive_event_id": "ev-dup"},
        trace_id=first.trace_id,
        span_id=first.span_id,
    )

    for spec in (first, again):
        assert tenant.call("POST", OTLP_PATH, content=json_export(spec)).status_code == 200

    event = tenant.event("ev-dup")
    assert event is not None and event["event_name"] == "original"
    assert emulator.control.receipts(tenant.project)["ev-dup"] == 2


def test_a_span_repeated_within_one_export_keeps_its_first_copy(
    emulator: Emulator, tenant: Tenant
) -> None:
    """Events of an export are stored in id order: of two spans with one id, still the first
    one sent is kept, whatever ids surround them."""
    specs = [
        SpanSpec(name, "sess-dup-one", attributes={"honeyhive_event_id": event_id})
        for name, event_id in (
            ("z-first", "ev-z"),
            ("a-only", "ev-a"),
            ("z-second", "ev-z"),
            ("m-only", "ev-m"),
        )
    ]

    response = tenant.call("POST", OTLP_PATH, content=json_export(*specs))

    assert response.status_code == 200
    by_id = {e["event_id"]: e["event_name"] for e in tenant.everything()}
    assert (by_id["ev-z"], by_id["ev-a"], by_id["ev-m"]) == ("z-first", "a-only", "m-only")
    assert emulator.control.receipts(tenant.project)["ev-z"] == 2
