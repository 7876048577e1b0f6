"""Collecting the features imports neither the SDK nor `openai` (support/ and steps/ import them
when a scenario runs): the floor of every run, and `--collect-only` in well under a second."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.report.allure_run import child_environment

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("honeyhive", "openai", "langsmith")
PLUGIN = f"""
import sys
def pytest_collection_finish(session):
    print("loaded:", sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r})))
"""


def test_collecting_every_feature_imports_neither_the_sdk_nor_openai(tmp_path: Path) -> None:
    (tmp_path / "lean_probe.py").write_text(PLUGIN, encoding="utf-8")
    env = child_environment({"ACCEPTANCE_RUN_DIR": str(tmp_path / "run")})
    env["PYTHONPATH"] = f"{tmp_path}:{env['PYTHONPATH']}"
    command = [sys.executable, "-m", "pytest", "features", "--collect-only", "-q", "-s"]
    command += ["-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "lean_probe"]
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "loaded: []" in done.stdout, done.stdout[-2000:]
