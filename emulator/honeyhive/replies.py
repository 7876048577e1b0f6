"""Every reply is checked against the HoneyHive SDK's own pydantic models before it is sent:
a reply the SDK could not parse is an emulator bug and fails loudly as a 500."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from honeyhive._generated import models as hh
from pydantic import BaseModel


def reply(model: type[BaseModel], data: dict[str, Any], status: int = 200) -> JSONResponse:
    model.model_validate(data)
    return JSONResponse(data, status_code=status)


SessionStarted = hh.PostSessionStartResponse
EventCreated = hh.PostEventResponse
BatchCreated = hh.PostEventBatchResponse
EventsPage = hh.ExportEventsResponse
OneEvent = hh.GetEventResponse
SessionEvent = hh.LegacyEvent
