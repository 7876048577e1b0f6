"""The tables, each keyed by (project_id, ...) so that no query crosses tenants: tenants (keys
as SHA-256 hashes), raw payloads, events with their span-tree columns, and one table per kind
of evaluation record."""

from __future__ import annotations

from typing import Literal, get_args

EVENTS_SCHEMA = """
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

RecordKind = Literal["datasets", "datapoints", "runs", "metrics", "configurations"]
RECORD_KINDS: tuple[RecordKind, ...] = get_args(RecordKind)

RECORDS_SCHEMA = "".join(
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
