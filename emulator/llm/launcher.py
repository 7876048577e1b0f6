"""The model server (``python -m emulator.llm``) as a child process: one factory used by the
suite (``support/runtime.py``), the tests and the benchmark, on top of
``emulator.process.Service`` (127.0.0.1, port 0, ready line + health probe + deadline; stop =
terminate, wait, kill; stderr and the request log to ``<log_dir>/<name>.log``)::

    server = llm_server(log_dir, token)   # token None: the server makes one and prints it
    server.start()
    control = server.control()
    key = control.new_key()
    ...                                   # openai.OpenAI(base_url=server.openai_base_url, ...)
    server.stop()

The control token and the API keys travel in the environment, never on the command line: a
token that starts with "-" would be read as an option, and argv is visible to every local user.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from emulator.llm.control_client import ModelControl
from emulator.llm.settings import ENV_API_KEYS, ENV_CONTROL_TOKEN
from emulator.process import Service

#: the second stdout line when the server generated its control token
TOKEN_LINE = "control token: "
#: inherited variables the child must not see: it gets exactly the token and keys given here
ENV_PREFIX = "LLM_EMULATOR_"


@dataclass
class LlmServer(Service):
    """A model server process: its OpenAI URL, its control token, its control client."""

    given_token: str | None = field(default=None, repr=False)

    @property
    def control_token(self) -> str:
        """The token given to the factory, or the one the server generated and printed."""
        return self.given_token or self.announced(TOKEN_LINE)

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    def control(self) -> ModelControl:
        return ModelControl(self.url, self.control_token)


def llm_server(
    log_dir: Path,
    control_token: str | None = None,
    *api_keys: str,
    args: Sequence[str] = (),
    name: str = "llm",
) -> LlmServer:
    """An unstarted model server accepting ``api_keys`` (more can be registered later through
    its control plane); ``args`` are more command-line options (``--threads 1``, ...)."""
    env: dict[str, str] = {}
    if control_token is not None:
        env[ENV_CONTROL_TOKEN] = control_token
    if api_keys:
        if any("," in key or not key.strip() for key in api_keys):
            raise ValueError("an API key must be non-empty and hold no comma")
        env[ENV_API_KEYS] = ",".join(api_keys)
    return LlmServer(
        name=name,
        argv=["-m", "emulator.llm", "--host", "127.0.0.1", "--port", "0", *args],
        log_path=log_dir / f"{name}.log",
        env=env,
        drop_env=(ENV_PREFIX,),
        given_token=control_token,
    )
