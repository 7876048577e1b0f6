"""Every reply is checked against the HoneyHive SDK's own pydantic models before it is sent:
a reply the SDK could not parse is an emulator bug and fails loudly as a 500."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse
from honeyhive._generated import models as hh
from honeyhive.experiments import models as summary
from pydantic import BaseModel


class StoredDataResponse(JSONResponse):
    """JSON with ASCII escapes: a string may hold a lone surrogate (valid in a JSON string, as
    `"\\ud800"`, but not encodable as UTF-8); escaped, it round-trips as JavaScript's
    JSON.stringify would write it, instead of failing every later read with a 500."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")


def reply(model: type[BaseModel], data: dict[str, Any], status: int = 200) -> JSONResponse:
    model.model_validate(data)
    return StoredDataResponse(data, status_code=status)


SessionStarted = hh.PostSessionStartResponse
EventCreated = hh.PostEventResponse
BatchCreated = hh.PostEventBatchResponse
EventsPage = hh.ExportEventsResponse
OneEvent = hh.GetEventResponse
SessionEvent = hh.LegacyEvent

# ---- datasets, datapoints, runs, metrics ------------------------------------------------------

DatasetsPage = hh.GetDatasetsResponse
DatasetCreated = hh.CreateDatasetResponse
DatasetUpdated = hh.UpdateDatasetResponse
DatasetDeleted = hh.DeleteDatasetResponse
DatapointsAdded = hh.AddDatapointsResponse
DatapointRemoved = hh.RemoveDatapointResponse
DatapointsPage = hh.GetDatapointsResponse
OneDatapoint = hh.GetDatapointResponse
DatapointCreated = hh.CreateDatapointResponse
DatapointUpdated = hh.UpdateDatapointResponse
DatapointDeleted = hh.DeleteDatapointResponse
RunCreated = hh.PostExperimentRunResponse
OneRun = hh.GetExperimentRunResponse
RunsPage = hh.GetExperimentRunsResponse
RunUpdated = hh.PutExperimentRunResponse
RunDeleted = hh.DeleteExperimentRunResponse
RunMetrics = hh.GetExperimentRunMetricsResponse
RunComparison = hh.GetExperimentRunCompareResponse
ComparedEvents = hh.GetExperimentCompareEventsResponse
MetricsPage = hh.GetMetricsResponse
MetricCreated = hh.CreateMetricResponse
MetricUpdated = hh.UpdateMetricResponse
MetricDeleted = hh.DeleteMetricResponse
ConfigurationsPage = hh.GetConfigurationsResponse
ConfigurationCreated = hh.CreateConfigurationResponse
ConfigurationUpdated = hh.UpdateConfigurationResponse
ConfigurationDeleted = hh.DeleteConfigurationResponse


def run_result(data: dict[str, Any]) -> JSONResponse:
    """A run's result is read twice by the SDK: through the generated model, then by
    `experiments.get_run_result` into its own models (`AggregatedMetrics`, `DatapointResult`);
    the reply must satisfy both."""
    summary.AggregatedMetrics.model_validate(data["metrics"])
    for datapoint in data["datapoints"]:
        summary.DatapointResult.model_validate(datapoint)
    return reply(hh.GetExperimentRunResultResponse, data)
