"""Events: create (one, batch), update, and the export/search queries over them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..event_fields import EventType
from .base import Obj, Strict
from .sessions import SessionFields


class EventFields(Strict):
    event_type: EventType
    inputs: Obj
    event_name: str | None = None
    event_id: str | None = None
    session_id: str | None = None
    parent_id: str | None = None
    children_ids: list[str] | None = None
    project: str | None = None
    project_id: str | None = None
    source: str | None = None
    config: Obj | None = None
    outputs: Obj | None = None
    error: str | None = None
    start_time: float | None = None
    end_time: float | None = None
    duration: float | None = None
    metadata: Obj | None = None
    feedback: Obj | None = None
    metrics: Obj | None = None
    user_properties: Obj | None = None


class CreateEventBody(Strict):
    event: EventFields


class BatchBody(Strict):
    events: list[EventFields] = Field(min_length=1)
    single_session: bool | None = None
    is_single_session: bool | None = None
    session_properties: SessionFields | None = None
    session: SessionFields | None = None


class UpdateEventBody(Strict):
    event_id: str = Field(min_length=1)
    metadata: Obj | None = None
    feedback: Obj | None = None
    metrics: Obj | None = None
    outputs: Obj | None = None
    config: Obj | None = None
    user_properties: Obj | None = None
    duration: float | None = None
    end_time: float | None = None
    children_ids: list[str] | None = None


class ExportBody(Strict):
    filters: list[Any] | None = None
    dateRange: Obj | None = None
    projections: list[Any] | None = None
    limit: float = 1000
    page: float = 1
    project: str | None = None
    ignore_order: bool | None = None
    evaluation_id: str | None = None


class SearchBody(Strict):
    filters: list[Any] | None = None
    dateRange: Obj | None = None
    limit: float = 1000
    page: float = 1
    ignore_order: bool | None = None
    evaluation_id: str | None = None
