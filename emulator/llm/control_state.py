"""Per-API-key behaviour set through the control plane: faults, latency, stream cuts,
scripted replies, and the request log. Nothing here is global: a scenario owns its key.

All state is touched from the event loop only, so it needs no locks.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

INJECTABLE_STATUSES = frozenset({401, 429, 500, 503})


@dataclass
class Fault:
    """Answer the next ``remaining`` chat/embedding requests with ``status``."""

    status: int
    remaining: int
    retry_after: float = 1.0


@dataclass
class Latency:
    """Delay every request by ``ms`` (for ``remaining`` requests, or until reset if None)."""

    ms: int
    remaining: int | None = None


@dataclass
class Cut:
    """Close the next ``remaining`` streams after ``after_chunks`` content chunks."""

    after_chunks: int
    remaining: int = 1


@dataclass(frozen=True)
class ToolCallScript:
    name: str
    arguments: str


@dataclass
class Script:
    """A fixed reply for a prompt; ``match`` None matches any last user message."""

    reply: str | None
    match: str | None = None
    tool_calls: tuple[ToolCallScript, ...] = ()
    remaining: int | None = None


@dataclass(frozen=True)
class RequestRecord:
    time: float
    path: str
    model: str | None
    status: int
    stream: bool
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    scripted: bool = False
    cut: bool = False
    error_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class KeyState:
    faults: deque[Fault] = field(default_factory=deque)
    latency: Latency | None = None
    cut: Cut | None = None
    scripts: list[Script] = field(default_factory=list)
    log: deque[RequestRecord] = field(default_factory=deque)


class ControlState:
    """Registered keys plus one ``KeyState`` per key."""

    def __init__(self, api_keys: frozenset[str], log_size: int = 1000) -> None:
        self._keys: set[str] = set(api_keys)
        self._states: dict[str, KeyState] = {}
        self._log_size = log_size

    # --- keys -------------------------------------------------------------------------
    def is_registered(self, key: str) -> bool:
        return key in self._keys

    def register(self, key: str) -> None:
        self._keys.add(key)

    def revoke(self, key: str) -> bool:
        present = key in self._keys
        self._keys.discard(key)
        return present

    def _state(self, key: str) -> KeyState:
        state = self._states.get(key)
        if state is None:
            state = KeyState(log=deque(maxlen=self._log_size))
            self._states[key] = state
        return state

    # --- configuration ----------------------------------------------------------------
    def add_fault(self, key: str, fault: Fault) -> None:
        self._state(key).faults.append(fault)

    def set_latency(self, key: str, latency: Latency | None) -> None:
        self._state(key).latency = latency

    def set_cut(self, key: str, cut: Cut | None) -> None:
        self._state(key).cut = cut

    def add_script(self, key: str, script: Script) -> None:
        self._state(key).scripts.append(script)

    def reset(self, key: str) -> None:
        """Forget faults, latency, cuts, scripts and the log; the key stays registered."""
        self._states.pop(key, None)

    # --- consumption by the OpenAI routes ---------------------------------------------
    def take_latency_ms(self, key: str) -> int:
        state = self._states.get(key)
        if state is None or state.latency is None:
            return 0
        latency = state.latency
        if latency.remaining is not None:
            latency.remaining -= 1
            if latency.remaining <= 0:
                state.latency = None
        return latency.ms

    def take_fault(self, key: str) -> Fault | None:
        state = self._states.get(key)
        if state is None or not state.faults:
            return None
        fault = state.faults[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            state.faults.popleft()
        return fault

    def take_cut(self, key: str) -> int | None:
        """Chunks to send before cutting this stream, or None for a whole stream."""
        state = self._states.get(key)
        if state is None or state.cut is None:
            return None
        cut = state.cut
        cut.remaining -= 1
        if cut.remaining <= 0:
            state.cut = None
        return cut.after_chunks

    def take_script(self, key: str, last_user_message: str | None) -> Script | None:
        state = self._states.get(key)
        if state is None:
            return None
        for script in state.scripts:
            if script.match is None or script.match == last_user_message:
                if script.remaining is not None:
                    script.remaining -= 1
                    if script.remaining <= 0:
                        state.scripts.remove(script)
                return script
        return None

    # --- request log ------------------------------------------------------------------
    def record(self, key: str, record: RequestRecord) -> None:
        """Log a request made with a registered key (unknown keys are not kept)."""
        if key in self._keys:
            self._state(key).log.append(record)

    def requests(self, key: str) -> list[RequestRecord]:
        state = self._states.get(key)
        return list(state.log) if state else []

    @staticmethod
    def now() -> float:
        return time.time()
