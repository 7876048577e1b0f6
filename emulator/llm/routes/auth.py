"""API keys (``Authorization: Bearer``) and the control-plane token (``X-Control-Token``)."""

from __future__ import annotations

import hmac

from starlette.requests import Request

from emulator.llm.control_state import ControlState
from emulator.llm.errors import forbidden_control, invalid_api_key, missing_api_key

CONTROL_HEADER = "x-control-token"


def bearer_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def require_api_key(request: Request, control: ControlState) -> str:
    """The caller's key when it is registered; OpenAI's 401 otherwise."""
    key = bearer_key(request)
    if key is None:
        raise missing_api_key()
    if not control.is_registered(key):
        raise invalid_api_key(key)
    return key


def require_control_token(request: Request, token: str) -> None:
    given = request.headers.get(CONTROL_HEADER, "")
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise forbidden_control()
