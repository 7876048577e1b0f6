"""The SDK under test, named everywhere a run is read (a pytest plugin).

- the run's first lines: one `sdk under test: honeyhive <version> from <source> (<hash>)` line
  in the report header (and the same line on the `acceptance` logger);
- every Allure result: labels `sdk` (version), `sdk_source` (`kind:spec`) and `sdk_hash`;
- the junit XML (`--junitxml`): testsuite properties `sdk.honeyhive`, `sdk.source`, `sdk.hash`.
environment.properties gets the same keys from support.report.run_facts.

The identity is read from this interpreter (tools.sdk.identity): what was really imported.
"""

from __future__ import annotations

import logging

import pytest
from _pytest.junitxml import xml_key

from tools.sdk.identity import Identity, current

_IDENTITY = pytest.StashKey[Identity]()
LABELS = ("sdk", "sdk_source", "sdk_hash")


def identity(config: pytest.Config) -> Identity:
    found = config.stash.get(_IDENTITY, None)
    if found is None:
        found = config.stash[_IDENTITY] = current()
    return found


def labels(found: Identity) -> dict[str, str]:
    return {"sdk": found.version, "sdk_source": found.source, "sdk_hash": found.hash}


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    found = identity(config)
    logging.getLogger("acceptance").info("sdk under test: %s", found.line())


def pytest_report_header(config: pytest.Config) -> str:
    return f"sdk under test: {identity(config).line()}"


def pytest_sessionstart(session: pytest.Session) -> None:
    xml = session.config.stash.get(xml_key, None)
    if xml is not None:
        for name, value in identity(session.config).properties().items():
            xml.add_global_property(name, value)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    marks = [
        pytest.mark.allure_label(value, label_type=name)
        for name, value in labels(identity(config)).items()
    ]
    for item in items:
        for mark in marks:
            item.add_marker(mark)
