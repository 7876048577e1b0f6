"""OTLP/HTTP trace ingestion, JSON or protobuf, plain or gzip; replies 200 as the SDK's exporter
requires (a partial success names the spans that were refused)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from .deps import Caller, Ops, faults

router = APIRouter(tags=["OpenTelemetry"])

_OTLP_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post("/opentelemetry/v1/traces", openapi_extra=_OTLP_BODY, dependencies=faults("otlp"))
async def export_traces(request: Request, t: Caller, ops: Ops) -> Response:
    result = ops.traces.ingest(
        t,
        await request.body(),
        request.headers.get("content-type", ""),
        request.headers.get("content-encoding"),
    )
    if result.wire_format == "protobuf":
        answer = trace_service_pb2.ExportTraceServiceResponse()
        if result.rejected:
            answer.partial_success.rejected_spans = result.rejected
            answer.partial_success.error_message = result.message
        return Response(answer.SerializeToString(), media_type="application/x-protobuf")
    if result.rejected:
        partial = {"rejectedSpans": str(result.rejected), "errorMessage": result.message}
        return JSONResponse({"partialSuccess": partial})
    return JSONResponse({})
