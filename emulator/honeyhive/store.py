"""All SQL of the emulator. Every key starts with the project id: no query crosses tenants.

Writes commit (WAL, synchronous=FULL) before the route replies, so an acknowledged write
survives a crash and a restart. The raw OTLP payload is kept beside the events derived from it.
Parent/child links are derived on read from the span tree, so arrival order does not matter.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from .events import span_event_id

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (
    key_hash   TEXT PRIMARY KEY,
    project    TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS payloads (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   TEXT NOT NULL,
    received_at  REAL NOT NULL,
    route        TEXT NOT NULL,
    content_type TEXT NOT NULL,
    span_count   INTEGER NOT NULL,
    body         BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS payloads_by_project ON payloads (project_id, id);
CREATE TABLE IF NOT EXISTS events (
    project_id     TEXT NOT NULL,
    event_id       TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    event_type     TEXT NOT NULL,
    trace_id       TEXT,
    span_id        TEXT,
    parent_span_id TEXT,
    parent_id      TEXT,
    start_time     REAL NOT NULL,
    visible_at     REAL NOT NULL,
    received       INTEGER NOT NULL DEFAULT 1,
    payload_id     INTEGER,
    data           TEXT NOT NULL,
    PRIMARY KEY (project_id, event_id)
);
CREATE INDEX IF NOT EXISTS events_by_session ON events (project_id, session_id);
-- no query looks events up by span (the tree is built from a session's rows): an index on
-- (project_id, trace_id, span_id) only cost every insert, so databases made before drop it
DROP INDEX IF EXISTS events_by_span;
"""


@dataclass
class _Tree:
    parents: dict[str, str | None] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class NewEvent:
    """An event ready to store: its document plus the span-tree columns."""

    data: dict[str, Any]
    trace_id: str | None = None
    span_id: str | None = None
    parent_span_id: str | None = None
    parent_id: str | None = None


class Store:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            # checkpoint every 16 MiB of log instead of SQLite's 4 MiB (a 512-span export
            # writes ~1.5 MiB): fewer copies back into the database. Much larger made small
            # commits slower (syncing a log file that keeps growing). Every commit still syncs
            # the log: durability is the same.
            self._db.execute("PRAGMA wal_autocheckpoint=4096")
            self._db.execute("PRAGMA journal_size_limit=16777216")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ---- tenants ----------------------------------------------------------------------------

    def tenants(self) -> dict[str, str]:
        """Project by API-key hash: keys are never stored in plain text."""
        with self._lock:
            rows = self._db.execute("SELECT key_hash, project FROM tenants").fetchall()
        return {r["key_hash"]: r["project"] for r in rows}

    def put_tenants(self, mapping: dict[str, str]) -> None:
        """Store {API-key hash: project}."""
        with self._tx() as db:
            db.executemany(
                "INSERT INTO tenants (key_hash, project, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(key_hash) DO UPDATE SET project = excluded.project",
                [(k, p, time.time()) for k, p in mapping.items()],
            )

    # ---- writes -----------------------------------------------------------------------------

    def ingest(
        self,
        project_id: str,
        events: Iterable[NewEvent],
        *,
        visible_at: float,
        payload: tuple[str, str, bytes, int] | None = None,
        sessions: Iterable[NewEvent] = (),
    ) -> list[str]:
        """Store a payload (route, content type, body, span count), implicit sessions and events
        in one transaction. A duplicate event id keeps the first copy and counts the repeat."""
        with self._tx() as db:
            payload_id = None
            if payload is not None:
                route, content_type, body, count = payload
                cur = db.execute(
                    "INSERT INTO payloads (project_id, received_at, route, content_type, "
                    "span_count, body) VALUES (?, ?, ?, ?, ?, ?)",
                    (project_id, time.time(), route, content_type, count, body),
                )
                payload_id = cur.lastrowid
            for session in sessions:
                self._insert(db, project_id, session, visible_at, payload_id, on_conflict="skip")
            rows = [_row(project_id, ev, visible_at, payload_id) for ev in events]
            db.executemany(_INSERT_EVENT + _ON_CONFLICT["count"], rows)
            return [str(row[1]) for row in rows]

    def upsert_session(self, project_id: str, session: NewEvent, *, visible_at: float) -> None:
        """Create a session event, or merge metadata/user_properties/inputs into an existing one;
        an implicit session (named "unknown" when events arrived first) takes the start's name
        and source."""
        sid = session.data["event_id"]
        with self._tx() as db:
            row = db.execute(
                "SELECT data FROM events WHERE project_id = ? AND event_id = ?", (project_id, sid)
            ).fetchone()
            if row is None:
                self._insert(db, project_id, session, visible_at, None, on_conflict="skip")
                return
            current = json.loads(row["data"])
            if current.get("event_name") == "unknown":
                current["event_name"] = session.data["event_name"]
                current["source"] = session.data["source"]
            for name in ("metadata", "user_properties", "inputs"):
                extra = session.data.get(name) or {}
                current[name] = {**(current.get(name) or {}), **extra}
            db.execute(
                "UPDATE events SET data = ? WHERE project_id = ? AND event_id = ?",
                (json.dumps(current), project_id, sid),
            )

    def update_event(self, project_id: str, event_id: str, changes: dict[str, Any]) -> bool:
        """Merge dict fields and replace scalar ones; False when the event does not exist."""
        with self._tx() as db:
            row = db.execute(
                "SELECT data FROM events WHERE project_id = ? AND event_id = ?",
                (project_id, event_id),
            ).fetchone()
            if row is None:
                return False
            current = json.loads(row["data"])
            for key, value in changes.items():
                if isinstance(value, dict) and isinstance(current.get(key), dict):
                    current[key] = {**current[key], **value}
                else:
                    current[key] = value
            db.execute(
                "UPDATE events SET data = ? WHERE project_id = ? AND event_id = ?",
                (json.dumps(current), project_id, event_id),
            )
            return True

    def delete_session(self, project_id: str, session_id: str) -> int:
        with self._tx() as db:
            return db.execute(
                "DELETE FROM events WHERE project_id = ? AND session_id = ?",
                (project_id, session_id),
            ).rowcount

    def delete_event(self, project_id: str, event_id: str) -> int:
        with self._tx() as db:
            return db.execute(
                "DELETE FROM events WHERE project_id = ? AND event_id = ?",
                (project_id, event_id),
            ).rowcount

    def reset_project(self, project_id: str) -> dict[str, int]:
        with self._tx() as db:
            events = db.execute("DELETE FROM events WHERE project_id = ?", (project_id,)).rowcount
            payloads = db.execute(
                "DELETE FROM payloads WHERE project_id = ?", (project_id,)
            ).rowcount
        return {"events": events, "payloads": payloads}

    @staticmethod
    def _insert(
        db: sqlite3.Connection,
        project_id: str,
        ev: NewEvent,
        visible_at: float,
        payload_id: int | None,
        *,
        on_conflict: str,
    ) -> str:
        row = _row(project_id, ev, visible_at, payload_id)
        db.execute(_INSERT_EVENT + _ON_CONFLICT[on_conflict], row)
        return str(row[1])

    # ---- reads ------------------------------------------------------------------------------

    def session_exists(self, project_id: str, session_id: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM events WHERE project_id = ? AND event_id = ? "
                "AND event_type = 'session'",
                (project_id, session_id),
            ).fetchone()
        return row is not None

    def events(
        self,
        project_id: str,
        *,
        equals: dict[str, str] | None = None,
        now: float | None = None,
    ) -> list[dict[str, Any]]:
        """Visible events of a project, with parent_id/children_ids resolved from the span tree.

        `equals` pushes exact matches on indexed columns (session_id, event_id, event_type) down
        to SQL; everything else is filtered by the caller.
        """
        now = time.time() if now is None else now
        where, args = ["project_id = ?", "visible_at <= ?"], [project_id, now]
        for column, value in (equals or {}).items():
            if column not in ("session_id", "event_id", "event_type"):
                raise ValueError(f"cannot push down {column}")
            where.append(f"{column} = ?")
            args.append(value)
        with self._lock:
            rows = self._db.execute(
                f"SELECT session_id, data, received FROM events WHERE {' AND '.join(where)} "
                "ORDER BY start_time, event_id",
                args,
            ).fetchall()
            sessions = sorted({r["session_id"] for r in rows})
            tree = self._tree(project_id, sessions, now)
        out = []
        for r in rows:
            doc = json.loads(r["data"])
            doc["parent_id"] = tree.parents.get(doc["event_id"])
            doc["children_ids"] = tree.children.get(doc["event_id"], [])
            if doc["event_type"] == "session" and doc["session_id"] in tree.bounds:
                # a session spans its events: from the earliest start to the latest end
                doc["start_time"], doc["end_time"] = tree.bounds[doc["session_id"]]
                doc["duration"] = doc["end_time"] - doc["start_time"]
            out.append(doc)
        return out

    def _tree(self, project_id: str, sessions: list[str], now: float) -> _Tree:
        tree = _Tree()
        for chunk in _chunks(sessions, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT event_id, session_id, event_type, trace_id, span_id, parent_span_id, "
                "parent_id, start_time, json_extract(data, '$.end_time') AS end_time "
                f"FROM events WHERE project_id = ? AND visible_at <= ? AND session_id IN ({marks}) "
                "ORDER BY start_time, event_id",
                [project_id, now, *chunk],
            ).fetchall()
            by_span = {(r["trace_id"], r["span_id"]): r["event_id"] for r in rows if r["span_id"]}
            for r in rows:
                if r["parent_id"]:
                    parent: str | None = r["parent_id"]
                elif r["parent_span_id"]:
                    key = (r["trace_id"], r["parent_span_id"])
                    parent = by_span.get(key) or span_event_id(*key)
                elif r["event_type"] == "session":
                    parent = None
                else:
                    parent = r["session_id"]
                tree.parents[r["event_id"]] = parent
                if parent is not None:
                    tree.children.setdefault(parent, []).append(r["event_id"])
                end = r["end_time"] if r["end_time"] is not None else r["start_time"]
                lo, hi = tree.bounds.get(r["session_id"], (r["start_time"], end))
                tree.bounds[r["session_id"]] = (min(lo, r["start_time"]), max(hi, end))
        return tree

    def payloads(self, project_id: str, after_id: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, received_at, route, content_type, span_count, body FROM payloads "
                "WHERE project_id = ? AND id > ? ORDER BY id",
                (project_id, after_id),
            ).fetchall()
        return [dict(r) for r in rows]

    def receipts(self, project_id: str) -> dict[str, int]:
        """How many times each event id was received (duplicates show up as counts > 1)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT event_id, received FROM events WHERE project_id = ?", (project_id,)
            ).fetchall()
        return {r["event_id"]: r["received"] for r in rows}


_INSERT_EVENT = (
    "INSERT INTO events (project_id, event_id, session_id, event_type, trace_id, span_id, "
    "parent_span_id, parent_id, start_time, visible_at, payload_id, data) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(project_id, event_id) "
)
_ON_CONFLICT = {"count": "DO UPDATE SET received = received + 1", "skip": "DO NOTHING"}
# json.dumps' own settings, without its check for reference cycles (a decoded document has none)
_encode = json.JSONEncoder(check_circular=False).encode


def _row(
    project_id: str, ev: NewEvent, visible_at: float, payload_id: int | None
) -> tuple[Any, ...]:
    d = ev.data
    return (
        project_id,
        str(d["event_id"]),
        d["session_id"],
        d["event_type"],
        ev.trace_id,
        ev.span_id,
        ev.parent_span_id,
        ev.parent_id,
        d["start_time"],
        visible_at,
        payload_id,
        _encode(d),
    )


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- datasets, datapoints, runs, metrics ------------------------------------------------------
# The evaluation resources: one table per kind, each row a JSON document keyed by
# (project_id, id) as the events are, so no query crosses tenants. They share the events'
# connection and lock; `RecordStore.write` makes one request's changes (a datapoint and the
# datasets that list it, say) one transaction, committed before the route replies.

RecordKind = Literal["datasets", "datapoints", "runs", "metrics"]
RECORD_KINDS: tuple[RecordKind, ...] = ("datasets", "datapoints", "runs", "metrics")

_RECORDS_SCHEMA = "".join(
    f"""
CREATE TABLE IF NOT EXISTS {kind} (
    project_id TEXT NOT NULL,
    id         TEXT NOT NULL,
    created_at REAL NOT NULL,
    data       TEXT NOT NULL,
    PRIMARY KEY (project_id, id)
);
CREATE INDEX IF NOT EXISTS {kind}_by_age ON {kind} (project_id, created_at);"""
    for kind in RECORD_KINDS
)


class Records:
    """One project's evaluation resources, on one connection (inside a transaction when
    obtained from `RecordStore.write`)."""

    def __init__(self, db: sqlite3.Connection, project_id: str) -> None:
        self._db = db
        self.project_id = project_id

    def get(self, kind: RecordKind, record_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            f"SELECT data FROM {_table(kind)} WHERE project_id = ? AND id = ?",
            (self.project_id, record_id),
        ).fetchone()
        return None if row is None else dict(json.loads(row["data"]))

    def all(self, kind: RecordKind) -> list[dict[str, Any]]:
        """Every record of the kind, oldest first."""
        rows = self._db.execute(
            f"SELECT data FROM {_table(kind)} WHERE project_id = ? ORDER BY created_at, id",
            (self.project_id,),
        ).fetchall()
        return [dict(json.loads(r["data"])) for r in rows]

    def add(self, kind: RecordKind, record_id: str, doc: dict[str, Any]) -> bool:
        """Store a new record; False (and nothing written) when the id is taken."""
        cur = self._db.execute(
            f"INSERT INTO {_table(kind)} (project_id, id, created_at, data) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(project_id, id) DO NOTHING",
            (self.project_id, record_id, time.time(), json.dumps(doc)),
        )
        return cur.rowcount == 1

    def put(self, kind: RecordKind, record_id: str, doc: dict[str, Any]) -> bool:
        """Replace an existing record's document; False when there is none."""
        cur = self._db.execute(
            f"UPDATE {_table(kind)} SET data = ? WHERE project_id = ? AND id = ?",
            (json.dumps(doc), self.project_id, record_id),
        )
        return cur.rowcount == 1

    def delete(self, kind: RecordKind, record_id: str) -> bool:
        cur = self._db.execute(
            f"DELETE FROM {_table(kind)} WHERE project_id = ? AND id = ?",
            (self.project_id, record_id),
        )
        return cur.rowcount == 1


class RecordStore:
    """Datasets, datapoints, runs and metrics, beside the events of the same `Store`."""

    def __init__(self, store: Store) -> None:
        self._store = store
        with store._lock:
            store._db.executescript(_RECORDS_SCHEMA)

    @contextmanager
    def read(self, project_id: str) -> Iterator[Records]:
        with self._store._lock:
            yield Records(self._store._db, project_id)

    @contextmanager
    def write(self, project_id: str) -> Iterator[Records]:
        """One transaction: every change made through the yielded records commits together, or
        none does (an error raised inside the block rolls them all back)."""
        with self._store._tx() as db:
            yield Records(db, project_id)


def _table(kind: RecordKind) -> str:
    if kind not in RECORD_KINDS:  # table names cannot be bound parameters: allow-list them
        raise ValueError(f"unknown record kind {kind!r}")
    return kind
