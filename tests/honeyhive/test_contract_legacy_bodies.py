"""Bodies that older SDKs and their callers send (the SDK's request models allow extra fields,
and the SDK's own integration tests pass `project=` to several of them): fields some HoneyHive
spec documents for a route are accepted, then ignored or used; malformed values of them, and
keys no spec documents, are still HoneyHive's 400."""

from __future__ import annotations

from typing import Any

import pytest
from honeyhive.models import (
    CreateDatapointRequest,
    CreateDatasetRequest,
    PostExperimentRunRequest,
    PutExperimentRunRequest,
)

from .api import Tenant, error_of


def _records(tenant: Tenant, path: str, key: str) -> list[dict[str, Any]]:
    response = tenant.call("GET", path)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()[key]
    return found


def _dataset(tenant: Tenant) -> str:
    created = tenant.client().datasets.create(CreateDatasetRequest(name="d"))
    return created.result.insertedId


def test_a_dataset_with_the_legacy_fields_is_created_without_them(tenant: Tenant) -> None:
    """As the SDK's own managed-dataset helper sends it (`project=` on CreateDatasetRequest)."""
    legacy = {
        "project": "any-name",
        "type": "evaluation",
        "linked_evals": ["r1"],
        "saved": True,
        "pipeline_type": "event",
        "metadata": {"owner": "qa"},
    }

    created = tenant.client().datasets.create(
        CreateDatasetRequest.model_validate({"name": "managed", "description": "d", **legacy})
    )
    (found,) = _records(tenant, "/v1/datasets", "datasets")

    assert found["id"] == created.result.insertedId
    assert (found["name"], found["description"]) == ("managed", "d")
    assert not set(legacy) & set(found)


def test_a_datapoint_with_the_legacy_project_joins_its_dataset(tenant: Tenant) -> None:
    dataset_id = _dataset(tenant)

    created = tenant.client().datapoints.create(
        CreateDatapointRequest.model_validate(
            {"project": "any-name", "inputs": {"q": 1}, "linked_datasets": [dataset_id]}
        )
    )
    (datapoint_id,) = created.result.insertedIds
    updated = tenant.call(
        "PUT", f"/v1/datapoints/{datapoint_id}", {"linked_evals": ["r1"], "metadata": {"m": 1}}
    )
    (found,) = _records(tenant, "/v1/datapoints", "datapoints")

    assert updated.status_code == 200, updated.text
    assert (found["inputs"], found["metadata"], found["linked_datasets"]) == (
        {"q": 1},
        {"m": 1},
        [dataset_id],
    )
    assert "project" not in found and "linked_evals" not in found


def test_datapoints_added_with_the_legacy_project_are_added(tenant: Tenant) -> None:
    dataset_id = _dataset(tenant)
    body = {"project": "any-name", "data": [{"q": 1}], "mapping": {"inputs": ["q"]}}

    response = tenant.call("POST", f"/v1/datasets/{dataset_id}/datapoints", body)

    assert response.status_code == 200, response.text
    assert len(response.json()["datapoint_ids"]) == 1


def test_a_run_with_the_legacy_project_is_created_without_it(tenant: Tenant) -> None:
    client = tenant.client()

    run_id = client.experiments.create_run(
        PostExperimentRunRequest.model_validate({"project": "any-name", "name": "r"})
    ).run_id
    run = tenant.call("GET", f"/v1/runs/{run_id}").json()["evaluation"]

    assert run["name"] == "r" and "project" not in run


def test_a_legacy_run_update_can_link_the_run_to_a_dataset(tenant: Tenant) -> None:
    client = tenant.client()
    dataset_id = _dataset(tenant)
    run_id = client.experiments.create_run(PostExperimentRunRequest(name="r")).run_id

    client.experiments.update_run(
        run_id, PutExperimentRunRequest.model_validate({"dataset_id": dataset_id})
    )
    unknown = tenant.call("PUT", f"/v1/runs/{run_id}", {"dataset_id": "0" * 24})
    run = tenant.call("GET", f"/v1/runs/{run_id}").json()["evaluation"]

    assert (run["dataset_id"], run["dataset_name"]) == (dataset_id, "d")
    assert unknown.status_code == 400
    assert "does not exist" in error_of(unknown)["message"]


def test_a_metric_with_the_legacy_id_and_times_gets_its_own(tenant: Tenant) -> None:
    body = {
        "name": "m",
        "type": "PYTHON",
        "criteria": "x",
        "id": "chosen-by-caller",
        "created_at": "2020-01-01T00:00:00Z",
        "updated_at": "2020-01-02T00:00:00Z",
    }

    response = tenant.call("POST", "/v1/metrics", body)
    (found,) = _records(tenant, "/v1/metrics", "metrics")

    assert response.status_code == 200, response.text
    assert found["id"] == response.json()["metric_id"] != "chosen-by-caller"
    assert not found["created_at"].startswith("2020") and found["updated_at"] is None


def test_a_legacy_metric_update_may_name_it_metric_id(tenant: Tenant) -> None:
    created = tenant.call("POST", "/v1/metrics", {"name": "m", "type": "PYTHON", "criteria": "x"})
    metric_id = created.json()["metric_id"]

    renamed = tenant.call(
        "PUT", "/v1/metrics", {"metric_id": metric_id, "description": "d", "code_snippet": "c"}
    )
    unnamed = tenant.call("PUT", "/v1/metrics", {"description": "d"})
    (found,) = _records(tenant, "/v1/metrics", "metrics")

    assert renamed.status_code == 200, renamed.text
    assert found["description"] == "d" and "code_snippet" not in found
    assert unnamed.status_code == 400
    assert "metric_id" in error_of(unnamed)["message"]


@pytest.mark.parametrize(
    ("method", "path", "body", "names"),
    [
        ("POST", "/v1/datasets", {"name": "x", "project": 5}, "project"),
        ("POST", "/v1/datasets", {"name": "x", "type": "training"}, "type"),
        ("POST", "/v1/datasets", {"name": "x", "saved": "yes"}, "saved"),
        ("POST", "/v1/datasets", {"name": "x", "pipeline_type": "trace"}, "pipeline_type"),
        ("POST", "/v1/datasets", {"name": "x", "linked_evals": "r1"}, "linked_evals"),
        ("POST", "/v1/datasets", {"name": "x", "metadata": []}, "metadata"),
        ("POST", "/v1/datasets", {"name": "x", "colour": "red"}, "colour: unknown key"),
        ("POST", "/v1/datapoints", {"inputs": {}, "project": ["p"]}, "project"),
        ("POST", "/v1/runs", {"name": "r", "project": True}, "project"),
        ("POST", "/v1/runs", {"name": "r", "projects": "p"}, "projects: unknown key"),
        ("POST", "/v1/metrics", {"name": "m", "type": "PYTHON", "criteria": "x", "id": 7}, "id"),
    ],
)
def test_a_malformed_legacy_field_is_still_a_400(
    tenant: Tenant, method: str, path: str, body: dict[str, Any], names: str
) -> None:
    response = tenant.call(method, path, body)

    assert response.status_code == 400
    assert names in error_of(response)["message"]
