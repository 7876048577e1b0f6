"""The test-control plane, apart from HoneyHive's routes: health, tenants, per-project reset,
faults, ingest delay, what arrived (payloads, receipts) and whether everything that arrived is
stored and readable (settled). Everything but health needs the
control token, and only loopback clients are served. Each route calls `ops.control`."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from ipaddress import ip_address
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from ..bodies import openapi_body, parse
from ..errors import Forbidden
from ..faults import Fault
from ..schemas.control import FaultsBody, IngestDelayBody, TenantBody
from .deps import Ops

PREFIX = "/_control"
TOKEN_HEADER = "x-control-token"


async def authorised(request: Request) -> None:
    host = request.client.host if request.client else ""
    try:
        loopback = ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise Forbidden("the control plane serves loopback clients only")
    expected: str = request.app.state.control_token
    given = request.headers.get(TOKEN_HEADER, "")
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise Forbidden(f"missing or wrong control token: send the {TOKEN_HEADER} header")


router = APIRouter(prefix=PREFIX, tags=["Control"])
guarded = APIRouter(prefix=PREFIX, tags=["Control"], dependencies=[Depends(authorised)])


@router.get("/health")
async def health(ops: Ops) -> dict[str, Any]:
    return {"status": "ok", "tenants": ops.control.tenant_count()}


@guarded.post("/tenants", openapi_extra=openapi_body(TenantBody), status_code=201)
async def add_tenant(request: Request, ops: Ops) -> JSONResponse:
    body = await parse(request, TenantBody)
    tenant = ops.control.add_tenant(body.api_key, body.project)
    return JSONResponse({"project": tenant.project, "project_id": tenant.project_id}, 201)


@guarded.post("/projects/{project}/reset")
async def reset_project(project: str, ops: Ops) -> dict[str, Any]:
    return {"project": project, "deleted": ops.control.reset(project)}


@guarded.put("/faults", openapi_extra=openapi_body(FaultsBody))
async def set_faults(request: Request, ops: Ops) -> dict[str, Any]:
    body = await parse(request, FaultsBody)
    ops.control.set_faults(body.project, [Fault(**f.model_dump()) for f in body.faults])
    return {"project": body.project, "faults": len(body.faults)}


@guarded.get("/projects/{project}/faults")
async def list_faults(project: str, ops: Ops) -> dict[str, Any]:
    return {"faults": [asdict(f) for f in ops.control.faults(project)]}


@guarded.delete("/projects/{project}/faults")
async def clear_faults(project: str, ops: Ops) -> dict[str, Any]:
    ops.control.clear_faults(project)
    return {"project": project, "cleared": True}


@guarded.put("/ingest-delay", openapi_extra=openapi_body(IngestDelayBody))
async def ingest_delay(request: Request, ops: Ops) -> dict[str, Any]:
    body = await parse(request, IngestDelayBody)
    ops.control.set_ingest_delay(body.project, body.seconds)
    return {"project": body.project, "seconds": body.seconds}


@guarded.get("/projects/{project}/payloads")
async def payloads(
    project: str, ops: Ops, after: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0
) -> dict[str, Any]:
    return {"payloads": ops.control.payloads(project, after)}


@guarded.get("/projects/{project}/receipts")
async def receipts(project: str, ops: Ops) -> dict[str, Any]:
    return {"receipts": ops.control.receipts(project)}


@guarded.get("/projects/{project}/settled")
async def settled(project: str, request: Request, ops: Ops) -> dict[str, Any]:
    """Everything received for the project is answered and readable (an absence window may end
    early then); requests in progress are counted over every tenant."""
    return ops.control.settled(project, request.app.state.in_flight[0])
