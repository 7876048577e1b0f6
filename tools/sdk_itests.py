"""Run HoneyHive's own framework integration tests offline, against both emulators.

    python -m tools.sdk_itests [--file NAME ...] [--checkout-sdk] [--scripts FILE]
                               CHECKOUT [pytest args]

CHECKOUT is a checkout of HoneyHive's public Python SDK repository (any folder holding its
``pytest.ini`` and ``tests/integration/``). The tool starts the HoneyHive emulator (a tenant added
through its control plane) and the model server (a key registered through its control plane),
both on 127.0.0.1 port 0, then runs each named file of ``tests/integration/`` (by default the
LangChain, LangGraph, OpenAI Agents and Anthropic ones) with this venv's pytest in a subprocess,
in CHECKOUT, one file at a time, prints each file's result line, and stops the servers.

The subprocess sees ``HH_API_KEY`` / ``HH_API_URL`` / ``HH_PROJECT`` of the tenant,
``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` and ``ANTHROPIC_BASE_URL`` / ``ANTHROPIC_API_KEY`` of the
model server, no other provider's or HoneyHive's variable of the caller, and, for any host but
127.0.0.1 / localhost, a proxy of the tool's own that answers every request 403 and records its
first line: nothing else is reachable through a client that honours the proxy variables, and the
run ends with the outside hosts that were tried ("none" when the run was offline on its own).
OpenAI Agents' own trace exporter is off (``OPENAI_AGENTS_DISABLE_TRACING``), LiteLLM reads its
bundled cost map.

The tests run against the honeyhive installed in this venv (the SDK the project tests): the
checkout's ``pytest.ini`` would put its own ``src`` first on the path, and the tool clears that
(``-o pythonpath=``); ``--checkout-sdk`` keeps it, to run the checkout's SDK instead (SDK 1.5.1's
test harness then hits its own ``set_global_provider`` recursion at the first import that asks
OpenTelemetry for a tracer, fixed in 1.7.0). The event loop of their async tests is one per
session (with one per test, LangGraph's second async test fails with "Event loop is closed").

Two packages the tests need are not in this project's venv: pytest-asyncio (their async tests)
and ``langchain`` (their LangChain tests ``importorskip`` it, though they use only
langchain-core and langchain-openai). The tool warns when either is missing; installed beside the
venv they reach the tests through ``PYTHONPATH``, which is passed on::

    .venv/bin/python -m pip install --target /tmp/sdk-itests-site --no-deps \
        pytest-asyncio==1.5.0 langchain==1.5.2
    PYTHONPATH=/tmp/sdk-itests-site .venv/bin/python -m tools.sdk_itests /tmp/python-sdk

``--scripts FILE`` (a JSON list of the model server's control-plane scripts: ``reply``, ``match``,
``tool_calls``, ``count``, registered in order for the run's key) answers the matching prompts
with fixed replies instead of SmolLM2-135M: a test that fails on the model's words passes with
them when every other part (the routes, the tool-call shapes, the traces, the events read back)
is right. ``tools/sdk_itests_scripts.json`` holds the replies the OpenAI Agents tests expect.

Exit status: 0 when every file passed (or only skipped), 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import secrets
import socketserver
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.honeyhive.control_client import HoneyHiveControl
from emulator.honeyhive.launcher import honeyhive_emulator
from emulator.llm.launcher import LlmServer, llm_server
from emulator.process import Service

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
#: the proxy when none is given: nobody listens on the loopback's discard port, so a connection
#: to any host not in NO_PROXY is refused at once instead of leaving the machine
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


def build_env(
    base: Mapping[str, str], endpoints: Endpoints, proxy: str = REFUSING_PROXY
) -> dict[str, str]:
    """The subprocess environment: ``base`` without any variable of a provider, of HoneyHive or
    of a proxy, plus the variables pointing every client at the two local servers, and
    ``proxy`` for every other host."""
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
        env[name] = proxy
        env[name.lower()] = proxy
    return env


def pytest_command(
    python: str, test_file: str, extra: Sequence[str], *, checkout_sdk: bool = False
) -> list[str]:
    """The pytest command line for one file of ``tests/integration/`` (run in the checkout)."""
    command = [python, "-m", "pytest", f"tests/integration/{test_file}", *BASE_PYTEST_ARGS]
    if not checkout_sdk:
        command += ["-o", "pythonpath="]
    return [*command, *extra]


def result_line(output: str) -> str:
    """pytest's closing summary (``3 passed, 1 failed in 12.34s``), or a note when none."""
    for line in reversed(output.splitlines()):
        match = RESULT_LINE.match(line.strip())
        if match:
            return match.group("summary")
    return "no pytest result line (see the log)"


class RefusingProxy:
    """A proxy on 127.0.0.1 that answers every request 403 and keeps its first line
    (``CONNECT api.openai.com:443 HTTP/1.1``): what the tests tried to reach outside."""

    def __init__(self) -> None:
        self.tried: list[str] = []
        tried = self.tried

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                line = self.rfile.readline(4096).decode("latin-1").strip()
                if line:
                    tried.append(line)
                self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> RefusingProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def load_scripts(path: Path) -> list[dict[str, Any]]:
    """The scripts of ``path``: a JSON list of objects with a ``reply`` or ``tool_calls``."""
    scripts = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(scripts, list) or not all(
        isinstance(s, dict) and ("reply" in s or "tool_calls" in s) for s in scripts
    ):
        raise ValueError(f"{path}: expected a list of objects, each with reply or tool_calls")
    return scripts


@dataclass(frozen=True)
class Options:
    """What one run does: the files, the extra pytest arguments, which SDK, which scripts."""

    checkout: Path
    files: Sequence[str] = DEFAULT_FILES
    pytest_args: Sequence[str] = ()
    checkout_sdk: bool = False
    scripts: Sequence[dict[str, Any]] = ()


#: modules the tests need that this project's venv does not hold (see the module docstring)
NEEDED_MODULES: tuple[str, ...] = ("pytest_asyncio", "langchain")


def missing_modules() -> list[str]:
    return [name for name in NEEDED_MODULES if importlib.util.find_spec(name) is None]


def run(options: Options) -> int:
    """Both servers and the proxy up, each file run, everything stopped; the exit status."""
    for name in missing_modules():
        print(f"warning: {name} is not importable: tests that need it will fail or skip")
    log_dir = Path(tempfile.mkdtemp(prefix="sdk-itests-"))
    hh_token = secrets.token_urlsafe(16)
    honeyhive = honeyhive_emulator(log_dir, ":memory:", hh_token)
    llm = llm_server(log_dir, secrets.token_urlsafe(16))
    with RefusingProxy() as proxy:
        try:
            honeyhive.start()
            llm.start(timeout=180.0)
            endpoints = _endpoints(honeyhive, hh_token, llm, options.scripts)
            print(f"honeyhive emulator {honeyhive.url}, model server {llm.url}, logs in {log_dir}")
            if options.scripts:
                print(f"{len(options.scripts)} scripted replies stand in for the model")
            env = build_env(os.environ, endpoints, proxy.url)
            failed = [f for f in options.files if not _run_file(options, f, env, log_dir)]
        finally:
            llm.stop()
            honeyhive.stop()
        outside = sorted(set(proxy.tried))
    print("outside hosts tried: " + (", ".join(outside) if outside else "none"))
    return 1 if failed else 0


def _endpoints(
    honeyhive: Service, hh_token: str, llm: LlmServer, scripts: Sequence[dict[str, Any]]
) -> Endpoints:
    """A tenant on the emulator and a key on the model server (with its scripts)."""
    hh_key = f"hh-key-{secrets.token_hex(12)}"
    project = f"sdk-itests-{secrets.token_hex(4)}"
    HoneyHiveControl(honeyhive.url, hh_token).add_tenant(hh_key, project)
    model = llm.control()
    llm_key = model.new_key()
    for script in scripts:
        model.script(
            llm_key,
            script.get("reply"),
            match=script.get("match"),
            tool_calls=script.get("tool_calls"),
            count=script.get("count"),
        )
    return Endpoints(honeyhive.url, hh_key, project, llm.url, llm_key)


def _run_file(options: Options, test_file: str, env: dict[str, str], log_dir: Path) -> bool:
    """One file in its own pytest; True when it passed (or every test skipped or deselected)."""
    command = pytest_command(
        sys.executable, test_file, options.pytest_args, checkout_sdk=options.checkout_sdk
    )
    completed = subprocess.run(
        command,
        cwd=options.checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    log = log_dir / f"{Path(test_file).stem}.log"
    log.write_text(completed.stdout, encoding="utf-8")
    print(f"{test_file}: {result_line(completed.stdout)}  [{log}]", flush=True)
    # 5: no test collected (every one deselected by the caller's -k, say)
    return completed.returncode in (0, 5)


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
        "--checkout-sdk",
        action="store_true",
        help="run against the checkout's src/ instead of this venv's honeyhive",
    )
    parser.add_argument(
        "--scripts",
        type=Path,
        help="a JSON list of model-server scripts (reply/match/tool_calls/count) for the run",
    )
    parser.add_argument("checkout", type=Path, help="a checkout of the SDK repository")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    args = parser.parse_args(argv)
    checkout: Path = args.checkout.resolve()
    if not (checkout / "tests" / "integration").is_dir():
        parser.error(f"{checkout} has no tests/integration/")
    return run(
        Options(
            checkout=checkout,
            files=args.files or DEFAULT_FILES,
            pytest_args=args.pytest_args,
            checkout_sdk=args.checkout_sdk,
            scripts=load_scripts(args.scripts) if args.scripts else (),
        )
    )


if __name__ == "__main__":
    sys.exit(main())
