"""What every OTLP decoder produces: spans with their attributes decoded to plain values, ids
as lower-case hex, and the enum names OTLP/JSON uses."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

STATUS_NAMES = {0: "UNSET", 1: "OK", 2: "ERROR"}
KIND_NAMES = {
    0: "UNSPECIFIED",
    1: "INTERNAL",
    2: "SERVER",
    3: "CLIENT",
    4: "PRODUCER",
    5: "CONSUMER",
}


@dataclass(frozen=True)
class SpanEvent:
    name: str
    time_ns: int
    attributes: dict[str, Any]


@dataclass(frozen=True)
class Span:
    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: str
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]
    status_code: str
    status_message: str
    events: list[SpanEvent] = field(default_factory=list)
    resource: dict[str, Any] = field(default_factory=dict)
    scope: str = ""


def finite(value: float) -> float | None:
    """OTLP allows NaN and ±Infinity doubles; JSON (and so the stored event) has no such
    numbers, so they are kept as null, as JSON.stringify would."""
    return value if math.isfinite(value) else None


HEX = re.compile(r"^[0-9a-fA-F]*$")
