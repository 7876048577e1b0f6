"""Datapoints: create and update."""

from __future__ import annotations

from .base import Id, Obj, Strict


class DatapointFields(Strict):
    inputs: Obj | None = None
    history: list[Obj] | None = None
    ground_truth: Obj | None = None
    metadata: Obj | None = None
    linked_event: str | None = None
    linked_datasets: list[Id] | None = None
