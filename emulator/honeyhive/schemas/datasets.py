"""Datasets: create, update (also the legacy form with the id in the body), add datapoints
through a field mapping. Limits follow HoneyHive's data-plane spec (v1.2.1); unknown keys are
refused: on a create or an update a misspelt field would otherwise be lost without a word."""

from __future__ import annotations

from pydantic import Field

from .base import Id, Obj, Strict


class DatasetFields(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    datapoints: list[Id] | None = None


class LegacyDatasetUpdate(DatasetFields):
    dataset_id: Id


class DatapointMappingBody(Strict):
    inputs: list[str] | None = None
    history: list[str] | None = None
    ground_truth: list[str] | None = None


class AddDatapointsBody(Strict):
    data: list[Obj] = Field(min_length=1)
    mapping: DatapointMappingBody
