"""The proof runs of tests/suite are real pytest runs of the features, one per case: they share
one pair of warm servers (started by the first, stopped at the end of the session; with `-n`,
one pair per worker) instead of booting two servers each. `ACCEPTANCE_TESTS_SHARED_SERVERS=0`
gives each run its own pair again (the baseline of that choice)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.report.allure_run import shared_servers


@pytest.fixture(scope="session", autouse=True)
def one_pair_of_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | None]:
    if os.environ.get("ACCEPTANCE_TESTS_SHARED_SERVERS") == "0":
        yield None
        return
    with shared_servers(tmp_path_factory.mktemp("suite-servers")) as folder:
        yield folder
