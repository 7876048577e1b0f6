"""Moved: the process controller is `emulator.process` and the servers' factories are
`emulator.honeyhive.launcher` and `emulator.llm.launcher`. These names stay importable only
until the last importers outside the emu-llm branch (`conftest.py`) import from there; then
delete this module."""

from emulator.honeyhive.launcher import honeyhive_emulator
from emulator.llm.launcher import llm_server
from emulator.process import LISTENING, Service, ServiceError, tail

__all__ = ["LISTENING", "Service", "ServiceError", "honeyhive_emulator", "llm_server", "tail"]
