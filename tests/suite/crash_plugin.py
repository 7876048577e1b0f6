"""A pytest plugin for the suite's own tests: it breaks one thing in a scenario run, through the
suite's machinery, without touching the SDK's files.

    ACCEPTANCE_CRASH_STEP=<regex>   the step whose text matches raises RuntimeError before it runs
    ACCEPTANCE_FAIL_STEP=<regex>    the step whose text matches fails an assertion before it runs
    ACCEPTANCE_CRASH_SDK=<module:attr>   that SDK function raises RuntimeError when called
    ACCEPTANCE_PASS_CHECK=<module:attr>  that check function does nothing (the finding "fixed")
"""

from __future__ import annotations

import importlib
import os
import re
from typing import Any

import pytest


def _patch(spec: str, replacement: Any) -> None:
    module_name, _, attr = spec.partition(":")
    owner: Any = importlib.import_module(module_name)
    *path, last = attr.split(".")
    for part in path:
        owner = getattr(owner, part)
    setattr(owner, last, replacement)


def pytest_configure(config: pytest.Config) -> None:
    sdk = os.environ.get("ACCEPTANCE_CRASH_SDK")
    if sdk:

        def crash(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError(f"injected SDK crash in {sdk}")

        _patch(sdk, crash)
    check = os.environ.get("ACCEPTANCE_PASS_CHECK")
    if check:
        _patch(check, lambda *args, **kwargs: None)


def pytest_bdd_before_step_call(step: Any, **_: Any) -> None:
    crash = os.environ.get("ACCEPTANCE_CRASH_STEP")
    if crash and re.search(crash, step.name):
        raise RuntimeError(f"injected crash before '{step.name}'")
    fail = os.environ.get("ACCEPTANCE_FAIL_STEP")
    if fail and re.search(fail, step.name):
        raise AssertionError(f"injected assertion in '{step.name}'")
