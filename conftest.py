"""Wires the suite: step modules and fixtures as plugins; the run's targets (configuration
checked once, local services started for what the selected scenarios need, also under
`pytest -n`) in support/target/plugin.py; one line per scenario with `--progress`."""

from __future__ import annotations

from steps import MODULES
from support.sdk.tracing import pin_global_provider

pytest_plugins = [
    "support.target.plugin",
    "support.fixtures",
    "support.gherkin.collect",
    "support.report.plugin",
    "support.report.known_defects",
    "support.report.sdk_identity",
    "support.report.progress",
    "support.scenario",
    *MODULES,
]

# before any HoneyHiveTracer exists, so every tracer gets a provider of its own
pin_global_provider()
