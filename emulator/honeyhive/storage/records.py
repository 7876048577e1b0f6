"""The evaluation records (datasets, datapoints, runs, metrics, configurations): one table per
kind, each row a JSON document keyed by (project_id, id) as the events are, so no query crosses
tenants. They share the events' connection and lock; `RecordStore.write` makes one request's
changes (a datapoint and the datasets that list it, say) one transaction, committed before the
route replies.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .schema import RECORD_KINDS, RecordKind
from .store import Store


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

    @contextmanager
    def read(self, project_id: str) -> Iterator[Records]:
        with self._store.locked() as db:
            yield Records(db, project_id)

    @contextmanager
    def write(self, project_id: str) -> Iterator[Records]:
        """One transaction: every change made through the yielded records commits together, or
        none does (an error raised inside the block rolls them all back)."""
        with self._store.transaction() as db:
            yield Records(db, project_id)


def _table(kind: RecordKind) -> str:
    if kind not in RECORD_KINDS:  # table names cannot be bound parameters: allow-list them
        raise ValueError(f"unknown record kind {kind!r}")
    return kind
