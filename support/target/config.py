"""Where the suite runs: `.env` + environment → a Config with the HoneyHive target, the model
target and one timeout multiplier. The real environment wins over `.env`; `.env` over defaults.

HoneyHive target: `HH_API_KEY` + `HH_API_URL` select a real backend ("remote"); neither selects
the embedded emulator ("local"); one without the other is a configuration error.
Model target, `LLM_BACKEND=auto|local|openai`: auto takes `OPENAI_BASE_URL` when set, else real
OpenAI when `OPENAI_API_KEY` is set, else the local model. In local mode a real OpenAI key is
never used, so it never leaves the machine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dotenv import dotenv_values

HhTarget = Literal["local", "remote"]
LlmTarget = Literal["local", "openai", "custom"]
DEFAULT_MODEL = "gpt-4o-mini"


class ConfigError(ValueError):
    """Configuration that cannot work; the message says what to set."""


@dataclass(frozen=True)
class Config:
    hh_target: HhTarget
    hh_api_url: str | None = None
    hh_api_key: str | None = field(default=None, repr=False)
    hh_second_api_key: str | None = field(default=None, repr=False)
    llm_target: LlmTarget = "local"
    openai_base_url: str | None = None
    openai_api_key: str | None = field(default=None, repr=False)
    model: str = DEFAULT_MODEL
    timeout_multiplier: float = 1.0
    source: str = "acceptance"

    @property
    def secrets(self) -> list[str]:
        """Every configured secret value, for redaction."""
        values = [self.hh_api_key, self.hh_second_api_key, self.openai_api_key]
        return [v for v in values if v]

    def describe(self) -> dict[str, str]:
        """What ran, for the report: targets and URLs, never keys."""
        return {
            "honeyhive.target": self.hh_target,
            "honeyhive.url": self.hh_api_url or "embedded emulator (loopback)",
            "llm.target": self.llm_target,
            "llm.url": self.openai_base_url
            or ("https://api.openai.com/v1" if self.llm_target == "openai" else "embedded model"),
            "llm.model": self.model,
            "timeout.multiplier": str(self.timeout_multiplier),
        }


def load_config(
    env: Mapping[str, str] | None = None, dotenv_path: str | Path | None = ".env"
) -> Config:
    merged: dict[str, str] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        merged.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    merged.update(os.environ if env is None else env)

    def get(key: str) -> str | None:
        return (merged.get(key) or "").strip() or None

    key, url = get("HH_API_KEY"), get("HH_API_URL")
    if bool(key) != bool(url):
        missing = "HH_API_URL" if key else "HH_API_KEY"
        raise ConfigError(
            f"{missing} is not set: set both HH_API_KEY and HH_API_URL (in .env or the "
            "environment) to run against a real HoneyHive, or neither for the embedded emulator"
        )
    hh_target: HhTarget = "remote" if key else "local"

    mode = (get("LLM_BACKEND") or "auto").lower()
    if mode not in ("auto", "local", "openai"):
        raise ConfigError(f"LLM_BACKEND={mode!r} is not one of auto, local, openai")
    base_url, openai_key = get("OPENAI_BASE_URL"), get("OPENAI_API_KEY")
    published = get("ACCEPTANCE_LLM_URL")  # the suite's own local model, published for app code
    if published and base_url == f"{published}/v1":
        mode = "local"
    llm_target: LlmTarget
    if mode == "local":
        llm_target, base_url, openai_key = "local", None, None
    elif mode == "openai":
        if not openai_key:
            raise ConfigError("LLM_BACKEND=openai needs OPENAI_API_KEY (in .env or environment)")
        llm_target = "custom" if base_url else "openai"
    elif base_url:
        llm_target = "custom"
    elif openai_key:
        llm_target = "openai"
    else:
        llm_target = "local"

    raw_multiplier = get("ACCEPTANCE_TIMEOUT_MULTIPLIER")
    try:
        multiplier = (
            float(raw_multiplier) if raw_multiplier else (1.0 if hh_target == "local" else 4.0)
        )
    except ValueError as exc:
        raise ConfigError(
            f"ACCEPTANCE_TIMEOUT_MULTIPLIER={raw_multiplier!r} is not a number"
        ) from exc
    if multiplier <= 0:
        raise ConfigError("ACCEPTANCE_TIMEOUT_MULTIPLIER must be greater than 0")

    return Config(
        hh_target=hh_target,
        hh_api_url=url.rstrip("/") if url else None,
        hh_api_key=key,
        hh_second_api_key=get("HH_API_KEY_2") if hh_target == "remote" else None,
        llm_target=llm_target,
        openai_base_url=base_url if llm_target == "custom" else None,
        openai_api_key=openai_key if llm_target != "local" else None,
        model=get("LLM_MODEL") or DEFAULT_MODEL,
        timeout_multiplier=multiplier,
        source=get("HH_SOURCE") or "acceptance",
    )
