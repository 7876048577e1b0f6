"""The CI shards (`.ci/shard.py`, loaded with `-p shard --shard K/N`) cover every scenario once.

The plugin is checked on its own (split arithmetic), then on the real features: pytest collects
them whole and as shards 1..3 of 3 (collect-only, from a temporary directory so the services the
root conftest starts write nowhere in the checkout), and the shards must partition the whole.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .allure_run import ROOT, load_ci_helper, run_pytest

SHARDS = 3
# collecting needs no model: pointing the model at an address nobody serves keeps the root
# conftest from loading the local one (seconds per run); the emulator it starts is quick
_COLLECT_ENV = {
    "PYTHONPATH": os.pathsep.join([str(ROOT / ".ci"), str(ROOT)]),
    "LLM_BACKEND": "auto",
    "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
    "OPENAI_API_KEY": "collect-only",
}


_plugin = load_ci_helper("shard")
parse: Callable[[str], tuple[int, int]] = _plugin.parse
select: Callable[[Sequence[int], int, int], tuple[list[int], list[int]]] = _plugin.select


def _collect(tmp_path: Path, *args: str) -> list[str]:
    run = run_pytest(
        [str(ROOT / "features"), "--collect-only", "-q", "-p", "shard", *args],
        cwd=tmp_path / "cwd",
        extra_env=_COLLECT_ENV,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return [line.strip() for line in run.stdout.splitlines() if "::" in line]


@pytest.mark.parametrize("total", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("count", [0, 1, 5, 15, 26])
def test_shards_partition_any_list(count: int, total: int) -> None:
    items = list(range(count))
    shards = [select(items, k, total)[0] for k in range(1, total + 1)]
    assert sorted(i for shard in shards for i in shard) == items
    sizes = [len(shard) for shard in shards]
    assert max(sizes) - min(sizes) <= 1


def test_a_shard_keeps_and_drops_complementary_items() -> None:
    kept, dropped = select(list(range(10)), 2, 3)
    assert kept == [1, 4, 7]
    assert sorted(kept + dropped) == list(range(10))


@pytest.mark.parametrize("spec", ["0/3", "4/3", "3", "a/b", "1/0", ""])
def test_a_bad_shard_spec_is_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse(spec)


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    """Node ids of the features pytest collects: whole, then shard 1..N of N."""
    runs = [(), *(("--shard", f"{k}/{SHARDS}") for k in range(1, SHARDS + 1))]
    base = tmp_path_factory.mktemp("collect")
    with ThreadPoolExecutor(max_workers=2) as pool:  # each run waits on its own subprocess
        return list(pool.map(lambda i: _collect(base / str(i), *runs[i]), range(len(runs))))


def test_shards_of_the_features_cover_every_scenario_exactly_once(
    collected: list[list[str]],
) -> None:
    whole, *shards = collected
    assert len(whole) >= SHARDS, f"too few scenarios to shard: {whole}"
    merged = [node for shard in shards for node in shard]
    assert sorted(merged) == sorted(whole)  # none lost, none twice
    sizes = [len(s) for s in shards]
    assert min(sizes) > 0 and max(sizes) - min(sizes) <= 1, sizes


_MARKED = """\
import pytest

@pytest.mark.slow
@pytest.mark.parametrize("n", range(10))
def test_slow(n): pass

@pytest.mark.parametrize("n", range(7))
def test_quick(n): pass
"""


def _collect_marked(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Collect a throwaway project (no conftest, no services) with the shard plugin."""
    (project / "test_marked.py").write_text(_MARKED)
    ini = project / "pytest.ini"
    ini.write_text("[pytest]\nmarkers = slow\naddopts = -p no:cacheprovider\n")
    command = [str(project), "--collect-only", "-q", "-p", "shard", *args]
    return run_pytest(command, cwd=project, extra_env=_COLLECT_ENV, config=ini)


def test_shards_split_what_a_mark_selected(tmp_path: Path) -> None:
    """Sharding comes after `-m`/`-k`: the shards of `-m slow` hold the 10 slow tests, 4/3/3."""
    shards = []
    for k in range(1, SHARDS + 1):
        run = _collect_marked(tmp_path, "-m", "slow", "--shard", f"{k}/{SHARDS}")
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        shards.append([line for line in run.stdout.splitlines() if "::" in line])
    assert [len(s) for s in shards] == [4, 3, 3]
    slow = [f"test_marked.py::test_slow[{n}]" for n in range(10)]
    assert sorted(node for shard in shards for node in shard) == sorted(slow)


def test_a_bad_shard_option_stops_the_run(tmp_path: Path) -> None:
    run = _collect_marked(tmp_path, "--shard", "4/3")
    assert run.returncode != 0
    assert "K must be between 1 and N" in run.stdout + run.stderr
