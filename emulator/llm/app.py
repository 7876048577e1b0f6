"""The ASGI application: OpenAI routes, control routes, error shapes, access log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from emulator.llm.access_log import AccessLog
from emulator.llm.app_state import AppState
from emulator.llm.chat import ChatEngine
from emulator.llm.control_state import ControlState
from emulator.llm.errors import OpenAIError, server_error
from emulator.llm.llama.client import LlamaClient
from emulator.llm.llama.server import LlamaInfo
from emulator.llm.routes import anthropic, chat, control, embeddings, models, responses
from emulator.llm.settings import Settings
from emulator.llm.sse import StreamCut

LOGGER = logging.getLogger("emulator.llm")


def create_app(settings: Settings, llama: LlamaInfo) -> ASGIApp:
    """The front for an already-running llama.cpp server."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = LlamaClient(llama)
        await client.load_meta()
        warming = asyncio.create_task(client.warm_up())
        app.state.shared = AppState(
            settings=settings,
            llama=client,
            engine=ChatEngine(client, settings.default_max_tokens),
            control=ControlState(settings.api_keys, settings.request_log_size),
        )
        try:
            yield
        finally:
            warming.cancel()
            await client.aclose()

    app = FastAPI(
        title="LLM emulator",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    for module in (chat, responses, anthropic, embeddings, models, control):
        app.include_router(module.router)

    @app.exception_handler(OpenAIError)
    async def openai_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, OpenAIError)
        return exc.response()

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = f"Invalid URL ({request.method} {request.url.path})"
        if exc.status_code == 405:
            message = f"Method {request.method} is not allowed for {request.url.path}"
        return OpenAIError(exc.status_code, message).response()

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> Response:
        if not isinstance(exc, StreamCut):  # a cut is an injected fault, not an error
            LOGGER.exception("unexpected error", exc_info=exc)
        return server_error().response()

    return AccessLog(app)
