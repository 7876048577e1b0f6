"""Experiment runs: create and update. The legacy spec's `project`, which callers of older
SDKs still send on a create, is checked and ignored."""

from __future__ import annotations

from typing import Any, Literal

from .base import Id, Obj, Strict

RunStatus = Literal["pending", "completed", "failed", "cancelled", "running"]


class PassingRangeBody(Strict):
    min: float | None = None
    max: float | None = None


class RunFields(Strict):
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
    dataset_id: str | None = None  # the legacy spec lets an update set it too


class CreateRunBody(RunFields):
    IGNORED = frozenset({"project"})

    run_id: Id | None = None
    project: str | None = None  # legacy (ignored)
