from __future__ import annotations

import re

import pytest

from support import ids


def test_unique_ids_carry_prefix_and_run_id_and_never_repeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ids.RUN_ID_ENV, "abcd1234")
    made = {ids.unique("E2E test") for _ in range(5000)}
    assert len(made) == 5000
    assert all(re.fullmatch(r"e2e-test-abcd1234-[0-9a-f]{8}", m) for m in made)


def test_the_run_id_is_fixed_by_the_first_caller_and_shared_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ids.RUN_ID_ENV, raising=False)
    first = ids.run_id()
    assert ids.run_id() == first
    assert re.fullmatch(r"[0-9a-f]{8}", first)


def test_slug_keeps_ids_safe_for_names() -> None:
    assert ids.slug("Tenant A / Ünïcode!") == "tenant-a-n-code"
    assert ids.slug("!!!") == "x"
