"""OTLP/HTTP trace ingestion, JSON or protobuf, plain or gzip; replies 200 as the SDK's exporter
requires."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from ..backend import Backend
from ..otlp.decode import PROTOBUF_TYPES, decompress
from ..tenants import Tenant
from .deps import backend, tenant

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


@router.post("/opentelemetry/v1/traces", openapi_extra=_OTLP_BODY)
async def export_traces(
    request: Request,
    t: Annotated[Tenant, Depends(tenant)],
    b: Annotated[Backend, Depends(backend)],
) -> Response:
    content_type = request.headers.get("content-type", "")
    body = decompress(
        await request.body(),
        request.headers.get("content-encoding"),
        request.app.state.max_body_bytes,
    )
    result = b.ingest_otlp(t, body, content_type)
    if content_type.split(";")[0].strip().lower() in PROTOBUF_TYPES:
        answer = trace_service_pb2.ExportTraceServiceResponse()
        if result.rejected:
            answer.partial_success.rejected_spans = result.rejected
            answer.partial_success.error_message = result.message
        return Response(answer.SerializeToString(), media_type="application/x-protobuf")
    if result.rejected:
        partial = {"rejectedSpans": str(result.rejected), "errorMessage": result.message}
        return JSONResponse({"partialSuccess": partial})
    return JSONResponse({})
