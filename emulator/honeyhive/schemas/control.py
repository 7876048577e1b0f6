"""The control plane: tenants, faults, ingest delay."""

from __future__ import annotations

from pydantic import Field

from ..faults import FaultAction, FaultGroup
from .base import Strict


class TenantBody(Strict):
    api_key: str = Field(min_length=1)
    project: str = Field(min_length=1)


class FaultSpec(Strict):
    route: FaultGroup
    action: FaultAction = "status"
    times: int = Field(default=1, ge=-1)
    status: int = Field(default=503, ge=400, le=599)
    delay_ms: int = Field(default=0, ge=0, le=600_000)
    retry_after: int | None = Field(default=None, ge=0)


class FaultsBody(Strict):
    project: str = Field(min_length=1)
    faults: list[FaultSpec]


class IngestDelayBody(Strict):
    project: str | None = None
    seconds: float = Field(ge=0, le=3600)
