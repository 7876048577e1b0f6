"""API keys (``Authorization: Bearer``) and the control-plane token (``X-Control-Token``)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request

from emulator.llm.control_state import ControlState
from emulator.llm.errors import OpenAIError, forbidden_control, invalid_api_key, missing_api_key

CONTROL_HEADER = "x-control-token"


def bearer_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def anthropic_key(request: Request) -> str | None:
    """Anthropic's ``x-api-key`` header (its SDK sends that one), else a Bearer token."""
    key = request.headers.get("x-api-key", "").strip()
    return key or bearer_key(request)


@dataclass(frozen=True)
class KeyScheme:
    """Where a route finds the API key and what it answers when there is none or it is
    wrong (the keys themselves are the same on every route)."""

    read: Callable[[Request], str | None] = bearer_key
    missing: Callable[[], OpenAIError] = missing_api_key
    invalid: Callable[[str], OpenAIError] = invalid_api_key


BEARER = KeyScheme()


def require_api_key(request: Request, control: ControlState, scheme: KeyScheme = BEARER) -> str:
    """The caller's key when it is registered; the scheme's 401 otherwise."""
    key = scheme.read(request)
    if key is None:
        raise scheme.missing()
    if not control.is_registered(key):
        raise scheme.invalid(key)
    return key


def require_control_token(request: Request, token: str) -> None:
    given = request.headers.get(CONTROL_HEADER, "")
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise forbidden_control()
