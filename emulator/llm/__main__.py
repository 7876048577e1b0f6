"""``python -m emulator.llm``: the OpenAI-compatible front on a loopback port.

The first stdout line is ``listening on http://127.0.0.1:PORT`` once the model is loaded and
the socket accepts requests; when no control token was given, the second is
``control token: ...``.

Start-up is the model load plus the imports of the web stack and the ``openai`` types (about
half of it): the command line is read before them, so a bad option or ``--help`` answers at
once, and the garbage collector is off while they run (the objects they create live as long as
the process: collecting them is wasted work, ~15% of the imports' CPU).
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import logging
import os
import secrets
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from emulator.llm.settings import (
    DEFAULT_CHAT_MODELS,
    DEFAULT_EMBEDDING_MODELS,
    ENV_API_KEYS,
    ENV_CONTROL_TOKEN,
    LlamaSettings,
    Settings,
)

if TYPE_CHECKING:
    import uvicorn

LOGGER = logging.getLogger("emulator.llm")


def _names(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))
    if not names:
        raise argparse.ArgumentTypeError("expected a comma-separated list of names")
    return names


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m emulator.llm",
        description="OpenAI-compatible HTTP front for SmolLM2-135M-Instruct (llama.cpp).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--control-token", help=f"control-plane token (or ${ENV_CONTROL_TOKEN})")
    parser.add_argument("--log-file", type=Path, help="request log (default: stderr)")
    parser.add_argument(
        "--api-key",
        action="append",
        default=[],
        help=f"accepted API key; repeatable (also ${ENV_API_KEYS}, comma-separated)",
    )
    parser.add_argument(
        "--models",
        type=_names,
        default=DEFAULT_CHAT_MODELS,
        help="accepted chat model names, comma-separated",
    )
    parser.add_argument(
        "--embedding-models",
        type=_names,
        default=DEFAULT_EMBEDDING_MODELS,
        help="accepted embedding model names, comma-separated",
    )
    parser.add_argument("--context-window", type=int, default=8192, help="tokens per request")
    parser.add_argument(
        "--default-max-tokens",
        type=int,
        default=512,
        help="generation cap when a request sets no max_tokens (0: up to the context window)",
    )
    parser.add_argument("--parallel", type=int, default=4, help="requests decoded at once")
    parser.add_argument("--threads", type=int, default=-1, help="CPU threads (-1: automatic)")
    parser.add_argument(
        "--llama-verbosity", type=int, default=1, help="llama.cpp log level (1: errors)"
    )
    args = parser.parse_args(argv)
    if not _is_loopback(args.host):
        parser.error(
            f"--host {args.host} is not a loopback address: the emulator only binds "
            "127.0.0.1, ::1 or localhost"
        )
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.context_window < 256 or args.parallel < 1:
        parser.error("--context-window must be >= 256 and --parallel >= 1")
    return args


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    """Bind now and hand the socket to uvicorn: no bind-close-rebind race for port 0."""
    address = "127.0.0.1" if host == "localhost" else host
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, port))
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def no_key_notice(api_keys: frozenset[str]) -> str | None:
    """What the log says at start when no API key is accepted yet (None when one is)."""
    if api_keys:
        return None
    return (
        "no API key is accepted yet: every /v1 request gets 401 until one is added with "
        f"--api-key KEY (repeatable), ${ENV_API_KEYS} (comma-separated) or "
        'POST /_control/keys {"api_key": KEY}'
    )


def _configure_logging(log_file: Path | None) -> None:
    from emulator.llm.access_log import HideDeliberateCuts

    handler: logging.Handler
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("emulator.llm").setLevel(logging.INFO)
    uvicorn_error = logging.getLogger("uvicorn.error")
    uvicorn_error.setLevel(logging.WARNING)
    uvicorn_error.addFilter(HideDeliberateCuts())


def _announcing_server(config: uvicorn.Config, on_ready: Callable[[], None]) -> uvicorn.Server:
    """A uvicorn server that calls ``on_ready`` once it serves on the socket."""
    import uvicorn

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:
                on_ready()

    return AnnouncingServer(config)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    gc.disable()  # until everything that lives as long as the process is loaded (see above)
    _configure_logging(args.log_file)

    token = args.control_token or os.environ.get(ENV_CONTROL_TOKEN) or ""
    generated = not token
    if generated:
        token = secrets.token_urlsafe(24)
    env_keys = [k.strip() for k in os.environ.get(ENV_API_KEYS, "").split(",") if k.strip()]
    settings = Settings(
        control_token=token,
        api_keys=frozenset([*args.api_key, *env_keys]),
        chat_models=args.models,
        embedding_models=args.embedding_models,
        default_max_tokens=max(args.default_max_tokens, 0),
        llama=LlamaSettings(
            parallel=args.parallel,
            context_window=args.context_window,
            threads=args.threads,
            verbosity=args.llama_verbosity,
        ),
    )

    if notice := no_key_notice(settings.api_keys):
        LOGGER.warning(notice)

    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        print(f"error: cannot bind {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    import uvicorn

    from emulator.llm.app import create_app
    from emulator.llm.llama.server import LlamaError, LlamaServer

    llama = LlamaServer(settings.llama)
    try:
        info = llama.start()
    except LlamaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sock.close()
        return 1
    LOGGER.info("model loaded in %.2fs (llama.cpp on %s)", info.load_seconds, info.base_url)

    def ready() -> None:
        # what is loaded now lives as long as the process: out of the collector's sight
        gc.freeze()
        gc.enable()
        lines = [f"listening on {_url(sock)}"]
        if generated:
            lines.append(f"control token: {token}")
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()

    config = uvicorn.Config(
        create_app(settings, info),
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=3,
        timeout_keep_alive=30,
    )
    # uvicorn re-raises the signal that stopped it once it is done; make that a no-op so
    # the model is released below and the exit code is 0.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    try:
        _announcing_server(config, ready).run(sockets=[sock])
    finally:
        llama.stop()
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
