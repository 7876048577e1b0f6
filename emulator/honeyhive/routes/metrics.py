"""Metrics (the project's evaluator definitions): list (by type or id), create, update, delete.

The SDK's `metrics.update` and `delete` call the legacy routes (`PUT /v1/metrics` with the id
in the body, `DELETE /v1/metrics?metric_id=`); both generations are served. A metric's
threshold is the passing range its scores are judged by in run results.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ..bodies import openapi_body, parse
from ..replies import MetricCreated, MetricDeleted, MetricsPage, MetricUpdated, reply
from ..schemas.metrics import CreateMetricBody, LegacyMetricUpdate, MetricFields
from .deps import Caller, Ops, faults

router = APIRouter(tags=["Metrics"])


@router.get("/v1/metrics")
async def list_metrics(
    t: Caller, ops: Ops, type: str | None = None, id: str | None = None
) -> JSONResponse:
    return reply(MetricsPage, {"metrics": ops.metrics.find(t, metric_type=type, metric_id=id)})


@router.post("/v1/metrics", openapi_extra=openapi_body(CreateMetricBody))
async def create_metric(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    metric_id = ops.metrics.create(t, await parse(request, CreateMetricBody))
    return reply(MetricCreated, {"inserted": True, "metric_id": metric_id})


@router.put("/v1/metrics", openapi_extra=openapi_body(LegacyMetricUpdate))
async def update_metric_legacy(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    body = await parse(request, LegacyMetricUpdate)
    ops.metrics.update(t, body.target, body)
    return reply(MetricUpdated, {"updated": True})


@router.put("/v1/metrics/{metric_id}", openapi_extra=openapi_body(MetricFields))
async def update_metric(metric_id: str, request: Request, t: Caller, ops: Ops) -> JSONResponse:
    ops.metrics.update(t, metric_id, await parse(request, MetricFields))
    return reply(MetricUpdated, {"updated": True})


@router.delete("/v1/metrics", dependencies=faults("delete"))
async def delete_metric_legacy(
    t: Caller, ops: Ops, metric_id: Annotated[str, Query(min_length=1)]
) -> JSONResponse:
    ops.metrics.delete(t, metric_id)
    return reply(MetricDeleted, {"deleted": True})


@router.delete("/v1/metrics/{metric_id}", dependencies=faults("delete"))
async def delete_metric(metric_id: str, t: Caller, ops: Ops) -> JSONResponse:
    ops.metrics.delete(t, metric_id)
    return reply(MetricDeleted, {"deleted": True})
