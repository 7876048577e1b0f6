"""The CI workflow runs as written: each job's `run:` commands, in order, on a clean clone.

The repository is `git clone`d into a temporary folder (what is committed, nothing else) and
every step of every job of .github/workflows/acceptance.yml is taken in order:

- a `uses:` step is a GitHub action, which cannot run here: skipped, named, with its stand-in
  (the clone for checkout; the shared venv's python as setup-python's `python`; a small
  results folder per shard for download-artifact);
- each job starts without .venv and node_modules, as a fresh runner does; a step that makes the
  Makefile's install stamps (`make .venv/.installed`, `make node_modules/.installed`) gets the
  project's shared install linked in, which the Makefile then finds up to date — so a job that
  uses the venv without installing it fails here as it would in CI;
- a `run:` step runs in bash (`-e`, as Actions does) with the workflow's, the job's and the
  step's environment, `python` on PATH being the venv's as setup-python's would be, and
  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP in the temporary folder; its `if:` is
  honoured for `failure()` and `hashFiles(...)`;
- the few steps that need the network or a whole run of the suite are listed below (`EXPENSIVE`)
  with the reason and what is checked instead: `make -n` for a make target, collection only for
  a shard's pytest run, or a check that the module they run exists.

The install steps run for real: with the linked install up to date they are the Makefile's
no-op, which proves the targets exist. The report job runs for real on three small
shards (`make report` included) and so does the releases' report job; every path an upload step
requires (`if-no-files-found: error`) must exist after its job.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from ..tools.results import reproduced, result, write
from .allure_run import ROOT, child_environment

WORKFLOW = ROOT / ".github" / "workflows" / "acceptance.yml"
MATRIX = {"target": "embedded", "shard": "1", "sdk": "1.7.0"}
# (job, step name): why it cannot run here, and what is checked instead
EXPENSIVE = {
    ("features", "Run shard ${{ matrix.shard }}"): (
        "runs a third of the features (minutes)",
        "collect-only",
    ),
    ("signoff", "Sign off the candidate against the baseline"): (
        "two whole runs of the suite and PyPI for the SDKs (network)",
        "make -n",
    ),
    ("releases", None): ("asks PyPI for the published releases (network)", "modules exist"),
    ("release-features", "Run the features on honeyhive ${{ matrix.sdk }}"): (
        "builds an SDK venv from PyPI (network) and runs every feature",
        "modules exist",
    ),
}
STAND_INS = {
    "actions/checkout": "the clean clone itself",
    "actions/setup-python": "`python` on PATH is the shared venv's interpreter",
    "actions/setup-node": "node and npx from PATH; node_modules comes with its install step",
    "actions/upload-artifact": "the paths it requires (if-no-files-found: error) must exist",
    "actions/download-artifact": "small result folders written by this test",
    "actions/cache/restore": "no history to restore: a first run",
    "actions/cache/save": "nothing to save outside CI",
}


@dataclass
class Ran:
    job: str
    step: str
    action: str  # "ran", "skipped: …", "dry-run: …"


def _load() -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    loaded["on"] = loaded.pop(True, loaded.get("on"))
    return loaded


def _expressions(text: str, env: dict[str, str]) -> str:
    """${{ … }} as the embedded target on a push sees it: env and matrix values, else ''."""

    def value(match: re.Match[str]) -> str:
        expression = match[1].strip()
        if expression.startswith("env."):
            return env.get(expression[4:], "")
        if expression.startswith("matrix."):
            return MATRIX.get(expression[7:], "")
        if expression.startswith(("matrix.target == 'real'", "github.event_name == 'schedule'")):
            return "local" if "'local'" in expression else ""
        return ""

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def _condition(step: dict[str, Any], clone: Path) -> str | None:
    """Why the step's `if:` would not run it here, or None."""
    condition = str(step.get("if", ""))
    if "failure()" in condition:
        return "runs only after an earlier step failed"
    for pattern in re.findall(r"hashFiles\('([^']+)'\)", condition):
        if not list(clone.glob(pattern)):
            return f"its `if:` needs {pattern}, which this run did not write"
    return None


def _module_exists(clone: Path, command: str) -> None:
    """Every `python -m X` of a step that cannot run names a module of the clone or the venv."""
    for module in re.findall(r"-m ([\w.]+)", command):
        path = clone / Path(*module.split("."))
        ours = path.with_suffix(".py").is_file() or (path / "__main__.py").is_file()
        assert ours or importlib.util.find_spec(module) is not None, f"no module {module}"


def _install_stand_in(clone: Path, command: str) -> None:
    """A step that makes the Makefile's install stamps gets the shared install linked in: the
    Makefile then finds it up to date (what it would have built, already built)."""
    for shared in (".venv", "node_modules"):
        if f"{shared}/.installed" in command and not (clone / shared).exists():
            (clone / shared).symlink_to((ROOT / shared).resolve())


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("workflow")
    target = base / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True, timeout=60)
    # the install stamps are up to date: `make .venv/.installed` is the Makefile's no-op
    for name in ("pyproject.toml", "package.json", "package-lock.json"):
        os.utime(target / name, (0, 0))
    return target


def _shards(clone: Path, shards: int) -> None:
    """What download-artifact would leave: one results folder per shard, each its own part."""
    props = "honeyhive.target=local\nsdk.honeyhive=1.7.0\n"
    for shard in range(1, shards + 1):
        folder = clone / "shards" / f"allure-results-embedded-{shard}"
        write(folder, result(f"scenario {shard}", "passed"), environment=props)
    write(
        clone / "shards" / "allure-results-embedded-1",
        reproduced("session name", "hh-session-name-ignored", "session stored as 'tracing'"),
    )
    for version in ("1.6.1", "1.7.0"):
        write(
            clone / "releases" / f"allure-results-sdk-{version}",
            result("scenario", "passed", sdk=version),
            environment=props,
        )


def _run_job(
    name: str, job: dict[str, Any], workflow: dict[str, Any], clone: Path, scratch: Path
) -> list[Ran]:
    ran: list[Ran] = []
    shim = scratch / "bin"
    shim.mkdir(parents=True, exist_ok=True)
    python = shim / "python"
    if not python.exists():  # setup-python's python: the shared venv's interpreter
        python.symlink_to((ROOT / ".venv" / "bin" / "python").resolve())
    # each job starts on a fresh runner: no venv, no node_modules until a step installs them
    for shared in (".venv", "node_modules"):
        (clone / shared).unlink(missing_ok=True)
    env = {str(k): str(v) for k, v in workflow.get("env", {}).items()}
    env = {k: _expressions(v, env) for k, v in env.items()}
    env.update({k: _expressions(str(v), env) for k, v in job.get("env", {}).items()})
    env.update(
        {
            "GITHUB_OUTPUT": str(scratch / f"{name}.output"),
            "GITHUB_STEP_SUMMARY": str(scratch / f"{name}.summary"),
            "RUNNER_TEMP": str(scratch / f"{name}-tmp"),
            "CANDIDATE": "1.7.0",
            "HAS_REAL": "false",
            "WANTS_REAL": "false",
        }
    )
    (scratch / f"{name}-tmp").mkdir(exist_ok=True)
    for step in job["steps"]:
        title = str(step.get("name") or step.get("id") or step.get("uses"))
        uses = str(step.get("uses", "")).split("@")[0]
        why_not = _condition(step, clone)
        if why_not:
            ran.append(Ran(name, title, f"skipped: {why_not}"))
            continue
        if uses:
            assert uses in STAND_INS, f"{name}: a new action {uses}: say what stands in for it"
            ran.append(Ran(name, title, f"skipped: a GitHub action; {STAND_INS[uses]}"))
            if uses == "actions/upload-artifact" and step["with"].get("if-no-files-found") == (
                "error"
            ):
                paths = _expressions(str(step["with"]["path"]), env).split()
                missing = [p for p in paths if not list(clone.glob(p))]
                assert missing == [], f"{name}: {title} would find no {missing}"
            continue
        command = _expressions(str(step["run"]), env)
        _install_stand_in(clone, command)
        expensive = EXPENSIVE.get((name, step.get("name"))) or EXPENSIVE.get((name, None))
        step_env = {**env, **{k: _expressions(str(v), env) for k, v in step.get("env", {}).items()}}
        if expensive:
            reason, instead = expensive
            _module_exists(clone, command)
            if instead == "make -n":
                for target in re.findall(r"\bmake ([\w./-]+)", command):
                    _bash(f"make -n {target}", clone, step_env, shim)
            elif instead == "collect-only":
                _bash(command, clone, {**step_env, "PYTEST_ADDOPTS": "--collect-only -q"}, shim)
            ran.append(Ran(name, title, f"dry-run ({instead}): {reason}"))
            continue
        _bash(command, clone, step_env, shim)
        ran.append(Ran(name, title, "ran"))
    return ran


def _bash(command: str, clone: Path, env: dict[str, str], shim: Path) -> str:
    full = child_environment(env)
    full.pop("GIT_DIR", None)  # the clone is its own repository
    full["PATH"] = os.pathsep.join([str(shim), full.get("PATH", "")])
    full["PYTHONPATH"] = ""
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", command],
        cwd=clone,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, f"{command}\n--- exit {done.returncode}\n{output}"
    return done.stdout


@pytest.fixture(scope="module")
def runs(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Ran]:
    workflow = _load()
    scratch = tmp_path_factory.mktemp("runner")
    _shards(clone, int(workflow["env"]["SHARDS"]))
    done: list[Ran] = []
    for name, job in workflow["jobs"].items():
        done += _run_job(name, job, workflow, clone, scratch)
    print("\n".join(f"{r.job} / {r.step}: {r.action}" for r in done))
    return done


def test_every_job_runs_its_commands_in_order_on_a_clean_clone(runs: list[Ran]) -> None:
    jobs = {r.job for r in runs}
    assert jobs == set(_load()["jobs"])
    ran = [(r.job, r.step) for r in runs if r.action == "ran"]
    assert ("report", "Generate the report") in ran
    assert ("report", "Install") in ran
    assert ("releases-report", "One report, an environment per release") in ran
    # every skip and dry run says why
    assert all(r.action == "ran" or ": " in r.action for r in runs)


def test_the_report_job_made_the_report_of_the_merged_shards(runs: list[Ran], clone: Path) -> None:
    report = clone / "reports" / "allure-report"
    assert (report / "index.html").is_file()
    summary = (report / "summary.md").read_text(encoding="utf-8")
    assert "3 passed, 1 known issue, 0 other failures, 0 skipped of 4" in summary
    assert (clone / "reports" / "releases" / "report.html").is_file()


def test_every_expensive_step_listed_is_still_in_the_workflow() -> None:
    workflow = _load()
    steps = {(name, s.get("name")) for name, job in workflow["jobs"].items() for s in job["steps"]}
    for job, step in EXPENSIVE:
        assert job in workflow["jobs"], job
        assert step is None or (job, step) in steps, (job, step)


def test_every_make_target_the_workflow_names_exists() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    targets = set(re.findall(r"\bmake ([\w./-]+(?: [\w./-]+)*)", text))
    assert targets
    for target in targets:
        done = subprocess.run(
            ["make", "-n", *target.split()], cwd=ROOT, capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, f"make -n {target}: {done.stderr}"
