"""Run HoneyHive's own framework integration tests offline, against both emulators.

    python -m tools.sdk_itests [--file NAME ...] [--installed-sdk] CHECKOUT [pytest args]

CHECKOUT is a checkout of HoneyHive's public Python SDK repository (any folder holding its
``pytest.ini`` and ``tests/integration/``). The tool starts the HoneyHive emulator (a tenant added
through its control plane) and the model server (a key registered through its control plane),
both on 127.0.0.1 port 0, then runs each named file of ``tests/integration/`` (by default the
LangChain, LangGraph, OpenAI Agents and Anthropic ones) with this venv's pytest in a subprocess,
in CHECKOUT, one file at a time, prints each file's result line, and stops the servers.

The subprocess sees ``HH_API_KEY`` / ``HH_API_URL`` / ``HH_PROJECT`` of the tenant,
``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` and ``ANTHROPIC_BASE_URL`` / ``ANTHROPIC_API_KEY`` of the
model server, no other provider's or HoneyHive's variable of the caller, and a proxy that refuses
every connection for any host but 127.0.0.1 / localhost: nothing else is reachable through a
client that honours the proxy variables. OpenAI Agents' own trace exporter is off
(``OPENAI_AGENTS_DISABLE_TRACING``), LiteLLM reads its bundled cost map.

The checkout's ``pytest.ini`` puts its own ``src`` first on the path, so by default the tests run
the SDK of the checkout; ``--installed-sdk`` clears that (``-o pythonpath=``) to run them against
the honeyhive installed in this venv. Their async tests need pytest-asyncio: the event loop is one
per session (with one per test, LangGraph's second async test fails with "Event loop is closed").

Exit status: 0 when every file passed (or only skipped), 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from emulator.honeyhive.control_client import HoneyHiveControl
from emulator.honeyhive.launcher import honeyhive_emulator
from emulator.llm.launcher import llm_server

#: the four framework files of issue 23 (under ``tests/integration/`` of the SDK repository)
DEFAULT_FILES: tuple[str, ...] = (
    "test_langchain_integration.py",
    "test_langgraph_integration.py",
    "test_openai_agents_integration.py",
    "test_anthropic_integration.py",
)
#: the caller's variables of these families never reach the tests: only the ones built here
DROPPED_PREFIXES: tuple[str, ...] = (
    "HH_",
    "HONEYHIVE_",
    "OPENAI_",
    "ANTHROPIC_",
    "LITELLM_",
    "TRACELOOP_",
    "OTEL_",
    "AZURE_",
    "AWS_",
    "GOOGLE_",
    "GEMINI_",
    "MISTRAL_",
    "COHERE_",
    "GROQ_",
)
PROXY_VARIABLES: tuple[str, ...] = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
#: a proxy nobody listens on (the discard port of the loopback): a connection to any host not in
#: NO_PROXY is refused at once instead of leaving the machine
REFUSING_PROXY = "http://127.0.0.1:9"
LOCAL_HOSTS = "127.0.0.1,localhost"
#: pytest options every run gets: one event loop per session (see the module docstring)
BASE_PYTEST_ARGS: tuple[str, ...] = (
    "-p",
    "no:cacheprovider",
    "-o",
    "asyncio_default_test_loop_scope=session",
    "-o",
    "asyncio_default_fixture_loop_scope=session",
)
RESULT_LINE = re.compile(r"^=*\s*(?P<summary>\d+ [a-z]+.* in [\d.]+s\b.*?)\s*=*$")


@dataclass(frozen=True)
class Endpoints:
    """Where the two servers listen and the credentials the tests use on them."""

    honeyhive_url: str
    honeyhive_api_key: str
    project: str
    llm_url: str
    llm_api_key: str


def is_dropped(name: str) -> bool:
    upper = name.upper()
    return upper.startswith(DROPPED_PREFIXES) or upper in PROXY_VARIABLES or upper == "NO_PROXY"


def build_env(base: Mapping[str, str], endpoints: Endpoints) -> dict[str, str]:
    """The subprocess environment: ``base`` without any variable of a provider, of HoneyHive or
    of a proxy, plus the variables pointing every client at the two local servers."""
    env = {name: value for name, value in base.items() if not is_dropped(name)}
    llm = endpoints.llm_url.rstrip("/")
    env.update(
        {
            "HH_API_KEY": endpoints.honeyhive_api_key,
            "HH_API_URL": endpoints.honeyhive_url.rstrip("/"),
            "HH_PROJECT": endpoints.project,
            # the OpenAI client appends /chat/completions, /responses, ... to a URL ending in /v1
            "OPENAI_BASE_URL": f"{llm}/v1",
            "OPENAI_API_KEY": endpoints.llm_api_key,
            # the Anthropic client appends /v1/messages itself
            "ANTHROPIC_BASE_URL": llm,
            "ANTHROPIC_API_KEY": endpoints.llm_api_key,
            "OPENAI_AGENTS_DISABLE_TRACING": "1",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "TRACELOOP_TELEMETRY": "false",
            "NO_PROXY": LOCAL_HOSTS,
            "no_proxy": LOCAL_HOSTS,
        }
    )
    for name in PROXY_VARIABLES:
        env[name] = REFUSING_PROXY
        env[name.lower()] = REFUSING_PROXY
    return env


def pytest_command(
    python: str, test_file: str, extra: Sequence[str], *, installed_sdk: bool
) -> list[str]:
    """The pytest command line for one file of ``tests/integration/`` (run in the checkout)."""
    command = [python, "-m", "pytest", f"tests/integration/{test_file}", *BASE_PYTEST_ARGS]
    if installed_sdk:
        command += ["-o", "pythonpath="]
    return [*command, *extra]


def result_line(output: str) -> str:
    """pytest's closing summary (``3 passed, 1 failed in 12.34s``), or a note when none."""
    for line in reversed(output.splitlines()):
        match = RESULT_LINE.match(line.strip())
        if match:
            return match.group("summary")
    return "no pytest result line (see the log)"


def run(checkout: Path, files: Sequence[str], extra: Sequence[str], installed_sdk: bool) -> int:
    log_dir = Path(tempfile.mkdtemp(prefix="sdk-itests-"))
    hh_token = secrets.token_urlsafe(16)
    honeyhive = honeyhive_emulator(log_dir, ":memory:", hh_token)
    llm = llm_server(log_dir, secrets.token_urlsafe(16))
    failed = False
    try:
        honeyhive.start()
        llm.start(timeout=180.0)
        hh_key = f"hh-key-{secrets.token_hex(12)}"
        project = f"sdk-itests-{secrets.token_hex(4)}"
        HoneyHiveControl(honeyhive.url, hh_token).add_tenant(hh_key, project)
        endpoints = Endpoints(honeyhive.url, hh_key, project, llm.url, llm.control().new_key())
        env = build_env(os.environ, endpoints)
        print(f"honeyhive emulator {honeyhive.url}, model server {llm.url}, logs in {log_dir}")
        for test_file in files:
            command = pytest_command(sys.executable, test_file, extra, installed_sdk=installed_sdk)
            completed = subprocess.run(
                command,
                cwd=checkout,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                check=False,
            )
            log = log_dir / f"{Path(test_file).stem}.log"
            log.write_text(completed.stdout, encoding="utf-8")
            # 5: no test collected (every one deselected by the caller's -k, say)
            failed = failed or completed.returncode not in (0, 5)
            print(f"{test_file}: {result_line(completed.stdout)}  [{log}]", flush=True)
    finally:
        llm.stop()
        honeyhive.stop()
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.sdk_itests", description=__doc__.split("\n\n")[0] if __doc__ else ""
    )
    parser.add_argument(
        "--file",
        action="append",
        dest="files",
        help="a file of tests/integration/ (repeatable; default: the four framework files)",
    )
    parser.add_argument(
        "--installed-sdk",
        action="store_true",
        help="run against this venv's honeyhive instead of the checkout's src/",
    )
    parser.add_argument("checkout", type=Path, help="a checkout of the SDK repository")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    args = parser.parse_args(argv)
    checkout: Path = args.checkout.resolve()
    if not (checkout / "tests" / "integration").is_dir():
        parser.error(f"{checkout} has no tests/integration/")
    files: list[str] = args.files or list(DEFAULT_FILES)
    return run(checkout, files, args.pytest_args, args.installed_sdk)


if __name__ == "__main__":
    sys.exit(main())
