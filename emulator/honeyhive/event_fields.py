"""The shape of a HoneyHive event, as every layer sees it: its event types, the seven object
fields that hold enrichment, and the top-level fields a query can name. A leaf module."""

from __future__ import annotations

from typing import Literal, get_args

EventType = Literal["session", "model", "chain", "tool"]
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)

ENRICHMENT_FIELDS = (
    "inputs",
    "outputs",
    "metadata",
    "config",
    "metrics",
    "feedback",
    "user_properties",
)
TOP_LEVEL_FIELDS = (
    "event_id",
    "session_id",
    "project_id",
    "project",
    "source",
    "event_name",
    "event_type",
    "error",
    "start_time",
    "end_time",
    "duration",
    "parent_id",
    "children_ids",
)
