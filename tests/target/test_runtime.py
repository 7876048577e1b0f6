"""The run's services, decided and published without starting anything real: the config says
which local services exist, the selected scenarios which are needed, and workers find what the
controller started through the run folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from emulator.process import PACKAGE_ROOT as SERVICES_ROOT
from support.target import runtime
from support.target.config import PROJECT_ROOT, load_config

PUBLISHED = [
    *runtime.PUBLISHED,
    "OPENAI_BASE_URL",
    "OPENAI_API_KEY",
    runtime.RUN_DIR_ENV,
    runtime.SERVICES_ENV,
]


class FakeService:
    def __init__(self, name: str) -> None:
        self.name, self.url, self.stopped = name, "", False

    def start(self, timeout: float = 60) -> str:
        self.url = f"http://127.0.0.1:9/{self.name}"
        return self.url

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    made: list[str] = []

    def make(name: str) -> FakeService:
        made.append(name)
        return FakeService(name)

    monkeypatch.setattr(runtime, "honeyhive_emulator", lambda *a, **k: make("hh"))
    monkeypatch.setattr(runtime, "llm_server", lambda *a, **k: make("llm"))
    monkeypatch.setattr(runtime, "served_model", lambda url: "served-model")
    for name in PUBLISHED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACCEPTANCE_WARM", "0")  # the run's own services (warm: test_warm.py)
    monkeypatch.setenv(runtime.SERVICES_ENV, str(tmp_path / "exchange" / "services.json"))
    (tmp_path / "exchange").mkdir()
    return made


def test_the_run_folder_belongs_to_the_project_not_the_working_directory() -> None:
    assert PROJECT_ROOT == SERVICES_ROOT == Path(__file__).resolve().parents[2]
    if not os.environ.get(runtime.RUN_DIR_ENV):
        assert runtime.RUN_DIR == PROJECT_ROOT / "reports" / "run"


def test_only_the_needed_services_start(fakes: list[str], tmp_path: Path) -> None:
    started = runtime.Started()
    runtime.start_services(load_config({}, None), {runtime.HONEYHIVE}, started, tmp_path)
    assert fakes == ["hh"] and set(started.services) == {runtime.HONEYHIVE}
    assert runtime.LLM_URL not in os.environ and started.served_model is None
    # later needs start only what is missing
    runtime.start_services(
        load_config({}, None), {runtime.HONEYHIVE, runtime.MODEL}, started, tmp_path
    )
    assert fakes == ["hh", "llm"] and started.served_model == "served-model"


def test_nothing_needed_starts_nothing(fakes: list[str], tmp_path: Path) -> None:
    started = runtime.Started()
    runtime.start_services(load_config({}, None), set(), started, tmp_path)
    assert fakes == [] and not Path(os.environ[runtime.SERVICES_ENV]).exists()


def test_a_remote_target_never_starts_its_local_stand_in(fakes: list[str], tmp_path: Path) -> None:
    remote = load_config({"HH_API_KEY": "hh_k", "HH_API_URL": "https://hh.example"}, None)
    started = runtime.Started()
    runtime.start_services(remote, {runtime.HONEYHIVE, runtime.MODEL}, started, tmp_path)
    assert fakes == ["llm"]


def test_the_local_model_is_published_for_plain_openai_clients(
    fakes: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-key-that-must-not-be-used")
    runtime.start_services(load_config({}, None), {runtime.MODEL}, runtime.Started(), tmp_path)
    assert os.environ["OPENAI_BASE_URL"] == "http://127.0.0.1:9/llm/v1"
    assert os.environ["OPENAI_API_KEY"].startswith("sk-local-")
    services = Path(os.environ[runtime.SERVICES_ENV])
    assert json.loads(services.read_text())[runtime.LLM_URL] == "http://127.0.0.1:9/llm"
    assert services.stat().st_mode & 0o077 == 0
    assert not list(tmp_path.glob("*.json")), "nothing secret in the run folder"


def test_prepare_clears_a_shell_openai_key_in_local_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in PUBLISHED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-shell")
    monkeypatch.setenv(runtime.HH_URL, "http://127.0.0.1:9/stale")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "old.log").write_text("an earlier run")
    config = load_config({"OPENAI_API_KEY": "sk-from-the-shell"}, None)
    exchange = runtime.prepare(config, tmp_path / "run")
    assert "OPENAI_API_KEY" not in os.environ and runtime.HH_URL not in os.environ
    assert list((tmp_path / "run").iterdir()) == []
    assert os.environ[runtime.RUN_DIR_ENV] == str(tmp_path / "run")
    assert os.environ[runtime.SERVICES_ENV] == str(exchange / "services.json")
    assert exchange.stat().st_mode & 0o077 == 0
    runtime.stop_services(runtime.Started(), exchange)
    assert not exchange.exists()


def test_prepare_exports_the_checked_honeyhive_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (runtime.RUN_DIR_ENV, runtime.SERVICES_ENV, "HH_API_URL"):
        # set first, so the monkeypatch puts each back as it was (unset) after prepare()
        # exported it: a leaked HH_API_URL sends the next test in this process to "remote"
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    config = load_config({"HH_API_KEY": "hh_k", "HH_API_URL": "HTTPS://hh.example/"}, None)
    runtime.stop_services(runtime.Started(), runtime.prepare(config, tmp_path))
    assert os.environ["HH_API_URL"] == "https://hh.example"


def test_prepare_keeps_the_key_when_the_configuration_asks_for_openai(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wanted")
    for name in (runtime.RUN_DIR_ENV, runtime.SERVICES_ENV):
        monkeypatch.delenv(name, raising=False)
    config = load_config({"LLM_BACKEND": "openai", "OPENAI_API_KEY": "sk-wanted"}, None)
    runtime.stop_services(runtime.Started(), runtime.prepare(config, tmp_path))
    assert os.environ["OPENAI_API_KEY"] == "sk-wanted"


def test_a_worker_finds_services_started_after_it_was_spawned(
    fakes: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime.start_services(load_config({}, None), {runtime.HONEYHIVE}, runtime.Started(), tmp_path)
    for name in runtime.PUBLISHED:  # the worker's environment, copied before the start
        monkeypatch.delenv(name, raising=False)
    found = runtime.endpoints(load_config({}, None))
    assert found.hh_url == "http://127.0.0.1:9/hh" and found.llm_url is None


def test_without_the_emulator_the_endpoints_say_how_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in PUBLISHED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(runtime.SERVICES_ENV, str(tmp_path / "missing.json"))
    with pytest.raises(RuntimeError, match="emulator is not running"):
        runtime.endpoints(load_config({}, None))


def test_remote_targets_are_reached_at_the_urls_that_were_checked() -> None:
    """Every SDK and model client gets the validated URL, never its own default."""
    remote = {
        "HH_API_KEY": "hh_k",
        "HH_API_URL": "HTTPS://hh.example/",
        "LLM_BACKEND": "openai",
        "OPENAI_API_KEY": "sk-x",
    }
    found = runtime.endpoints(load_config(remote, None))
    assert (found.hh_url, found.llm_url) == ("https://hh.example", "https://api.openai.com/v1")
    assert found.hh_control is None and found.llm_key == "sk-x"
