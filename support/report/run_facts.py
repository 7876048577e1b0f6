"""What ran, for the report: environment.properties and executor.json in the Allure results
folder (targets and URLs with secrets redacted, the SDK under test — version, source, hash —,
openai/model versions, git commit); and, when the run stops before its first scenario (a
configuration that cannot work, a backend that does not answer, a service that does not start),
the one sentence it stopped with (`STOPPED`), which the report puts on its front page."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from support.report.redaction import redact
from support.target.config import Config
from tools.sdk.identity import current as sdk_identity

#: in the results folder: why the run stopped before its first scenario, one plain sentence
STOPPED = "run-stopped.txt"


def stopped(results_dir: Path, sentence: str) -> None:
    """Record why the run stopped before any scenario ran (redacted)."""
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / STOPPED).write_text(redact(sentence).strip() + "\n", encoding="utf-8")


def started(results_dir: Path) -> None:
    """The run got past its checks: no stale stop sentence from an earlier run in the folder."""
    (results_dir / STOPPED).unlink(missing_ok=True)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, timeout=5, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def facts(config: Config) -> dict[str, str]:
    found = dict(config.describe())
    found.update(sdk_identity().properties())
    found.update(
        {
            "sdk.openai": _version("openai"),
            "instrumentation.openinference-openai": _version(
                "openinference-instrumentation-openai"
            ),
            "runner.pytest-bdd": _version("pytest-bdd"),
            "python": platform.python_version(),
            "git.commit": _git("rev-parse", "--short", "HEAD"),
            "git.branch": _git("rev-parse", "--abbrev-ref", "HEAD"),
        }
    )
    return {k: redact(v) for k, v in found.items()}


def write(results_dir: Path, config: Config) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"{k}={v}" for k, v in sorted(facts(config).items())]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ci = os.environ.get("GITHUB_ACTIONS") == "true"
    executor = {
        "name": "GitHub Actions" if ci else f"local ({platform.node()})",
        "type": "github" if ci else "local",
        "buildName": os.environ.get("GITHUB_WORKFLOW", "acceptance")
        + f" @ {_git('rev-parse', '--short', 'HEAD')}",
        "buildUrl": (
            f"{os.environ.get('GITHUB_SERVER_URL')}/{os.environ.get('GITHUB_REPOSITORY')}"
            f"/actions/runs/{os.environ.get('GITHUB_RUN_ID')}"
            if ci
            else ""
        ),
    }
    (results_dir / "executor.json").write_text(json.dumps(executor, indent=2), encoding="utf-8")
