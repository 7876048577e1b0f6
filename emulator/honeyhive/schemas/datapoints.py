"""Datapoints: create and update. The legacy spec's `project` and `linked_evals`, which callers
of older SDKs still send, are checked and ignored."""

from __future__ import annotations

from .base import Id, Obj, Strict


class DatapointFields(Strict):
    IGNORED = frozenset({"project", "linked_evals"})

    inputs: Obj | None = None
    history: list[Obj] | None = None
    ground_truth: Obj | None = None
    metadata: Obj | None = None
    linked_event: str | None = None
    linked_datasets: list[Id] | None = None
    # legacy (ignored)
    project: str | None = None
    linked_evals: list[str] | None = None
