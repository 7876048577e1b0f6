"""Server-side metrics: the scores HoneyHive's evaluator service adds to events, for the subset
the embedded backend computes, deterministically and on read (nothing is stored; a score the
event already holds is kept).

A project metric runs server-side when it is `enabled_in_prod`; it scores the events its
`filters.filterArray` all match (no filters: every event), a deterministic `sampling_percentage`
share of them (by metric and event id). What it gives an event, under `metrics[name]`, with an
explanation under `metrics[name + "_explanation"]`:
- an `LLM` metric of provider `mock_llm` (HoneyHive's deterministic test provider): the middle
  of its scale, `(scale + 1) // 2` (3 for the default 1-5), for a `float` return type; `true`
  for `boolean`; the first category for `categorical`; `"mock_llm"` for `string`;
- a `COMPOSITE` metric: the weighted mean of its children's scores on the event, when every
  child has a number there;
- anything else (an LLM metric of another provider, PYTHON code, HUMAN review, or a composite
  missing a child's score): `null`, with an explanation saying it is not run by the embedded
  backend, so that a client waiting for the score sees at once that none will come.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from .errors import BadRequest
from .query import Filter, parse_filters

MOCK_PROVIDER = "mock_llm"
Event = dict[str, Any]


@dataclass(frozen=True)
class ServerMetric:
    metric_id: str
    name: str
    type: str
    provider: str | None
    return_type: str
    scale: int
    share: float  # of the events it matches, in percent
    filters: list[Filter] | None  # None: filters that cannot be read, matching nothing
    children: tuple[tuple[str, float], ...]
    first_category: str | None

    @classmethod
    def of(cls, doc: dict[str, Any]) -> ServerMetric:
        try:
            filters: list[Filter] | None = parse_filters(
                (doc.get("filters") or {}).get("filterArray") or []
            )
        except BadRequest:
            filters = None
        categories = doc.get("categories") or []
        return cls(
            metric_id=str(doc.get("id")),
            name=str(doc["name"]),
            type=str(doc.get("type")),
            provider=doc.get("model_provider"),
            return_type=str(doc.get("return_type") or "float"),
            scale=int(doc.get("scale") or 5),
            share=float(doc.get("sampling_percentage", 10)),
            filters=filters,
            children=tuple(
                (str(c.get("name")), float(c.get("weight") or 0))
                for c in doc.get("child_metrics") or []
            ),
            first_category=str(categories[0].get("category")) if categories else None,
        )

    def applies_to(self, event: Event) -> bool:
        if self.filters is None or not all(f.matches(event) for f in self.filters):
            return False
        digest = hashlib.sha256(f"{self.metric_id}:{event.get('event_id')}".encode()).digest()
        return int.from_bytes(digest[:4]) % 10_000 < self.share * 100

    def score(self, metrics: dict[str, Any]) -> tuple[Any, str]:
        """The value and its explanation, given the event's metrics so far."""
        if self.type == "LLM" and self.provider == MOCK_PROVIDER:
            return self._mock(), f"{MOCK_PROVIDER}: a deterministic score (embedded backend)"
        if self.type == "COMPOSITE" and self.children:
            values = [_number(metrics.get(name)) for name, _ in self.children]
            weights = sum(w for _, w in self.children)
            numbers = [v for v in values if v is not None]
            if weights and len(numbers) == len(values):
                mean = math.fsum(v * w for v, (_, w) in zip(numbers, self.children, strict=True))
                return mean / weights, "weighted mean of the child metrics (embedded backend)"
            return None, (
                f"not computed: a child metric of {self.name!r} has no score on this event"
            )
        kind = f"{self.type} metric" + (f" of provider {self.provider!r}" if self.provider else "")
        return None, (
            f"not computed: the embedded backend does not run server-side {kind}s (it runs "
            f"{MOCK_PROVIDER} LLM metrics and composites of them); score on the client instead"
        )

    def _mock(self) -> Any:
        if self.return_type == "boolean":
            return True
        if self.return_type == "string":
            return MOCK_PROVIDER
        if self.return_type == "categorical":
            return self.first_category
        return float((self.scale + 1) // 2)


def server_side(metric_docs: list[dict[str, Any]]) -> list[ServerMetric]:
    """The project's metrics that run server-side, composites last (they read the others)."""
    chosen = [ServerMetric.of(m) for m in metric_docs if m.get("enabled_in_prod") is True]
    return sorted(chosen, key=lambda m: m.type == "COMPOSITE")


def add_scores(events: list[Event], metrics: list[ServerMetric]) -> None:
    """Give each event the scores of the server-side metrics that apply to it (in place)."""
    for event in events:
        scores = event.get("metrics")
        if not isinstance(scores, dict):
            continue
        for metric in metrics:
            if metric.name in scores or not metric.applies_to(event):
                continue
            value, explanation = metric.score(scores)
            scores[metric.name] = value
            scores.setdefault(f"{metric.name}_explanation", explanation)


def _number(value: Any) -> float | None:
    """A finite number as a float, else None (booleans and text are not numbers here)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None
