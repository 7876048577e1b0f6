"""Query: `POST /v1/events/export` for one session's events (the SDK's read-back), p50/p99, with
10k, 100k and 1M events stored, through a real emulator process. The store is filled before
each start by bulk inserts through the emulator's own store functions (sessions of 10 events
shaped like the SDK's spans); the query is the real HTTP route. Baseline: the same query on the
smallest store in the same run, so the ratio shows how the latency grows with the data.

    python -m bench.query [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from emulator.honeyhive.ids import project_id_of
from emulator.honeyhive.otlp.decode import decode
from emulator.honeyhive.span_mapping import span_to_event
from emulator.honeyhive.storage.store import NewEvent, Store

from . import _otlp_bodies as bodies
from ._emulator import RawClient, emulator, workdir
from ._report import Figure, Target, median, percentile, quick_from_env, table

PROJECT = "bench"
PER_SESSION = 10  # the session event and 9 spans
SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 5_000)
EXPORT_SQL_PLANS = {
    # the two statements Store.events runs for a session filter, with their parameters' shapes
    "events of a session": (
        "SELECT session_id, data, received FROM events WHERE project_id = ? AND visible_at <= ? "
        "AND session_id = ? ORDER BY start_time, event_id",
        ("p", 0.0, "s"),
    ),
    "span tree of a session": (
        "SELECT event_id, session_id, event_type, trace_id, span_id, parent_span_id, parent_id, "
        "start_time, json_extract(data, '$.end_time') AS end_time FROM events "
        "WHERE project_id = ? AND visible_at <= ? AND session_id IN (?) "
        "ORDER BY start_time, event_id",
        ("p", 0.0, "s"),
    ),
}


class Filler:
    """Grows the database in sessions of PER_SESSION events, through Store.ingest."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.sessions: list[str] = []
        spans = decode(bodies.json_body(bodies.spans(PER_SESSION - 1, "x")), bodies.JSON)
        pid = project_id_of(PROJECT)
        self.templates = [
            (span, span_to_event(span, project=PROJECT, project_id=pid, session_id="x"))
            for span in spans
        ]

    @property
    def events(self) -> int:
        return len(self.sessions) * PER_SESSION

    def fill_to(self, total: int) -> float:
        started = time.perf_counter()
        store = Store(str(self.db))
        pid = project_id_of(PROJECT)
        try:
            while self.events < total:
                chunk = min((total - self.events) // PER_SESSION, 2000) or 1
                sessions, events = [], []
                for _ in range(chunk):
                    sid = f"bench-{secrets.token_hex(12)}"
                    self.sessions.append(sid)
                    start = time.time() * 1000
                    sessions.append(NewEvent(self._session(sid, start)))
                    events += self._events(sid, start)
                store.ingest(pid, events, visible_at=0.0, sessions=sessions)
        finally:
            store.close()
        return time.perf_counter() - started

    def _session(self, sid: str, start: float) -> dict[str, Any]:
        _, template = self.templates[0]
        return {
            **template,
            "event_id": sid,
            "session_id": sid,
            "event_name": "bench-session",
            "event_type": "session",
            "start_time": start,
            "end_time": start,
            "duration": 0.0,
        }

    def _events(self, sid: str, start: float) -> list[NewEvent]:
        out = []
        trace = secrets.token_hex(16)
        root = ""
        for n, (span, template) in enumerate(self.templates):
            span_id = secrets.token_hex(8)
            root = root or span_id
            doc = {
                **template,
                "event_id": f"{sid}-{n}",
                "session_id": sid,
                "start_time": start + n,
                "end_time": start + n + 5,
            }
            parent = root if span.parent_span_id and span_id != root else None
            out.append(NewEvent(doc, trace_id=trace, span_id=span_id, parent_span_id=parent))
        return out


def plans(db: Path) -> dict[str, list[str]]:
    """EXPLAIN QUERY PLAN of the export's statements on the filled database."""
    store = Store(str(db))
    try:
        with store.locked() as conn:
            return {
                name: [str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args)]
                for name, (sql, args) in EXPORT_SQL_PLANS.items()
            }
    finally:
        store.close()


def _full_scans(found: dict[str, list[str]]) -> int:
    """Steps that read the whole events table ("SCAN events" without an index)."""
    return sum(
        1
        for steps in found.values()
        for step in steps
        if step.startswith("SCAN events") and "INDEX" not in step
    )


def export_once(client: RawClient, session_id: str) -> float:
    """Seconds for one export of a session's events (the SDK's request), checking it found all
    of them."""
    body = {
        "filters": [
            {"field": "session_id", "operator": "is", "value": session_id, "type": "string"}
        ],
        "limit": 1000,
        "page": 1,
    }
    data = json.dumps(body).encode()
    started = time.perf_counter()
    raw = client.post("/v1/events/export", data)
    elapsed = time.perf_counter() - started
    total = json.loads(raw)["totalEvents"]
    if total != PER_SESSION:
        raise RuntimeError(f"export of {session_id} found {total} events, not {PER_SESSION}")
    return elapsed


def _measure(filler: Filler, folder: Path, api_key: str, queries: int) -> tuple[list[float], float]:
    """Export latencies (s) over random sessions, and the emulator's start-up time."""
    rng = random.Random(7)
    with emulator(folder, db=filler.db, api_key=api_key, project=PROJECT) as running:
        client = RawClient(running.url, running.api_key)
        try:
            for _ in range(20):  # warm-up: connection, code paths
                export_once(client, rng.choice(filler.sessions))
            samples = [export_once(client, rng.choice(filler.sessions)) for _ in range(queries)]
        finally:
            client.close()
        return samples, running.ready_s


def figures(quick: bool = False) -> list[Figure]:
    sizes = QUICK_SIZES if quick else SIZES
    queries = 40 if quick else 400
    with workdir("query") as folder:
        return _figures(folder, sizes, queries)


def _figures(folder: Path, sizes: Sequence[int], queries: int) -> list[Figure]:
    filler = Filler(folder / "honeyhive.db")
    api_key = f"hh-bench-{secrets.token_hex(12)}"
    out: list[Figure] = []
    base_p50 = base_p99 = 0.0
    for size in sizes:
        fill_s = filler.fill_to(size)
        found = plans(filler.db)
        samples, ready_s = _measure(filler, folder, api_key, queries)
        p50, p99 = median(samples) * 1000, percentile(samples, 99) * 1000
        if not base_p50:
            base_p50, base_p99 = p50, p99
        label = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}M"
        last = size == sizes[-1]
        detail = {
            "events": filler.events,
            "sessions": len(filler.sessions),
            "queries": queries,
            "fill_seconds": fill_s,
            "db_bytes": filler.db.stat().st_size,
            "emulator_ready_seconds": ready_s,
            "query_plans": found,
        }
        base_name = f"at {sizes[0] // 1000}k"
        out.append(
            Figure(
                "query", f"export p50 at {label}", p50, "ms", base_p50, base_name, (), "", detail
            )
        )
        out.append(
            Figure(
                "query",
                f"export p99 at {label}",
                p99,
                "ms",
                base_p99,
                base_name,
                (Target("max", 20.0),) if last else (),
                detail=detail,
            )
        )
        if last:
            out.append(
                Figure(
                    "query",
                    f"full table scans in the export's plan at {label}",
                    float(_full_scans(found)),
                    "",
                    targets=(Target("max", 0.0),),
                    detail={"query_plans": found},
                )
            )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.query", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small stores: checks the machinery")
    args = parser.parse_args(argv)
    print(table(figures(args.quick or quick_from_env())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
