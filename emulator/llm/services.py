"""What the routes share: settings, the model client, the chat engine, per-key control state."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from emulator.llm.backend_client import BackendClient
from emulator.llm.chat import ChatEngine
from emulator.llm.control import ControlState
from emulator.llm.settings import Settings


@dataclass
class Services:
    settings: Settings
    backend: BackendClient
    engine: ChatEngine
    control: ControlState


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found
