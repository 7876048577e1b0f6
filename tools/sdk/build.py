"""One virtualenv per SDK, built once under `.sdk-venvs/<key>/` and reused.

An SDK venv is an overlay of the project's `.venv`: a venv of the same base interpreter (made
with `venv --without-pip`, a tenth of a second) whose own site-packages holds only honeyhive —
plus whatever that SDK needs in a version the project's venv does not have — and a `.pth` file
that puts the project's site-packages after it. Everything else (pytest, the emulators' stack,
openai, the instrumentor) is the project's own files, so two SDKs differ only by the SDK, a
switch costs nothing, and building one never touches `.venv` (pip installs with `--target`
into the overlay; it never sees, upgrades or removes a package of the project's venv).

`sdk.json` in the venv records what was installed and from where (spec, version, wheel sha256
or git commit, pip's download record) and a fingerprint of the project's venv: when that
changes (a dependency bumped), the overlay is rebuilt on next use.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools.sdk.spec import PACKAGE, Keyed, Spec, key, parse

ROOT = Path(__file__).resolve().parents[2]
VENVS = ROOT / ".sdk-venvs"
RECORD = "sdk.json"
# the extra the project installs the SDK with (pyproject: honeyhive[openinference-openai])
EXTRAS = ("openinference-openai",)
# the project's own distribution pins the default SDK (an overlay overrides that on purpose);
# its other pins are left out of the constraints, so pip may pick what the SDK needs
_IGNORED_DEPENDENTS = {"honeyhive-acceptance"}
_PTH = "_acceptance_base.pth"
Log = Callable[[str], None]


class BuildError(RuntimeError):
    """An SDK that cannot be installed; the message has pip's reason and what to try."""


@dataclass(frozen=True)
class Base:
    """The project's own virtualenv, which every SDK venv overlays."""

    python: Path
    site: Path
    interpreter: Path  # the base interpreter both are made from

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.site)


@dataclass(frozen=True)
class Built:
    python: Path
    venv: Path
    record: Mapping[str, Any] = field(default_factory=dict)
    reused: bool = False
    seconds: float = 0.0


def project_base(root: Path = ROOT) -> Base:
    python = root / ".venv" / "bin" / "python"
    if not python.exists():
        raise BuildError(f"{python} does not exist: run `make deps` first")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = (root / ".venv" / "lib" / version / "site-packages").resolve()
    return Base(python=python, site=site, interpreter=python.resolve())


def fingerprint(site: Path) -> str:
    """What the project's venv holds: every distribution's name and version, and the Python."""
    found = sorted(f"{canonicalize_name(d.metadata['Name'])}=={d.version}" for d in _dists(site))
    digest = hashlib.sha256(f"{platform.python_version()}\n{site}\n".encode())
    digest.update("\n".join(found).encode())
    return digest.hexdigest()[:16]


def ensure(text: str, *, venvs: Path = VENVS, root: Path = ROOT, log: Log | None = None) -> Built:
    """The SDK venv for spec `text`: reused when built for the same content and base venv."""
    started = time.monotonic()
    say = log or (lambda line: print(line, file=sys.stderr))
    spec = parse(text, cwd=Path.cwd())
    base = project_base(root)
    if spec.kind == "pinned":
        return Built(base.python, root / ".venv", {"source": spec.source}, reused=True)
    keyed = key(spec)
    venv = venvs / keyed.key
    record = read_record(venv)
    if record and record.get("base") == base.fingerprint and (venv / "bin" / "python").exists():
        return Built(venv / "bin" / "python", venv, record, True, time.monotonic() - started)
    if record:
        say(f"sdk: the project's venv changed since {venv.name} was built; rebuilding it")
    say(f"sdk: building {venv.relative_to(venvs.parent) if venvs.parent in venv.parents else venv}")
    record = _build(keyed, venv, base, say)
    seconds = time.monotonic() - started
    say(f"sdk: built {PACKAGE} {record['version']} ({spec.source}) in {seconds:.1f} s")
    return Built(venv / "bin" / "python", venv, record, False, seconds)


def read_record(venv: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads((venv / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _build(keyed: Keyed, venv: Path, base: Base, say: Log) -> dict[str, Any]:
    venv.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{venv.name}.", dir=venv.parent))
    try:
        _run([str(base.interpreter), "-m", "venv", "--without-pip", str(staging)], "venv")
        site = _site_of(staging)
        requirement = _requirement(keyed)
        report = _pip_install(base, site, [requirement], keyed.spec)
        installed = report["install"][0] if report.get("install") else {}
        name = str(installed.get("metadata", {}).get("name", ""))
        if canonicalize_name(name) != PACKAGE:
            raise BuildError(f"{keyed.spec.text} installs {name or 'nothing'}, not {PACKAGE}")
        overlay = [f"{PACKAGE}=={installed['metadata']['version']}"]
        overlay += _add_missing_dependencies(base, site, keyed.spec, say)
        (site / _PTH).write_text(
            f"import site; site.addsitedir({str(base.site)!r})\n", encoding="utf-8"
        )
        record = _record(keyed, installed, overlay, base, _conflicts(base, site))
        for warning in record["warnings"]:
            say(f"sdk: warning: {warning}")
        (staging / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        if venv.exists():
            shutil.rmtree(venv)
        try:
            staging.rename(venv)
        except OSError:  # another run built it meanwhile: use theirs
            shutil.rmtree(staging, ignore_errors=True)
            return read_record(venv) or record
        _fix_paths(staging, venv)
        return record
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _fix_paths(staging: Path, venv: Path) -> None:
    """venv writes its own path into activate scripts; the python symlinks are relative-safe."""
    config = venv / "pyvenv.cfg"
    if config.exists():
        config.write_text(config.read_text().replace(str(staging), str(venv)), encoding="utf-8")
    for script in (venv / "bin").glob("activate*"):
        script.write_text(script.read_text().replace(str(staging), str(venv)), encoding="utf-8")


def _site_of(venv: Path) -> Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = venv / "lib" / version / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    return site


def _requirement(keyed: Keyed) -> str:
    spec = keyed.spec
    if spec.kind == "git" and keyed.commit:  # the commit the key names, not a moving branch
        return f"{PACKAGE} @ git+{spec.url}@{keyed.commit}"
    return spec.requirement


_HINTS = {
    "release": "published versions: `python -m tools.signoff releases` (or pypi.org/project/"
    "honeyhive/#history); a pre-release needs its full version (1.8.0rc1)",
    "wheel": "is it a honeyhive wheel for this Python? (`unzip -l` it; pip names the tag it wants)",
    "sdist": "pip could not build it: `pip wheel --no-deps <sdist>` shows the build's own error",
    "checkout": "pip could not build it: `pip wheel --no-deps <dir>` in the checkout shows why",
    "git": "check the URL and the ref (`git ls-remote <url>`), and that pip can build that commit",
}


def _pip_install(base: Base, site: Path, requirements: Iterable[str], spec: Spec) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [str(base.python), "-m", "pip", "install", "--no-deps", "--target", str(site)]
        command += ["--report", str(report), "--quiet", "--no-warn-script-location"]
        out = subprocess.run(
            [*command, "--disable-pip-version-check", *requirements],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if out.returncode != 0:
            raise BuildError(_pip_failure(spec, out.stderr or out.stdout))
        loaded: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
        return loaded


def _pip_failure(spec: Spec, output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR") or "error:" in line.lower()]
    reason = "\n  ".join((errors or lines[-8:])[-8:]) or "(pip printed nothing)"
    return (
        f"cannot install SDK {spec.text!r} ({spec.source}):\n  {reason}\n"
        f"try: {_HINTS.get(spec.kind, 'check the spec')}"
    )


def _run(command: list[str], what: str) -> None:
    out = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if out.returncode != 0:
        raise BuildError(f"{what} failed: {(out.stderr or out.stdout).strip()[-2000:]}")


# ---- dependencies ---------------------------------------------------------------------------


def _dists(site: Path) -> list[metadata.Distribution]:
    seen: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions(path=[str(site)]):
        name = dist.metadata["Name"]
        if name:
            seen.setdefault(str(canonicalize_name(name)), dist)
    return list(seen.values())


def environment(*sites: Path) -> dict[str, metadata.Distribution]:
    """Distributions by canonical name, the first site winning (as on sys.path)."""
    found: dict[str, metadata.Distribution] = {}
    for site in sites:
        for dist in _dists(site):
            found.setdefault(str(canonicalize_name(dist.metadata["Name"])), dist)
    return found


def unmet(
    root: str, env: Mapping[str, metadata.Distribution], extras: Iterable[str] = EXTRAS
) -> list[str]:
    """Requirements in `root`'s dependency closure that `env` does not satisfy, as text."""
    problems: list[str] = []
    todo: list[tuple[str, frozenset[str]]] = [(root, frozenset(extras))]
    seen: set[str] = set()
    while todo:
        name, wanted = todo.pop()
        if name in seen or name not in env:
            continue
        seen.add(name)
        offered = set(env[name].metadata.get_all("Provides-Extra") or [])
        for text in env[name].requires or []:
            requirement = Requirement(text)
            active = [e for e in wanted if e in offered] or [""]
            if requirement.marker and not any(
                requirement.marker.evaluate({"extra": e}) for e in active
            ):
                continue
            dep = str(canonicalize_name(requirement.name))
            have = env.get(dep)
            if have is None:
                problems.append(f"{requirement} (not installed)")
                continue
            if not requirement.specifier.contains(have.version, prereleases=True):
                problems.append(f"{requirement} (have {have.version})")
                continue
            todo.append((dep, frozenset(requirement.extras)))
    return sorted(set(problems))


def _add_missing_dependencies(base: Base, site: Path, spec: Spec, say: Log) -> list[str]:
    """Install into the overlay what the SDK needs and the project's venv does not satisfy."""
    problems = unmet(PACKAGE, environment(site, base.site))
    if not problems:
        return []
    say(f"sdk: {spec.text} needs what the project's venv lacks: {'; '.join(problems)}")
    wanted = [p.split(" (", 1)[0] for p in problems]
    names = {str(canonicalize_name(Requirement(w).name)) for w in wanted}
    pins = [
        f"{name}=={dist.version}"
        for name, dist in environment(base.site).items()
        if name not in names and name != PACKAGE and name not in _IGNORED_DEPENDENTS
    ]
    with tempfile.TemporaryDirectory() as scratch:
        constraints = Path(scratch) / "constraints.txt"
        constraints.write_text("\n".join(pins) + "\n", encoding="utf-8")
        report = Path(scratch) / "resolved.json"
        command = [str(base.python), "-m", "pip", "install", "--dry-run", "--ignore-installed"]
        command += ["--quiet", "--report", str(report), "-c", str(constraints), *wanted]
        out = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
        if out.returncode != 0:
            raise BuildError(
                _pip_failure(spec, out.stderr)
                + "\n  (resolving what the SDK needs beside the suite's own pinned packages)"
            )
        resolved = json.loads(report.read_text(encoding="utf-8")).get("install", [])
    base_env = environment(base.site)
    extra = [
        f"{item['metadata']['name']}=={item['metadata']['version']}"
        for item in resolved
        if (have := base_env.get(str(canonicalize_name(item["metadata"]["name"])))) is None
        or have.version != item["metadata"]["version"]
    ]
    if extra:
        _pip_install(base, site, extra, spec)
    left = unmet(PACKAGE, environment(site, base.site))
    if left:
        raise BuildError(f"{spec.text}: still unsatisfied after installing {extra}: {left}")
    return extra


def _conflicts(base: Base, site: Path) -> list[str]:
    """Packages of the project's venv whose requirements the overlay now breaks."""
    overlaid = {n for n in environment(site) if n != PACKAGE}  # the SDK itself is meant to differ
    if not overlaid:
        return []
    env = environment(site, base.site)
    found = []
    for name, dist in environment(base.site).items():
        if name in overlaid:
            continue
        for text in dist.requires or []:
            requirement = Requirement(text)
            dep = str(canonicalize_name(requirement.name))
            if dep in overlaid and requirement.marker is None:
                have = env[dep].version
                if not requirement.specifier.contains(have, prereleases=True):
                    found.append(f"{name} requires {requirement}, the SDK venv has {have}")
    return found


def _record(
    keyed: Keyed,
    installed: Mapping[str, Any],
    overlay: list[str],
    base: Base,
    warnings: list[str],
) -> dict[str, Any]:
    spec = keyed.spec
    info = installed.get("download_info", {})
    archive = info.get("archive_info", {}).get("hashes", {}).get("sha256", "")
    commit = info.get("vcs_info", {}).get("commit_id", "") or keyed.commit
    if spec.kind in ("wheel", "sdist", "release") and (archive or keyed.content):
        digest = f"sha256:{archive}" if archive else keyed.content
    else:
        digest = keyed.content or (f"git:{commit}" if commit else "")
    return {
        "spec": spec.text,
        "kind": spec.kind,
        "source": spec.source,
        "key": keyed.key,
        "version": installed["metadata"]["version"],
        "hash": digest,
        "commit": commit,
        "download_url": info.get("url", ""),
        "overlay": overlay,
        "warnings": warnings,
        "base": base.fingerprint,
        "base_site": str(base.site),
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def built_venvs(venvs: Path = VENVS) -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for venv in sorted(venvs.glob("*")) if venvs.is_dir() else []:
        record = read_record(venv)
        if record and not venv.name.startswith("."):
            found.append((venv, record))
    return found
