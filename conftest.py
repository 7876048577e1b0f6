"""Wires the suite: step modules and fixtures as plugins, and the run's local services, started
once by the pytest controller (also under `pytest -n`) when the run includes the features."""

from __future__ import annotations

from pathlib import Path

import pytest

from steps import MODULES
from support.report import run_facts as environment
from support.sdk.tracing import pin_global_provider
from support.services import Service
from support.target.config import load_config
from support.target.runtime import start_services, stop_services

pytest_plugins = [
    "support.fixtures",
    "support.gherkin.collect",
    "support.report.plugin",
    "support.report.known_defects",
    "support.report.sdk_identity",
    "support.scenario",
    *MODULES,
]

# before any HoneyHiveTracer exists, so every tracer gets a provider of its own
pin_global_provider()

FEATURES = Path(__file__).parent / "features"


def _runs_features(config: pytest.Config) -> bool:
    args = config.args or [str(a) for a in config.getini("testpaths")]
    for arg in args:
        path = Path(arg.split("::")[0]).resolve()
        if path == FEATURES or FEATURES in path.parents or path in FEATURES.parents:
            return True
    return False


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or not _runs_features(config):
        return  # xdist workers use the controller's services
    target = load_config()
    results = config.getoption("--alluredir", None)
    if results:
        environment.write(Path(results), target)
    config.stash[_SERVICES] = start_services(target)


def pytest_unconfigure(config: pytest.Config) -> None:
    stop_services(config.stash.get(_SERVICES, []))


_SERVICES = pytest.StashKey[list[Service]]()
