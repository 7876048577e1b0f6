"""Real Allure results and a real single-file report, made in temporary folders.

`run_features` runs a few real scenarios in a subprocess, on the embedded default, with its run
folder (`ACCEPTANCE_RUN_DIR`) in a temporary working directory: the run's servers write their
logs and database there, so a run of these tests never wipes the checkout's `reports/run/` under
an acceptance run going on beside it.
`render` makes the one report of a run as `make report` does (tools.signoff.acceptance: the
release view, known defects as known issues, the verdict on the front page), into a temporary
folder with a temporary history file. `generate` renders raw results with the project's own
`allurerc.mjs` through a temporary config that only moves the output and the history file, so
the real `reports/history/` is untouched.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
ALLURERC = ROOT / "allurerc.mjs"

# every variable that could point the run at a real backend or model is blanked: an empty value
# wins over `.env` (support.target.config): the run uses the embedded emulator and local model
_EMBEDDED_DEFAULT = {
    "HH_API_KEY": "",
    "HH_API_URL": "",
    "HH_API_KEY_2": "",
    "OPENAI_API_KEY": "",
    "OPENAI_BASE_URL": "",
    "LLM_BACKEND": "local",
}
# inherited from a parent run (features run or xdist worker), they would confuse the child run
_NOT_INHERITED = re.compile(
    r"^(ACCEPTANCE_(HH|LLM)_|ACCEPTANCE_RUN_DIR$|ACCEPTANCE_SERVICES_FILE$|PYTEST_XDIST_|"
    r"PYTEST_CURRENT_TEST$)"
)


#: set by `shared_servers`: the warm folder whose servers every child run of the session reuses
SHARED_SERVERS_ENV = "ACCEPTANCE_TESTS_SHARED_WARM_DIR"


@contextlib.contextmanager
def shared_servers(folder: Path) -> Iterator[Path]:
    """Within this block, every child run (`run_pytest`) uses one pair of warm servers in
    `folder`: the first run starts them, the others reuse them (each run still makes its own
    projects, tenants and model keys); they stop at the end."""
    from support.target import warm

    os.environ[SHARED_SERVERS_ENV] = str(folder)
    try:
        yield folder
    finally:
        os.environ.pop(SHARED_SERVERS_ENV, None)
        if folder.is_dir():
            warm.stop_all(folder)


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not _NOT_INHERITED.match(k)}
    env.update(_EMBEDDED_DEFAULT)
    # the emulators run as `python -m emulator...` from the child's working directory
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["GIT_DIR"] = str(ROOT / ".git")  # environment.properties names the commit that ran
    shared = os.environ.get(SHARED_SERVERS_ENV)
    if shared:  # the servers of the test session's `shared_servers` (support/target/warm.py)
        env.update({"ACCEPTANCE_WARM": "1", "ACCEPTANCE_WARM_DIR": shared})
    else:  # its servers stop with it
        env["ACCEPTANCE_WARM"] = "0"
    env.update(extra or {})
    return env


def run_pytest(
    args: list[str],
    *,
    cwd: Path,
    timeout: float = 420,
    extra_env: Mapping[str, str] | None = None,
    config: Path = ROOT / "pyproject.toml",
) -> subprocess.CompletedProcess[str]:
    """`python -m pytest <args>` with the project's configuration (or `config`), from `cwd`,
    the run folder inside `cwd`."""
    command = [sys.executable, "-m", "pytest", "-c", str(config), "--rootdir", str(config.parent)]
    command += args
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        command,
        cwd=cwd,
        env=child_environment({"ACCEPTANCE_RUN_DIR": str(cwd / "run"), **(extra_env or {})}),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_features(select: str, results: Path, *, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The scenarios matching `-k select`, with their Allure results in `results`."""
    return run_pytest(
        [str(ROOT / "features"), "-k", select, f"--alluredir={results}", "-q"],
        cwd=cwd,
    )


def generate(results: list[Path], out: Path, *, history: Path) -> subprocess.CompletedProcess[str]:
    """`allure generate` with the project's allurerc.mjs, output and history moved to tmp."""
    config = out.parent / f"{out.name}.allurerc.mjs"
    config.write_text(
        f"import base from {json.dumps(ALLURERC.as_uri())};\n"
        "export default {\n"
        "  ...base,\n"
        f"  output: {json.dumps(str(out))},\n"
        f"  historyPath: {json.dumps(str(history))},\n"
        "};\n",
        encoding="utf-8",
    )
    command = ["npx", "--no-install", "allure", "generate", *map(str, results)]
    return subprocess.run(
        [*command, "--config", str(config), "-o", str(out)],
        cwd=ROOT,  # npx finds the pinned allure in the project's node_modules
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def render(results: Path, out: Path, *, history: Path) -> Path:
    """The report of `make report` for `results`, in `out`; its index.html."""
    from tools.signoff.acceptance import acceptance_report

    assert acceptance_report(results, out, history=history) == 0
    return out / "index.html"


def load_ci_helper(name: str) -> ModuleType:
    """A helper script of `.ci/` (not a package) as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / ".ci" / f"{name}.py")
    assert spec is not None and spec.loader is not None, name
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_unpacker = load_ci_helper("unpack_allure_report")
_payloads: Callable[[str], dict[str, bytes]] = _unpacker.payloads
unpack_report: Callable[[Path, Path], list[Path]] = _unpacker.unpack


def report_payloads(index_html: str) -> dict[str, str]:
    """Every data file the single-file report carries, decoded (name -> text)."""
    return {n: data.decode("utf-8", errors="replace") for n, data in _payloads(index_html).items()}


def results_by_name(results: Path) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for path in results.glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        found[str(result["name"])] = result
    return found
