"""After a run: scan reports, logs and the emulator's storage for secrets. Zero hits or it fails.

Looks for the configured keys by value (HH_API_KEY, HH_API_KEY_2, OPENAI_API_KEY, as configured
and as exported), for the keys the suite generates (`hh_local_…`, `sk-local-…`), for the shapes of
HoneyHive's and OpenAI's keys whatever is configured, and for any bearer token that was not
redacted. Text and binary files alike (the SQLite database is scanned as bytes).

It fails closed: when the configuration does not load, it cannot know which values to look for,
so it exits 2 with one sentence instead of scanning for the shapes alone.

`python -m tools.secret_scan [PATH ...]` (default: reports/) prints each hit and exits 1.
"""

from __future__ import annotations

import base64
import os
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
# The shapes of real keys, looked for whatever the configuration says. HoneyHive's, as its CLI
# recognises them (honeyhiveai/honeyhive-cli, credential pre-flight): a coarse key is a prefix
# (`hh_`, `hh_ro_`, `hh_org_`, `hh_ws_`, `hh_cp_`) and exactly 32 characters; a fine-grained
# control-plane key is `hh_fgcp_<24 alphanumerics>_<64 of [A-Za-z0-9_-]>`. OpenAI's: `sk-`,
# `sk-proj-`, `sk-svcacct-`, `sk-admin-` and at least 20 key characters. The suite's own
# redaction marker (`[REDACTED]`) and names such as `hh_session_name` match none of them.
_EDGE = rb"(?<![A-Za-z0-9_-])"
_END = rb"(?![A-Za-z0-9_-])"
KEY_SHAPES = [
    re.compile(_EDGE + rb"hh_(?:ro_|org_|ws_|cp_)?[A-Za-z0-9]{32}" + _END),
    re.compile(_EDGE + rb"hh_fgcp_[A-Za-z0-9]{24}_[A-Za-z0-9_-]{64}" + _END),
    re.compile(_EDGE + rb"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
]
KEY_VARIABLES = ("HH_API_KEY", "HH_API_KEY_2", "OPENAI_API_KEY")
SKIP_DIRS = {"node_modules", ".git"}


@dataclass(frozen=True)
class Hit:
    path: Path
    offset: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}@{self.offset}: {self.what}"


class CannotScan(Exception):
    """What to look for could not be known: the scan must fail, never pass."""


def configured_secrets(env: dict[str, str] | None = None) -> list[bytes]:
    """The configured keys and the keys exported in the environment (a local run drops an
    exported OPENAI_API_KEY from its configuration; it may still leak, so it is looked for)."""
    environ = dict(os.environ) if env is None else env
    try:
        config = load_config(environ)
    except (ConfigError, OSError, UnicodeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CannotScan(
            "secret scan: the configuration does not load, so the keys to look for are unknown"
            f" and nothing was scanned ({reason.rstrip('.')})."
        ) from exc
    exported = [environ.get(name, "").strip() for name in KEY_VARIABLES]
    return sorted({v.encode() for v in [*config.secrets, *exported] if v})


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
        seen = {hit.offset for hit in hits if hit.path == path}
        for pattern in [*GENERATED, *KEY_SHAPES]:
            found = pattern.search(data)
            if found and found.start() not in seen:
                seen.add(found.start())
                hits.append(
                    Hit(path, found.start(), f"a credential shaped like {pattern.pattern!r}")
                )
    return hits


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path("reports")]
    try:
        secrets = configured_secrets()
    except CannotScan as exc:
        print(exc, file=sys.stderr)
        return 2
    hits = scan(roots, secrets)
    checked = sum(1 for _ in files(roots))
    for hit in hits:
        print(f"secret found: {hit}")
    print(f"secret scan: {checked} files under {', '.join(map(str, roots))}, {len(hits)} hits")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
