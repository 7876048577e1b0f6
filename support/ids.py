"""Unique ids: one per run (shared by xdist workers through the environment) and fresh ones per
scenario, from `secrets` — never counters or timestamps alone — so runs and workers can share a
backend without colliding."""

from __future__ import annotations

import os
import re
import secrets

RUN_ID_ENV = "ACCEPTANCE_RUN_ID"


def run_id() -> str:
    """The run's id; the first caller in a run (the xdist controller) fixes it for all workers."""
    value = os.environ.get(RUN_ID_ENV)
    if not value:
        value = secrets.token_hex(4)
        os.environ[RUN_ID_ENV] = value
    return value


def unique(prefix: str) -> str:
    """`<prefix>-<run id>-<8 random hex>`, e.g. `e2e-1a2b3c4d-9f8e7d6c`."""
    return f"{slug(prefix)}-{run_id()}-{secrets.token_hex(4)}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"
