"""Configurations through the SDK (`client.configurations`) and its generated service: create,
list (by name, environment, tags), update, delete, as the data-plane spec describes them;
replies checked against the SDK's models; malformed bodies refused with HoneyHive's 400."""

from __future__ import annotations

import re
from typing import Any

import pytest
from honeyhive._generated import models as generated
from honeyhive._generated.api_config import HTTPException
from honeyhive._generated.services import Configurations_service
from honeyhive.models import (
    ConfigurationItem,
    CreateConfigurationRequest,
    UpdateConfigurationRequest,
)

from .api import Tenant, error_of

PATH = "/v1/configurations"


def config_request(name: str = "v0", **fields: Any) -> CreateConfigurationRequest:
    body: dict[str, Any] = {
        "name": name,
        "provider": "openai",
        "parameters": {"call_type": "chat", "model": "gpt-4o-mini"},
        **fields,
    }
    return CreateConfigurationRequest.model_validate(body)


def listed(tenant: Tenant, **query: str) -> list[dict[str, Any]]:
    response = tenant.call("GET", PATH + ("?" + "&".join(f"{k}={v}" for k, v in query.items())))
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    generated.GetConfigurationsResponse.model_validate(page)
    configurations: list[dict[str, Any]] = page["configurations"]
    return configurations


def test_a_created_configuration_is_listed_as_sent(tenant: Tenant) -> None:
    client = tenant.client()
    parameters = {
        "call_type": "chat",
        "model": "gpt-4o-mini",
        "hyperparameters": {"temperature": 0.2, "max_tokens": 64},
        "template": [{"role": "system", "content": "Answer briefly."}],
    }

    created = client.configurations.create(
        config_request("support-v1", parameters=parameters, user_properties={"team": "cx"})
    )
    (found,) = client.configurations.list()

    assert created.acknowledged is True
    assert re.fullmatch(r"[0-9a-f]{24}", created.insertedId)
    assert isinstance(found, ConfigurationItem)
    assert (found.id, found.name, found.provider, found.type) == (
        created.insertedId,
        "support-v1",
        "openai",
        "LLM",
    )
    assert found.parameters.model == "gpt-4o-mini"
    assert found.parameters.hyperparameters == {"temperature": 0.2, "max_tokens": 64}
    assert found.parameters.model_dump(exclude_none=True)["template"] == parameters["template"]
    assert (found.env, found.tags, found.user_properties) == ([], [], {"team": "cx"})
    assert found.created_at and found.updated_at is None


def test_the_list_filters_by_name_environment_and_tags(tenant: Tenant) -> None:
    client = tenant.client()
    client.configurations.create(config_request("a", env=["prod"], tags=["rag", "v2"]))
    client.configurations.create(config_request("b", env=["dev", "staging"], tags=["rag"]))
    client.configurations.create(config_request("a", env=["dev"]))

    def names(**query: str) -> list[str]:
        return [c["name"] for c in listed(tenant, **query)]

    assert names() == ["a", "b", "a"]
    assert names(name="a") == ["a", "a"]
    assert names(env="dev") == ["b", "a"]
    assert names(tags="rag") == ["a", "b"]
    assert names(tags="rag,v2") == ["a"]
    assert names(name="b", env="prod") == []
    page = Configurations_service.getConfigurations(tenant.api_config(), env="staging")
    assert [c.name for c in page.configurations] == ["b"]


def test_an_update_replaces_the_fields_sent_and_keeps_the_rest(tenant: Tenant) -> None:
    client = tenant.client()
    config_id = client.configurations.create(
        config_request("v1", env=["dev"], tags=["t"])
    ).insertedId

    answer = client.configurations.update(
        config_id,
        UpdateConfigurationRequest.model_validate(
            {
                "name": "v2",
                "parameters": {"call_type": "completion", "model": "gpt-4o"},
                "env": ["prod"],
            }
        ),
    )
    (found,) = listed(tenant)

    assert (answer.acknowledged, answer.matchedCount, answer.modifiedCount) == (True, 1, 1)
    assert (found["name"], found["provider"], found["env"], found["tags"]) == (
        "v2",
        "openai",
        ["prod"],
        ["t"],
    )
    assert found["parameters"] == {"call_type": "completion", "model": "gpt-4o"}
    assert found["updated_at"] is not None


def test_a_deleted_configuration_is_gone_and_a_second_delete_is_a_404(tenant: Tenant) -> None:
    client = tenant.client()
    kept = client.configurations.create(config_request("kept")).insertedId
    gone = client.configurations.create(config_request("gone")).insertedId

    answer = client.configurations.delete(gone)
    with pytest.raises(HTTPException) as again:
        client.configurations.delete(gone)

    assert (answer.acknowledged, answer.deletedCount) == (True, 1)
    assert [c["id"] for c in listed(tenant)] == [kept]
    assert again.value.status_code == 404


def test_an_update_of_an_unknown_configuration_is_a_404(tenant: Tenant) -> None:
    response = tenant.call("PUT", f"{PATH}/{'0' * 24}", {"name": "x"})

    assert response.status_code == 404
    assert "not found" in error_of(response)["message"]


def test_the_sdks_get_configuration_lists_them_all(tenant: Tenant) -> None:
    """SDK behaviour: there is no single-get route; `get_configuration(id)` returns the list."""
    client = tenant.client()
    first = client.configurations.create(config_request("one")).insertedId
    client.configurations.create(config_request("two"))

    found = client.configurations.get_configuration(first)

    assert [c.name for c in found] == ["one", "two"]


def test_the_legacy_project_field_and_provider_parameters_are_accepted(tenant: Tenant) -> None:
    body = {
        "project": "some-project",  # the legacy spec required it; the key decides the project
        "name": "legacy",
        "provider": "anthropic",
        "parameters": {"call_type": "chat", "model": "claude", "top_k": 5},
    }

    response = tenant.call("POST", PATH, body)
    (found,) = listed(tenant)

    assert response.status_code == 200, response.text
    assert "project" not in found
    assert found["parameters"] == {"call_type": "chat", "model": "claude", "top_k": 5}


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"provider": "openai", "parameters": {"call_type": "chat", "model": "m"}}, "name"),
        ({"name": "x", "parameters": {"call_type": "chat", "model": "m"}}, "provider"),
        ({"name": "x", "provider": "openai"}, "parameters"),
        ({"name": "x", "provider": "openai", "parameters": {"model": "m"}}, "call_type"),
        ({"name": "x", "provider": "openai", "parameters": {"call_type": "voice", "model": "m"}},
         "call_type"),
        ({"name": "x", "provider": "", "parameters": {"call_type": "chat", "model": "m"}},
         "provider"),
        ({"name": "x", "provider": "o", "parameters": {"call_type": "chat", "model": "m"},
          "env": ["qa"]}, "env"),
        ({"name": "x", "provider": "o", "parameters": {"call_type": "chat", "model": "m"},
          "type": "chain"}, "type"),
        ({"name": "x", "provider": "o", "parameters": {"call_type": "chat", "model": "m"},
          "tags": "rag"}, "tags"),
        ({"name": "x", "provider": "o", "parameters": {"call_type": "chat", "model": "m"},
          "colour": "red"}, "colour: unknown key"),
    ],
)  # fmt: skip
def test_a_malformed_configuration_is_a_400_naming_the_field(
    tenant: Tenant, body: dict[str, Any], names: str
) -> None:
    response = tenant.call("POST", PATH, body)

    assert response.status_code == 400
    assert names in error_of(response)["message"]
    assert listed(tenant) == []


def test_an_update_needs_a_name(tenant: Tenant) -> None:
    config_id = tenant.client().configurations.create(config_request()).insertedId

    response = tenant.call("PUT", f"{PATH}/{config_id}", {"provider": "x"})

    assert response.status_code == 400
    assert "name" in error_of(response)["message"]
