"""Unpack a single-file Allure 3 report so scanners can read it.

    python .ci/unpack_allure_report.py reports/allure-report/index.html OUT_DIR

A single-file report carries every data file (test results, attachments, environment, trees)
base64-encoded inside index.html as `d("data/attachments/<id>.txt", "<base64>")`: a byte scan
of index.html sees none of it. This writes each one to OUT_DIR/<its name>. Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import re
import sys
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

_PAYLOAD = re.compile(r'\bd\("([^"]+)",\s*"([A-Za-z0-9+/=]*)"\)')


def payloads(index_html: str) -> dict[str, bytes]:
    """Every data file the report carries: name -> bytes (undecodable ones are skipped)."""
    found: dict[str, bytes] = {}
    for name, encoded in _PAYLOAD.findall(index_html):
        try:
            found[name] = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
    return found


def unpack(index_html: Path, out: Path) -> list[Path]:
    written = []
    for name, data in payloads(index_html.read_text(encoding="utf-8")).items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"refusing to write {name!r} outside {out}")
        target = out.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    return written


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    written = unpack(Path(argv[0]), Path(argv[1]))
    print(f"{argv[0]}: {len(written)} data files unpacked into {argv[1]}")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
