"""Where the suite runs: the project's `.env` + the environment → a Config with the HoneyHive
target, the model target and one timeout multiplier. The environment wins over `.env`, `.env`
over defaults. `.env` is the one in the project root (beside the root conftest.py), wherever
pytest is started; a line of it that does not parse is an error, not a warning.

HoneyHive target: `HH_API_KEY` + `HH_API_URL` select a real backend ("remote"); neither selects
the embedded emulator ("local"); one without the other is a configuration error.
Model target, `LLM_BACKEND=auto|local|openai`: auto (the default) takes `OPENAI_BASE_URL` when
set ("custom"), else the local model; `openai` takes OpenAI itself (or `OPENAI_BASE_URL`).
An `OPENAI_API_KEY` alone never selects OpenAI: a key exported in a developer's shell leaves the
run local, and in local mode it is never used, so it never leaves the machine.

URLs are checked here, without any network: an http(s) scheme and a host. The SDK does not
check them itself: honeyhive 1.7.0 replaces a URL without `http://`/`https://` (even `HTTP://`)
by its production default with only a log warning.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from dotenv import dotenv_values
from dotenv.parser import parse_stream

from support.report.redaction import MASK

HhTarget = Literal["local", "remote"]
LlmTarget = Literal["local", "openai", "custom"]
DEFAULT_MODEL = "gpt-4o-mini"
OPENAI_URL = "https://api.openai.com/v1"
SDK_DEFAULT_URL = "https://api.dp1.us.honeyhive.ai"  # honeyhive 1.7.0 config/resolved.py
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DOTENV = PROJECT_ROOT / ".env"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
    # where each setting came from ("environment" or the .env path), for messages
    origins: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    # the model that answers, once known: the local server's own model, or the remote's listing
    served_model: str | None = None

    @property
    def secrets(self) -> list[str]:
        """Every configured secret value, for redaction."""
        values = [self.hh_api_key, self.hh_second_api_key, self.openai_api_key]
        return [v for v in values if v]

    @property
    def llm_url(self) -> str | None:
        """The remote model's base URL (None for the local model, whose URL is known at start)."""
        if self.llm_target == "openai":
            return OPENAI_URL
        return self.openai_base_url

    def origin(self, name: str) -> str:
        return self.origins.get(name, "default")

    @property
    def answering_model(self) -> str:
        """The model that answers the scenarios' requests for `model`."""
        if self.served_model:
            return self.served_model
        if self.llm_target == "local":
            return "none started (no selected scenario calls the model)"
        return self.model

    def describe(self) -> dict[str, str]:
        """What ran, for the report: targets, URLs and the model that answered, never keys."""
        return {
            "honeyhive.target": self.hh_target,
            "honeyhive.url": self.hh_api_url or "embedded emulator (loopback)",
            "llm.target": self.llm_target,
            "llm.url": self.llm_url or "embedded model server (loopback)",
            "llm.model": self.answering_model,
            "llm.model.requested": self.model,
            "timeout.multiplier": str(self.timeout_multiplier),
        }


def read_dotenv(path: Path) -> dict[str, str]:
    """`path`'s settings; lines that do not parse are a ConfigError naming their numbers."""
    text = path.read_text(encoding="utf-8")
    bad: list[int] = []
    for binding in parse_stream(io.StringIO(text)):
        original = binding.original.string
        # a binding's text starts with the blank lines before it: count from the first character
        line = binding.original.line + original[: len(original) - len(original.lstrip())].count(
            "\n"
        )
        if binding.error or (binding.key is not None and not _NAME.fullmatch(binding.key)):
            bad.append(line)
        elif binding.key is not None and binding.value is None:
            bad.append(line)  # a bare word: `NAME` with no `=`
    if bad:
        lines = ", ".join(str(n) for n in bad)
        raise ConfigError(
            f"{path}: line{'s' if len(bad) > 1 else ''} {lines} do{'es' if len(bad) == 1 else ''}"
            " not parse; each line must be NAME=value, a # comment or blank "
            "(fix or remove them; .env.example shows every setting)"
        )
    values = dotenv_values(path)
    return {k: v for k, v in values.items() if v is not None}


def shown(value: str) -> str:
    """A URL as messages may show it: no user or password."""
    parts = urlsplit(value)
    if parts.username or parts.password:
        host = parts.netloc.rsplit("@", 1)[-1]
        return urlunsplit(parts._replace(netloc=f"{MASK}@{host}"))
    return value


def check_url(name: str, value: str, origin: str, example: str) -> str:
    """`value` as a base URL: http or https, a host, nothing after the path; the scheme in
    lower case (the SDK compares it case-sensitively) and no trailing slash."""
    where = f"{name}={shown(value)!r} (from {origin})"
    fix = f"set {name} to the service's base URL, e.g. {example}"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"{where} is not a valid URL ({exc}): {fix}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not value.lower().startswith(f"{scheme}://"):
        fallback = (
            f"; the HoneyHive SDK would silently send to {SDK_DEFAULT_URL} instead"
            if name == "HH_API_URL"
            else ""
        )
        raise ConfigError(f"{where} does not start with http:// or https://{fallback}: {fix}")
    if not parts.hostname:
        raise ConfigError(f"{where} has no host: {fix}")
    if any(c.isspace() for c in value) or parts.query or parts.fragment:
        raise ConfigError(f"{where} has spaces, a query or a fragment: {fix}")
    if parts.username or parts.password:
        raise ConfigError(
            f"{where} holds a user or password (keys have their own variables): {fix}"
        )
    if port == 0:
        raise ConfigError(f"{where} has port 0: {fix}")
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def load_config(
    env: Mapping[str, str] | None = None, dotenv_path: str | Path | None = DOTENV
) -> Config:
    merged: dict[str, str] = {}
    origins: dict[str, str] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        for name, value in read_dotenv(Path(dotenv_path)).items():
            merged[name], origins[name] = value, str(dotenv_path)
    for name, value in (os.environ if env is None else env).items():
        merged[name], origins[name] = value, "environment"

    def get(key: str) -> str | None:
        return (merged.get(key) or "").strip() or None

    def origin(key: str) -> str:
        return origins.get(key, "default")

    key, url = get("HH_API_KEY"), get("HH_API_URL")
    if bool(key) != bool(url):
        missing, present = ("HH_API_URL", "HH_API_KEY") if key else ("HH_API_KEY", "HH_API_URL")
        raise ConfigError(
            f"{missing} is not set but {present} is (from {origin(present)}): set both "
            "HH_API_KEY and HH_API_URL (in .env or the environment) to run against a real "
            "HoneyHive, or neither for the embedded emulator"
        )
    hh_target: HhTarget = "remote" if key else "local"
    if url:
        url = check_url("HH_API_URL", url, origin("HH_API_URL"), "https://api.honeyhive.ai")

    mode = (get("LLM_BACKEND") or "auto").lower()
    if mode not in ("auto", "local", "openai"):
        raise ConfigError(
            f"LLM_BACKEND={mode!r} (from {origin('LLM_BACKEND')}) is not one of auto, local, "
            "openai: leave it unset for the local model, or set LLM_BACKEND=openai"
        )
    base_url, openai_key = get("OPENAI_BASE_URL"), get("OPENAI_API_KEY")
    published = get("ACCEPTANCE_LLM_URL")  # the suite's own local model, published for app code
    if published and base_url == f"{published}/v1":
        mode, base_url = "local", None
    llm_target: LlmTarget
    if mode == "local" or (mode == "auto" and not base_url):
        llm_target, base_url, openai_key = "local", None, None
    else:
        llm_target = "custom" if base_url else "openai"
        why = "LLM_BACKEND=openai" if mode == "openai" else f"OPENAI_BASE_URL={base_url}"
        if not openai_key:
            raise ConfigError(
                f"{why} selects a remote model, which needs OPENAI_API_KEY (in .env or the "
                "environment); unset it (or set LLM_BACKEND=local) for the local model"
            )
        if base_url:
            base_url = check_url("OPENAI_BASE_URL", base_url, origin("OPENAI_BASE_URL"), OPENAI_URL)

    raw_multiplier = get("ACCEPTANCE_TIMEOUT_MULTIPLIER")
    try:
        multiplier = (
            float(raw_multiplier) if raw_multiplier else (1.0 if hh_target == "local" else 4.0)
        )
    except ValueError:
        raise ConfigError(
            f"ACCEPTANCE_TIMEOUT_MULTIPLIER={raw_multiplier!r} (from "
            f"{origin('ACCEPTANCE_TIMEOUT_MULTIPLIER')}) is not a number: set it to e.g. 4"
        ) from None
    if not multiplier > 0:
        raise ConfigError("ACCEPTANCE_TIMEOUT_MULTIPLIER must be greater than 0")

    return Config(
        hh_target=hh_target,
        hh_api_url=url,
        hh_api_key=key,
        hh_second_api_key=get("HH_API_KEY_2") if hh_target == "remote" else None,
        llm_target=llm_target,
        openai_base_url=base_url if llm_target == "custom" else None,
        openai_api_key=openai_key if llm_target != "local" else None,
        model=get("LLM_MODEL") or DEFAULT_MODEL,
        timeout_multiplier=multiplier,
        source=get("HH_SOURCE") or "acceptance",
        origins={k: v for k, v in origins.items() if k in _SETTINGS},
    )


_SETTINGS = {
    "HH_API_KEY",
    "HH_API_URL",
    "HH_API_KEY_2",
    "HH_SOURCE",
    "LLM_BACKEND",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "LLM_MODEL",
    "ACCEPTANCE_TIMEOUT_MULTIPLIER",
}
