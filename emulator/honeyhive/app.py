"""The app factory: HoneyHive's routes, the control plane, error shapes and middleware."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from .errors import ApiError, ConnectionDropped, error_body
from .faults import FaultBook
from .middleware import BodyLimit, InFlight, RequestLog
from .ops.operations import Operations
from .routes import (
    configurations,
    control,
    datapoints,
    datasets,
    events,
    metrics,
    runs,
    sessions,
    traces,
)
from .storage.store import Store
from .tenants import Tenants, key_hash

log = logging.getLogger("emulator.honeyhive")
# HoneyHive's resources, in the order their routers are mounted (the control plane comes after)
RESOURCES = (sessions, traces, events, datasets, datapoints, runs, metrics, configurations)


@dataclass(frozen=True)
class Settings:
    db: str = ":memory:"
    tenants: dict[str, str] | None = None
    control_token: str = ""
    ingest_delay: float = 0.0
    max_body_bytes: int = 16 * 1024 * 1024


def create_app(settings: Settings) -> FastAPI:
    store = Store(settings.db)
    if settings.tenants:
        store.put_tenants({key_hash(k): p for k, p in settings.tenants.items()})
    tenants = Tenants(store.tenants())
    faults = FaultBook(default_ingest_delay=settings.ingest_delay)

    app = FastAPI(
        title="HoneyHive emulator",
        version="1.0",
        description="A HoneyHive-compatible backend for offline acceptance runs.",
    )
    app.state.operations = Operations.over(
        store, tenants, faults, max_body_bytes=settings.max_body_bytes
    )
    app.state.control_token = settings.control_token
    app.state.in_flight = [0]  # HoneyHive requests being handled (middleware.InFlight)
    for module in RESOURCES:
        app.include_router(module.router)
    app.include_router(control.router)
    app.include_router(control.guarded)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(ConnectionDropped)
    async def dropped(_: Request, __: ConnectionDropped) -> Response:
        return _NoAnswer()

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body(describe_fastapi(exc), "INVALID_REQUEST"), 400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404:
            message = f"no route {request.method} {request.url.path}"
        elif exc.status_code == 405:
            message = f"method {request.method} is not allowed on {request.url.path}"
        return JSONResponse(error_body(message, f"HTTP_{exc.status_code}"), exc.status_code)

    @app.exception_handler(ClientDisconnect)
    async def client_gone(_: Request, __: ClientDisconnect) -> Response:
        # the client hung up mid-body (e.g. its timeout): nothing to answer, not a server error
        return Response(status_code=499)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        body = error_body(f"internal emulator error: {type(exc).__name__}", "INTERNAL_ERROR")
        # the server drops the connection after an unhandled error: say so, or a client that
        # keeps connections alive sends its next request into a reset
        return JSONResponse(body, status_code=500, headers={"connection": "close"})

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(InFlight, counter=app.state.in_flight, control_prefix=control.PREFIX)
    app.add_middleware(RequestLog)
    return app


class _NoAnswer(Response):
    """Nothing is sent: a reset fault already dropped the connection (the request log shows
    `-` for its status)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        return None


def describe_fastapi(exc: RequestValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in list(exc.errors())[:5]]
    return "invalid request: " + "; ".join(parts)
