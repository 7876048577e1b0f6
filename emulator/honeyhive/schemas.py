"""Request bodies of the HoneyHive routes the emulator serves, as pydantic models.

Unknown keys are rejected where HoneyHive rejects them (and wherever a typo would silently lose
data: export/search queries, event updates). Types are strict, as a JSON-schema (zod) validator
checks them: `"5"` is not a number and `true` is not a limit. Validation errors become a 400
naming the field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

EventType = Literal["session", "model", "chain", "tool"]
Obj = dict[str, Any]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class SessionFields(_Open):
    session_name: str | None = None
    session_id: str | None = None
    event_name: str | None = None
    source: str | None = None
    project: str | None = None
    inputs: Obj | None = None
    outputs: Obj | None = None
    config: Obj | None = None
    metadata: Obj | None = None
    user_properties: Obj | None = None
    metrics: Obj | None = None
    feedback: Obj | None = None
    start_time: float | None = None
    end_time: float | None = None
    duration: float | None = None
    children_ids: list[str] | None = None


class StartSessionBody(_Strict):
    session: SessionFields


class EventFields(_Strict):
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


class CreateEventBody(_Strict):
    event: EventFields


class BatchBody(_Strict):
    events: list[EventFields] = Field(min_length=1)
    single_session: bool | None = None
    is_single_session: bool | None = None
    session_properties: SessionFields | None = None
    session: SessionFields | None = None


class UpdateEventBody(_Strict):
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


class ExportBody(_Strict):
    filters: list[Any] | None = None
    dateRange: Obj | None = None
    projections: list[Any] | None = None
    limit: float = 1000
    page: float = 1
    project: str | None = None
    ignore_order: bool | None = None
    evaluation_id: str | None = None


class SearchBody(_Strict):
    filters: list[Any] | None = None
    dateRange: Obj | None = None
    limit: float = 1000
    page: float = 1
    ignore_order: bool | None = None
    evaluation_id: str | None = None


# ---- control plane ------------------------------------------------------------------------


class TenantBody(_Strict):
    api_key: str = Field(min_length=1)
    project: str = Field(min_length=1)


class FaultSpec(_Strict):
    route: Literal["otlp", "session", "events", "read", "delete", "any"]
    action: Literal["status", "delay", "reset"] = "status"
    times: int = Field(default=1, ge=-1)
    status: int = Field(default=503, ge=400, le=599)
    delay_ms: int = Field(default=0, ge=0, le=600_000)
    retry_after: int | None = Field(default=None, ge=0)


class FaultsBody(_Strict):
    project: str = Field(min_length=1)
    faults: list[FaultSpec]


class IngestDelayBody(_Strict):
    project: str | None = None
    seconds: float = Field(ge=0, le=3600)
