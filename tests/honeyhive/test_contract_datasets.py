"""Datasets and datapoints through the real SDK client over HTTP: create, list by id and name,
add datapoints with a field mapping, link and unlink, update, remove and delete (the SDK's
legacy routes and the v1 routes beside them), and bad input answered with a 4xx that says what
is wrong. Links are kept both ways: a dataset lists its datapoints, a datapoint its datasets.
These records, runs and metrics too, survive a kill and a restart like the events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from honeyhive import HoneyHive
from honeyhive._generated import models as generated
from honeyhive._generated.api_config import HTTPException
from honeyhive._generated.services import Datasets_service
from honeyhive.models import (
    AddDatapointsToDatasetRequest,
    CreateDatapointRequest,
    CreateDatasetRequest,
    CreateMetricRequest,
    DatapointMapping,
    PostExperimentRunRequest,
    UpdateDatapointRequest,
    UpdateDatasetRequest,
)

from .api import Tenant, error_of, start_emulator
from .sdk_versions import ERROR_BODY_ON_EXCEPTIONS

QUESTIONS = [
    {"question": "What is 2 + 2?", "answer": "4", "topic": "maths"},
    {"question": "Capital of France?", "answer": "Paris", "topic": "geography"},
]


def new_dataset(client: HoneyHive, name: str = "questions", **fields: Any) -> str:
    created = client.datasets.create(CreateDatasetRequest(name=name, **fields))
    assert created.inserted is True
    return created.result.insertedId


def add_questions(client: HoneyHive, dataset_id: str) -> list[str]:
    added = client.datasets.add_datapoints(
        dataset_id,
        AddDatapointsToDatasetRequest(
            data=QUESTIONS, mapping=DatapointMapping(inputs=["question"], ground_truth=["answer"])
        ),
    )
    assert added.inserted is True
    return added.datapoint_ids


def dataset(client: HoneyHive, dataset_id: str) -> Any:
    found = client.datasets.list(dataset_id=dataset_id).datasets
    assert len(found) == 1, found
    return found[0]


def datapoint(client: HoneyHive, datapoint_id: str) -> Any:
    (found,) = client.datapoints.get(datapoint_id).datapoint
    return found


def test_a_created_dataset_reads_back_by_id_and_by_name(tenant: Tenant) -> None:
    client = tenant.client()
    dataset_id = new_dataset(client, "support-questions", description="from the help desk")
    new_dataset(client, "other")

    by_id = dataset(client, dataset_id)
    by_name = client.datasets.list(name="support-questions").datasets

    assert (by_id.id, by_id.name, by_id.description) == (
        dataset_id,
        "support-questions",
        "from the help desk",
    )
    assert by_id.datapoints == [] and by_id.created_at and by_id.updated_at
    assert [d.id for d in by_name] == [dataset_id]
    assert {d.name for d in client.datasets.list().datasets} == {"support-questions", "other"}
    assert client.datasets.list(dataset_id="no-such-dataset").datasets == []


def test_datapoints_added_to_a_dataset_follow_the_mapping(tenant: Tenant) -> None:
    client = tenant.client()
    dataset_id = new_dataset(client, "mapped")

    ids = add_questions(client, dataset_id)

    assert len(ids) == 2 and len(set(ids)) == 2
    assert dataset(client, dataset_id).datapoints == ids
    first = datapoint(client, ids[0])
    assert first.inputs == {"question": "What is 2 + 2?"}
    assert first.ground_truth == {"answer": "4"}
    assert first.metadata == {"topic": "maths"}  # the fields no mapping names
    assert first.history == [] and first.linked_event is None
    assert first.linked_datasets == [dataset_id]
    listed = client.datapoints.list(dataset_name="mapped").datapoints
    assert [d.id for d in listed] == ids


def test_history_fields_become_the_datapoints_history(tenant: Tenant) -> None:
    client = tenant.client()
    dataset_id = new_dataset(client)
    turns = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]

    (dp_id,) = client.datasets.add_datapoints(
        dataset_id,
        AddDatapointsToDatasetRequest(
            data=[{"q": "and now?", "chat": turns}],
            mapping=DatapointMapping(inputs=["q"], history=["chat"]),
        ),
    ).datapoint_ids

    found = datapoint(client, dp_id)
    assert found.history == turns and found.inputs == {"q": "and now?"}
    assert found.ground_truth is None


def test_a_datapoint_created_alone_joins_and_leaves_a_dataset(tenant: Tenant) -> None:
    client = tenant.client()
    dataset_id = new_dataset(client)
    created = client.datapoints.create(
        CreateDatapointRequest(
            inputs={"question": "Color of the sky?"},
            ground_truth={"answer": "blue"},
            metadata={"source": "manual"},
            linked_datasets=[dataset_id],
        )
    )
    (dp_id,) = created.result.insertedIds
    assert dataset(client, dataset_id).datapoints == [dp_id]

    updated = client.datapoints.update(
        dp_id, UpdateDatapointRequest(inputs={"question": "Colour of the sky?"}, linked_datasets=[])
    )

    assert updated.updated is True
    found = datapoint(client, dp_id)
    assert found.inputs == {"question": "Colour of the sky?"}
    assert found.ground_truth == {"answer": "blue"} and found.metadata == {"source": "manual"}
    assert found.linked_datasets == []
    assert dataset(client, dataset_id).datapoints == []


def test_datapoints_are_listed_by_their_ids(tenant: Tenant) -> None:
    """The SDK sends the ids as `datapoint_ids[]=a&datapoint_ids[]=b` (bracket form)."""
    client = tenant.client()
    ids = add_questions(client, new_dataset(client))
    extra = client.datapoints.create(CreateDatapointRequest(inputs={"q": 1})).result.insertedIds

    one = client.datapoints.list(datapoint_ids=[ids[1]]).datapoints
    two = client.datapoints.list(datapoint_ids=[ids[0], *extra]).datapoints

    assert [d.id for d in one] == [ids[1]]
    assert {d.id for d in two} == {ids[0], *extra}
    assert len(client.datapoints.list().datapoints) == 3


def test_an_update_renames_the_dataset_and_replaces_its_datapoints(tenant: Tenant) -> None:
    client = tenant.client()
    dataset_id = new_dataset(client, "before")
    first, second = add_questions(client, dataset_id)

    updated = client.datasets.update(
        UpdateDatasetRequest(dataset_id=dataset_id, name="after", datapoints=[second])
    )

    assert (updated.result.name, updated.result.datapoints) == ("after", [second])
    assert dataset(client, dataset_id).name == "after"
    assert datapoint(client, first).linked_datasets == []
    assert datapoint(client, second).linked_datasets == [dataset_id]


def test_removing_a_datapoint_from_a_dataset_keeps_the_datapoint(tenant: Tenant) -> None:
    client = tenant.client()
    dataset_id = new_dataset(client)
    first, second = add_questions(client, dataset_id)

    removed = client.datasets.remove_datapoint(dataset_id, first)

    assert removed.dereferenced is True and removed.message
    assert dataset(client, dataset_id).datapoints == [second]
    assert datapoint(client, first).linked_datasets == []
    with pytest.raises(HTTPException) as again:
        client.datasets.remove_datapoint(dataset_id, first)
    assert again.value.status_code == 404


def test_deleting_a_dataset_keeps_its_datapoints_unlinked(tenant: Tenant) -> None:
    client = tenant.client()
    dataset_id = new_dataset(client)
    ids = add_questions(client, dataset_id)

    deleted = client.datasets.delete(dataset_id)

    assert deleted.result.id == dataset_id
    assert client.datasets.list(dataset_id=dataset_id).datasets == []
    assert [datapoint(client, i).linked_datasets for i in ids] == [[], []]
    with pytest.raises(HTTPException) as again:
        client.datasets.delete(dataset_id)
    assert again.value.status_code == 404


@ERROR_BODY_ON_EXCEPTIONS
def test_deleting_a_datapoint_takes_it_out_of_its_datasets(tenant: Tenant) -> None:
    client = tenant.client()
    dataset_id = new_dataset(client)
    first, second = add_questions(client, dataset_id)

    assert client.datapoints.delete(first).deleted is True

    assert dataset(client, dataset_id).datapoints == [second]
    with pytest.raises(HTTPException) as gone:
        client.datapoints.get(first)
    assert gone.value.status_code == 404
    assert "not found" in str(gone.value.server_message)


def test_the_v1_routes_beside_the_legacy_ones(tenant: Tenant) -> None:
    """The SDK's wrappers call the legacy routes; the data-plane v1 routes are served too."""
    config = tenant.api_config()
    client = tenant.client()
    dataset_id = new_dataset(client, "v1")
    first, second = add_questions(client, dataset_id)

    renamed = Datasets_service.updateDataset(
        config, dataset_id=dataset_id, data=generated.UpdateDatasetRequest(description="described")
    )
    removed = Datasets_service.removeDatapoint(config, dataset_id=dataset_id, datapoint_id=first)
    assert renamed.result.description == "described" and renamed.result.name == "v1"
    assert removed.dereferenced is True
    assert dataset(client, dataset_id).datapoints == [second]

    deleted = Datasets_service.deleteDataset(config, dataset_id=dataset_id)
    assert deleted.result.id == dataset_id
    assert client.datasets.list().datasets == []


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("POST", "/v1/datasets", {"name": ""}, 400, "name"),
        ("POST", "/v1/datasets", {"name": "x" * 201}, 400, "name"),
        ("POST", "/v1/datasets", {"name": "x", "datapionts": []}, 400, "datapionts: unknown key"),
        ("POST", "/v1/datasets", {"datapoints": ["nope"]}, 400, "['nope'] do not exist"),
        ("PUT", "/v1/datasets", {"name": "x"}, 400, "dataset_id"),
        ("PUT", "/v1/datasets/nope", {"name": "x"}, 404, "dataset 'nope' not found"),
        ("DELETE", "/v1/datasets", None, 400, "dataset_id"),
        ("POST", "/v1/datasets/nope/datapoints", {"data": [{"a": 1}], "mapping": {}}, 404,
         "dataset 'nope' not found"),
        ("POST", "/v1/datapoints", {"inputs": "text"}, 400, "inputs"),
        ("POST", "/v1/datapoints", {"linked_datasets": ["nope"]}, 400, "['nope'] do not exist"),
        ("PUT", "/v1/datapoints/nope", {"inputs": {}}, 404, "datapoint 'nope' not found"),
        ("DELETE", "/v1/datapoints/nope", None, 404, "datapoint 'nope' not found"),
        ("GET", "/v1/datapoints/nope", None, 404, "datapoint 'nope' not found"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)  # fmt: skip
def test_bad_input_is_refused_with_what_is_wrong(
    tenant: Tenant, method: str, path: str, body: Any, status: int, says: str
) -> None:
    response = tenant.call(method, path, body)

    assert response.status_code == status, response.text
    assert says in error_of(response)["message"], response.text


@pytest.mark.parametrize(
    ("data", "mapping", "says"),
    [
        ([], {"inputs": ["q"]}, "data: List should have at least 1 item"),
        ([{"q": 1}], {"inputs": ["question"]}, "mapping.inputs names 'question'"),
        ([{"q": 1, "h": "hi"}], {"inputs": ["q"], "history": ["h"]}, "data[0].h"),
        ([{"q": 1}], {"inputs": ["q"], "truth": ["q"]}, "mapping.truth: unknown key"),
        (["q"], {"inputs": ["q"]}, "data.0"),
    ],
)
def test_bad_datapoints_for_a_dataset_are_refused_and_nothing_is_added(
    tenant: Tenant, data: Any, mapping: dict[str, Any], says: str
) -> None:
    client = tenant.client()
    dataset_id = new_dataset(client)

    response = tenant.call(
        "POST", f"/v1/datasets/{dataset_id}/datapoints", {"data": data, "mapping": mapping}
    )

    assert response.status_code == 400, response.text
    assert says in error_of(response)["message"], response.text
    assert dataset(client, dataset_id).datapoints == []
    assert client.datapoints.list().datapoints == []


def test_datasets_runs_and_metrics_survive_sigkill_and_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    first = start_emulator(tmp_path, db, name="records-before-kill")
    try:
        tenant = first.new_tenant("records")
        client = tenant.client()
        dataset_id = new_dataset(client, "kept")
        add_questions(client, dataset_id)
        client.experiments.create_run(PostExperimentRunRequest(name="kept", dataset_id=dataset_id))
        client.metrics.create(CreateMetricRequest(name="kept", type="PYTHON", criteria="x"))
        before = {p: tenant.call("GET", p).json() for p in RECORD_LISTS}
    finally:
        first.service.kill()

    second = start_emulator(tmp_path, db, name="records-after-kill")
    try:
        again = Tenant(second.url, tenant.api_key, tenant.project)
        assert {p: again.call("GET", p).json() for p in RECORD_LISTS} == before
        counts = {k: len(before[p][k]) for p, k in zip(RECORD_LISTS, RECORD_KEYS, strict=True)}
        assert counts == {"datasets": 1, "datapoints": 2, "evaluations": 1, "metrics": 1}
    finally:
        second.service.stop()


RECORD_LISTS = ("/v1/datasets", "/v1/datapoints", "/v1/runs", "/v1/metrics")
RECORD_KEYS = ("datasets", "datapoints", "evaluations", "metrics")
