"""Fixture values appear in the Allure report by their repr: none may show a key."""

from __future__ import annotations

from emulator.honeyhive.control_client import HoneyHiveControl
from emulator.llm.control_client import ModelControl
from support.target.config import load_config
from support.target.model import ModelTarget
from support.target.projects import Project
from support.target.runtime import Endpoints

SECRET = "sk-local-0123456789abcdef0123456789abcdef"


def test_reprs_of_everything_steps_receive_hide_keys() -> None:
    values = [
        ModelTarget(
            "http://127.0.0.1:1/v1", SECRET, "gpt-4o-mini", ModelControl("http://x", SECRET)
        ),
        Project("main", "acc-main", SECRET, "http://127.0.0.1:2"),
        Endpoints(
            "http://127.0.0.1:2", None, HoneyHiveControl("http://x", SECRET), None, SECRET, SECRET
        ),
        load_config(
            {"HH_API_KEY": SECRET, "HH_API_URL": "http://x", "OPENAI_API_KEY": SECRET}, None
        ),
    ]
    for value in values:
        assert SECRET not in repr(value), type(value).__name__
