"""Tenant isolation: one key never reads, changes, enriches or deletes another project's sessions
and events through any route; an unknown or missing key gets HoneyHive's 401."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from honeyhive import HoneyHiveTracer
from honeyhive.models import (
    AddDatapointsToDatasetRequest,
    CreateConfigurationRequest,
    CreateDatasetRequest,
    CreateMetricRequest,
    DatapointMapping,
    PostExperimentRunRequest,
    StartSessionRequest,
)

from .api import HTTP, OTLP_PATH, Emulator, Tenant, error_of, event_body, is_
from .conftest import MakeTenant, MakeTracer
from .spans import SpanSpec, json_export


@dataclass(frozen=True)
class Victim:
    tenant: Tenant
    session_id: str
    event_id: str


@dataclass(frozen=True)
class Attempt:
    """What the intruder tries with its own key, and the status it must get (None for an
    attempt through the SDK, which swallows the refusal; the victim's data is checked anyway)."""

    name: str
    act: Callable[[Tenant, Victim, MakeTracer], httpx.Response | None]
    status: int | None


def _call(method: str, path: str, body: Any = None) -> Callable[..., httpx.Response]:
    def act(intruder: Tenant, victim: Victim, _: MakeTracer) -> httpx.Response:
        fill = {"sid": victim.session_id, "eid": victim.event_id, "project": victim.tenant.project}
        filled = _fill(body, fill)
        return intruder.call(method, path.format(**fill), filled)

    return act


def _fill(body: Any, values: dict[str, str]) -> Any:
    if isinstance(body, str):
        return body.format(**values)
    if isinstance(body, dict):
        return {k: _fill(v, values) for k, v in body.items()}
    if isinstance(body, list):
        return [_fill(v, values) for v in body]
    return body


def _enrich_with_sdk(intruder: Tenant, victim: Victim, make_tracer: MakeTracer) -> None:
    tracer: HoneyHiveTracer = make_tracer(intruder)
    tracer.enrich_session(session_id=victim.session_id, metadata={"owned": True})


def _span_into_victims_session(intruder: Tenant, victim: Victim, _: MakeTracer) -> httpx.Response:
    spec = SpanSpec("intruder-span", victim.session_id)
    return intruder.call("POST", OTLP_PATH, content=json_export(spec))


ATTEMPTS = [
    Attempt("export by session", _call("POST", "/v1/events/export",
            {"filters": [is_("session_id", "{sid}")]}), 200),
    Attempt("export naming the project", _call("POST", "/v1/events/export",
            {"project": "{project}", "filters": []}), 200),
    Attempt("search by event", _call("POST", "/v1/events/search",
            {"filters": [is_("event_id", "{eid}")]}), 200),
    Attempt("get event", _call("GET", "/v1/events/{eid}"), 404),
    Attempt("get session", _call("GET", "/session/{sid}"), 404),
    Attempt("session tree", _call("GET", "/v1/sessions/{sid}"), 404),
    Attempt("update event", _call("PUT", "/events", {"event_id": "{eid}", "metadata": {"x": 1}}),
            404),
    Attempt("update session", _call("PUT", "/events",
            {"event_id": "{sid}", "feedback": {"x": 1}}), 404),
    Attempt("enrich session with the SDK", _enrich_with_sdk, None),
    Attempt("delete event", _call("DELETE", "/v1/events/{eid}"), 404),
    Attempt("delete session", _call("DELETE", "/v1/sessions/{sid}"), 404),
    Attempt("create an event with the same id", _call("POST", "/events",
            {"event": event_body(event_id="{eid}", session_id="{sid}")}), 200),
    Attempt("restart the session", _call("POST", "/session/start",
            {"session": {"session_id": "{sid}", "metadata": {"owned": True}}}), 200),
    Attempt("batch into the session", _call("POST", "/events/batch",
            {"events": [event_body(session_id="{sid}")]}), 200),
    Attempt("span into the session", _span_into_victims_session, 200),
]  # fmt: skip


@pytest.fixture
def victim(make_tenant: MakeTenant, make_tracer: MakeTracer) -> Victim:
    owner = make_tenant("victim")
    tracer = make_tracer(owner, session_name="private")
    with tracer.trace("secret-step", event_type="tool"):
        tracer.enrich_span(metadata={"secret": "s3cr3t"})
    tracer.flush()
    events = owner.wait_for_events(tracer.session_id, ["secret-step"])
    assert tracer.session_id is not None
    return Victim(owner, tracer.session_id, events["secret-step"]["event_id"])


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[a.name for a in ATTEMPTS])
def test_another_key_cannot_touch_the_projects_data(
    make_tenant: MakeTenant, make_tracer: MakeTracer, victim: Victim, attempt: Attempt
) -> None:
    intruder = make_tenant("intruder")
    before = victim.tenant.everything()

    response = attempt.act(intruder, victim, make_tracer)

    if response is not None:
        assert response.status_code == attempt.status, response.text
        body = response.json()
        if response.status_code == 404:
            error_of(response)
        if isinstance(body, dict) and "events" in body:
            assert body["events"] == []
        assert "s3cr3t" not in response.text
    assert victim.tenant.everything() == before
    own = intruder.everything()
    assert all(e["project"] == intruder.project for e in own)
    assert "s3cr3t" not in repr(own)


def test_the_same_ids_in_two_projects_stay_two_records(make_tenant: MakeTenant) -> None:
    a, b = make_tenant("a"), make_tenant("b")
    sid, eid = str(uuid.uuid4()), str(uuid.uuid4())

    for tenant, word in ((a, "from-a"), (b, "from-b")):
        body = {"event": event_body(event_id=eid, session_id=sid, inputs={"w": word})}
        assert tenant.call("POST", "/events", body).status_code == 200

    for tenant, word in ((a, "from-a"), (b, "from-b")):
        event = tenant.event(eid)
        assert event is not None and event["inputs"] == {"w": word}
        assert event["project"] == tenant.project


@pytest.fixture(scope="module")
def bystander(emulator: Emulator) -> Tenant:
    """A registered project that no refused request may write to."""
    return emulator.new_tenant("bystander")


ROUTES = [
    ("POST", "/session/start", {"session": {"session_name": "x"}}),
    ("POST", "/v1/sessions", {"session_name": "x"}),
    ("GET", "/session/some-id", None),
    ("GET", "/v1/sessions/some-id", None),
    ("DELETE", "/v1/sessions/some-id", None),
    ("POST", "/events", {"event": event_body()}),
    ("POST", "/events/batch", {"events": [event_body()]}),
    ("PUT", "/events", {"event_id": "e", "metadata": {}}),
    ("GET", "/v1/events/some-id", None),
    ("DELETE", "/v1/events/some-id", None),
    ("POST", "/v1/events/export", {"filters": []}),
    ("POST", "/v1/events/search", {"filters": []}),
    ("POST", OTLP_PATH, {"resourceSpans": []}),
    # datasets, datapoints, runs, metrics
    ("GET", "/v1/datasets", None),
    ("POST", "/v1/datasets", {"name": "x"}),
    ("PUT", "/v1/datasets", {"dataset_id": "d", "name": "x"}),
    ("DELETE", "/v1/datasets?dataset_id=d", None),
    ("PUT", "/v1/datasets/d", {"name": "x"}),
    ("DELETE", "/v1/datasets/d", None),
    ("POST", "/v1/datasets/d/datapoints", {"data": [{"q": 1}], "mapping": {"inputs": ["q"]}}),
    ("DELETE", "/v1/datasets/d/datapoints/p", None),
    ("DELETE", "/v1/datasets/d/p", None),
    ("GET", "/v1/datapoints", None),
    ("POST", "/v1/datapoints", {"inputs": {}}),
    ("GET", "/v1/datapoints/p", None),
    ("PUT", "/v1/datapoints/p", {"inputs": {}}),
    ("DELETE", "/v1/datapoints/p", None),
    ("POST", "/v1/runs", {"name": "x"}),
    ("GET", "/v1/runs", None),
    ("GET", "/v1/runs/r", None),
    ("PUT", "/v1/runs/r", {"status": "completed"}),
    ("DELETE", "/v1/runs/r", None),
    ("GET", "/v1/runs/r/result", None),
    ("GET", "/v1/runs/r/summary", None),
    ("GET", "/v1/runs/r/metrics", None),
    ("GET", "/v1/runs/r/compare/s", None),
    ("GET", "/v1/runs/r/compare-with/s", None),
    ("GET", "/v1/runs/r/compare/s/events", None),
    ("GET", "/v1/runs/compare/events?run_id_1=r&run_id_2=s", None),
    ("GET", "/v1/metrics", None),
    ("POST", "/v1/metrics", {"name": "m", "type": "PYTHON", "criteria": "x"}),
    ("PUT", "/v1/metrics", {"id": "m", "name": "n"}),
    ("DELETE", "/v1/metrics?metric_id=m", None),
    ("PUT", "/v1/metrics/m", {"name": "n"}),
    ("DELETE", "/v1/metrics/m", None),
    # configurations
    ("GET", "/v1/configurations", None),
    (
        "POST",
        "/v1/configurations",
        {"name": "c", "provider": "p", "parameters": {"call_type": "chat", "model": "m"}},
    ),
    ("PUT", "/v1/configurations/c", {"name": "x"}),
    ("DELETE", "/v1/configurations/c", None),
]
CREDENTIALS = {
    "unknown key": {"Authorization": "Bearer hh-not-a-real-key"},
    "no header": {},
    "Bearer None": {"Authorization": "Bearer None"},
    "bearer without key": {"Authorization": "Bearer"},
    "not bearer": {"Authorization": "Basic dXNlcjpwYXNz"},
}


@pytest.mark.parametrize("credentials", CREDENTIALS.values(), ids=list(CREDENTIALS))
@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_a_request_without_a_valid_key_is_401(
    bystander: Tenant, method: str, path: str, body: Any, credentials: dict[str, str]
) -> None:
    response = HTTP.request(method, f"{bystander.url}{path}", json=body, headers=credentials)

    assert response.status_code == 401, response.text
    assert error_of(response)["errorCode"] == "UNAUTHORIZED"
    assert bystander.everything() == []


def test_the_sdk_with_an_unknown_key_stores_nothing(
    tenant: Tenant, make_tracer: MakeTracer
) -> None:
    """A bad key never raises in the SDK: it falls back to a local session id and its exports
    are refused; the emulator must store none of it."""
    impostor = Tenant(tenant.url, "hh-unknown-key", tenant.project)
    tracer = make_tracer(impostor, session_name="ghost")
    with tracer.trace("ghost-step", event_type="tool"):
        pass
    tracer.flush()

    assert tenant.everything() == []
    assert tenant.call("GET", f"/session/{tracer.session_id}").status_code == 404


# ---- datasets, datapoints, runs, metrics, configurations -------------------------------------


@dataclass(frozen=True)
class RecordsVictim:
    """A project's dataset (with one datapoint), a run with one scored session, a metric and a
    configuration."""

    tenant: Tenant
    dataset_id: str
    datapoint_id: str
    run_id: str
    session_id: str
    metric_id: str
    config_id: str

    @property
    def fill(self) -> dict[str, str]:
        return {
            "ds": self.dataset_id,
            "dp": self.datapoint_id,
            "rid": self.run_id,
            "sid": self.session_id,
            "mid": self.metric_id,
            "cid": self.config_id,
        }

    def everything(self) -> dict[str, Any]:
        """All the project's records as its own key reads them, and the run's result."""
        reads = {
            "datasets": "/v1/datasets",
            "datapoints": "/v1/datapoints",
            "runs": "/v1/runs",
            "metrics": "/v1/metrics",
            "configurations": "/v1/configurations",
            "result": f"/v1/runs/{self.run_id}/result",
            "raw metrics": f"/v1/runs/{self.run_id}/metrics",
        }
        found = {}
        for name, path in reads.items():
            response = self.tenant.call("GET", path)
            assert response.status_code == 200, response.text
            found[name] = response.json()
        return found


@pytest.fixture
def records_victim(make_tenant: MakeTenant) -> RecordsVictim:
    owner = make_tenant("victim")
    client = owner.client()
    secret = {"secret": "s3cr3t"}
    dataset_id = client.datasets.create(
        CreateDatasetRequest(name="private", description="s3cr3t")
    ).result.insertedId
    (datapoint_id,) = client.datasets.add_datapoints(
        dataset_id,
        AddDatapointsToDatasetRequest(
            data=[{"q": "s3cr3t"}], mapping=DatapointMapping(inputs=["q"])
        ),
    ).datapoint_ids
    run_id = client.experiments.create_run(
        PostExperimentRunRequest(
            name="private", dataset_id=dataset_id, datapoint_ids=[datapoint_id], metadata=secret
        )
    ).run_id
    session_id = client.sessions.start(
        StartSessionRequest.model_validate(
            {"session": {"metadata": {"run_id": run_id, "datapoint_id": datapoint_id, **secret}}}
        )
    ).session_id
    body = event_body(session_id=session_id, metrics={"s3cr3t_score": 0.5}, metadata=secret)
    assert owner.call("POST", "/events", {"event": body}).status_code == 200
    metric_id = client.metrics.create(
        CreateMetricRequest(name="s3cr3t_score", type="PYTHON", criteria="s3cr3t")
    ).metric_id
    config_id = client.configurations.create(
        CreateConfigurationRequest.model_validate(
            {
                "name": "private",
                "provider": "openai",
                "parameters": {"call_type": "chat", "model": "m", "hyperparameters": secret},
            }
        )
    ).insertedId
    return RecordsVictim(owner, dataset_id, datapoint_id, run_id, session_id, metric_id, config_id)


@dataclass(frozen=True)
class RecordAttempt:
    """What the intruder sends with its own key, and the status it must get; a list route
    answers 200 with nothing of the victim's (`empty` names the list that must be empty)."""

    name: str
    method: str
    path: str
    body: Any = None
    status: int = 404
    empty: str | None = None


RECORD_ATTEMPTS = [
    RecordAttempt("list the dataset by id", "GET", "/v1/datasets?dataset_id={ds}", status=200,
                  empty="datasets"),
    RecordAttempt("list datasets by name", "GET", "/v1/datasets?name=private", status=200,
                  empty="datasets"),
    RecordAttempt("rename the dataset", "PUT", "/v1/datasets", {"dataset_id": "{ds}", "name": "x"}),
    RecordAttempt("rename the dataset (v1)", "PUT", "/v1/datasets/{ds}", {"name": "x"}),
    RecordAttempt("delete the dataset", "DELETE", "/v1/datasets?dataset_id={ds}"),
    RecordAttempt("delete the dataset (v1)", "DELETE", "/v1/datasets/{ds}"),
    RecordAttempt("add datapoints to the dataset", "POST", "/v1/datasets/{ds}/datapoints",
                  {"data": [{"q": 1}], "mapping": {"inputs": ["q"]}}),
    RecordAttempt("remove the datapoint", "DELETE", "/v1/datasets/{ds}/datapoints/{dp}"),
    RecordAttempt("remove the datapoint (legacy)", "DELETE", "/v1/datasets/{ds}/{dp}"),
    RecordAttempt("a dataset of the datapoint", "POST", "/v1/datasets", {"datapoints": ["{dp}"]},
                  status=400),
    RecordAttempt("list the datapoint", "GET", "/v1/datapoints?datapoint_ids[]={dp}", status=200,
                  empty="datapoints"),
    RecordAttempt("list by dataset name", "GET", "/v1/datapoints?dataset_name=private",
                  status=200, empty="datapoints"),
    RecordAttempt("get the datapoint", "GET", "/v1/datapoints/{dp}"),
    RecordAttempt("update the datapoint", "PUT", "/v1/datapoints/{dp}", {"inputs": {"q": "x"}}),
    RecordAttempt("delete the datapoint", "DELETE", "/v1/datapoints/{dp}"),
    RecordAttempt("a datapoint in the dataset", "POST", "/v1/datapoints",
                  {"linked_datasets": ["{ds}"]}, status=400),
    RecordAttempt("list the run", "GET", "/v1/runs?run_ids[]={rid}", status=200,
                  empty="evaluations"),
    RecordAttempt("list runs of the dataset", "GET", "/v1/runs?dataset_id={ds}", status=200,
                  empty="evaluations"),
    RecordAttempt("get the run", "GET", "/v1/runs/{rid}"),
    RecordAttempt("update the run", "PUT", "/v1/runs/{rid}", {"status": "failed"}),
    RecordAttempt("delete the run", "DELETE", "/v1/runs/{rid}"),
    RecordAttempt("the run's result", "GET", "/v1/runs/{rid}/result"),
    RecordAttempt("the run's summary", "GET", "/v1/runs/{rid}/summary"),
    RecordAttempt("the run's raw metrics", "GET", "/v1/runs/{rid}/metrics"),
    RecordAttempt("compare with the run", "GET", "/v1/runs/{rid}/compare-with/{rid}"),
    RecordAttempt("compare the run's events", "GET",
                  "/v1/runs/compare/events?run_id_1={rid}&run_id_2={rid}"),
    RecordAttempt("a run on the dataset", "POST", "/v1/runs", {"dataset_id": "{ds}"}, status=400),
    RecordAttempt("a run with the same id", "POST", "/v1/runs", {"run_id": "{rid}"}, status=200),
    RecordAttempt("list the metric", "GET", "/v1/metrics?id={mid}", status=200, empty="metrics"),
    RecordAttempt("update the metric", "PUT", "/v1/metrics", {"id": "{mid}", "criteria": "x"}),
    RecordAttempt("update the metric (v1)", "PUT", "/v1/metrics/{mid}", {"criteria": "x"}),
    RecordAttempt("delete the metric", "DELETE", "/v1/metrics?metric_id={mid}"),
    RecordAttempt("delete the metric (v1)", "DELETE", "/v1/metrics/{mid}"),
    RecordAttempt("list the configuration by name", "GET", "/v1/configurations?name=private",
                  status=200, empty="configurations"),
    RecordAttempt("update the configuration", "PUT", "/v1/configurations/{cid}", {"name": "x"}),
    RecordAttempt("delete the configuration", "DELETE", "/v1/configurations/{cid}"),
]  # fmt: skip


@pytest.mark.parametrize("attempt", RECORD_ATTEMPTS, ids=[a.name for a in RECORD_ATTEMPTS])
def test_another_key_cannot_touch_the_projects_records(
    make_tenant: MakeTenant, records_victim: RecordsVictim, attempt: RecordAttempt
) -> None:
    intruder = make_tenant("intruder")
    before = records_victim.everything()

    response = intruder.call(
        attempt.method,
        attempt.path.format(**records_victim.fill),
        _fill(attempt.body, records_victim.fill),
    )

    assert response.status_code == attempt.status, response.text
    if response.status_code >= 400:
        error_of(response)
    if attempt.empty:
        assert response.json()[attempt.empty] == []
    assert "s3cr3t" not in response.text
    assert records_victim.everything() == before


def test_a_run_naming_another_projects_sessions_scores_none_of_them(
    make_tenant: MakeTenant, records_victim: RecordsVictim
) -> None:
    intruder = make_tenant("intruder")
    body = {"run_id": records_victim.run_id, "event_ids": [records_victim.session_id]}
    assert intruder.call("POST", "/v1/runs", body).status_code == 200

    result = intruder.call("GET", f"/v1/runs/{records_victim.run_id}/result")
    raw = intruder.call("GET", f"/v1/runs/{records_victim.run_id}/metrics")

    assert result.status_code == raw.status_code == 200
    assert result.json()["datapoints"] == [] and result.json()["metrics"]["details"] == []
    assert raw.json() == {"events": [], "totalEvents": 0}
    assert "s3cr3t" not in result.text + raw.text
