"""Sessions: start (legacy and v1), read (legacy event and v1 tree), delete."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..bodies import openapi_body, parse
from ..replies import SessionEvent, SessionStarted, reply
from ..schemas.sessions import SessionFields, StartSessionBody
from .deps import Caller, Ops, faults

router = APIRouter(tags=["Sessions"])


@router.post(
    "/session/start", openapi_extra=openapi_body(StartSessionBody), dependencies=faults("session")
)
async def start_session_legacy(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    body = await parse(request, StartSessionBody)
    return reply(SessionStarted, ops.sessions.start(t, body.session))


@router.post(
    "/v1/sessions", openapi_extra=openapi_body(SessionFields), dependencies=faults("session")
)
async def create_session(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    fields = await parse(request, SessionFields)
    return reply(SessionStarted, ops.sessions.start(t, fields))


@router.get("/session/{session_id}", dependencies=faults("read"))
async def get_session_legacy(session_id: str, t: Caller, ops: Ops) -> JSONResponse:
    return reply(SessionEvent, ops.sessions.get(t, session_id))


@router.get("/v1/sessions/{session_id}", dependencies=faults("read"))
async def get_session_tree(session_id: str, t: Caller, ops: Ops) -> JSONResponse:
    return reply(SessionEvent, ops.sessions.tree(t, session_id))


@router.delete("/v1/sessions/{session_id}", dependencies=faults("delete"))
async def delete_session(session_id: str, t: Caller, ops: Ops) -> JSONResponse:
    ops.sessions.delete(t, session_id)
    return JSONResponse({"success": True, "deleted": session_id})
