"""Prompt configurations kept in HoneyHive: a Given stores one in the project through the SDK
(`client.configurations.create`), as a team does before its application reads it; teardown
removes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from honeyhive import HoneyHive
from honeyhive.models import CreateConfigurationRequest

from support.ids import unique
from support.outcome import BadScenario
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
