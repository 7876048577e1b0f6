"""The report tests drive the browser with Playwright (PyPI `playwright`), launching Debian's
chromium through `executable_path` — no browser download, no hand-written DevTools client."""

from __future__ import annotations

import ast
from pathlib import Path

from . import chromium

SOURCE = Path(chromium.__file__).read_text(encoding="utf-8")


def test_the_driver_is_playwright_over_debians_chromium() -> None:
    imported = {
        node.module or ""
        for node in ast.walk(ast.parse(SOURCE))
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(ast.parse(SOURCE))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert "playwright.sync_api" in imported
    assert not imported & {"socket", "struct", "hashlib", "httpx", "websocket", "websockets"}
    assert "executable_path=str(CHROMIUM)" in SOURCE
    assert str(chromium.CHROMIUM) == "/usr/bin/chromium"


def test_the_house_flags_are_passed() -> None:
    house = {
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    }
    assert house <= set(chromium.FLAGS)
    assert "headless=True" in SOURCE  # Playwright's own --headless
