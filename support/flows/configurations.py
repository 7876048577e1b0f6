"""Prompt configurations kept in HoneyHive: a Given stores one in the project through the SDK
(`client.configurations.create`), as a team does before its application reads it; teardown
removes it. An application may also fetch one by its id
(`client.configurations.get_configuration(id)`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from support.ids import unique
from support.outcome import BadScenario, Facet, Outcome
from support.target.projects import Project
from support.teardown import Teardown

KEYS = ("model", "temperature", "max_tokens", "system")


@dataclass(frozen=True)
class StoredConfiguration:
    """A configuration as the feature wrote it (what the application must then use)."""

    name: str  # as the feature names it
    stored_as: str  # its name in the project: unique per scenario
    config_id: str
    model: str
    temperature: float | None
    max_tokens: int | None
    system: str | None


def store(
    project: Project, teardown: Teardown, name: str, values: dict[str, Any]
) -> StoredConfiguration:
    from honeyhive import HoneyHive
    from honeyhive.models import CreateConfigurationRequest

    unknown = sorted(set(values) - set(KEYS))
    if unknown or "model" not in values:
        raise BadScenario(
            f"a configuration is a table of {', '.join(KEYS)} (model required); "
            f"got {sorted(values)}"
        )
    client = HoneyHive(api_key=project.api_key, server_url=project.url)
    stored_as = unique(name)
    hyper = {k: values[k] for k in ("temperature", "max_tokens") if k in values}
    template = (
        [{"role": "system", "content": str(values["system"])}] if "system" in values else None
    )
    created = client.configurations.create(
        CreateConfigurationRequest.model_validate(
            {
                "name": stored_as,
                "provider": "openai",
                "parameters": {
                    "call_type": "chat",
                    "model": str(values["model"]),
                    "hyperparameters": hyper,
                    **({"template": template} if template else {}),
                },
            }
        )
    )
    config_id = str(created.insertedId)
    teardown.add(
        f"delete configuration {stored_as}", lambda: client.configurations.delete(config_id)
    )
    return StoredConfiguration(
        name, stored_as, config_id, str(values["model"]), values.get("temperature"),
        values.get("max_tokens"), values.get("system"),
    )  # fmt: skip


@dataclass(frozen=True)
class FetchedConfigurations(Facet):
    NEEDS = "a When that fetches a configuration by its id"
    asked: StoredConfiguration
    got: tuple[tuple[str, str], ...]  # (id, name) of every configuration the SDK returned


def fetch_by_id(project: Project, wanted: StoredConfiguration) -> Outcome:
    """What `client.configurations.get_configuration(id)` returns for the configuration's id,
    read from the backend through the SDK."""
    from honeyhive import HoneyHive

    client = HoneyHive(api_key=project.api_key, server_url=project.url)
    found = client.configurations.get_configuration(wanted.config_id)
    items = found if isinstance(found, list) else [found]
    got = tuple((str(getattr(c, "id", "")), str(getattr(c, "name", ""))) for c in items)
    return Outcome(
        action=f"the application fetches the configuration {wanted.name!r} by its id",
        facets=[FetchedConfigurations(wanted, got)],
    )
