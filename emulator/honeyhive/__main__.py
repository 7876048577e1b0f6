"""`python -m emulator.honeyhive --host 127.0.0.1 --port 0 --db PATH --tenants FILE`

Prints `listening on http://127.0.0.1:PORT` as its first line once it serves requests.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import os
import secrets
import socket
import sys

import uvicorn

from .app import Settings, create_app
from .tenants import TENANTS_ENV, load_tenant_file, parse_tenants

TOKEN_ENV = "HH_EMULATOR_CONTROL_TOKEN"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m emulator.honeyhive", description=__doc__)
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--db", default="honeyhive-emulator.db", help="SQLite file, or :memory:")
    p.add_argument("--tenants", help=f'JSON file {{"<api key>": "<project>"}} (or ${TENANTS_ENV})')
    p.add_argument("--ingest-delay", type=float, default=0.0, help="seconds before data shows")
    p.add_argument("--max-body-bytes", type=int, default=16 * 1024 * 1024)
    p.add_argument("--control-token", default=os.environ.get(TOKEN_ENV), help=f"or ${TOKEN_ENV}")
    p.add_argument("--log-file", help="request log destination (default: stderr)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if not ipaddress.ip_address(args.host).is_loopback:
            raise ValueError
    except ValueError:
        print(
            f"error: --host {args.host} is not a loopback address; use 127.0.0.1", file=sys.stderr
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
    app = create_app(
        Settings(
            db=args.db,
            tenants=tenants,
            control_token=token,
            ingest_delay=args.ingest_delay,
            max_body_bytes=args.max_body_bytes,
        )
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    port = sock.getsockname()[1]

    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)

    async def serve() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.01)  # server start-up, not data: no deadline needed beyond task
        if server.started:
            print(f"listening on http://{args.host}:{port}", flush=True)
            if not args.control_token:
                print(f"control token: {token}", flush=True)
        await task

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
