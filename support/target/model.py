"""Model clients for the app code: the real `openai` SDK pointed at the target (the embedded model
server by default, OpenAI or an OpenAI-compatible URL when configured)."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx2

from emulator.llm.control_client import ModelControl
from support.app.pipeline import ModelEndpoint
from support.report.redaction import register_secrets
from support.sdk.model_traffic import AsyncRecordingTransport, ModelTraffic, RecordingTransport
from support.target.config import Config
from support.target.runtime import Endpoints

if TYPE_CHECKING:
    import openai


@dataclass(frozen=True)
class ModelTarget:
    base_url: str | None
    api_key: str = field(repr=False)
    model: str
    control: ModelControl | None = field(default=None, repr=False)
    # every request the scenario's application sends to the model, recorded on the wire
    traffic: ModelTraffic = field(default_factory=ModelTraffic, repr=False, compare=False)


def model_target(config: Config, endpoints: Endpoints) -> ModelTarget:
    """The model for one scenario. On the embedded server each scenario gets its own API key,
    so the faults it injects touch no other scenario."""
    if not endpoints.llm_key:
        raise RuntimeError(
            "no model is configured: leave LLM_BACKEND unset (or 'local') for the embedded "
            "model, or set OPENAI_API_KEY for OpenAI"
        )
    if endpoints.llm_control_url and endpoints.llm_control_token:
        control = ModelControl(endpoints.llm_control_url, endpoints.llm_control_token)
        key = f"sk-local-{secrets.token_hex(16)}"
        register_secrets([key])
        control.register_key(key)
        return ModelTarget(endpoints.llm_url, key, config.model, control)
    return ModelTarget(endpoints.llm_url, endpoints.llm_key, config.model)


def openai_client(
    target: ModelTarget, *, api_key: str | None = None, **options: object
) -> openai.OpenAI:
    import openai

    return openai.OpenAI(
        base_url=target.base_url,
        api_key=api_key or target.api_key,
        http_client=httpx2.Client(
            transport=RecordingTransport(target.traffic), timeout=openai.DEFAULT_TIMEOUT
        ),
        **options,  # type: ignore[arg-type]
    )


def async_openai_client(target: ModelTarget) -> openai.AsyncOpenAI:
    import openai

    return openai.AsyncOpenAI(
        base_url=target.base_url,
        api_key=target.api_key,
        http_client=httpx2.AsyncClient(
            transport=AsyncRecordingTransport(target.traffic), timeout=openai.DEFAULT_TIMEOUT
        ),
    )


def _async_client(target: ModelTarget, timeout: object, step: str | None = None) -> object:
    return httpx2.AsyncClient(
        transport=AsyncRecordingTransport(target.traffic, step=step),
        timeout=timeout,  # type: ignore[arg-type]
    )


def model_endpoint(target: ModelTarget) -> ModelEndpoint:
    """The model as the framework apps see it: every client they build records its traffic."""
    import openai

    if target.base_url is None:
        raise RuntimeError("the framework apps need the model's base URL")
    return ModelEndpoint(
        base_url=target.base_url,
        api_key=target.api_key,
        model=target.model,
        http_client=lambda: httpx2.Client(
            transport=RecordingTransport(target.traffic), timeout=openai.DEFAULT_TIMEOUT
        ),
        async_http_client=functools.partial(_async_client, target, openai.DEFAULT_TIMEOUT),
    )
