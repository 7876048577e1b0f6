"""Sessions: start (legacy and v1), read (legacy event and v1 tree), delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ..backend import Backend
from ..bodies import openapi_body, parse
from ..replies import SessionEvent, SessionStarted, reply
from ..schemas.sessions import SessionFields, StartSessionBody
from ..tenants import Tenant
from .deps import backend, tenant

router = APIRouter(tags=["Sessions"])
Tnt = Annotated[Tenant, Depends(tenant)]
Bk = Annotated[Backend, Depends(backend)]


@router.post("/session/start", openapi_extra=openapi_body(StartSessionBody))
async def start_session_legacy(request: Request, t: Tnt, b: Bk) -> JSONResponse:
    body = await parse(request, StartSessionBody)
    return reply(SessionStarted, b.start_session(t, body.session))


@router.post("/v1/sessions", openapi_extra=openapi_body(SessionFields))
async def create_session(request: Request, t: Tnt, b: Bk) -> JSONResponse:
    fields = await parse(request, SessionFields)
    return reply(SessionStarted, b.start_session(t, fields))


@router.get("/session/{session_id}")
async def get_session_legacy(session_id: str, t: Tnt, b: Bk) -> JSONResponse:
    return reply(SessionEvent, b.session(t, session_id))


@router.get("/v1/sessions/{session_id}")
async def get_session_tree(session_id: str, t: Tnt, b: Bk) -> JSONResponse:
    return reply(SessionEvent, b.session_tree(t, session_id))


@router.delete("/v1/sessions/{session_id}")
async def delete_session(session_id: str, t: Tnt, b: Bk) -> JSONResponse:
    b.delete_session(t, session_id)
    return JSONResponse({"success": True, "deleted": session_id})
