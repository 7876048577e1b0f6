"""Merge the Allure results of CI shards into one folder for one report.

    python .ci/merge_allure_results.py OUT SHARD_DIR [SHARD_DIR ...]

Result, container and attachment files carry UUID names and are copied as they are; a name seen
twice with different content stops the merge. `environment.properties` is merged key by key (a
key whose shards disagree lists each value once, joined by " | "), `executor.json` is taken from
the first shard. A scenario (Allure `historyId`) reported by two different shards means the
sharding ran it twice: the merge refuses, since the report would count it as a retry. Retries
inside one shard (pytest-rerunfailures) are kept. Standard library only.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

ENVIRONMENT = "environment.properties"
EXECUTOR = "executor.json"


class MergeError(RuntimeError):
    pass


def read_properties(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith(("#", "!")) and "=" in line:
            key, value = line.split("=", 1)
            found[key.strip()] = value.strip()
    return found


def merge_properties(sources: Sequence[dict[str, str]]) -> dict[str, str]:
    values: dict[str, list[str]] = {}
    for source in sources:
        for key, value in source.items():
            seen = values.setdefault(key, [])
            if value not in seen:
                seen.append(value)
    return {key: " | ".join(seen) for key, seen in sorted(values.items())}


def _history_ids(shard: Path) -> set[str]:
    ids = set()
    for path in shard.glob("*-result.json"):
        history_id = json.loads(path.read_text(encoding="utf-8")).get("historyId")
        if history_id:
            ids.add(str(history_id))
    return ids


def merge(out: Path, shards: Sequence[Path]) -> dict[str, int]:
    """Merge `shards` into `out` (created, must be empty); results per shard."""
    missing = [str(s) for s in shards if not s.is_dir()]
    if missing:
        raise MergeError(f"no results folder: {', '.join(missing)}")
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise MergeError(f"{out} is not empty")
    owner: dict[str, Path] = {}
    for shard in shards:
        for history_id in _history_ids(shard):
            if history_id in owner:
                raise MergeError(
                    f"scenario {history_id} ran in {owner[history_id]} and in {shard}: "
                    "the shards overlap"
                )
            owner[history_id] = shard
    counts: dict[str, int] = {}
    for shard in shards:
        for path in sorted(p for p in shard.iterdir() if p.is_file()):
            if path.name in (ENVIRONMENT, EXECUTOR):
                continue
            target = out / path.name
            if target.exists():
                if target.read_bytes() != path.read_bytes():
                    raise MergeError(f"{path.name} differs between shards")
                continue
            shutil.copy2(path, target)
        counts[str(shard)] = len(list(shard.glob("*-result.json")))
    environments = [read_properties(s / ENVIRONMENT) for s in shards if (s / ENVIRONMENT).is_file()]
    if environments:
        lines = [f"{k}={v}" for k, v in merge_properties(environments).items()]
        (out / ENVIRONMENT).write_text("\n".join(lines) + "\n", encoding="utf-8")
    executors = [s / EXECUTOR for s in shards if (s / EXECUTOR).is_file()]
    if executors:
        shutil.copy2(executors[0], out / EXECUTOR)
    return counts


def main(argv: Sequence[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out, *shards = map(Path, argv)
    try:
        counts = merge(out, shards)
    except MergeError as exc:
        print(f"merge_allure_results: {exc}", file=sys.stderr)
        return 1
    for shard, count in counts.items():
        print(f"{shard}: {count} results")
    print(f"{out}: {sum(counts.values())} results from {len(counts)} shards")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
