"""The SDK a Python process imports: version, where it came from, and a hash.

Read in the process that runs the suite, so it is what was really imported, not what was asked
for: the version from honeyhive's installed metadata; spec and source from `sdk.json`, which
`tools.sdk.build` writes into each SDK venv (sys.prefix); the hash from that record (the wheel's
or sdist's sha256, the git commit), else from PEP 610 `direct_url.json` where pip wrote one
(installs from a file, a URL or a VCS), else — the pinned release installed from the index,
where pip records no hash — the sha256 of the installed RECORD file, which lists the sha256 of
every installed file and so fingerprints the exact build.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from tools.sdk.spec import PACKAGE

RECORD = "sdk.json"
ROOT = Path(__file__).resolve().parents[2]


def pinned_requirement(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The SDK requirement of the project's pyproject.toml: honeyhive>=1.7.0,<1.8."""
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, ValueError):
        return PACKAGE
    for requirement in project.get("dependencies", []):
        if re.match(rf"^{PACKAGE}\b(?!-)", requirement):
            return re.sub(r"\[[^\]]*\]", "", requirement).replace(" ", "")
    return PACKAGE


@dataclass(frozen=True)
class Identity:
    version: str  # "1.7.0", or "not installed"
    source: str  # "release:honeyhive==1.6.1", "wheel:/path/x.whl", "pinned:pyproject.toml", ...
    hash: str  # "sha256:<hex>", "git:<commit>[+dirty:<hex>]", "record-sha256:<hex>", ""
    spec: str  # as given to `make ... SDK=<spec>` ("" for the pinned default)
    location: str  # where honeyhive is imported from
    venv: str  # sys.prefix

    def line(self) -> str:
        short = self.hash if len(self.hash) <= 24 else f"{self.hash[:23]}…"
        return f"honeyhive {self.version} from {self.source} ({short or 'no hash'})"

    def properties(self) -> dict[str, str]:
        """Keys for environment.properties and the junit testsuite properties."""
        return {
            "sdk.honeyhive": self.version,
            "sdk.source": self.source,
            "sdk.hash": self.hash,
            "sdk.location": self.location,
        }

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def current() -> Identity:
    """The identity of the honeyhive this interpreter imports."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        return Identity("not installed", "none", "", "", "", sys.prefix)
    record = _record(Path(sys.prefix))
    location = str(Path(str(dist.locate_file(PACKAGE))).resolve())
    direct = _direct_url(dist)
    if record and record.get("version") == dist.version:
        return Identity(
            dist.version,
            str(record.get("source", "")),
            str(record.get("hash", "")) or _hash_from(direct) or _record_hash(dist),
            str(record.get("spec", "")),
            location,
            sys.prefix,
        )
    source = f"pinned:{pinned_requirement()}" if not direct else f"direct:{direct.get('url', '')}"
    return Identity(
        dist.version, source, _hash_from(direct) or _record_hash(dist), "", location, sys.prefix
    )


def _record(prefix: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads((prefix / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _direct_url(dist: metadata.Distribution) -> dict[str, Any]:
    text = dist.read_text("direct_url.json")
    try:
        loaded = json.loads(text) if text else {}
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _hash_from(direct: dict[str, Any]) -> str:
    """PEP 610: archive_info.hashes (or the older `hash`), or vcs_info.commit_id."""
    archive = direct.get("archive_info")
    if isinstance(archive, dict):
        hashes = archive.get("hashes")
        if isinstance(hashes, dict) and hashes.get("sha256"):
            return f"sha256:{hashes['sha256']}"
        legacy = archive.get("hash")
        if isinstance(legacy, str) and "=" in legacy:
            algorithm, value = legacy.split("=", 1)
            return f"{algorithm}:{value}"
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return f"git:{vcs['commit_id']}"
    return ""


def _record_hash(dist: metadata.Distribution) -> str:
    text = dist.read_text("RECORD")
    return f"record-sha256:{hashlib.sha256(text.encode()).hexdigest()}" if text else ""
