"""The run's services: started once by the pytest controller (also under xdist), published to
workers through environment variables, stopped at the end."""

from __future__ import annotations

import os
import secrets
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from emulator.honeyhive.control_client import HoneyHiveControl
from emulator.honeyhive.launcher import honeyhive_emulator
from emulator.llm.launcher import llm_server
from emulator.process import Service

from .config import Config
from .redaction import register_secrets

RUN_DIR = Path("reports/run")
HH_URL, HH_TOKEN = "ACCEPTANCE_HH_URL", "ACCEPTANCE_HH_CONTROL_TOKEN"
LLM_URL, LLM_TOKEN, LLM_KEY = (
    "ACCEPTANCE_LLM_URL",
    "ACCEPTANCE_LLM_CONTROL_TOKEN",
    "ACCEPTANCE_LLM_KEY",
)


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
        """How long to keep looking before calling traced data lost. The embedded backend stores
        an export before answering it (flush to readable: p99 5.5 ms, `make bench`), so 1.5 s
        is a wide margin; HoneyHive ingests through a queue, so it gets 6 s."""
        return 1.5 if self.local_backend else 6.0


def start_services(config: Config, run_dir: Path = RUN_DIR) -> list[Service]:
    """Start what the target needs on loopback; publish URLs and tokens for workers."""
    if run_dir.exists():
        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True)
    hh_token, llm_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    llm_key = f"sk-local-{secrets.token_hex(16)}"
    wanted: dict[str, tuple[Service, float]] = {}
    if config.hh_target == "local":
        wanted[HH_URL] = (honeyhive_emulator(run_dir, run_dir / "honeyhive.db", hh_token), 60.0)
    if config.llm_target == "local":
        wanted[LLM_URL] = (llm_server(run_dir, llm_token, llm_key), 120.0)
    # both boot at once (each is a Python process importing its stack: ~1 s each on 2 cores)
    with ThreadPoolExecutor(max(1, len(wanted))) as pool:
        booting = {name: pool.submit(svc.start, timeout) for name, (svc, timeout) in wanted.items()}
        failures = [e for f in booting.values() if (e := f.exception()) is not None]
    started = [svc for svc, _ in wanted.values()]
    if failures:
        stop_services(started)
        raise failures[0]
    if HH_URL in booting:
        os.environ[HH_URL], os.environ[HH_TOKEN] = booting[HH_URL].result(), hh_token
    if LLM_URL in booting:
        os.environ[LLM_URL], os.environ[LLM_TOKEN], os.environ[LLM_KEY] = (
            booting[LLM_URL].result(),
            llm_token,
            llm_key,
        )
        # app code that builds `openai.OpenAI()` with no arguments reaches the local model,
        # and a real OPENAI_API_KEY in the environment is never sent anywhere
        os.environ["OPENAI_BASE_URL"] = f"{os.environ[LLM_URL]}/v1"
        os.environ["OPENAI_API_KEY"] = llm_key
    register_secrets(os.environ.get(k) for k in (HH_TOKEN, LLM_TOKEN, LLM_KEY))
    return started


def stop_services(services: list[Service]) -> None:
    for service in reversed(services):
        service.stop()


def endpoints(config: Config) -> Endpoints:
    """What this process talks to (a worker reads what the controller published)."""
    env = os.environ
    register_secrets(env.get(k) for k in (HH_TOKEN, LLM_TOKEN, LLM_KEY))
    if config.hh_target == "remote":
        assert config.hh_api_url is not None
        hh_url, hh_control = config.hh_api_url, None
    else:
        if not env.get(HH_URL):
            raise RuntimeError(
                "the embedded HoneyHive emulator is not running: run the features through "
                "pytest from the project root (conftest.py starts it), e.g. `make acceptance`"
            )
        hh_url, hh_control = env[HH_URL], HoneyHiveControl(env[HH_URL], env[HH_TOKEN])
    llm_url = env.get(LLM_URL) if config.llm_target == "local" else config.openai_base_url
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
