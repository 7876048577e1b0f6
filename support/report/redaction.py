"""One redaction function for everything the suite writes: report attachments, logs, evidence.

It removes the configured secrets by value, and anything shaped like a credential: bearer tokens,
OpenAI-style `sk-` keys, HoneyHive-style `hh` keys, the emulators' control tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "[REDACTED]"
_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[^\s\"',;]+"),
    re.compile(
        r"(?i)((?:api[_-]?key|authorization|x-control-token|control[_ ]token)"
        r"[\"']?\s*[:=]\s*[\"']?)[^\s\"',;}]+"
    ),
    re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"\bhh[-_][A-Za-z0-9_\-]{8,}"),
]
_registered: set[str] = set()


def register_secrets(values: Iterable[str | None]) -> None:
    """Secrets known at run time (configured keys, generated tenant keys, control tokens)."""
    _registered.update(v for v in values if v and len(v) >= 4)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for value in sorted({*_registered, *secrets}, key=len, reverse=True):
        text = text.replace(value, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
    return text
