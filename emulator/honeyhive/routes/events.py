"""Events: create (one, batch), update (how enrich_session writes), read one, delete one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ..backend import Backend
from ..bodies import openapi_body, parse
from ..replies import BatchCreated, EventCreated, OneEvent, reply
from ..schemas.events import BatchBody, CreateEventBody, UpdateEventBody
from ..tenants import Tenant
from .deps import backend, tenant

router = APIRouter(tags=["Events"])
Tnt = Annotated[Tenant, Depends(tenant)]
Bk = Annotated[Backend, Depends(backend)]


@router.post("/events", openapi_extra=openapi_body(CreateEventBody))
async def create_event(request: Request, t: Tnt, b: Bk) -> JSONResponse:
    body = await parse(request, CreateEventBody)
    (event_id,) = b.create_events(t, [body.event])
    return reply(EventCreated, {"success": True, "event_id": event_id})


@router.post("/events/batch", openapi_extra=openapi_body(BatchBody))
async def create_event_batch(request: Request, t: Tnt, b: Bk) -> JSONResponse:
    body = await parse(request, BatchBody)
    ids, session_id = b.create_batch(t, body)
    answer = {"success": True, "event_ids": ids}
    if session_id:
        answer["session_id"] = session_id
    return reply(BatchCreated, answer)


@router.put("/events", openapi_extra=openapi_body(UpdateEventBody))
async def update_event(request: Request, t: Tnt, b: Bk) -> JSONResponse:
    b.update_event(t, await parse(request, UpdateEventBody))
    return JSONResponse({"success": True})


@router.get("/v1/events/{event_id}")
async def get_event(event_id: str, t: Tnt, b: Bk) -> JSONResponse:
    return reply(OneEvent, {"event": b.event(t, event_id)})


@router.delete("/v1/events/{event_id}")
async def delete_event(event_id: str, t: Tnt, b: Bk) -> JSONResponse:
    b.delete_event(t, event_id)
    return JSONResponse({"success": True, "deleted": event_id})
