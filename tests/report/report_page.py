"""What a reader sees in the Allure 3 report, read from the rendered page.

Only the report's own test hooks (`data-testid`), its URL routes (`#categories`, `#<result id>`)
and the tree's structure are used — never its generated CSS class names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .chromium import Page

# opens every collapsed group (results tree and categories alike); answers how many it opened
_EXPAND_ONE_ROUND = """(() => {
  const headers = document.querySelectorAll('[data-testid="tree-section"], [data-tree-header]');
  let opened = 0;
  for (const header of headers) {
    const next = header.nextElementSibling;
    // an environment's section (a report with Allure environments) holds its content itself
    const open = header.querySelector(':scope > [data-testid="tree-section-env-content"]')
      || (next && (next.matches('[data-testid="tree-content"]')
                   || next.querySelector(':scope > [data-tree-content]')));
    const arrow = header.querySelector('button');
    if (!open && arrow) { arrow.click(); opened++; }
  }
  return opened;
})()"""

_LEAVES = """[...document.querySelectorAll('button[data-tree-node-id]')].map(leaf => {
  const status = leaf.querySelector('[data-testid^="tree-leaf-status-"]');
  const category = leaf.closest('[id^="cat:"]');
  const title = category && category.querySelector('[data-testid="tree-section-title"]');
  return {
    id: leaf.dataset.treeNodeId,
    title: leaf.querySelector('[data-testid="tree-leaf-title"]').innerText.trim(),
    status: status ? status.dataset.testid.replace('tree-leaf-status-', '') : '',
    category: title ? title.innerText.trim() : null,
  };
})"""

_METADATA = """Object.fromEntries(
  [...document.querySelectorAll('[data-testid="metadata-item"]')].map(item => [
    item.querySelector('[data-testid="metadata-item-key"]').innerText.trim(),
    item.querySelector('[data-testid="metadata-item-value"]').innerText.trim(),
  ]))"""


@dataclass(frozen=True)
class Leaf:
    id: str
    title: str
    status: str
    category: str | None


def _text(page: Page, expression: str) -> str:
    value = page.evaluate(expression)
    return value if isinstance(value, str) else ""


def open_report(page: Page, index: str, route: str = "") -> None:
    page.navigate(f"{index}#{route}" if route else index)


def wait_for_text(page: Page, text: str, timeout: float = 20) -> None:
    page.wait_until(
        f"document.body.innerText.includes({_js(text)})",
        what=f"the page to show {text!r}",
        timeout=timeout,
    )


def expand_all(page: Page) -> None:
    """Click every collapsed group open until none is left (each click re-renders the tree)."""
    page.wait_until(f"{_EXPAND_ONE_ROUND} === 0", what="every group of the tree to be open")


def leaves(page: Page) -> list[Leaf]:
    rows: list[dict[str, Any]] = page.evaluate(_LEAVES)
    return [Leaf(r["id"], r["title"], r["status"], r["category"]) for r in rows]


def section_titles(page: Page) -> list[str]:
    titles: list[str] = page.evaluate(
        "[...document.querySelectorAll('[data-testid=\"tree-section-title\"]')]"
        ".map(e => e.innerText.trim())"
    )
    return titles


def metadata(page: Page) -> dict[str, str]:
    """The report's environment panel (environment.properties + executor), fully expanded."""
    page.evaluate(
        "[...document.querySelectorAll('button')]"
        ".filter(b => b.innerText.trim() === 'Show more').forEach(b => b.click())"
    )
    shown: dict[str, str] = page.evaluate(_METADATA)
    return shown


def variables(page: Page) -> dict[str, str]:
    """The report's variables (the front page's verdict and counts)."""
    shown: dict[str, str] = page.evaluate(
        _METADATA.replace(
            '[data-testid="metadata-item"]',
            '[data-testid="report-variables"] [data-testid="metadata-item"]',
        )
    )
    return shown


def status_counts(page: Page) -> dict[str, str]:
    """The front page's figures by status (total, new, passed, failed, skipped…)."""
    shown: dict[str, str] = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('[data-testid^=\"metadata-item-\"]')]"
        ".filter(e => !['metadata-item-key', 'metadata-item-value'].includes(e.dataset.testid))"
        ".map(e => [e.dataset.testid.replace('metadata-item-', ''),"
        " (e.querySelector('[data-testid=\"metadata-value\"]') || e).innerText.trim()]))"
    )
    return shown


def counter(page: Page, testid: str) -> str:
    return _text(
        page,
        f"(document.querySelector('[data-testid={_js(testid)}] [data-testid=\"counter\"]')"
        " || {innerText: ''}).innerText.trim()",
    )


def body_text(page: Page) -> str:
    return _text(page, "document.body.innerText")


def _js(value: str) -> str:
    """A JavaScript string literal."""
    return json.dumps(value)
