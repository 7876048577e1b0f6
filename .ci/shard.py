"""A pytest plugin that keeps one shard of the collected tests: `-p shard --shard K/N`.

Load it with `.ci` on the path (`PYTHONPATH=.ci pytest -p shard --shard 2/3 features`). It needs
nothing from the project's conftest. Shard K of N (1-based) keeps the tests whose position in
the collection, after `-k`/`-m` have deselected theirs, is K-1 modulo N: every test runs in
exactly one shard of a run, neighbours (the rows of one Scenario Outline, the scenarios of one
feature) spread over the shards, and the shards' sizes differ by at most one. Collection order
is deterministic (files, then definitions), so every shard — and every xdist worker inside a
shard — computes the same split from the same commit. Without `--shard` the plugin does nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

import pytest

T = TypeVar("T")
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse(spec: str) -> tuple[int, int]:
    """`"K/N"` -> (K, N) with 1 <= K <= N."""
    match = _SPEC.match(spec)
    if not match:
        raise ValueError(f"--shard {spec!r}: expected K/N, e.g. 1/3")
    index, total = int(match[1]), int(match[2])
    if not 1 <= index <= total:
        raise ValueError(f"--shard {spec!r}: K must be between 1 and N")
    return index, total


def select(items: Sequence[T], index: int, total: int) -> tuple[list[T], list[T]]:
    """(kept, dropped) for shard `index` of `total`."""
    kept = [item for position, item in enumerate(items) if position % total == index - 1]
    dropped = [item for position, item in enumerate(items) if position % total != index - 1]
    return kept, dropped


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("shard").addoption(
        "--shard",
        metavar="K/N",
        default=None,
        help="run only shard K of N (1-based) of the collected tests",
    )


def pytest_configure(config: pytest.Config) -> None:
    spec = config.getoption("--shard")
    if spec:
        try:
            parse(spec)
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from exc


@pytest.hookimpl(trylast=True)  # after -k / -m, so the shards split what is actually selected
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    spec = config.getoption("--shard")
    if not spec:
        return
    index, total = parse(spec)
    kept, dropped = select(items, index, total)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept


def pytest_report_header(config: pytest.Config) -> str | None:
    spec = config.getoption("--shard")
    return f"shard: {spec}" if spec else None
