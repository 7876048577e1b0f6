"""The emulator's modules import only downwards: leaves (errors, ids, event shape, strict JSON,
the semantic conventions) → decoding, queries, storage, tenants, faults, span mapping, run
results, request schemas → operations → routes and the HTTP edge → the app. Storage imports
nothing but the leaves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "emulator" / "honeyhive"
LAYERS = [
    {"errors", "ids", "event_fields", "jsontext", "semconv", "__init__"},
    {
        "otlp",
        "query",
        "storage",
        "faults",
        "tenants",
        "span_mapping",
        "run_results",
        "schemas",
        "server_metrics",
    },
    {"ops"},
    {"routes", "bodies", "replies", "middleware"},
    {"app", "__main__"},
]
MODULES = sorted(p.relative_to(PACKAGE) for p in PACKAGE.rglob("*.py"))


def _top(parts: tuple[str, ...]) -> str:
    return parts[0].removesuffix(".py")


def _layer(top: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if top in names)


def _imports(path: Path) -> set[str]:
    """The emulator modules a file imports, by their top-level name in the package."""
    tree = ast.parse((PACKAGE / path).read_text(encoding="utf-8"))
    here = path.parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = here[: len(here) - (node.level - 1)]
            target = (*base, *(node.module or "").split(".")) if node.module else base
            names = [target] if node.module else [(*base, a.name) for a in node.names]
            found |= {_top(t) for t in names if t}
        elif isinstance(node, ast.ImportFrom | ast.Import):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            for name in [module] if module else [a.name for a in node.names]:
                if name and name.startswith("emulator.honeyhive."):
                    found.add(name.split(".")[2])
    return found


@pytest.mark.parametrize("path", MODULES, ids=str)
def test_a_module_imports_only_its_layer_or_below(path: Path) -> None:
    top = _top(path.parts)
    upward = {name for name in _imports(path) if _layer(name) > _layer(top)}
    assert not upward, f"{path} imports from a higher layer: {sorted(upward)}"
    if top == "storage":
        assert _imports(path) <= LAYERS[0] | {"storage"}, _imports(path)
