"""Datasets: list (by id or name), create, update, delete, add datapoints to one, remove one.

The SDK's `datasets.update`, `delete` and `remove_datapoint` call the legacy routes
(`PUT /v1/datasets`, `DELETE /v1/datasets?dataset_id=`, `DELETE /v1/datasets/{id}/{datapoint}`);
both generations are served.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from ..backend import Evaluations
from ..bodies import openapi_body, parse
from ..replies import (
    DatapointRemoved,
    DatapointsAdded,
    DatasetCreated,
    DatasetDeleted,
    DatasetsPage,
    DatasetUpdated,
    reply,
)
from ..schemas.datasets import AddDatapointsBody, DatasetFields, LegacyDatasetUpdate
from ..tenants import Tenant
from .deps import evaluations, tenant

router = APIRouter(tags=["Datasets"])
Tnt = Annotated[Tenant, Depends(tenant)]
Ev = Annotated[Evaluations, Depends(evaluations)]


@router.get("/v1/datasets")
async def list_datasets(
    t: Tnt, ev: Ev, dataset_id: str | None = None, name: str | None = None
) -> JSONResponse:
    return reply(DatasetsPage, {"datasets": ev.datasets(t, dataset_id=dataset_id, name=name)})


@router.post("/v1/datasets", openapi_extra=openapi_body(DatasetFields))
async def create_dataset(request: Request, t: Tnt, ev: Ev) -> JSONResponse:
    dataset_id = ev.create_dataset(t, await parse(request, DatasetFields))
    return reply(DatasetCreated, {"inserted": True, "result": {"insertedId": dataset_id}})


@router.put("/v1/datasets", openapi_extra=openapi_body(LegacyDatasetUpdate))
async def update_dataset_legacy(request: Request, t: Tnt, ev: Ev) -> JSONResponse:
    body = await parse(request, LegacyDatasetUpdate)
    return reply(DatasetUpdated, {"result": ev.update_dataset(t, body.dataset_id, body)})


@router.put("/v1/datasets/{dataset_id}", openapi_extra=openapi_body(DatasetFields))
async def update_dataset(dataset_id: str, request: Request, t: Tnt, ev: Ev) -> JSONResponse:
    body = await parse(request, DatasetFields)
    return reply(DatasetUpdated, {"result": ev.update_dataset(t, dataset_id, body)})


@router.delete("/v1/datasets")
async def delete_dataset_legacy(
    t: Tnt, ev: Ev, dataset_id: Annotated[str, Query(min_length=1)]
) -> JSONResponse:
    ev.delete_dataset(t, dataset_id)
    return reply(DatasetDeleted, {"result": {"id": dataset_id}})


@router.delete("/v1/datasets/{dataset_id}")
async def delete_dataset(dataset_id: str, t: Tnt, ev: Ev) -> JSONResponse:
    ev.delete_dataset(t, dataset_id)
    return reply(DatasetDeleted, {"result": {"id": dataset_id}})


@router.post("/v1/datasets/{dataset_id}/datapoints", openapi_extra=openapi_body(AddDatapointsBody))
async def add_datapoints(dataset_id: str, request: Request, t: Tnt, ev: Ev) -> JSONResponse:
    ids = ev.add_datapoints(t, dataset_id, await parse(request, AddDatapointsBody))
    return reply(DatapointsAdded, {"inserted": True, "datapoint_ids": ids})


@router.delete("/v1/datasets/{dataset_id}/datapoints/{datapoint_id}")
async def remove_datapoint(dataset_id: str, datapoint_id: str, t: Tnt, ev: Ev) -> JSONResponse:
    return _removed(ev, t, dataset_id, datapoint_id)


@router.delete("/v1/datasets/{dataset_id}/{datapoint_id}")
async def remove_datapoint_legacy(
    dataset_id: str, datapoint_id: str, t: Tnt, ev: Ev
) -> JSONResponse:
    return _removed(ev, t, dataset_id, datapoint_id)


def _removed(ev: Evaluations, t: Tenant, dataset_id: str, datapoint_id: str) -> JSONResponse:
    ev.remove_datapoint(t, dataset_id, datapoint_id)
    message = f"datapoint {datapoint_id} removed from dataset {dataset_id}; the datapoint is kept"
    return reply(DatapointRemoved, {"dereferenced": True, "message": message})
