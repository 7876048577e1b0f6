"""An SDK spec, as a person types it, parsed into what to install and a cache key.

    (empty), "pinned", "default"   the release pinned in pyproject.toml, in the project's .venv
    1.6.1, 1.8.0rc1, ==1.6.1,
    honeyhive==1.6.1               a published version (PyPI)
    path/to/honeyhive-X.whl        a wheel file; .tar.gz / .zip: an sdist
    path/to/checkout               a directory with pyproject.toml or setup.py (a local checkout)
    git+URL@REF, URL.git@REF       a git repository at a branch, tag or commit

The key names the SDK's virtualenv under `.sdk-venvs/`: the spec itself for a release (files on
PyPI never change), the content for everything else — a file's sha256, a checkout's HEAD commit
plus a hash of its uncommitted changes, a git URL's resolved commit — so an edited wheel or a new
commit gets a new venv and an unchanged one is reused.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

Kind = Literal["pinned", "release", "wheel", "sdist", "checkout", "git"]
PACKAGE = "honeyhive"
PINNED = ("", "pinned", "default")
_SDIST = (".tar.gz", ".zip", ".tgz")
_HEX40 = re.compile(r"^[0-9a-f]{40}$")
_SKIP_DIRS = {".git", "__pycache__", "build", "dist", ".venv", ".tox", "node_modules", ".nox"}


class SpecError(ValueError):
    """A spec that names nothing installable; the message says what was expected."""


@dataclass(frozen=True)
class Spec:
    text: str  # as given
    kind: Kind
    requirement: str = ""  # what pip installs ("" for pinned)
    path: Path | None = None  # wheel, sdist or checkout
    url: str = ""  # git: the repository URL, without "git+" and the ref
    ref: str = ""  # git: the ref as given

    @property
    def source(self) -> str:
        """`kind:spec`, the value of the `sdk_source` label."""
        shown = {"pinned": "pyproject.toml", "release": self.requirement}.get(self.kind)
        if shown is None:
            shown = str(self.path) if self.path else f"{self.url}@{self.ref}"
        return f"{self.kind}:{shown}"


def parse(text: str, *, cwd: Path | None = None) -> Spec:
    """The spec `text` names; raises SpecError (with what was expected) when it names nothing."""
    raw = text.strip()
    if raw.lower() in PINNED:
        return Spec(raw, "pinned")
    if raw.startswith("git+") or _looks_like_git_url(raw):
        return _git(raw)
    version = _version(raw)
    if version is not None:
        return Spec(raw, "release", requirement=f"{PACKAGE}=={version}")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    if path.is_file():
        if path.name.endswith(".whl"):
            return Spec(raw, "wheel", requirement=str(path.resolve()), path=path.resolve())
        if path.name.endswith(_SDIST):
            return Spec(raw, "sdist", requirement=str(path.resolve()), path=path.resolve())
        raise SpecError(f"{raw}: a file, but not a wheel (.whl) or an sdist (.tar.gz, .zip)")
    if path.is_dir():
        if (path / "pyproject.toml").is_file() or (path / "setup.py").is_file():
            return Spec(raw, "checkout", requirement=str(path.resolve()), path=path.resolve())
        raise SpecError(f"{raw}: a directory without pyproject.toml or setup.py, not a checkout")
    if "://" in raw:
        raise SpecError(f"{raw}: give a git repository as git+<url>@<ref> (git+https://...@v1.7.0)")
    if "/" in raw or os.sep in raw or raw.endswith((".whl", *_SDIST)):
        raise SpecError(f"{raw}: no such file or directory")
    raise SpecError(
        f"{raw!r} is not an SDK spec: expected a published version (1.6.1, 1.8.0rc1), a wheel "
        "or sdist path, a checkout directory, or a git URL with a ref (git+https://...@v1.7.0)"
    )


def _version(raw: str) -> Version | None:
    text = raw
    for prefix in (f"{PACKAGE}==", "=="):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    if not re.match(r"^v?\d", text):
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _looks_like_git_url(raw: str) -> bool:
    base = raw.rsplit("@", 1)[0] if "@" in raw.split("://", 1)[-1] else raw
    return ("://" in raw and base.endswith(".git")) or raw.startswith("git@")


def _git(raw: str) -> Spec:
    body = raw.removeprefix("git+")
    if body.startswith(f"{PACKAGE} @ "):
        body = body.split(" @ ", 1)[1].removeprefix("git+")
    scheme, sep, rest = body.partition("://")
    if not sep:
        raise SpecError(f"{raw}: a git URL needs a scheme (git+https://, git+ssh://, git+file://)")
    ref = ""
    if "@" in rest.split("/", 1)[-1]:
        rest, ref = rest.rsplit("@", 1)
    url = f"{scheme}://{rest}"
    requirement_ref = f"@{ref}" if ref else ""
    return Spec(raw, "git", requirement=f"{PACKAGE} @ git+{url}{requirement_ref}", url=url, ref=ref)


# ---- cache key ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyed:
    spec: Spec
    key: str  # the venv folder's name
    content: str  # "sha256:<hex>" of a file, "git:<commit>[+dirty:<hex>]", "" for a release
    commit: str = ""


def key(spec: Spec, *, resolve_ref: bool = True) -> Keyed:
    """The cache key of `spec`: reading files and git, never installing anything."""
    if spec.kind == "pinned":
        return Keyed(spec, "pinned", "")
    if spec.kind == "release":
        version = spec.requirement.split("==", 1)[1]
        return Keyed(spec, f"release-{_safe(version)}", "")
    if spec.kind in ("wheel", "sdist"):
        assert spec.path is not None
        digest = file_sha256(spec.path)
        stem = spec.path.name.split("-py")[0] if spec.kind == "wheel" else spec.path.name
        return Keyed(spec, f"{spec.kind}-{_safe(stem)}-{digest[:12]}", f"sha256:{digest}")
    if spec.kind == "checkout":
        assert spec.path is not None
        return _checkout_key(spec, spec.path)
    commit = spec.ref if _HEX40.match(spec.ref) else ""
    if not commit and resolve_ref:
        commit = resolve_git_ref(spec.url, spec.ref or "HEAD")
    name = spec.url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    folder = f"git-{_safe(name)}-{commit[:12] or _safe(spec.ref)}"
    return Keyed(spec, folder, f"git:{commit}", commit)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checkout_key(spec: Spec, path: Path) -> Keyed:
    name = _safe(path.name)
    commit = _run_git(path, "rev-parse", "HEAD")
    if commit is None:  # not a git checkout: hash every file that would go into a build
        return Keyed(spec, f"checkout-{name}-tree-{tree_sha256(path)[:12]}", "")
    dirty = dirty_hash(path)
    content = f"git:{commit}" + (f"+dirty:{dirty}" if dirty else "")
    suffix = f"-dirty-{dirty[:10]}" if dirty else ""
    return Keyed(spec, f"checkout-{name}-{commit[:12]}{suffix}", content, commit)


def dirty_hash(path: Path) -> str:
    """A hash of a checkout's uncommitted changes (tracked diffs and untracked files), or ""."""
    status = _run_git(path, "status", "--porcelain=v1", "--untracked-files=all")
    if not status:
        return ""
    digest = hashlib.sha256(status.encode())
    digest.update((_run_git(path, "diff", "HEAD", "--binary") or "").encode())
    for line in status.splitlines():
        if line.startswith("??"):
            untracked = path / line[3:].strip().strip('"')
            if untracked.is_file():
                digest.update(untracked.read_bytes())
    return digest.hexdigest()


def tree_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.endswith(".egg-info"))
        for name in sorted(files):
            file = Path(root, name)
            digest.update(str(file.relative_to(path)).encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


def resolve_git_ref(url: str, ref: str) -> str:
    """The commit `ref` names in the repository at `url` (`git ls-remote`)."""
    try:
        out = subprocess.run(
            ["git", "ls-remote", url, ref, f"{ref}^{{}}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpecError(f"git ls-remote {url} {ref}: {exc}") from exc
    if out.returncode != 0:
        reason = out.stderr.strip().splitlines()[-1:] or ["(no message)"]
        raise SpecError(f"cannot read {url}: {reason[0]} (check the URL and your access to it)")
    lines = [line.split("\t") for line in out.stdout.splitlines() if "\t" in line]
    peeled = [sha for sha, name in lines if name.endswith("^{}")]
    found = peeled or [sha for sha, _ in lines]
    if not found:
        raise SpecError(f"{url} has no branch or tag {ref!r} (a commit must be given in full)")
    return found[0]


def _run_git(path: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(path), *args], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+-]+", "_", text).strip("_")[:60] or "x"


def package_name(name: str) -> str:
    return str(canonicalize_name(name))
