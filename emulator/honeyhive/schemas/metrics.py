"""Metrics (the project's evaluator definitions): create and update (also the legacy form with
the id in the body)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

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
    name: str = Field(min_length=1, max_length=200)
    type: MetricType
    criteria: str = Field(min_length=1)


class LegacyMetricUpdate(MetricFields):
    id: Id
