"""The run's local services: started by the pytest controller once collection says which ones the
selected scenarios need (the HoneyHive emulator, the model server, both or none), published to
xdist workers, stopped at the end.

Publication: the URLs, tokens and keys go into this process's environment (app code that builds
`openai.OpenAI()` with no arguments reaches the local model) and into a services file in a private
temporary folder (named by ACCEPTANCE_SERVICES_FILE, removed at the end; never under `reports/`,
which is scanned for secrets), which workers read on first use: under xdist the services start
after the workers did. Everything else a run writes goes under the project's `reports/run/` (or
`ACCEPTANCE_RUN_DIR`), wherever pytest was started.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from emulator.honeyhive.control_client import HoneyHiveControl
from emulator.honeyhive.launcher import honeyhive_emulator
from emulator.llm.control_client import ModelControl
from emulator.llm.launcher import llm_server
from emulator.process import Service
from support.readback.polling import ABSENCE_FLOOR, absence_window
from support.report.redaction import register_secrets
from support.target import warm
from support.target.config import PROJECT_ROOT, Config

RUN_DIR_ENV = "ACCEPTANCE_RUN_DIR"
SERVICES_ENV = "ACCEPTANCE_SERVICES_FILE"
RUN_DIR = Path(os.environ.get(RUN_DIR_ENV) or PROJECT_ROOT / "reports" / "run").resolve()
HH_URL, HH_TOKEN = "ACCEPTANCE_HH_URL", "ACCEPTANCE_HH_CONTROL_TOKEN"
LLM_URL, LLM_TOKEN, LLM_KEY = (
    "ACCEPTANCE_LLM_URL",
    "ACCEPTANCE_LLM_CONTROL_TOKEN",
    "ACCEPTANCE_LLM_KEY",
)
PUBLISHED = (HH_URL, HH_TOKEN, LLM_URL, LLM_TOKEN, LLM_KEY)
HONEYHIVE, MODEL = "honeyhive emulator", "model server"  # the local services, by what they are


@dataclass(frozen=True)
class Endpoints:
    hh_url: str
    llm_url: str | None
    hh_control: HoneyHiveControl | None
    llm_control_url: str | None
    llm_control_token: str | None = field(repr=False)
    llm_key: str | None = field(repr=False)

    @property
    def local_backend(self) -> bool:
        return self.hh_control is not None

    @property
    def absence_window(self) -> float:
        """How long after the When's flush to keep looking before calling traced data lost or
        a repeat absent: the SDK's export schedule bounds it from below (polling.ABSENCE_FLOOR,
        1.5 s: a resend one backoff step after the flush); the embedded backend stores an export
        before answering it, so the floor is enough there; HoneyHive ingests through a queue,
        so it gets 6 s. Scaled by the timeout multiplier, never below the floor."""
        return absence_window(ABSENCE_FLOOR if self.local_backend else 6.0)


@dataclass
class Started:
    """The local services of a run, by name (HONEYHIVE, MODEL); the warm ones outlive it."""

    services: dict[str, Service] = field(default_factory=dict)
    served_model: str | None = None
    #: the names of the services that stay up for the next run (``support.target.warm``)
    warm: set[str] = field(default_factory=set)
    #: one line per warm service: reused, or why it was (re)started
    notes: list[str] = field(default_factory=list)

    def urls(self) -> dict[str, str]:
        return {name: service.url for name, service in self.services.items()}


def local_services(config: Config) -> set[str]:
    """The local services this configuration can use at all."""
    wanted = set()
    if config.hh_target == "local":
        wanted.add(HONEYHIVE)
    if config.llm_target == "local":
        wanted.add(MODEL)
    return wanted


def prepare(config: Config, run_dir: Path = RUN_DIR) -> Path:
    """A fresh run folder, a private exchange folder for the workers (returned), and an
    environment in which nothing points anywhere unintended: no service of an earlier run, and
    in local model mode no OpenAI key or URL from the shell."""
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    os.environ[RUN_DIR_ENV] = str(run_dir)
    exchange = Path(tempfile.mkdtemp(prefix="acceptance-run-"))  # mode 0700
    os.environ[SERVICES_ENV] = str(exchange / "services.json")
    for name in PUBLISHED:
        os.environ.pop(name, None)
    if config.llm_target == "local":
        os.environ.pop("OPENAI_API_KEY", None)
        os.environ.pop("OPENAI_BASE_URL", None)
    if config.hh_api_url:
        # an SDK object built without `server_url` (inside the SDK) reads HH_API_URL: it gets the
        # checked URL, even when the setting came from .env, never the SDK's production default
        os.environ["HH_API_URL"] = config.hh_api_url
    return exchange


def start_services(
    config: Config, needed: Iterable[str], started: Started, run_dir: Path = RUN_DIR
) -> None:
    """Start what `needed` names, the target uses and is not running yet; publish it. Warm
    (`support.target.warm`, the default outside CI): a fitting server of an earlier run is
    reused, and what starts stays up after the run."""
    todo = (set(needed) & local_services(config)) - set(started.services)
    if not todo:
        return
    if warm.enabled():
        folder = warm.warm_dir()
        with warm.locked(folder):
            warm.take_lease(folder)
            _start(todo, started, run_dir, folder)
            warm.ensure_watchdog(folder, warm.idle_seconds())
    else:
        _start(todo, started, run_dir, None)


def _new(name: str, log_dir: Path, tokens: dict[str, str]) -> tuple[Service, float]:
    if name == HONEYHIVE:
        tokens.setdefault(HH_TOKEN, secrets.token_urlsafe(24))
        return honeyhive_emulator(log_dir, log_dir / "honeyhive.db", tokens[HH_TOKEN]), 60.0
    tokens.setdefault(LLM_TOKEN, secrets.token_urlsafe(24))
    tokens.setdefault(LLM_KEY, f"sk-local-{secrets.token_hex(16)}")
    return llm_server(log_dir, tokens[LLM_TOKEN], tokens[LLM_KEY]), 120.0


_KIND = {HONEYHIVE: "honeyhive", MODEL: "llm"}
_TOKENS = {HONEYHIVE: (HH_TOKEN,), MODEL: (LLM_TOKEN,)}


def _start(todo: set[str], started: Started, run_dir: Path, folder: Path | None) -> None:
    """Boot what is missing (in parallel), under `folder` if warm, reusing what fits there."""
    wanted: dict[str, tuple[Service, float]] = {}
    reused: dict[str, Service] = {}
    tokens: dict[str, str] = {}
    prints: dict[str, dict[str, object]] = {}
    for name in sorted(todo):
        if folder is None:
            wanted[name] = _new(name, run_dir, tokens)
            continue
        kind = _KIND[name]
        own: dict[str, str] = {}
        service, timeout = _new(name, folder, own)
        now = prints[name] = warm.fingerprint(kind, service.argv, _model_file(name))
        state = folder / f"{kind}.json"
        kept = warm.Kept.read(state)
        reason = kept.problem(now, service.health_path) if kept else "none was running"
        if kept is not None and reason is None:
            service.url = kept.url
            tokens.update(kept.tokens)
            reused[name] = service
            started.notes.append(f"warm:      {name} reused at {kept.url} (pid {kept.pid})")
        else:
            if kept is not None:
                kept.stop()
            state.unlink(missing_ok=True)
            if name == HONEYHIVE:  # a new server starts from an empty store
                for db in folder.glob("honeyhive.db*"):
                    db.unlink()
            tokens.update(own)
            wanted[name] = (service, timeout)
            started.notes.append(f"warm:      {name} starting: {reason}")
        _link_log(service.log_path, run_dir)
    if MODEL in reused:
        # the run's own key (what `openai.OpenAI()` with no arguments sends), on the kept server
        tokens[LLM_KEY] = f"sk-local-{secrets.token_hex(16)}"
        ModelControl(reused[MODEL].url, tokens[LLM_TOKEN]).register_key(tokens[LLM_KEY])
    register_secrets(tokens.values())
    if wanted:
        # both boot at once (each is a Python process importing its stack: ~1 s each on 2 cores)
        with ThreadPoolExecutor(len(wanted)) as pool:
            booting = {n: pool.submit(svc.start, timeout) for n, (svc, timeout) in wanted.items()}
            failures = [e for f in booting.values() if (e := f.exception()) is not None]
        if failures:
            for service, _ in wanted.values():
                service.stop()
            raise failures[0]
    if folder is not None:
        for name, (service, _) in wanted.items():
            assert service.process is not None
            pid = service.process.pid
            warm.Kept(
                name,
                pid,
                warm.process_started(pid) or "",
                service.url,
                {k: tokens[k] for k in _TOKENS[name]},
                prints[name],
            ).write(folder / f"{_KIND[name]}.json")
        started.warm.update([*wanted, *reused])
    services = {name: service for name, (service, _) in wanted.items()} | reused
    started.services.update(services)
    published = dict(tokens)
    if HONEYHIVE in services:
        published[HH_URL] = services[HONEYHIVE].url
    if MODEL in services:
        published[LLM_URL] = url = services[MODEL].url
        # app code that builds `openai.OpenAI()` with no arguments reaches the local model,
        # and a real OPENAI_API_KEY in the environment is never sent anywhere
        published["OPENAI_BASE_URL"] = f"{url}/v1"
        published["OPENAI_API_KEY"] = tokens[LLM_KEY]
        started.served_model = served_model(url)
    publish(published)


def _model_file(name: str) -> Path | None:
    if name != MODEL:
        return None
    from emulator.llm.llama.server import find_model_path

    try:
        return find_model_path()
    except RuntimeError:
        return None


def _link_log(log: Path, run_dir: Path) -> None:
    """The warm server's log, seen from the run folder (server errors, step-failure tails)."""
    link = run_dir / log.name
    run_dir.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink() and not link.exists():
        link.symlink_to(log)


def served_model(url: str) -> str:
    """The model the local server actually runs (its health probe names it)."""
    try:
        model = httpx.get(f"{url}/_control/health", timeout=5.0).json().get("model")
    except (httpx.HTTPError, ValueError, AttributeError):
        model = None
    return model if isinstance(model, str) and model else "unknown (the server did not say)"


def publish(values: dict[str, str]) -> None:
    """Into this process's environment and the services file (for workers), if there is one."""
    os.environ.update(values)
    if not os.environ.get(SERVICES_ENV):
        return
    path = Path(os.environ[SERVICES_ENV])
    known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    known.update(values)
    scratch = path.with_suffix(".tmp")
    scratch.touch(mode=0o600)
    scratch.write_text(json.dumps(known), encoding="utf-8")
    scratch.replace(path)


def read_published() -> None:
    """A worker's view of what the controller started after the worker itself was spawned."""
    name = os.environ.get(SERVICES_ENV)
    if name and Path(name).is_file():
        for key, value in json.loads(Path(name).read_text(encoding="utf-8")).items():
            os.environ.setdefault(key, value)


def stop_services(started: Started, exchange: Path | None = None) -> None:
    """The run's own services stop; warm ones stay up for the next run (the lease ends)."""
    for name, service in reversed(list(started.services.items())):
        if name not in started.warm:
            service.stop()
    if warm.enabled():
        warm.release_lease(warm.warm_dir())
    if exchange is not None:
        shutil.rmtree(exchange, ignore_errors=True)


def endpoints(config: Config) -> Endpoints:
    """What this process talks to (a worker reads what the controller published)."""
    env = os.environ
    if not (env.get(HH_URL) and env.get(LLM_URL)):
        read_published()
    register_secrets(env.get(k) for k in (HH_TOKEN, LLM_TOKEN, LLM_KEY))
    if config.hh_target == "remote":
        assert config.hh_api_url is not None
        hh_url, hh_control = config.hh_api_url, None
    else:
        if not env.get(HH_URL):
            raise RuntimeError(
                "the embedded HoneyHive emulator is not running: run the features through "
                "pytest (the suite's conftest.py starts it), e.g. `make acceptance`"
            )
        hh_url, hh_control = env[HH_URL], HoneyHiveControl(env[HH_URL], env[HH_TOKEN])
    llm_url = env.get(LLM_URL) if config.llm_target == "local" else config.llm_url
    return Endpoints(
        hh_url=hh_url,
        llm_url=f"{llm_url}/v1" if config.llm_target == "local" and llm_url else llm_url,
        hh_control=hh_control,
        llm_control_url=env.get(LLM_URL) if config.llm_target == "local" else None,
        llm_control_token=env.get(LLM_TOKEN),
        llm_key=env.get(LLM_KEY) if config.llm_target == "local" else config.openai_api_key,
    )


def service_logs(run_dir: Path = RUN_DIR) -> dict[str, Path]:
    return {p.stem: p for p in sorted(run_dir.glob("*.log"))}
