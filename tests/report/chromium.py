"""Debian's headless chromium, driven by Playwright (PyPI `playwright`, no browser download: it
launches /usr/bin/chromium through `executable_path`).

The report is a JavaScript app: `--dump-dom` shows only what renders without interaction (the
result tree starts collapsed), so the checks talk to a real page instead — navigate, wait for the
app to render, click, read the DOM, take a screenshot. External requests are aborted, so the page
is checked as it opens offline; what the page asked for, what failed, its script errors and its
console errors are recorded for the checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Error, Request, Route, sync_playwright
from playwright.sync_api import Page as PlaywrightPage
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = Path("/usr/bin/chromium")
# Playwright adds --headless itself (headless=True); these are the rest of the house flags
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)
_EXTERNAL = re.compile(r"^(https?|wss?)://")


class BrowserError(RuntimeError):
    """The page could not be opened, or a wait for it ran out."""


@dataclass
class Page:
    """One browser tab and what it did (requests, failed requests, script and console errors)."""

    tab: PlaywrightPage
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tab.on("request", self._request)
        self.tab.on("requestfailed", self._failed)
        self.tab.on("pageerror", lambda error: self.exceptions.append(str(error)))
        self.tab.on("console", self._console)

    def _request(self, request: Request) -> None:
        if not request.url.startswith("data:"):  # the single-file report inlines its data
            self.requests.append(request.url)

    def _failed(self, request: Request) -> None:
        self.failed_requests.append(f"{request.url} ({request.failure})")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.console_errors.append(f"{where}: {message.text}")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        try:
            return self.tab.evaluate(expression)
        except Error as exc:
            raise BrowserError(f"{expression[:200]!r} threw: {exc.message}") from exc

    def wait_until(self, expression: str, *, what: str, timeout: float = 20.0) -> Any:
        """Wait until a JavaScript expression is truthy (checked every 100 ms); its value."""
        try:
            handle = self.tab.wait_for_function(expression, timeout=timeout * 1000, polling=100)
        except PlaywrightTimeout as exc:
            raise BrowserError(f"timed out after {timeout:.0f}s waiting for {what}") from exc
        return handle.json_value()

    def navigate(self, url: str) -> None:
        """Go to `url`: a new document waits for its load event, a `#route` change is the
        app's own (a same-document navigation)."""
        try:
            self.tab.goto(url, wait_until="load")
        except Error as exc:
            raise BrowserError(f"cannot open {url}: {exc.message}") from exc

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tab.screenshot(path=str(path))


def _abort_external(route: Route) -> None:
    route.abort("blockedbyclient")


@contextmanager
def open_page(profile: Path, *, width: int = 1440, height: int = 1000) -> Iterator[Page]:
    """A fresh headless chromium (its own new profile) and one tab; offline by design."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: `make deps` installs Debian's chromium")
    profile.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(FLAGS),
            viewport={"width": width, "height": height},
            device_scale_factor=1,
        )
        try:
            # the report must open offline; Allure's page also asks Google Tag Manager for a script
            context.route(_EXTERNAL, _abort_external)
            tab = context.pages[0] if context.pages else context.new_page()
            yield Page(tab)
        finally:
            context.close()
