"""After a run: scan reports, logs and the emulator's storage for secrets. Zero hits or it fails.

Looks for the configured keys by value (HH_API_KEY, HH_API_KEY_2, OPENAI_API_KEY), for the keys
the suite generates (`hh_local_…`, `sk-local-…`), and for any bearer token that was not
redacted. Text and binary files alike (the SQLite database is scanned as bytes).

`python -m tools.secret_scan [PATH ...]` (default: reports/) prints each hit and exits 1.
"""

from __future__ import annotations

import base64
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from support.target.config import ConfigError, load_config

GENERATED = [
    re.compile(rb"hh_local_[0-9a-f]{16,}"),
    re.compile(rb"hh_invalid_[0-9a-f]{16,}"),
    re.compile(rb"sk-local-[0-9a-f]{16,}"),
    re.compile(rb"(?i)bearer\s+(?!\[REDACTED\])(?!none\b)[A-Za-z0-9._~+/=-]{8,}"),
]
SKIP_DIRS = {"node_modules", ".git"}


@dataclass(frozen=True)
class Hit:
    path: Path
    offset: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}@{self.offset}: {self.what}"


def configured_secrets() -> list[bytes]:
    try:
        return [s.encode() for s in load_config().secrets]
    except ConfigError:
        return []


def files(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        if path.is_file():
            yield path
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not SKIP_DIRS & set(child.parts):
                    yield child


_EMBEDDED = re.compile(rb'\bd\("([^"]+)",\s*"([A-Za-z0-9+/=]*)"\)')


def readable(path: Path) -> bytes:
    """The file's bytes; for Allure's single-file report also its base64-embedded data files."""
    data = path.read_bytes()
    if path.suffix == ".html":
        data += b"\n".join(base64.b64decode(m[2]) for m in _EMBEDDED.finditer(data))
    return data


def scan(paths: Iterable[Path], secrets: Iterable[bytes] = ()) -> list[Hit]:
    values = [s for s in secrets if len(s) >= 6]
    hits = []
    for path in files(paths):
        data = readable(path)
        for value in values:
            start = data.find(value)
            if start >= 0:
                hits.append(Hit(path, start, "a configured key"))
        for pattern in GENERATED:
            found = pattern.search(data)
            if found:
                hits.append(
                    Hit(path, found.start(), f"a credential shaped like {pattern.pattern!r}")
                )
    return hits


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path("reports")]
    hits = scan(roots, configured_secrets())
    checked = sum(1 for _ in files(roots))
    for hit in hits:
        print(f"secret found: {hit}")
    print(f"secret scan: {checked} files under {', '.join(map(str, roots))}, {len(hits)} hits")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
