"""`python -m emulator.honeyhive --host 127.0.0.1 --port 0 --db PATH --tenants FILE`

Prints `listening on http://127.0.0.1:PORT` as its first line once it serves requests.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import ipaddress
import logging
import os
import secrets
import socket
import sys
import tempfile
from pathlib import Path

import uvicorn

from .app import Settings, create_app
from .middleware import ServerTransport
from .tenants import TENANTS_ENV, load_tenant_file, parse_tenants

TOKEN_ENV = "HH_EMULATOR_CONTROL_TOKEN"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m emulator.honeyhive", description=__doc__)
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument(
        "--db",
        default=None,
        help="SQLite file, or :memory: (default: a new file in a temporary folder, named at start)",
    )
    p.add_argument("--tenants", help=f'JSON file {{"<api key>": "<project>"}} (or ${TENANTS_ENV})')
    p.add_argument("--ingest-delay", type=float, default=0.0, help="seconds before data shows")
    p.add_argument("--max-body-bytes", type=int, default=16 * 1024 * 1024)
    p.add_argument("--control-token", default=os.environ.get(TOKEN_ENV), help=f"or ${TOKEN_ENV}")
    p.add_argument("--log-file", help="request log destination (default: stderr)")
    return p.parse_args(argv)


# a young generation this large outlives a whole 512-span JSON export (~42k tracked objects,
# freed by reference counting: a decoded document has no cycles), where the default 700 ran
# ~60 young and ~5 middle collections per export (measured: 3.5-6 ms of it, on a loaded machine)
YOUNG_OBJECTS = 200_000


def settle_memory() -> None:
    """Once the server is up: everything loaded so far (FastAPI, pydantic, the SDK's models:
    ~100k objects) lives as long as the process, so it is moved out of the collector's sight
    (a large export no longer pays for rescanning it: ~25% less CPU at 512 spans), and the
    collector runs only after YOUNG_OBJECTS new objects instead of 700."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    host = "127.0.0.1" if args.host == "localhost" else args.host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        print(
            f"error: --host {args.host} is not a loopback address; use 127.0.0.1 (or ::1)",
            file=sys.stderr,
        )
        return 2
    try:
        tenants = dict(parse_tenants(os.environ.get(TENANTS_ENV, "{}"), f"${TENANTS_ENV}"))
        if args.tenants:
            tenants.update(load_tenant_file(args.tenants))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    handler: logging.Handler = (
        logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)

    token = args.control_token or secrets.token_urlsafe(24)
    db = args.db or str(Path(tempfile.mkdtemp(prefix="honeyhive-emulator-")) / "honeyhive.db")
    where = db if db == ":memory:" else str(Path(db).resolve())
    kept = "" if args.db else " (temporary: give --db PATH to keep one)"
    print(f"database: {where}{kept}", file=sys.stderr, flush=True)
    if not tenants:
        print(
            "no tenants yet: every request is refused (401) until an API key is mapped to a "
            f'project: --tenants FILE with {{"<api key>": "<project>"}}, ${TENANTS_ENV} with the '
            'same JSON, or POST /_control/tenants {"api_key": ..., "project": ...} with the '
            "x-control-token header",
            file=sys.stderr,
            flush=True,
        )
    app = create_app(
        Settings(
            db=db,
            tenants=tenants,
            control_token=token,
            ingest_delay=args.ingest_delay,
            max_body_bytes=args.max_body_bytes,
        )
    )
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    # IPPROTO_TCP (not 0) so asyncio sets TCP_NODELAY on every accepted connection: without it
    # a reply's body waits behind its headers for the client's delayed ACK (~40 ms a request)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, args.port))
    except OSError as exc:
        sock.close()
        print(f"error: cannot listen on {host} port {args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    shown = f"[{host}]" if address.version == 6 else host

    config = uvicorn.Config(ServerTransport(app), log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)

    async def serve() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)  # server start-up, not data: no deadline needed beyond task
        if server.started:
            settle_memory()
            print(f"listening on http://{shown}:{port}", flush=True)
            if not args.control_token:
                print(f"control token: {token}", flush=True)
        await task

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
