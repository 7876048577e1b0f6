"""Experiment runs: create, list, read, update, delete; the run's result (summary), its raw
event metrics, and the comparison of two runs (metrics and paired events).

The SDK's `evaluate()` creates a run, traces one session per datapoint, links the sessions with
an update, then reads `GET /v1/runs/{run_id}/result`; `compare_runs` calls the legacy
`compare-with` route and `compare_run_events` the legacy `/v1/runs/compare/events`. Query
parameters that carry structure (`filters`, `filter`, `dateRange`) are JSON text.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from .. import jsontext
from ..bodies import openapi_body, parse
from ..errors import BadRequest
from ..ops.runs import RunQuery, Runs
from ..query import DateRange, Filter, parse_date_range, parse_filters
from ..replies import (
    ComparedEvents,
    OneRun,
    RunComparison,
    RunCreated,
    RunDeleted,
    RunMetrics,
    RunsPage,
    RunUpdated,
    reply,
    run_result,
)
from ..run_results.scoring import check_function
from ..schemas.runs import CreateRunBody, RunFields, RunStatus
from ..tenants import Tenant
from .deps import Caller, JsonText, Ops, PageNumber, faults

router = APIRouter(tags=["Experiments"])


@router.post("/v1/runs", openapi_extra=openapi_body(CreateRunBody))
async def create_run(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    run = ops.runs.create(t, await parse(request, CreateRunBody))
    return reply(RunCreated, {"evaluation": run, "run_id": run["run_id"]})


@router.get("/v1/runs")
async def list_runs(
    t: Caller,
    ops: Ops,
    dataset_id: str | None = None,
    page: PageNumber = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    bracketed: Annotated[list[str] | None, Query(alias="run_ids[]")] = None,
    run_ids: Annotated[list[str] | None, Query()] = None,
    name: str | None = None,
    status: RunStatus | None = None,
    dateRange: JsonText = None,
    sort_by: Literal["created_at", "updated_at", "name", "status"] = "created_at",
    sort_order: Literal["asc", "desc"] = "desc",
) -> JSONResponse:
    query = RunQuery(
        dataset_id=dataset_id,
        run_ids=[*(bracketed or []), *(run_ids or [])] or None,
        name=name,
        status=status,
        date_range=_date_range(dateRange),
        sort_by=sort_by,
        sort_order=sort_order,
        page=page,
        limit=limit,
    )
    found = ops.runs.page(t, query)
    answer = {"evaluations": found.runs, "pagination": found.pagination, "metrics": found.metrics}
    return reply(RunsPage, answer)


@router.get("/v1/runs/compare/events")
async def compare_events_legacy(
    t: Caller,
    ops: Ops,
    run_id_1: Annotated[str, Query(min_length=1)],
    run_id_2: Annotated[str, Query(min_length=1)],
    event_name: str | None = None,
    event_type: str | None = None,
    filter: JsonText = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    page: PageNumber = 1,
) -> JSONResponse:
    return _compared_events(
        ops.runs, t, run_id_1, run_id_2, event_name, event_type, filter, limit, page
    )


@router.get("/v1/runs/{run_id}")
async def get_run(run_id: str, t: Caller, ops: Ops) -> JSONResponse:
    return reply(OneRun, {"evaluation": ops.runs.get(t, run_id)})


@router.put("/v1/runs/{run_id}", openapi_extra=openapi_body(RunFields))
async def update_run(run_id: str, request: Request, t: Caller, ops: Ops) -> JSONResponse:
    run = ops.runs.update(t, run_id, await parse(request, RunFields))
    return reply(RunUpdated, {"evaluation": run})


@router.delete("/v1/runs/{run_id}", dependencies=faults("delete"))
async def delete_run(run_id: str, t: Caller, ops: Ops) -> JSONResponse:
    ops.runs.delete(t, run_id)
    return reply(RunDeleted, {"id": run_id, "deleted": True})


@router.get("/v1/runs/{run_id}/result")
async def run_result_legacy(
    run_id: str,
    t: Caller,
    ops: Ops,
    aggregate_function: str | None = None,
    filters: JsonText = None,
) -> JSONResponse:
    return _result(ops.runs, t, run_id, aggregate_function, filters)


@router.get("/v1/runs/{run_id}/summary")
async def run_summary(
    run_id: str,
    t: Caller,
    ops: Ops,
    aggregate_function: str | None = None,
    filters: JsonText = None,
) -> JSONResponse:
    return _result(ops.runs, t, run_id, aggregate_function, filters)


@router.get("/v1/runs/{run_id}/metrics")
async def run_metrics(
    run_id: str, t: Caller, ops: Ops, dateRange: JsonText = None, filters: JsonText = None
) -> JSONResponse:
    found = ops.runs.event_metrics(
        t, run_id, filters=_filters("filters", filters), date_range=_date_range(dateRange)
    )
    return reply(RunMetrics, {"events": found, "totalEvents": len(found)})


@router.get("/v1/runs/{new_run_id}/compare/{old_run_id}")
@router.get("/v1/runs/{new_run_id}/compare-with/{old_run_id}")  # the legacy spec's name
async def compare_runs(
    new_run_id: str,
    old_run_id: str,
    t: Caller,
    ops: Ops,
    aggregate_function: str | None = None,
    filters: JsonText = None,
) -> JSONResponse:
    return _comparison(ops.runs, t, new_run_id, old_run_id, aggregate_function, filters)


@router.get("/v1/runs/{new_run_id}/compare/{old_run_id}/events")
async def compare_events(
    new_run_id: str,
    old_run_id: str,
    t: Caller,
    ops: Ops,
    event_name: str | None = None,
    event_type: str | None = None,
    filter: JsonText = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    page: PageNumber = 1,
) -> JSONResponse:
    return _compared_events(
        ops.runs, t, new_run_id, old_run_id, event_name, event_type, filter, limit, page
    )


def _result(
    runs: Runs, t: Tenant, run_id: str, function: str | None, filters: str | None
) -> JSONResponse:
    found = runs.result(
        t, run_id, function=check_function(function), filters=_filters("filters", filters)
    )
    return run_result(found)


def _comparison(
    runs: Runs, t: Tenant, new: str, old: str, function: str | None, filters: str | None
) -> JSONResponse:
    found = runs.compare(
        t, new, old, function=check_function(function), filters=_filters("filters", filters)
    )
    return reply(RunComparison, found)


def _compared_events(
    runs: Runs,
    t: Tenant,
    new: str,
    old: str,
    event_name: str | None,
    event_type: str | None,
    filters: str | None,
    limit: int,
    page: int,
) -> JSONResponse:
    pairs, total = runs.compare_events(
        t,
        new,
        old,
        event_name=event_name,
        event_type=event_type,
        filters=_filters("filter", filters),
        limit=limit,
        page=page,
    )
    return reply(ComparedEvents, {"events": pairs, "totalEvents": total})


def _json(name: str, text: str) -> Any:
    try:
        return jsontext.loads(text)
    except BadRequest as exc:
        detail = exc.message.removeprefix("malformed JSON body: ")
        raise BadRequest(f"query parameter {name!r} is not valid JSON: {detail}") from exc


def _filters(name: str, text: str | None) -> list[Filter]:
    """Filters as the export route takes them: a JSON list (or one object) of
    {field, operator, value, type}."""
    if text is None or not text.strip():
        return []
    doc = _json(name, text)
    return parse_filters([doc] if isinstance(doc, dict) else doc)


def _date_range(text: str | None) -> DateRange | None:
    """`dateRange` as JSON text: {"$gte": ..., "$lte": ...} (ISO dates or epoch ms)."""
    if text is None or not text.strip():
        return None
    return parse_date_range(_json("dateRange", text))
