"""The run's targets, as a pytest plugin (loaded by the root conftest.py) active when the run
includes the features:

- before collection, the configuration is loaded and every remote target answers one
  authenticated request (`preflight`); a problem is one message and exit code 4, no traceback;
- the first lines say what each target is and where reports go;
- after collection, the controller starts the local services the selected scenarios need
  (`needs`): none, the HoneyHive emulator, the model server or both. Under xdist the workers
  collect, each says what it needs in the run folder, and the controller starts the services
  before it hands out the first scenario;
- at the end, the services stop.
"""

from __future__ import annotations

import json
import time
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from support.report import run_facts
from support.report.redaction import redact
from support.target import needs, preflight, runtime
from support.target.config import PROJECT_ROOT, Config, ConfigError, load_config

FEATURES = PROJECT_ROOT / "features"


@dataclass
class Run:
    config: Config
    run_dir: Path
    exchange: Path  # private: what workers need, what the controller started
    started: runtime.Started = field(default_factory=runtime.Started)
    decided: bool = False


_RUN = pytest.StashKey[Run]()
_CONFIG = pytest.StashKey[Config]()
_EXCHANGE_INPUT = "acceptance_exchange"  # what the xdist controller tells each worker


def runs_features(config: pytest.Config) -> bool:
    args = config.args or [str(a) for a in config.getini("testpaths")]
    for arg in args:
        path = Path(config.invocation_params.dir, arg.split("::")[0]).resolve()
        if path == FEATURES or FEATURES in path.parents or path in FEATURES.parents:
            return True
        if path.suffix == ".feature":  # a feature file of the suite's own tests, named
            return True
    return False


def run_config(config: pytest.Config) -> Config:
    """The run's configuration: the controller's (checked), or in a worker loaded once."""
    run = config.stash.get(_RUN, None)
    if run is not None:
        return run.config
    if _CONFIG not in config.stash:
        config.stash[_CONFIG] = load_config()
    return config.stash[_CONFIG]


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or not runs_features(config):
        return  # xdist workers use what the controller checked and started
    results = config.getoption("--alluredir", None)
    try:
        target = load_config()
        if not config.option.collectonly:  # collecting sends nothing anywhere: no need to ask
            target = preflight.check(target)
    except ConfigError as exc:
        if results:  # the report says why nothing ran (support.report.run_facts.STOPPED)
            run_facts.stopped(Path(config.invocation_params.dir, results), str(exc))
        raise pytest.UsageError(redact(str(exc))) from None
    if results:
        run_facts.started(Path(config.invocation_params.dir, results))
    exchange = runtime.prepare(target, runtime.RUN_DIR)
    config.stash[_RUN] = Run(target, runtime.RUN_DIR, exchange)
    if config.pluginmanager.has_plugin("xdist"):  # its hooks are only called under `-n`
        config.pluginmanager.register(_XdistController(config), "acceptance-services-xdist")


@pytest.hookimpl(wrapper=True)  # after the terminal's own header
def pytest_sessionstart(session: pytest.Session) -> Generator[None, None, None]:
    yield
    run = session.config.stash.get(_RUN, None)
    if run is not None:
        for line in target_lines(run.config, session.config):
            _say(session.config, line)


@pytest.hookimpl(tryfirst=True)  # a worker writes its needs before xdist reports its collection
def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        exchange = config.workerinput.get(_EXCHANGE_INPUT)
        if exchange:  # the controller runs the features' services
            found = needs.services_needed(session.items, run_config(config))
            worker = str(config.workerinput["workerid"])
            _needs_file(Path(exchange), worker).write_text(json.dumps(sorted(found)), "utf-8")
        return
    run = config.stash.get(_RUN, None)
    if run is not None and not config.option.collectonly:
        _start(config, run, needs.services_needed(session.items, run.config))


class _XdistController:
    """The controller's side under xdist (which collects nothing itself): tell each worker where
    the run folder is, and start what the workers' collection needs before the first scenario
    is handed out."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[_EXCHANGE_INPUT] = str(self.config.stash[_RUN].exchange)

    @pytest.hookimpl
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        run = self.config.stash[_RUN]
        try:
            found = set(json.loads(_needs_file(run.exchange, node.gateway.id).read_text("utf-8")))
        except (OSError, ValueError):
            found = runtime.local_services(run.config)  # unknown: start everything usable
        _start(self.config, run, found)


def _start(config: pytest.Config, run: Run, needed: set[str]) -> None:
    began = time.perf_counter()
    before = set(run.started.services)
    try:
        runtime.start_services(run.config, needed, run.started, run.run_dir)
    except Exception as exc:
        runtime.stop_services(run.started, run.exchange)
        results = config.getoption("--alluredir", None)
        sentence = f"a local service did not start: {str(exc).splitlines()[0] if str(exc) else exc}"
        if results:
            run_facts.stopped(Path(config.invocation_params.dir, results), sentence)
        pytest.exit(redact(f"a local service did not start: {exc}"), returncode=3)
    if run.started.served_model:
        run.config = replace(run.config, served_model=run.started.served_model)
    new = set(run.started.services) - before
    for note in run.started.notes:
        _say(config, note)
    run.started.notes.clear()
    if new or not run.decided:
        _say(config, started_line(run, new, time.perf_counter() - began))
    if not run.decided:
        results = config.getoption("--alluredir", None)
        if results:
            run_facts.write(Path(config.invocation_params.dir, results), run.config)
    run.decided = True


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(_RUN, None)
    if run is not None:
        runtime.stop_services(run.started, run.exchange)


def _needs_file(exchange: Path, worker: str) -> Path:
    return exchange / f"needs-{worker}.json"


def target_lines(target: Config, config: pytest.Config) -> list[str]:
    checked = not config.option.collectonly
    if target.hh_target == "remote":
        second = "HH_API_KEY_2 accepted" if target.hh_second_api_key else "no HH_API_KEY_2"
        state = f"HH_API_KEY accepted; {second}" if checked else "not checked: --collect-only"
        hh = f"remote, {target.hh_api_url} ({state})"
    else:
        hh = "local, the embedded emulator on 127.0.0.1 (started if a selected scenario needs it)"
    if target.llm_target == "local":
        model = (
            "local, the embedded model server on 127.0.0.1 (started if a selected scenario "
            f"calls the model; scenarios ask for {target.model!r})"
        )
    else:
        state = (
            "OPENAI_API_KEY accepted, model listed" if checked else "not checked: --collect-only"
        )
        model = f"{target.llm_target}, {target.llm_url}: {target.answering_model} ({state})"
    results = config.getoption("--alluredir", None)
    where = (
        f"Allure results in {_short(Path(config.invocation_params.dir, results))}"
        if results
        else "no Allure results (no --alluredir)"
    )
    return [
        f"HoneyHive: {hh}",
        f"model:     {model}",
        f"reports:   {where}; server logs in {_short(runtime.RUN_DIR)}",
    ]


def started_line(run: Run, new: set[str], seconds: float) -> str:
    if not run.started.services:
        return "started:   nothing (no selected scenario needs a local service)"
    parts = []
    for name in sorted(new):
        url = run.started.services[name].url
        if name == runtime.MODEL:
            parts.append(f"{name} at {url}, answering as {run.started.served_model}")
        else:
            parts.append(f"{name} at {url}")
    return f"started:   {'; '.join(parts)} ({seconds:.1f} s)"


def _short(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def _say(config: pytest.Config, line: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
