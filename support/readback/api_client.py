"""The suite's own reader of HoneyHive's public API: a small typed client over httpx, shaped by
HoneyHive's OpenAPI specs (`honeyhive-openapi/`: data plane 1.2.1 and API 1.1.0), the same for
the embedded and the real backend, and independent of the SDK under test — a bug the SDK's
writer and its reader share cannot cancel out in a check.

Routes read (each as the spec has it):
- `POST /v1/events/export` (exportEventsLegacy: `filters`, `limit`, `page` → `events`,
  `totalEvents`), the events of a session or of a filter;
- `GET /v1/runs/{run_id}` (getRun → `evaluation`), `GET /v1/runs/{run_id}/result`
  (getExperimentResultLegacy: the run's summary);
- `GET /v1/datasets?dataset_id=` (getDatasets → `datapoints`... `testcases`), `GET
  /v1/datapoints/{id}` (getDatapoint);
- `GET /v1/configurations?name=` (getConfigurations).

A reply that is not 2xx raises `ApiError` (a 404 where "not there" is the answer is asked for by
the caller); a transport failure raises httpx's own error. Both are what a poll retries on
(`RETRY_ON`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

Event = dict[str, Any]
Filter = dict[str, str]
PAGE = 1000
EXPORT = "/v1/events/export"


class ApiError(Exception):
    """HoneyHive answered a read with a status other than 2xx."""

    def __init__(self, method: str, path: str, status: int, body: str) -> None:
        self.method, self.path, self.status, self.body = method, path, status, body
        super().__init__(f"{method} {path} answered {status}: {body[:300]}")


# what a poll counts as "not read yet" and retries, reporting the last one if it never succeeds
RETRY_ON: tuple[type[BaseException], ...] = (ApiError, httpx.TransportError, ValueError)


def is_(field: str, value: str) -> Filter:
    """An export filter: `field` is exactly `value` (a string), as the spec's FiltersArray item."""
    return {"field": field, "operator": "is", "value": value, "type": "string"}


class HoneyHiveApi:
    """One project's reads (its API key), over one kept-alive connection pool."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )

    def __repr__(self) -> str:  # never the key
        return f"HoneyHiveApi({self.url})"

    def close(self) -> None:
        self._http.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        absent_ok: bool = False,
    ) -> Any:
        reply = self._http.request(method, path, json=json, params=params)
        if absent_ok and reply.status_code == 404:
            return None
        if not 200 <= reply.status_code < 300:
            raise ApiError(method, path, reply.status_code, reply.text)
        body = reply.json()  # not JSON: ValueError, retried like any failed read
        return body

    def export_page(
        self, filters: Iterable[Filter], *, limit: int, page: int
    ) -> tuple[list[Event], int]:
        """One page of the events matching the filters, and how many match in all."""
        body = self._call(
            "POST", EXPORT, json={"filters": list(filters), "limit": limit, "page": page}
        )
        if not isinstance(body, dict) or not isinstance(body.get("events"), list):
            raise ApiError("POST", EXPORT, 200, f"not an export reply: {str(body)[:200]}")
        events = [e for e in body["events"] if isinstance(e, dict)]
        total = body.get("totalEvents", body.get("total_events", len(events)))
        return events, int(total) if isinstance(total, int | float) else len(events)

    def export(self, filters: Iterable[Filter], *, limit: int = PAGE) -> list[Event]:
        """Every event matching the filters, following pages."""
        wanted = list(filters)
        events: list[Event] = []
        page = 1
        while True:
            batch, total = self.export_page(wanted, limit=limit, page=page)
            events.extend(batch)
            if len(batch) < limit or len(events) >= total:
                return events
            page += 1

    def run(self, run_id: str, *, absent_ok: bool = False) -> dict[str, Any] | None:
        """The run (`evaluation`: name, status, event_ids, dataset_id, ...); None if it is gone
        and `absent_ok`."""
        body = self._call("GET", f"/v1/runs/{run_id}", absent_ok=absent_ok)
        if body is None:
            return None
        found = body.get("evaluation") if isinstance(body, dict) else None
        if not isinstance(found, dict):
            raise ApiError("GET", f"/v1/runs/{run_id}", 200, f"no 'evaluation': {str(body)[:200]}")
        return found

    def run_result(self, run_id: str) -> RunResult:
        """The run's summary as stored, averaged: status, datapoints (each with its session and
        scores), metrics (per metric: aggregate and values)."""
        path = f"/v1/runs/{run_id}/result"
        body = self._call("GET", path, params={"aggregate_function": "average"})
        if not isinstance(body, dict):
            raise ApiError("GET", path, 200, f"not a run result: {str(body)[:200]}")
        return RunResult.parse(run_id, body)

    def datasets(self, dataset_id: str) -> list[dict[str, Any]]:
        body = self._call("GET", "/v1/datasets", params={"dataset_id": dataset_id})
        found = body.get("datasets") if isinstance(body, dict) else None
        return [d for d in found if isinstance(d, dict)] if isinstance(found, list) else []

    def datapoint(self, datapoint_id: str) -> dict[str, Any] | None:
        """The datapoint, or None when it is gone (404, or a reply that lists none)."""
        body = self._call("GET", f"/v1/datapoints/{datapoint_id}", absent_ok=True)
        if not isinstance(body, dict):
            return None
        listed = body.get("datapoint")
        if isinstance(listed, list):
            return listed[0] if listed and isinstance(listed[0], dict) else None
        return listed if isinstance(listed, dict) else body

    def configurations(self, name: str | None = None) -> list[dict[str, Any]]:
        body = self._call("GET", "/v1/configurations", params={"name": name} if name else None)
        found = body.get("configurations", body) if isinstance(body, dict) else body
        return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


@dataclass(frozen=True)
class DatapointScores:
    """One datapoint of a run's result: its session and the scores listed for it."""

    datapoint_id: str | None
    session_id: str | None
    scores: dict[str, Any]  # metric name -> value


@dataclass(frozen=True)
class MetricSummary:
    metric_name: str
    aggregate: float | None
    values: list[Any]


@dataclass(frozen=True)
class RunResult:
    """`GET /v1/runs/{run_id}/result`, as the spec's ExperimentResult shapes it."""

    run_id: str
    status: str
    datapoints: list[DatapointScores] = field(default_factory=list)
    metrics: list[MetricSummary] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def parse(cls, run_id: str, body: dict[str, Any]) -> RunResult:
        datapoints = [
            DatapointScores(
                _text(d.get("datapoint_id")),
                _text(d.get("session_id")),
                {
                    str(m.get("name")): m.get("value")
                    for m in d.get("metrics") or []
                    if isinstance(m, dict)
                },
            )
            for d in body.get("datapoints") or []
            if isinstance(d, dict)
        ]
        details = (body.get("metrics") or {}).get("details") or []
        metrics = [
            MetricSummary(
                str(m.get("metric_name")),
                float(m["aggregate"]) if isinstance(m.get("aggregate"), int | float) else None,
                list(m.get("values") or []),
            )
            for m in details
            if isinstance(m, dict)
        ]
        return cls(run_id, str(body.get("status", "unknown")), datapoints, metrics, body)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
