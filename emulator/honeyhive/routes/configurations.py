"""Configurations: list (by name, env, tags), create, update, delete — the data-plane routes
every 1.x SDK's `client.configurations` calls (the legacy `/configurations` routes are not
served)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..bodies import openapi_body, parse
from ..replies import (
    ConfigurationCreated,
    ConfigurationDeleted,
    ConfigurationsPage,
    ConfigurationUpdated,
    reply,
)
from ..schemas.configurations import CreateConfigurationBody, UpdateConfigurationBody
from .deps import Caller, Ops, faults

router = APIRouter(tags=["Configurations"])


@router.get("/v1/configurations")
async def list_configurations(
    t: Caller, ops: Ops, name: str | None = None, env: str | None = None, tags: str | None = None
) -> JSONResponse:
    found = ops.configurations.find(t, name=name, env=env, tags=tags)
    return reply(ConfigurationsPage, {"configurations": found})


@router.post("/v1/configurations", openapi_extra=openapi_body(CreateConfigurationBody))
async def create_configuration(request: Request, t: Caller, ops: Ops) -> JSONResponse:
    config_id = ops.configurations.create(t, await parse(request, CreateConfigurationBody))
    return reply(ConfigurationCreated, {"acknowledged": True, "insertedId": config_id})


@router.put("/v1/configurations/{configId}", openapi_extra=openapi_body(UpdateConfigurationBody))
async def update_configuration(
    configId: str, request: Request, t: Caller, ops: Ops
) -> JSONResponse:
    ops.configurations.update(t, configId, await parse(request, UpdateConfigurationBody))
    answer = {
        "acknowledged": True,
        "modifiedCount": 1,
        "upsertedId": None,
        "upsertedCount": 0,
        "matchedCount": 1,
    }
    return reply(ConfigurationUpdated, answer)


@router.delete("/v1/configurations/{configId}", dependencies=faults("delete"))
async def delete_configuration(configId: str, t: Caller, ops: Ops) -> JSONResponse:
    ops.configurations.delete(t, configId)
    return reply(ConfigurationDeleted, {"acknowledged": True, "deletedCount": 1})
