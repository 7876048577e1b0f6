"""The remote targets, checked once before any scenario runs: one authenticated request to each.

HoneyHive: `POST /v1/events/export` with a filter that matches nothing (the read the suite's own
read-backs make through the SDK; in HoneyHive's data-plane spec, and served by the emulator).
A remote model: `GET /v1/models`, which also says whether it serves `LLM_MODEL`.
A refused connection, a name that does not resolve, a TLS failure, a timeout, a refused key or a
reply that is not the expected API is a ConfigError naming the variable, its value (redacted) and
the fix. Nothing is sent anywhere but the URLs the configuration names.
"""

from __future__ import annotations

import json
import socket
import ssl
import uuid
from dataclasses import dataclass, replace
from typing import Any

import httpx

from support.report.redaction import MASK, redact, register_secrets
from support.target.config import Config, ConfigError, shown

TIMEOUT = 10.0
EXPORT = "/v1/events/export"
LOCAL_INSTEAD = "(or unset HH_API_URL and HH_API_KEY to run on the embedded emulator)"
MODEL_INSTEAD = "(or set LLM_BACKEND=local to run on the local model)"


@dataclass(frozen=True)
class _Target:
    """One remote target as the messages name it."""

    service: str  # "HoneyHive", "the model"
    url_setting: str  # the variable that chose the URL, e.g. "HH_API_URL=https://..."
    key_setting: str  # the key's variable and where it came from
    fix_url: str
    fix_key: str


def check(config: Config, timeout: float = TIMEOUT) -> Config:
    """Every remote target answers an authenticated request, or ConfigError. Returns `config`
    with the answering model of a remote model target."""
    register_secrets(config.secrets)
    if config.hh_target == "remote":
        assert config.hh_api_url and config.hh_api_key
        keys = [("HH_API_KEY", config.hh_api_key)]
        if config.hh_second_api_key:
            keys.append(("HH_API_KEY_2", config.hh_second_api_key))
        for name, key in keys:
            _honeyhive(config, name, key, timeout)
    if config.llm_target != "local":
        config = replace(config, served_model=_model(config, timeout))
    return config


def _honeyhive(config: Config, key_name: str, key: str, timeout: float) -> None:
    assert config.hh_api_url
    url_setting = f"HH_API_URL={shown(config.hh_api_url)!r} (from {config.origin('HH_API_URL')})"
    target = _Target(
        service="HoneyHive",
        url_setting=url_setting,
        key_setting=_key(key_name, key, config.origin(key_name)),
        fix_url=f"correct HH_API_URL or start the backend there {LOCAL_INSTEAD}",
        fix_key=f"set {key_name} to an API key of a project at {shown(config.hh_api_url)}",
    )
    # a filter on a fresh random id: authenticated, cheap, and it matches nothing
    nothing = {"field": "event_id", "operator": "is", "value": str(uuid.uuid4()), "type": "string"}
    reply = _send(
        target,
        "POST",
        config.hh_api_url + EXPORT,
        key,
        timeout,
        json={"filters": [nothing], "limit": 1},
    )
    body = _json(reply)
    if not (isinstance(body, dict) and isinstance(body.get("events"), list)):
        raise ConfigError(
            f"{target.url_setting} answered POST {EXPORT} with {reply.status_code} but not with "
            f"HoneyHive's export reply (no 'events' list): is it the API's base URL? "
            f"Fix: {target.fix_url}"
        )


def _model(config: Config, timeout: float) -> str:
    url, key = config.llm_url, config.openai_api_key
    assert url and key
    if config.llm_target == "openai":
        url_setting = f"LLM_BACKEND=openai (from {config.origin('LLM_BACKEND')}), i.e. {url}"
        fix_url = f"check this machine's network {MODEL_INSTEAD}"
    else:
        origin = config.origin("OPENAI_BASE_URL")
        url_setting = f"OPENAI_BASE_URL={shown(url)!r} (from {origin})"
        fix_url = f"correct OPENAI_BASE_URL or start the model server there {MODEL_INSTEAD}"
    target = _Target(
        service="The model",
        url_setting=url_setting,
        key_setting=_key("OPENAI_API_KEY", key, config.origin("OPENAI_API_KEY")),
        fix_url=fix_url,
        fix_key=f"set OPENAI_API_KEY to a key {shown(url)} accepts {MODEL_INSTEAD}",
    )
    reply = _send(target, "GET", f"{url}/models", key, timeout)
    body = _json(reply)
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise ConfigError(
            f"{target.url_setting} answered GET /models with {reply.status_code} but not with an "
            f"OpenAI model list: is it an OpenAI-compatible base URL (ending in /v1)? "
            f"Fix: {target.fix_url}"
        )
    served = [m["id"] for m in data if isinstance(m, dict) and isinstance(m.get("id"), str)]
    if config.model not in served:
        listed = ", ".join(served[:12]) + (", ..." if len(served) > 12 else "")
        raise ConfigError(
            f"LLM_MODEL={config.model!r} (from {config.origin('LLM_MODEL')}) is not among the "
            f"models {shown(url)} serves ({listed or 'none'}): set LLM_MODEL to one of them"
        )
    return config.model


def _send(
    target: _Target, method: str, url: str, key: str, timeout: float, **body: Any
) -> httpx.Response:
    path = url.split("//", 1)[-1].partition("/")[2]
    what = f"{method} /{path}"
    try:
        reply = httpx.request(
            method,
            url,
            headers={"Authorization": f"Bearer {key}"},
            timeout=timeout,
            follow_redirects=False,
            **body,
        )
    except httpx.TimeoutException:
        reason = f"no answer to {what} within {timeout:g} s"
    except httpx.HTTPError as exc:
        reason = _connection_failure(exc)
    else:
        if reply.status_code in (401, 403):
            raise ConfigError(
                f"{target.service} refused {target.key_setting}: {what} answered "
                f"{reply.status_code}{_server_says(reply)}. Fix: {target.fix_key}"
            )
        if reply.status_code >= 300:
            raise ConfigError(
                f"{target.url_setting} answered {what} with {reply.status_code}"
                f"{_server_says(reply)}. Fix: {target.fix_url}"
            )
        return reply
    raise ConfigError(
        f"{target.service} is not reachable at {target.url_setting}: {reason}. "
        f"Fix: {target.fix_url}"
    )


def _connection_failure(exc: BaseException) -> str:
    """What went wrong before any answer, in words (the cause chain holds the OS error)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return f"the host name does not resolve ({seen.strerror or seen})"
        if isinstance(seen, ConnectionRefusedError):
            return "nothing listens there (connection refused)"
        if isinstance(seen, ssl.SSLError):
            return f"the TLS handshake failed ({seen.reason or seen}); is the scheme right?"
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    if "Connection refused" in text:
        return "nothing listens there (connection refused)"
    if "Name or service not known" in text or "name resolution" in text:
        return f"the host name does not resolve ({text})"
    if "SSL" in text:
        return f"the TLS handshake failed ({text}); is the scheme right?"
    return f"{type(exc).__name__}: {redact(text) or 'connection failed'}"


def _json(reply: httpx.Response) -> Any:
    try:
        return reply.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _server_says(reply: httpx.Response) -> str:
    body = _json(reply)
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")  # OpenAI's error shape
    if not isinstance(message, str) or not message.strip():
        return ""
    text = redact(" ".join(message.split()))
    return f" ({text[:200]})"


def _key(name: str, key: str, origin: str) -> str:
    return f"{name}={MASK} ({len(key)} characters, from {origin})"
