"""What every route uses, built once at start-up: the settings, the llama.cpp client, the chat
engine and the per-key control state."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from emulator.llm.chat import ChatEngine
from emulator.llm.control_state import ControlState
from emulator.llm.llama.client import LlamaClient
from emulator.llm.settings import Settings


@dataclass
class AppState:
    settings: Settings
    llama: LlamaClient
    engine: ChatEngine
    control: ControlState


def app_state(request: Request) -> AppState:
    found: AppState = request.app.state.shared
    return found
