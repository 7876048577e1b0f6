"""Durability: what the emulator acknowledged survives SIGKILL and a restart on the same database
file (tenants too), even when the kill lands in the middle of a stream of exports; and an
in-memory database serves."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
from honeyhive.models import UpdateEventRequest

from support.readback.polling import wait_for

from .api import OTLP_PATH, Emulator, Tenant, new_event, new_session, start_emulator
from .spans import SpanSpec, json_export, protobuf_export


def moved(tenant: Tenant, running: Emulator) -> Tenant:
    return Tenant(running.url, tenant.api_key, tenant.project)


def test_acknowledged_writes_and_tenants_survive_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "durable.db"
    first = start_emulator(tmp_path, db, name="before-kill")
    try:
        tenant = first.new_tenant("durable")  # registered at run time, not from a file
        client = tenant.client()
        session = client.sessions.start(new_session(session_name="kept", metadata={"a": 1}))
        created = client.events.create(new_event(session_id=session.session_id, inputs={"q": 1}))
        client.events.update(UpdateEventRequest(event_id=created.event_id, metadata={"b": 2}))
        parent = SpanSpec("parent", session.session_id)
        for body, ctype in (
            (json_export(parent), "application/json"),
            (protobuf_export(parent.child("child")), "application/x-protobuf"),
        ):
            assert tenant.call("POST", OTLP_PATH, content=body, content_type=ctype).is_success
        before = tenant.everything()
        payloads = first.control.payloads(tenant.project)
    finally:
        first.service.kill()

    second = start_emulator(tmp_path, db, name="after-kill")
    try:
        again = moved(tenant, second)
        assert again.everything() == before
        assert len(before) == 4
        assert second.control.payloads(tenant.project) == payloads
        by_name = {e["event_name"]: e for e in before}
        assert by_name["child"]["parent_id"] == by_name["parent"]["event_id"]
    finally:
        second.service.stop()


def test_every_acknowledged_span_survives_a_kill_mid_stream(tmp_path: Path) -> None:
    db = tmp_path / "stream.db"
    first = start_emulator(tmp_path, db, name="streaming")
    tenant = first.new_tenant("stream")
    acknowledged: list[list[str]] = []
    stop = threading.Event()

    def stream(worker: int) -> None:
        with httpx.Client(timeout=5.0) as http:
            for batch in range(10_000):
                if stop.is_set():
                    return
                ids = [f"w{worker}-b{batch}-s{n}" for n in range(5)]
                specs = [
                    SpanSpec(f"span-{i}", f"sess-{worker}", attributes={"honeyhive_event_id": i})
                    for i in ids
                ]
                try:
                    reply = http.post(
                        f"{tenant.url}{OTLP_PATH}",
                        content=json_export(*specs),
                        headers={**tenant.headers, "content-type": "application/json"},
                    )
                except httpx.HTTPError:
                    return  # the server died mid-request: not acknowledged
                if reply.status_code == 200:
                    acknowledged.append(ids)

    workers = [threading.Thread(target=stream, args=(w,), daemon=True) for w in range(3)]
    for w in workers:
        w.start()
    try:
        wait_for(
            lambda: len(acknowledged),
            lambda n: n >= 60,
            what="60 acknowledged exports before the kill",
            timeout=30,
            interval=0.01,
        )
        first.service.kill()
    finally:
        stop.set()
        first.service.kill()
        for w in workers:
            w.join(10)

    second = start_emulator(tmp_path, db, name="after-stream")
    try:
        stored = {e["event_id"] for e in moved(tenant, second).everything()}
        acked = [i for batch in acknowledged for i in batch]
        missing = [i for i in acked if i not in stored]
        assert not missing, f"{len(missing)} acknowledged spans lost, e.g. {missing[:5]}"
        half_written = [
            ids for ids in _all_batches(stored) if not (set(ids) <= stored or not set(ids) & stored)
        ]
        assert not half_written, f"exports stored in part: {half_written[:3]}"
    finally:
        second.service.stop()


def _all_batches(stored: set[str]) -> list[list[str]]:
    """The batches any stored span belongs to, rebuilt from the span ids."""
    keys = {i.rsplit("-s", 1)[0] for i in stored if i.startswith("w")}
    return [[f"{k}-s{n}" for n in range(5)] for k in sorted(keys)]


def test_an_in_memory_database_serves_and_starts_empty(tmp_path: Path) -> None:
    running = start_emulator(tmp_path, ":memory:", name="memory")
    try:
        tenant = running.new_tenant("memory")
        assert tenant.everything() == []
        started = tenant.client().sessions.start(new_session(session_name="in-memory"))

        (session,) = tenant.everything()

        assert session["event_id"] == started.session_id
        assert not list(tmp_path.glob("*.db"))
    finally:
        running.service.stop()
