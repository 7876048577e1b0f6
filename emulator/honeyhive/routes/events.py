"""Events: create (one, batch), update (how enrich_session writes), read one, delete one, and
the queries over them: export (what the SDK's events.export calls) and search (newest first)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..bodies import openapi_body, parse
from ..query import page_bounds, parse_date_range, parse_filters, parse_projections
from ..replies import BatchCreated, EventCreated, EventsPage, OneEvent, reply
from ..schemas.events import BatchBody, CreateEventBody, ExportBody, SearchBody, UpdateEventBody
from .deps import Caller, Ops, faults

router = APIRouter(tags=["Events"])


@router.post("/events", openapi_extra=openapi_body(CreateEventBody), dependencies=faults("events"))
async def create_event(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    body = await parse(request, CreateEventBody)
    (event_id,) = ops.events.create(t, [body.event])
    return reply(EventCreated, {"success": True, "event_id": event_id})


@router.post("/events/batch", openapi_extra=openapi_body(BatchBody), dependencies=faults("events"))
async def create_event_batch(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    body = await parse(request, BatchBody)
    ids, session_id = ops.events.create_batch(t, body)
    answer = {"success": True, "event_ids": ids}
    if session_id:
        answer["session_id"] = session_id
    return reply(BatchCreated, answer)


@router.put("/events", openapi_extra=openapi_body(UpdateEventBody), dependencies=faults("events"))
async def update_event(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    ops.events.update(t, await parse(request, UpdateEventBody))
    return JSONResponse({"success": True})


@router.get("/v1/events/{event_id}", dependencies=faults("read"))
async def get_event(event_id: str, t: Caller, ops: Ops) -> JSONResponse:
    return reply(OneEvent, {"event": ops.events.get(t, event_id)})


@router.delete("/v1/events/{event_id}", dependencies=faults("delete"))
async def delete_event(event_id: str, t: Caller, ops: Ops) -> JSONResponse:
    ops.events.delete(t, event_id)
    return JSONResponse({"success": True, "deleted": event_id})


@router.post(
    "/v1/events/export", openapi_extra=openapi_body(ExportBody), dependencies=faults("read")
)
async def export_events(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    body = await parse(request, ExportBody)
    limit, page = page_bounds(body.limit, body.page, max_limit=7500)
    result = ops.events.query(
        t,
        parse_filters(body.filters),
        date_range=parse_date_range(body.dateRange),
        projections=parse_projections(body.projections),
        limit=limit,
        page=page,
    )
    answer = {"events": result.events, "totalEvents": result.total, "count": result.total}
    return reply(EventsPage, answer)


@router.post(
    "/v1/events/search", openapi_extra=openapi_body(SearchBody), dependencies=faults("read")
)
async def search_events(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    body = await parse(request, SearchBody)
    limit, page = page_bounds(body.limit, body.page, max_limit=1000)
    result = ops.events.query(
        t,
        parse_filters(body.filters),
        date_range=parse_date_range(body.dateRange),
        projections=None,
        limit=limit,
        page=page,
        newest_first=True,
    )
    return reply(EventsPage, {"events": result.events, "count": result.total})
