"""Visibility: from `tracer.flush()` returning to the span being readable, p50/p99, at ingest
delay 0, against a real emulator process; read two ways, alternating: a plain HTTP export
request (what the backend shows) and the SDK's own `events.export` (what the suite sees).
Baseline: the same read of an event already stored, in the same run.

    python -m bench.visibility [--quick]
"""

from __future__ import annotations

import argparse
import json
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from honeyhive import HoneyHive
from honeyhive.models import EventFilter

from support.readback.polling import wait_for
from support.sdk.tracing import close_tracer, open_tracer

from ._emulator import RawClient, emulator, workdir
from ._report import Figure, Target, median, percentile, quick_from_env, table


def _filters(session_id: str, name: str) -> list[EventFilter | dict[str, Any]]:
    return [
        EventFilter(field="session_id", operator="is", value=session_id, type="string"),
        EventFilter(field="event_name", operator="is", value=name, type="string"),
    ]


@dataclass
class Samples:
    visible: list[float] = field(default_factory=list)  # flush returned → read found it
    read: list[float] = field(default_factory=list)  # the same read once it is there
    tries: list[int] = field(default_factory=list)  # reads until found


def _time_visibility(read: Callable[[str], int], name: str, into: Samples, keep: bool) -> None:
    flushed = time.perf_counter()
    tries = [0]

    def fetch() -> int:
        tries[0] += 1
        return read(name)

    wait_for(
        fetch,
        lambda found: found == 1,
        what=f"{name} to be readable",
        timeout=10,
        interval=0.001,
        retry_on=(httpx.TransportError,),
    )
    seen = time.perf_counter()
    if read(name) != 1:  # baseline: the same read, of an event already there
        raise RuntimeError(f"{name} vanished")
    done = time.perf_counter()
    if keep:
        into.visible.append(seen - flushed)
        into.read.append(done - seen)
        into.tries.append(tries[0])


def figures(quick: bool = False) -> list[Figure]:
    samples = 15 if quick else 200
    raw, sdk = Samples(), Samples()
    with workdir("visibility") as folder, emulator(folder) as running:
        tracer = open_tracer(
            api_key=running.api_key,
            server_url=running.url,
            session_name=f"bench-visibility-{secrets.token_hex(4)}",
            source="bench",
        )
        client = HoneyHive(api_key=running.api_key, server_url=running.url)
        http = RawClient(running.url, running.api_key)
        try:
            session_id = tracer.session_id
            assert session_id is not None

            def sdk_read(name: str) -> int:
                found = client.events.export(filters=_filters(session_id, name), limit=10, page=1)
                return len(found.events)

            def raw_read(name: str) -> int:
                filters = [
                    f.to_dict() for f in _filters(session_id, name) if isinstance(f, EventFilter)
                ]
                body = {"filters": filters, "limit": 10}
                found = json.loads(http.post("/v1/events/export", json.dumps(body).encode()))
                return len(found["events"])

            for n in range(2 * samples + 10):  # the first ten warm the paths up
                name = f"step-{n}-{secrets.token_hex(4)}"
                with tracer.trace(name, event_type="tool"):
                    pass
                tracer.flush()
                # alternate: each way of reading sees the same conditions
                read, into = (raw_read, raw) if n % 2 == 0 else (sdk_read, sdk)
                _time_visibility(read, name, into, keep=n >= 10)
        finally:
            http.close()
            close_tracer(tracer)
    out = []
    for how, got in (("raw HTTP read", raw), ("SDK read (events.export)", sdk)):
        detail = {
            "samples": len(got.visible),
            "reads_until_visible_max": max(got.tries),
            "reads_until_visible_mean": sum(got.tries) / len(got.tries),
        }
        baseline = f"{how.split(' (')[0]} of a stored event"
        for pct in (50, 99):
            value = median(got.visible) if pct == 50 else percentile(got.visible, 99)
            base = median(got.read) if pct == 50 else percentile(got.read, 99)
            out.append(
                Figure(
                    "visibility",
                    f"flush → readable p{pct}, {how}",
                    value * 1000,
                    "ms",
                    base * 1000,
                    baseline,
                    (Target("max", 50.0),) if pct == 99 else (),
                    detail=detail,
                )
            )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.visibility", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few samples: checks the machinery")
    args = parser.parse_args(argv)
    print(table(figures(args.quick or quick_from_env())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
