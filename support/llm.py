"""Model clients for the app code: the real `openai` SDK pointed at the target (the embedded model
server by default, OpenAI or an OpenAI-compatible URL when configured)."""

from __future__ import annotations

from dataclasses import dataclass

import openai

from .config import Config
from .runtime import Endpoints


@dataclass(frozen=True)
class ModelTarget:
    base_url: str | None
    api_key: str
    model: str


def model_target(config: Config, endpoints: Endpoints) -> ModelTarget:
    if not endpoints.llm_key:
        raise RuntimeError(
            "no model is configured: leave LLM_BACKEND unset (or 'local') for the embedded "
            "model, or set OPENAI_API_KEY for OpenAI"
        )
    return ModelTarget(endpoints.llm_url, endpoints.llm_key, config.model)


def openai_client(
    target: ModelTarget, *, api_key: str | None = None, **options: object
) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=target.base_url,
        api_key=api_key or target.api_key,
        **options,  # type: ignore[arg-type]
    )
