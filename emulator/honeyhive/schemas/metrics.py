"""Metrics (the project's evaluator definitions): create and update (also the legacy form with
the id in the body). The legacy spec's extra fields are checked and ignored: a create's `id`,
`created_at`, `updated_at` (the emulator assigns them) and an update's `code_snippet`; a legacy
update may name the metric as `metric_id` instead of `id`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..query import FilterType, Operator
from .base import Id, Strict

MetricType = Literal["PYTHON", "LLM", "HUMAN", "COMPOSITE"]
ReturnType = Literal["float", "boolean", "string", "categorical"]


class MetricFilter(Strict):
    field: str = Field(min_length=1)
    operator: Operator
    value: str | float | bool | None
    type: FilterType


class MetricFilters(Strict):
    filterArray: list[MetricFilter]


class Threshold(Strict):
    min: float | None = None
    max: float | None = None
    pass_when: bool | float | None = None
    passing_categories: list[Annotated[str, Field(max_length=200)]] | None = Field(
        default=None, min_length=1
    )


class MetricCategory(Strict):
    category: str
    score: float | None


class ChildMetric(Strict):
    id: str | None = None
    name: str
    weight: float
    scale: int | None = None


class MetricFields(Strict):
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
    IGNORED = frozenset({"id", "created_at", "updated_at"})

    name: str = Field(min_length=1, max_length=200)
    type: MetricType
    criteria: str = Field(min_length=1)
    # legacy (ignored)
    id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class LegacyMetricUpdate(MetricFields):
    IGNORED = frozenset({"id", "metric_id", "code_snippet"})

    id: Id | None = None
    metric_id: Id | None = None  # the legacy spec's name for it
    code_snippet: str | None = None  # legacy (ignored)

    @model_validator(mode="after")
    def _names_the_metric(self) -> LegacyMetricUpdate:
        if self.id is None and self.metric_id is None:
            raise ValueError("send the metric's id (or the legacy metric_id)")
        return self

    @property
    def target(self) -> str:
        return str(self.id or self.metric_id)
