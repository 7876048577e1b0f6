"""The database: one SQLite connection, its transactions, and the SQL of tenants, raw payloads
and events (one concept, the event store, a little over 300 lines). Every key starts with the
project id: no query crosses tenants.

Writes commit (WAL, synchronous=FULL) before the route replies, so an acknowledged write
survives a crash and a restart. The raw OTLP payload is kept beside the events derived from it.
Parent/child links are derived on read from the span tree (`span_tree.py`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from .schema import EVENTS_SCHEMA, RECORDS_SCHEMA
from .span_tree import SpanTree


class NewEvent(NamedTuple):
    """An event ready to store: its document plus the span-tree columns (a tuple: one is made
    per span on the ingest path)."""

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
        self._db.executescript(EVENTS_SCHEMA + RECORDS_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def locked(self) -> Iterator[sqlite3.Connection]:
        """The connection, for reads (or a schema script) no other thread interleaves with."""
        with self._lock:
            yield self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything written through the connection commits together before
        the block ends, or none of it does (an error raised inside rolls it all back)."""
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
        with self.transaction() as db:
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
        with self.transaction() as db:
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
            # in key order: consecutive inserts land on the same pages of the primary-key index
            # (event ids are random); the sort is stable, so of two rows with one id the first
            # is still the one kept
            ordered = sorted(rows, key=_event_id_of)
            db.executemany(_INSERT_EVENT + _ON_CONFLICT["count"], ordered)
            return [str(row[1]) for row in rows]

    def upsert_session(self, project_id: str, session: NewEvent, *, visible_at: float) -> None:
        """Create a session event, or merge metadata/user_properties/inputs into an existing one;
        an implicit session (named "unknown" when events arrived first) takes the start's name
        and source."""
        sid = session.data["event_id"]
        with self.transaction() as db:
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
                (_encode(current), project_id, sid),
            )

    def update_event(self, project_id: str, event_id: str, changes: dict[str, Any]) -> bool:
        """Merge dict fields and replace scalar ones; False when the event does not exist."""
        with self.transaction() as db:
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
                (_encode(current), project_id, event_id),
            )
            return True

    def delete_session(self, project_id: str, session_id: str) -> int:
        with self.transaction() as db:
            return db.execute(
                "DELETE FROM events WHERE project_id = ? AND session_id = ?",
                (project_id, session_id),
            ).rowcount

    def delete_event(self, project_id: str, event_id: str) -> int:
        with self.transaction() as db:
            return db.execute(
                "DELETE FROM events WHERE project_id = ? AND event_id = ?",
                (project_id, event_id),
            ).rowcount

    def reset_project(self, project_id: str) -> dict[str, int]:
        with self.transaction() as db:
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

    def _tree(self, project_id: str, sessions: list[str], now: float) -> SpanTree:
        tree = SpanTree()
        for chunk in _chunks(sessions, 500):
            marks = ",".join("?" * len(chunk))
            tree.add(
                self._db.execute(
                    "SELECT event_id, session_id, event_type, trace_id, span_id, parent_span_id, "
                    "parent_id, start_time, json_extract(data, '$.end_time') AS end_time "
                    "FROM events WHERE project_id = ? AND visible_at <= ? "
                    f"AND session_id IN ({marks}) ORDER BY start_time, event_id",
                    [project_id, now, *chunk],
                ).fetchall()
            )
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

    def not_yet_visible(self, project_id: str, now: float) -> int:
        """How many of the project's stored events an ingest delay still hides."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM events WHERE project_id = ? AND visible_at > ?",
                (project_id, now),
            ).fetchone()
        return int(row[0])


_INSERT_EVENT = (
    "INSERT INTO events (project_id, event_id, session_id, event_type, trace_id, span_id, "
    "parent_span_id, parent_id, start_time, visible_at, payload_id, data) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(project_id, event_id) "
)
_ON_CONFLICT = {"count": "DO UPDATE SET received = received + 1", "skip": "DO NOTHING"}
# json.dumps' own settings (ASCII escapes: a lone surrogate cannot be stored as UTF-8), without
# its check for reference cycles (a decoded document has none), and without the spaces after
# separators (~8% less to write for an event document)
_encode = json.JSONEncoder(check_circular=False, separators=(",", ":")).encode


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


def _event_id_of(row: tuple[Any, ...]) -> str:
    return str(row[1])


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
