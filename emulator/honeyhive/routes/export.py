"""Event queries: export (what the SDK's events.export calls) and search (newest first)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ..backend import Backend
from ..bodies import openapi_body, parse
from ..query import page_bounds, parse_date_range, parse_filters, parse_projections
from ..replies import EventsPage, reply
from ..schemas.events import ExportBody, SearchBody
from ..tenants import Tenant
from .deps import backend, tenant

router = APIRouter(tags=["Events"])
Tnt = Annotated[Tenant, Depends(tenant)]
Bk = Annotated[Backend, Depends(backend)]


@router.post("/v1/events/export", openapi_extra=openapi_body(ExportBody))
async def export_events(request: Request, t: Tnt, b: Bk) -> JSONResponse:
    body = await parse(request, ExportBody)
    limit, page = page_bounds(body.limit, body.page, max_limit=7500)
    result = b.query(
        t,
        parse_filters(body.filters),
        date_range=parse_date_range(body.dateRange),
        projections=parse_projections(body.projections),
        limit=limit,
        page=page,
    )
    answer = {"events": result.events, "totalEvents": result.total, "count": result.total}
    return reply(EventsPage, answer)


@router.post("/v1/events/search", openapi_extra=openapi_body(SearchBody))
async def search_events(request: Request, t: Tnt, b: Bk) -> JSONResponse:
    body = await parse(request, SearchBody)
    limit, page = page_bounds(body.limit, body.page, max_limit=1000)
    result = b.query(
        t,
        parse_filters(body.filters),
        date_range=parse_date_range(body.dateRange),
        projections=None,
        limit=limit,
        page=page,
        newest_first=True,
    )
    return reply(EventsPage, {"events": result.events, "count": result.total})
