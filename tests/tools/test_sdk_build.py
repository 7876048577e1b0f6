"""SDK venvs: an overlay holds honeyhive and only what the project's venv lacks; a real build
for a published version, its reuse, and a spec pip cannot install failing at once."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tools.sdk.build import BuildError, ensure, environment, project_base, unmet


def _dist(site: Path, name: str, version: str, requires: list[str], extras: list[str] = []) -> None:  # noqa: B006
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Provides-Extra: {e}" for e in extras]
    lines += [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n")


def test_unmet_follows_the_closure_and_the_chosen_extra(tmp_path: Path) -> None:
    overlay, base = tmp_path / "overlay", tmp_path / "base"
    _dist(
        overlay,
        "honeyhive",
        "9.0",
        [
            "urllib3>=2.8",
            "wrapt",
            "openai>=1; extra == 'openinference-openai'",
            "boto3; extra == 'aws'",
        ],
        extras=["openinference-openai", "aws"],
    )
    _dist(base, "honeyhive", "1.7.0", [])  # shadowed by the overlay's
    _dist(base, "urllib3", "2.5.0", [])
    _dist(base, "wrapt", "1.17", ["missing-dep>=1"])
    _dist(base, "openai", "3.0", [])
    env = environment(overlay, base)
    assert env["honeyhive"].version == "9.0"
    assert unmet("honeyhive", env) == [
        "missing-dep>=1 (not installed)",
        "urllib3>=2.8 (have 2.5.0)",
    ]  # boto3 belongs to an extra the project does not install


def test_nothing_unmet_when_the_base_satisfies_everything(tmp_path: Path) -> None:
    overlay, base = tmp_path / "overlay", tmp_path / "base"
    _dist(overlay, "honeyhive", "1.6.1", ["wrapt>=1.14"])
    _dist(base, "wrapt", "1.17", [])
    assert unmet("honeyhive", environment(overlay, base)) == []


@pytest.mark.slow
def test_a_published_version_builds_once_and_leaves_the_project_venv_alone(
    tmp_path: Path,
) -> None:
    base = project_base()
    before = environment(base.site)["honeyhive"].version
    built = ensure("1.6.1", venvs=tmp_path, log=lambda _: None)
    assert not built.reused
    assert built.record["version"] == "1.6.1"
    assert built.record["overlay"] == ["honeyhive==1.6.1"]  # the rest is the project's venv
    assert str(built.record["hash"]).startswith("sha256:")
    probe = "import honeyhive, importlib.metadata as m, pytest; print(m.version('honeyhive'))"
    out = subprocess.run([str(built.python), "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == "1.6.1", out.stderr
    identity = subprocess.run(
        [str(built.python), "-m", "tools.sdk", "identity", "--json"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    found = json.loads(identity.stdout)
    assert found["source"] == "release:honeyhive==1.6.1"
    assert found["hash"] == built.record["hash"]
    started = time.monotonic()
    again = ensure("1.6.1", venvs=tmp_path, log=lambda _: None)
    assert again.reused and again.python == built.python
    assert time.monotonic() - started < 2
    assert environment(base.site)["honeyhive"].version == before


@pytest.mark.slow
def test_a_version_that_does_not_exist_fails_at_once_with_pips_reason(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(BuildError) as failed:
        ensure("9.9.9", venvs=tmp_path, log=lambda _: None)
    assert time.monotonic() - started < 30
    message = str(failed.value)
    assert "No matching distribution found for honeyhive==9.9.9" in message
    assert "try:" in message
    assert not [p for p in tmp_path.iterdir()]  # no half-built venv left behind


def _fake_sdk_wheel(folder: Path, version: str, requires: list[str]) -> Path:
    import base64
    import hashlib
    import zipfile

    info = f"honeyhive-{version}.dist-info"
    files = {
        "honeyhive/__init__.py": f"__version__ = {version!r}\n".encode(),
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: honeyhive\nVersion: {version}\n"
            + "".join(f"Requires-Dist: {r}\n" for r in requires)
        ).encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = [
        f"{name},sha256="
        + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        + f",{len(data)}"
        for name, data in files.items()
    ]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    wheel = folder / f"honeyhive-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel


@pytest.mark.slow
def test_what_the_sdk_pins_differently_goes_into_its_overlay_only(tmp_path: Path) -> None:
    """An SDK that needs tenacity<9 (the suite has 9.x) gets tenacity 8 in its own venv, a
    warning that the suite's own pin is broken there, and .venv keeps its tenacity."""
    base = project_base()
    before = environment(base.site)["tenacity"].version
    wheel = _fake_sdk_wheel(tmp_path, "9.0.0.dev1", ["tenacity>=8.2,<9", "wrapt>=1.14"])
    built = ensure(str(wheel), venvs=tmp_path / "venvs", log=lambda _: None)
    overlay = dict(item.split("==") for item in built.record["overlay"])
    assert overlay["honeyhive"] == "9.0.0.dev1"
    assert overlay["tenacity"].startswith("8.")
    assert set(overlay) == {"honeyhive", "tenacity"}
    assert any("requires tenacity" in w for w in built.record["warnings"])
    probe = "import tenacity, importlib.metadata as m; print(m.version('tenacity'))"
    out = subprocess.run([str(built.python), "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == overlay["tenacity"]
    assert environment(base.site)["tenacity"].version == before
