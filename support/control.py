"""Moved: the control-plane clients are `emulator.honeyhive.control_client` and
`emulator.llm.control_client`. These names stay importable only until the last importers outside
the emu-llm branch (`tests/support/test_no_secret_in_reprs.py`,
`tests/honeyhive/test_control_plane.py`) import from there; then delete this module."""

from emulator.control_client import ControlError
from emulator.honeyhive.control_client import HoneyHiveControl
from emulator.llm.control_client import ModelControl

__all__ = ["ControlError", "HoneyHiveControl", "ModelControl"]
