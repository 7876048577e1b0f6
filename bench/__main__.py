"""``python -m bench``: run every ``bench/*.py`` module that has a ``main()``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path


def main() -> int:
    failures = 0
    folder = Path(__file__).parent
    for module_info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{module_info.name}")
        entry: Callable[..., int] | None = getattr(module, "main", None)
        if entry is None:
            continue
        print(f"== bench.{module_info.name}", flush=True)
        # Modules whose main() takes argv get none: `python -m bench` runs them with defaults.
        code = entry([]) if inspect.signature(entry).parameters else entry()
        failures += 1 if code else 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
