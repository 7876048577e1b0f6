"""Values written in feature files, typed the way a reader expects: 3 is a number, 2.5 too,
true/false are booleans, anything else is text (quotes around it are dropped)."""

from __future__ import annotations

from typing import Any


def typed(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def table_values(rows: list[list[str]]) -> dict[str, Any]:
    """A two-column table (key | value), with or without a header row naming them."""
    if rows and [c.strip().lower() for c in rows[0]] in (["key", "value"], ["name", "value"]):
        rows = rows[1:]
    out = {}
    for row in rows:
        if len(row) != 2:
            raise ValueError(f"a table of key | value, but a row has {len(row)} cells: {row}")
        out[row[0].strip()] = typed(row[1])
    return out
