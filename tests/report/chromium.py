"""Debian's headless chromium, driven over the DevTools protocol with the standard library only.

The report is a JavaScript app: `--dump-dom` shows only what renders without interaction (the
result tree starts collapsed), so the checks talk to a real page instead — navigate, wait for the
app to render, click, read the DOM, take a screenshot. The protocol is JSON over one WebSocket;
the small client below speaks just what chromium needs (masked text frames out, text frames in,
ping/pong, close). External requests are blocked, so the page is checked as it opens offline.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import signal
import socket
import struct
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from support.readback.polling import wait_for

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)
_WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class CdpError(RuntimeError):
    """The browser answered a command with an error, or the connection broke."""


class _WebSocket:
    """A client WebSocket (RFC 6455): enough for the DevTools protocol on loopback."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        if parts.scheme != "ws" or not parts.hostname or not parts.port:
            raise CdpError(f"not a ws:// URL with a port: {url}")
        self._sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self._sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self._sock.recv(4096)
            if not chunk:
                raise CdpError("the browser closed the connection during the WebSocket handshake")
            head += chunk
        head, self._buffer = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in f"{lines[0]} ":
            raise CdpError(f"WebSocket handshake refused: {lines[0]}")
        accept = base64.b64encode(hashlib.sha1((key + _WS_GUID).encode()).digest()).decode()
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines)}
        if headers.get("sec-websocket-accept") != accept:
            raise CdpError("WebSocket handshake: wrong Sec-WebSocket-Accept")

    def _read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            chunk = self._sock.recv(max(65536, size - len(self._buffer)))
            if not chunk:
                raise CdpError("the browser closed the DevTools connection")
            self._buffer += chunk
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        size = len(payload)
        if size < 126:
            header += bytes([0x80 | size])
        elif size < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", size)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self._sock.sendall(header + mask + masked)

    def send(self, text: str) -> None:
        self._send_frame(0x1, text.encode())

    def receive(self) -> str:
        """The next whole text message (answers pings, joins continuation frames)."""
        message = b""
        while True:
            first, second = self._read(2)
            opcode, size = first & 0x0F, second & 0x7F
            if size == 126:
                (size,) = struct.unpack("!H", self._read(2))
            elif size == 127:
                (size,) = struct.unpack("!Q", self._read(8))
            mask = self._read(4) if second & 0x80 else b""
            payload = self._read(size)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise CdpError("the browser closed the DevTools connection")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if first & 0x80:
                    return message.decode()

    def close(self) -> None:
        with suppress(OSError):
            self._send_frame(0x8, b"")
        self._sock.close()


@dataclass
class Page:
    """One browser tab: commands, and what the page did (requests, JS errors, console)."""

    _ws: _WebSocket
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    _urls: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self._ids)
        self._ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.receive())
            if message.get("id") == call_id:
                if "error" in message:
                    raise CdpError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self._event(message.get("method", ""), message.get("params", {}))

    def _event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Network.requestWillBeSent":
            url: str = params["request"]["url"]
            if not url.startswith("data:"):  # the single-file report inlines its data
                self._urls[params["requestId"]] = url
                self.requests.append(url)
        elif method == "Network.loadingFailed":
            url = self._urls.get(params["requestId"], params["requestId"])
            reason = params.get("blockedReason") or params.get("errorText")
            self.failed_requests.append(f"{url} ({reason})")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.exceptions.append(
                str(details.get("exception", {}).get("description") or details.get("text"))
            )
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            self.console_errors.append(f"{entry.get('url', '')}: {entry.get('text')}")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise CdpError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_until(self, expression: str, *, what: str, timeout: float = 20.0) -> Any:
        """Poll a JavaScript expression until it is truthy; its last value on timeout."""
        return wait_for(
            lambda: self.evaluate(expression), bool, what=what, timeout=timeout, interval=0.1
        )

    def navigate(self, url: str) -> None:
        """Go to `url`; a new document is waited for, a change of `#route` is the app's own."""
        self.evaluate("window.__leaving = true")
        started = self.call("Page.navigate", url=url)
        if "errorText" in started:
            raise CdpError(f"cannot open {url}: {started['errorText']}")
        if started.get("loaderId"):  # a new document, not a same-document #route change
            self.wait_until(
                "window.__leaving !== true && document.readyState === 'complete'",
                what=f"{url} to load",
            )

    def screenshot(self, path: Path) -> None:
        shot = self.call("Page.captureScreenshot", format="png")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))


def _devtools_port(profile: Path, browser: subprocess.Popen[bytes]) -> int:
    def read() -> int | None:
        if browser.poll() is not None:
            raise CdpError(f"chromium exited with code {browser.returncode} at start-up")
        lines = (profile / "DevToolsActivePort").read_text().splitlines()
        return int(lines[0]) if lines and lines[0].isdigit() else None

    port: int | None = wait_for(
        read,
        lambda p: p is not None,
        what="chromium to write its DevTools port",
        timeout=30,
        retry_on=(OSError,),
    )
    assert port is not None
    return port


def _page_socket(port: int) -> str:
    def targets() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = httpx.get(f"http://127.0.0.1:{port}/json/list").json()
        return [t for t in found if t.get("type") == "page"]

    pages = wait_for(
        targets, bool, what="chromium's first tab", timeout=15, retry_on=(httpx.HTTPError,)
    )
    url: str = pages[0]["webSocketDebuggerUrl"]
    return url


@contextmanager
def open_page(
    profile: Path, *, width: int = 1440, height: int = 1000, log: Path | None = None
) -> Iterator[Page]:
    """A fresh headless chromium (its own new profile) and its first tab; offline by design."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: `make deps` installs Debian's chromium")
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "DevToolsActivePort").unlink(missing_ok=True)  # a stale port from a reused profile
    command = [
        str(CHROMIUM),
        *FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        "about:blank",
    ]
    with open(log or os.devnull, "wb") as sink:
        browser = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, start_new_session=True
        )
    ws: _WebSocket | None = None
    try:
        ws = _WebSocket(_page_socket(_devtools_port(profile, browser)), timeout=30)
        page = Page(ws)
        page.call("Network.enable")
        # the report must open offline; Allure's page also asks Google Tag Manager for a script
        page.call("Network.setBlockedURLs", urls=["http://*", "https://*", "ws://*", "wss://*"])
        page.call("Runtime.enable")
        page.call("Log.enable")
        page.call("Page.enable")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        yield page
    finally:
        if ws is not None:
            ws.close()
        _stop(browser)


def _stop(browser: subprocess.Popen[bytes]) -> None:
    """Stop the browser this module started: its own process group (renderers included)."""
    try:
        os.killpg(browser.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        browser.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(browser.pid, signal.SIGKILL)
        browser.wait(timeout=10)
