"""Published honeyhive releases, from PyPI's JSON API (`https://pypi.org/pypi/honeyhive/json`).

Pre-releases (1.8.0rc1) and fully yanked releases are left out unless asked for; the baseline of
a sign-off is the newest release that is not the candidate.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from packaging.version import InvalidVersion, Version

URL = "https://pypi.org/pypi/honeyhive/json"


class ReleasesError(RuntimeError):
    pass


def fetch(url: str = URL, timeout: float = 20) -> Mapping[str, Any]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            loaded: Mapping[str, Any] = json.load(reply)
            return loaded
    except (OSError, ValueError) as exc:
        raise ReleasesError(f"cannot read the published releases from {url}: {exc}") from exc


def versions(document: Mapping[str, Any], *, pre: bool = False) -> list[Version]:
    """Every release with at least one file not yanked, oldest first."""
    found = []
    for text, files in (document.get("releases") or {}).items():
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if (version.is_prerelease or version.is_devrelease) and not pre:
            continue
        if not files or all(f.get("yanked") for f in files):
            continue
        found.append(version)
    return sorted(found)


def newest_other_than(candidate: str | None, published: Iterable[Version]) -> Version:
    """The baseline: the newest release that is not the candidate's version."""
    skip = _version(candidate)
    for version in sorted(published, reverse=True):
        if version != skip:
            return version
    raise ReleasesError("no published release to compare with")


def last(count: int, published: Iterable[Version]) -> list[Version]:
    return sorted(published)[-count:]


def _version(text: str | None) -> Version | None:
    try:
        return Version(text) if text else None
    except InvalidVersion:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.signoff releases")
    parser.add_argument("--last", type=int, default=0, help="only the newest N")
    parser.add_argument("--pre", action="store_true", help="include pre-releases")
    parser.add_argument("--json", action="store_true", help="a JSON list (for a CI matrix)")
    args = parser.parse_args(argv)
    try:
        found = versions(fetch(), pre=args.pre)
    except ReleasesError as exc:
        print(exc, file=sys.stderr)
        return 2
    chosen = last(args.last, found) if args.last else found
    texts = [str(v) for v in chosen]
    print(json.dumps(texts) if args.json else "\n".join(texts))
    return 0
