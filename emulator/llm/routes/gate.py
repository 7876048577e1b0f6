"""What every OpenAI route does first: key check, injected latency and faults, body parsing;
and the per-key request log entry it leaves behind."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from starlette.requests import Request

from emulator.llm.control_state import ControlState, RequestRecord
from emulator.llm.errors import OpenAIError, injected
from emulator.llm.requests.body import JSON, parse_json_object, peek_model
from emulator.llm.routes.auth import BEARER, KeyScheme, require_api_key


@dataclass
class Call:
    """One authenticated OpenAI request and what the log will say about it."""

    key: str
    path: str
    control: ControlState
    model: str | None = None
    stream: bool = False
    scripted: bool = False
    _recorded: bool = False

    def record(
        self,
        status: int,
        *,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        cut: bool = False,
        error_code: str | None = None,
    ) -> None:
        if self._recorded:
            return
        self._recorded = True
        self.control.record(
            self.key,
            RequestRecord(
                time=self.control.now(),
                path=self.path,
                model=self.model,
                status=status,
                stream=self.stream,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                scripted=self.scripted,
                cut=cut,
                error_code=error_code,
            ),
        )

    def fail(self, error: OpenAIError) -> OpenAIError:
        self.record(error.status, error_code=error.code)
        return error


async def open_call(
    request: Request, control: ControlState, *, faults: bool = True, scheme: KeyScheme = BEARER
) -> Call:
    """Authenticate, apply this key's latency and next injected fault."""
    key = scheme.read(request)
    try:
        key = require_api_key(request, control, scheme)
    except OpenAIError as error:
        if key is not None:
            Call(key=key, path=request.url.path, control=control).fail(error)
        raise
    call = Call(key=key, path=request.url.path, control=control)
    delay_ms = control.take_latency_ms(key)
    if delay_ms > 0:
        await asyncio.sleep(delay_ms / 1000)
    if faults:
        fault = control.take_fault(key)
        if fault is not None:
            call.model = await _peek_model(request)
            raise call.fail(injected(fault.status, call.model, fault.retry_after))
    return call


async def read_json(request: Request, call: Call) -> JSON:
    try:
        body = parse_json_object(await request.body())
    except OpenAIError as error:
        raise call.fail(error) from None
    call.model = peek_model(body)
    stream = body.get("stream")
    call.stream = stream is True
    return body


async def _peek_model(request: Request) -> str | None:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return None
    return peek_model(body) if isinstance(body, dict) else None
