"""Datasets: create, update (also the legacy form with the id in the body), add datapoints
through a field mapping. Limits follow HoneyHive's data-plane spec (v1.2.1); unknown keys are
refused: on a create or an update a misspelt field would otherwise be lost without a word. The
legacy spec's fields (`project`, `type`, `linked_evals`, `saved`, `pipeline_type`, `metadata`),
which callers of older SDKs still send, are checked and ignored."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Id, Obj, Strict

LEGACY_DATASET_FIELDS = frozenset(
    {"project", "type", "linked_evals", "saved", "pipeline_type", "metadata"}
)


class DatasetFields(Strict):
    IGNORED = LEGACY_DATASET_FIELDS

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    datapoints: list[Id] | None = None
    # legacy (ignored)
    project: str | None = None
    type: Literal["evaluation", "fine-tuning"] | None = None
    linked_evals: list[str] | None = None
    saved: bool | None = None
    pipeline_type: Literal["event", "session"] | None = None
    metadata: Obj | None = None


class LegacyDatasetUpdate(DatasetFields):
    IGNORED = LEGACY_DATASET_FIELDS | {"dataset_id"}

    dataset_id: Id


class DatapointMappingBody(Strict):
    inputs: list[str] | None = None
    history: list[str] | None = None
    ground_truth: list[str] | None = None


class AddDatapointsBody(Strict):
    IGNORED = frozenset({"project"})

    data: list[Obj] = Field(min_length=1)
    mapping: DatapointMappingBody
    project: str | None = None  # legacy (ignored)
