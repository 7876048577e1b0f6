"""How the application configures its tracer and sessions, as the Givens describe it; every
tracer a scenario opens follows these settings, whichever When opens it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TracerSettings:
    disable_batch: bool = False  # export each span as soon as it ends
    protocol: str | None = None  # "http/protobuf"; None: the SDK's default (JSON)
    session_name: str | None = None  # what the application names its sessions (a prefix)
    source: str | None = None  # the source every session and span carries
    env: dict[str, str | None] = field(default_factory=dict)  # extra environment at tracer start
    session_metadata: dict[str, Any] = field(default_factory=dict)
    user_properties: dict[str, Any] = field(default_factory=dict)
    feedback: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    retries: int = 0  # application-side retries of a failed model call
    client_retries: int | None = None  # the OpenAI client's own retries (None: its default, 2)
    max_tokens: int | None = None  # the cap on each reply the application asks for (None: 16)

    def options(self) -> dict[str, Any]:
        """Keyword arguments for the tracer."""
        found: dict[str, Any] = {}
        if self.disable_batch:
            found["disable_batch"] = True
        if self.source:
            found["source"] = self.source
        return found

    def environment(self) -> dict[str, str | None]:
        found = dict(self.env)
        if self.protocol:
            found["HH_OTLP_PROTOCOL"] = self.protocol
        return found

    def session_fields(self) -> dict[str, Any]:
        """What every session should carry, as field paths (e.g. "metadata.app_version")."""
        out: dict[str, Any] = {}
        for prefix, values in (
            ("metadata", self.session_metadata),
            ("user_properties", self.user_properties),
            ("feedback", self.feedback),
            ("metrics", self.metrics),
        ):
            out.update({f"{prefix}.{k}": v for k, v in values.items()})
        return out


def _apply(values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@contextlib.contextmanager
def environment(values: dict[str, str | None]) -> Iterator[None]:
    """Set (or, with None, remove) environment variables for the block, then restore them."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        _apply(values)
        yield
    finally:
        _apply(saved)


@dataclass
class Build:
    """What the application is built with and traced by (a framework Given sets it): the
    framework, the instrumentor, and whether a Given chose them (otherwise the raw OpenAI client
    under OpenInference's OpenAI instrumentor, as every other scenario)."""

    framework: str = "openai"
    instrumentor: str = "openinference"
    chosen: bool = False
    # the OpenAI client's own instrumentor attached beside the framework's (OpenInference's)
    with_client_instrumentor: bool = False

    @property
    def cell(self) -> str:
        return f"{self.framework} × {self.instrumentor}"
