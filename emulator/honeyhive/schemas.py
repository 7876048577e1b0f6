"""Request bodies of the HoneyHive routes the emulator serves, as pydantic models.

Unknown keys are rejected where HoneyHive rejects them (and wherever a typo would silently lose
data: export/search queries, event updates). Types are strict, as a JSON-schema (zod) validator
checks them: `"5"` is not a number and `true` is not a limit. Validation errors become a 400
naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

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


# ---- datasets, datapoints, runs, metrics ----------------------------------------------------
# Unknown keys are refused here too: on a create or an update a misspelt field would otherwise
# be lost without a word. Limits follow HoneyHive's data-plane spec (v1.2.1).

Id = Annotated[str, Field(min_length=1)]
RunStatus = Literal["pending", "completed", "failed", "cancelled", "running"]
MetricType = Literal["PYTHON", "LLM", "HUMAN", "COMPOSITE"]
ReturnType = Literal["float", "boolean", "string", "categorical"]


class DatasetFields(_Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    datapoints: list[Id] | None = None


class LegacyDatasetUpdate(DatasetFields):
    dataset_id: Id


class DatapointMappingBody(_Strict):
    inputs: list[str] | None = None
    history: list[str] | None = None
    ground_truth: list[str] | None = None


class AddDatapointsBody(_Strict):
    data: list[Obj] = Field(min_length=1)
    mapping: DatapointMappingBody


class DatapointFields(_Strict):
    inputs: Obj | None = None
    history: list[Obj] | None = None
    ground_truth: Obj | None = None
    metadata: Obj | None = None
    linked_event: str | None = None
    linked_datasets: list[Id] | None = None


class PassingRangeBody(_Strict):
    min: float | None = None
    max: float | None = None


class RunFields(_Strict):
    name: str | None = None
    description: str | None = None
    status: RunStatus | None = None
    metadata: Obj | None = None
    results: Obj | None = None
    event_ids: list[str] | None = None
    configuration: Obj | None = None
    evaluators: list[Any] | None = None
    session_ids: list[str] | None = None
    datapoint_ids: list[Id] | None = None
    passing_ranges: dict[str, PassingRangeBody] | None = None


class CreateRunBody(RunFields):
    run_id: Id | None = None
    dataset_id: str | None = None


class MetricFilter(_Strict):
    field: str = Field(min_length=1)
    operator: Literal[
        "exists",
        "not exists",
        "is",
        "is not",
        "contains",
        "not contains",
        "greater than",
        "less than",
        "after",
        "before",
    ]
    value: str | float | bool | None
    type: Literal["string", "number", "boolean", "datetime"]


class MetricFilters(_Strict):
    filterArray: list[MetricFilter]


class Threshold(_Strict):
    min: float | None = None
    max: float | None = None
    pass_when: bool | float | None = None
    passing_categories: list[Annotated[str, Field(max_length=200)]] | None = Field(
        default=None, min_length=1
    )


class MetricCategory(_Strict):
    category: str
    score: float | None


class ChildMetric(_Strict):
    id: str | None = None
    name: str
    weight: float
    scale: int | None = None


class MetricFields(_Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: MetricType | None = None
    criteria: str | None = Field(default=None, min_length=1)
    description: str | None = None
    return_type: ReturnType | None = None
    enabled_in_prod: bool | None = None
    needs_ground_truth: bool | None = None
    sampling_percentage: float | None = Field(default=None, ge=0, le=100)
    model_provider: str | None = None
    model_name: str | None = None
    scale: int | None = Field(default=None, gt=0)
    threshold: Threshold | None = None
    categories: list[MetricCategory] | None = Field(default=None, min_length=1)
    child_metrics: list[ChildMetric] | None = Field(default=None, min_length=1)
    filters: MetricFilters | None = None


class CreateMetricBody(MetricFields):
    name: str = Field(min_length=1, max_length=200)
    type: MetricType
    criteria: str = Field(min_length=1)


class LegacyMetricUpdate(MetricFields):
    id: Id
