"""Datasets: list (by id or name), create, update, delete, add datapoints to one, remove one.

The SDK's `datasets.update`, `delete` and `remove_datapoint` call the legacy routes
(`PUT /v1/datasets`, `DELETE /v1/datasets?dataset_id=`, `DELETE /v1/datasets/{id}/{datapoint}`);
both generations are served.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from ..bodies import openapi_body, parse
from ..ops.datasets import Datasets
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
from .deps import Caller, Ops, faults

router = APIRouter(tags=["Datasets"])


@router.get("/v1/datasets")
async def list_datasets(
    t: Caller, ops: Ops, dataset_id: str | None = None, name: str | None = None
) -> JSONResponse:
    return reply(DatasetsPage, {"datasets": ops.datasets.find(t, dataset_id=dataset_id, name=name)})


@router.post("/v1/datasets", openapi_extra=openapi_body(DatasetFields))
async def create_dataset(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    dataset_id = ops.datasets.create(t, await parse(request, DatasetFields))
    return reply(DatasetCreated, {"inserted": True, "result": {"insertedId": dataset_id}})


@router.put("/v1/datasets", openapi_extra=openapi_body(LegacyDatasetUpdate))
async def update_dataset_legacy(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    body = await parse(request, LegacyDatasetUpdate)
    return reply(DatasetUpdated, {"result": ops.datasets.update(t, body.dataset_id, body)})


@router.put("/v1/datasets/{dataset_id}", openapi_extra=openapi_body(DatasetFields))
async def update_dataset(dataset_id: str, request: Request, t: Caller, ops: Ops) -> JSONResponse:
    body = await parse(request, DatasetFields)
    return reply(DatasetUpdated, {"result": ops.datasets.update(t, dataset_id, body)})


@router.delete("/v1/datasets", dependencies=faults("delete"))
async def delete_dataset_legacy(
    t: Caller, ops: Ops, dataset_id: Annotated[str, Query(min_length=1)]
) -> JSONResponse:
    ops.datasets.delete(t, dataset_id)
    return reply(DatasetDeleted, {"result": {"id": dataset_id}})


@router.delete("/v1/datasets/{dataset_id}", dependencies=faults("delete"))
async def delete_dataset(dataset_id: str, t: Caller, ops: Ops) -> JSONResponse:
    ops.datasets.delete(t, dataset_id)
    return reply(DatasetDeleted, {"result": {"id": dataset_id}})


@router.post("/v1/datasets/{dataset_id}/datapoints", openapi_extra=openapi_body(AddDatapointsBody))
async def add_datapoints(dataset_id: str, request: Request, t: Caller, ops: Ops) -> JSONResponse:
    ids = ops.datasets.add_datapoints(t, dataset_id, await parse(request, AddDatapointsBody))
    return reply(DatapointsAdded, {"inserted": True, "datapoint_ids": ids})


@router.delete("/v1/datasets/{dataset_id}/datapoints/{datapoint_id}", dependencies=faults("delete"))
async def remove_datapoint(dataset_id: str, datapoint_id: str, t: Caller, ops: Ops) -> JSONResponse:
    return _removed(ops.datasets, t, dataset_id, datapoint_id)


@router.delete("/v1/datasets/{dataset_id}/{datapoint_id}", dependencies=faults("delete"))
async def remove_datapoint_legacy(
    dataset_id: str, datapoint_id: str, t: Caller, ops: Ops
) -> JSONResponse:
    return _removed(ops.datasets, t, dataset_id, datapoint_id)


def _removed(datasets: Datasets, t: Tenant, dataset_id: str, datapoint_id: str) -> JSONResponse:
    datasets.remove_datapoint(t, dataset_id, datapoint_id)
    message = f"datapoint {datapoint_id} removed from dataset {dataset_id}; the datapoint is kept"
    return reply(DatapointRemoved, {"dereferenced": True, "message": message})
