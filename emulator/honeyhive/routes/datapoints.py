"""Datapoints: list (by ids or dataset name), create, read one, update, delete.

The SDK sends list parameters in bracket form (`datapoint_ids[]=a&datapoint_ids[]=b`); the
bare repeated form is read too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ..bodies import openapi_body, parse
from ..replies import (
    DatapointCreated,
    DatapointDeleted,
    DatapointsPage,
    DatapointUpdated,
    OneDatapoint,
    reply,
)
from ..schemas.datapoints import DatapointFields
from .deps import Caller, Ops, faults

router = APIRouter(tags=["Datapoints"])


@router.get("/v1/datapoints")
async def list_datapoints(
    t: Caller,
    ops: Ops,
    bracketed: Annotated[list[str] | None, Query(alias="datapoint_ids[]")] = None,
    datapoint_ids: Annotated[list[str] | None, Query()] = None,
    dataset_name: str | None = None,
) -> JSONResponse:
    ids = [*(bracketed or []), *(datapoint_ids or [])] or None
    found = ops.datapoints.find(t, ids=ids, dataset_name=dataset_name)
    return reply(DatapointsPage, {"datapoints": found})


@router.post("/v1/datapoints", openapi_extra=openapi_body(DatapointFields))
async def create_datapoint(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    datapoint_id = ops.datapoints.create(t, await parse(request, DatapointFields))
    return reply(DatapointCreated, {"inserted": True, "result": {"insertedIds": [datapoint_id]}})


@router.get("/v1/datapoints/{datapoint_id}")
async def get_datapoint(datapoint_id: str, t: Caller, ops: Ops) -> JSONResponse:
    return reply(OneDatapoint, {"datapoint": [ops.datapoints.get(t, datapoint_id)]})


@router.put("/v1/datapoints/{datapoint_id}", openapi_extra=openapi_body(DatapointFields))
async def update_datapoint(
    datapoint_id: str, request: Request, t: Caller, ops: Ops
) -> JSONResponse:
    ops.datapoints.update(t, datapoint_id, await parse(request, DatapointFields))
    return reply(DatapointUpdated, {"updated": True, "result": {"modifiedCount": 1}})


@router.delete("/v1/datapoints/{datapoint_id}", dependencies=faults("delete"))
async def delete_datapoint(datapoint_id: str, t: Caller, ops: Ops) -> JSONResponse:
    ops.datapoints.delete(t, datapoint_id)
    return reply(DatapointDeleted, {"deleted": True})
