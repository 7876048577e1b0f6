"""How the emulator names things it creates: the event id of a span that names none, the ids of
projects and of evaluation records. A leaf: it imports nothing of the emulator, so storage and
the span mapping can both use it."""

from __future__ import annotations

import hashlib
import secrets
import uuid

_SPAN_ID_NAMESPACE = uuid.UUID("6f1d7a4e-8f7e-4c1b-9d55-7f2b0c3e9a10").bytes


def span_event_id(trace_id: str, span_id: str) -> str:
    """A stable event id for a span that did not name its own: the UUIDv5 of `trace:span` in
    the emulator's namespace (`uuid.uuid5`, spelled out: it is on every span's path)."""
    digest = bytearray(
        hashlib.sha1(_SPAN_ID_NAMESPACE + f"{trace_id}:{span_id}".encode()).digest()[:16]
    )
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def project_id_of(project: str) -> str:
    """Stable per project name, shaped like HoneyHive's 24-hex ids."""
    return hashlib.sha256(project.encode()).hexdigest()[:24]


def object_id() -> str:
    """HoneyHive's dataset, datapoint, metric and configuration ids are 24-hex (MongoDB
    ObjectIds)."""
    return secrets.token_hex(12)
