"""Configurations: list (by name, environment, tags), create, update (the fields sent replace
the stored ones), delete. What `client.configurations` reads and writes."""

from __future__ import annotations

from typing import Any

from ..errors import NotFound
from ..ids import object_id
from ..schemas.configurations import CreateConfigurationBody, UpdateConfigurationBody
from ..storage.records import RecordStore
from ..tenants import Tenant
from .record_rules import found, now


class Configurations:
    def __init__(self, records: RecordStore) -> None:
        self._records = records

    def find(
        self,
        tenant: Tenant,
        *,
        name: str | None = None,
        env: str | None = None,
        tags: str | None = None,
    ) -> list[dict[str, Any]]:
        """Oldest first; `tags` is a comma-separated list, every one of which a configuration
        must carry."""
        wanted = {t.strip() for t in (tags or "").split(",") if t.strip()}
        with self._records.read(tenant.project_id) as r:
            every = r.all("configurations")
        return [
            c
            for c in every
            if (name is None or c["name"] == name)
            and (env is None or env in c["env"])
            and wanted <= set(c["tags"])
        ]

    def create(self, tenant: Tenant, body: CreateConfigurationBody) -> str:
        config_id = object_id()
        doc = {
            "id": config_id,
            "name": body.name,
            "type": body.type or "LLM",
            "provider": body.provider,
            "parameters": body.parameters.model_dump(exclude_none=True),
            "env": list(dict.fromkeys(body.env or [])),
            "tags": list(dict.fromkeys(body.tags or [])),
            "user_properties": body.user_properties,
            "created_at": now(),
            "updated_at": None,
        }
        with self._records.write(tenant.project_id) as r:
            r.add("configurations", config_id, doc)
        return config_id

    def update(self, tenant: Tenant, config_id: str, body: UpdateConfigurationBody) -> None:
        changes = body.sent()
        for key in ("env", "tags"):
            if key in changes:
                changes[key] = list(dict.fromkeys(changes[key]))
        with self._records.write(tenant.project_id) as r:
            doc = found(r, "configurations", config_id, tenant)
            r.put("configurations", config_id, {**doc, **changes, "updated_at": now()})

    def delete(self, tenant: Tenant, config_id: str) -> None:
        with self._records.write(tenant.project_id) as r:
            if not r.delete("configurations", config_id):
                raise NotFound(
                    f"configuration {config_id!r} not found in project {tenant.project!r}"
                )
