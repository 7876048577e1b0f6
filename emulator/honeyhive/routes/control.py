"""The test-control plane, apart from HoneyHive's routes: health, tenants, per-project reset,
faults, ingest delay, and what arrived (payloads, receipts). Everything but health needs the
control token, and only loopback clients are served."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from ipaddress import ip_address
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from ..backend import Backend
from ..bodies import openapi_body, parse
from ..errors import Forbidden
from ..faults import Fault
from ..ids import project_id_of
from ..schemas.control import FaultsBody, IngestDelayBody, TenantBody
from .deps import backend

PREFIX = "/_control"
TOKEN_HEADER = "x-control-token"


def authorised(request: Request) -> None:
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
Bk = Annotated[Backend, Depends(backend)]


@router.get("/health")
async def health(b: Bk) -> dict[str, Any]:
    return {"status": "ok", "tenants": len(b.tenants)}


@guarded.post("/tenants", openapi_extra=openapi_body(TenantBody), status_code=201)
async def add_tenant(request: Request, b: Bk) -> JSONResponse:
    body = await parse(request, TenantBody)
    tenant = b.tenants.add(body.api_key, body.project)
    b.store.put_tenants({tenant.key_hash: tenant.project})
    return JSONResponse({"project": tenant.project, "project_id": tenant.project_id}, 201)


@guarded.post("/projects/{project}/reset")
async def reset_project(project: str, b: Bk) -> dict[str, Any]:
    pid = project_id_of(project)
    b.faults.clear(pid)
    return {"project": project, "deleted": b.store.reset_project(pid)}


@guarded.put("/faults", openapi_extra=openapi_body(FaultsBody))
async def set_faults(request: Request, b: Bk) -> dict[str, Any]:
    body = await parse(request, FaultsBody)
    b.faults.set(project_id_of(body.project), [Fault(**f.model_dump()) for f in body.faults])
    return {"project": body.project, "faults": len(body.faults)}


@guarded.get("/projects/{project}/faults")
async def list_faults(project: str, b: Bk) -> dict[str, Any]:
    return {"faults": [asdict(f) for f in b.faults.listing(project_id_of(project))]}


@guarded.delete("/projects/{project}/faults")
async def clear_faults(project: str, b: Bk) -> dict[str, Any]:
    b.faults.clear(project_id_of(project))
    return {"project": project, "cleared": True}


@guarded.put("/ingest-delay", openapi_extra=openapi_body(IngestDelayBody))
async def ingest_delay(request: Request, b: Bk) -> dict[str, Any]:
    body = await parse(request, IngestDelayBody)
    pid = project_id_of(body.project) if body.project else None
    b.faults.set_ingest_delay(pid, body.seconds)
    return {"project": body.project, "seconds": body.seconds}


@guarded.get("/projects/{project}/payloads")
async def payloads(
    project: str, b: Bk, after: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0
) -> dict[str, Any]:
    rows = b.store.payloads(project_id_of(project), after)
    return {
        "payloads": [
            {k: v for k, v in r.items() if k != "body"} | {"size": len(r["body"])} for r in rows
        ]
    }


@guarded.get("/projects/{project}/receipts")
async def receipts(project: str, b: Bk) -> dict[str, Any]:
    return {"receipts": b.store.receipts(project_id_of(project))}
