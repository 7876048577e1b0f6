"""What every bench hands back: figures, each beside its baseline from the same run and its
target; one table for the whole run and one JSON file per bench under reports/bench/."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

OUT_DIR = Path("reports/bench")
QUICK_ENV = "BENCH_QUICK"


def quick_from_env() -> bool:
    return os.environ.get(QUICK_ENV, "").strip().lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Target:
    """`value >= limit` (kind "min") or `value <= limit` ("max"), on the figure's value or on
    its ratio to the baseline."""

    kind: Literal["min", "max"]
    limit: float
    of: Literal["value", "ratio"] = "value"

    def met(self, figure: Figure) -> bool | None:
        got = figure.value if self.of == "value" else figure.ratio
        if got is None or math.isnan(got):
            return None
        return got >= self.limit if self.kind == "min" else got <= self.limit

    def describe(self, unit: str) -> str:
        sign = "≥" if self.kind == "min" else "≤"
        if self.of == "ratio":
            return f"{sign} {self.limit:.2f}× baseline"
        return f"{sign} {_num(self.limit)} {unit}".rstrip()


@dataclass(frozen=True)
class Figure:
    """One measured figure. `baseline` is measured in the same run (None: no baseline)."""

    bench: str
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    targets: tuple[Target, ...] = ()
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    @property
    def met(self) -> bool | None:
        """True/False against every target; None when there is no target."""
        verdicts = [t.met(self) for t in self.targets]
        if not verdicts:
            return None
        if any(v is False for v in verdicts):
            return False
        return None if any(v is None for v in verdicts) else True

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["targets"] = [t.describe(self.unit) for t in self.targets]
        out["ratio"] = self.ratio
        out["met"] = self.met
        return out


def _num(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1000:
        return str(int(value))
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 100 samples is the 99th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(math.ceil(pct / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def table(figures: Sequence[Figure]) -> str:
    head = ("figure", "value", "baseline", "ratio", "target", "met?")
    rows = [head]
    for f in figures:
        baseline = (
            f"{_num(f.baseline)} {f.unit} ({f.baseline_name})" if f.baseline is not None else "—"
        )
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "—"
        target = "; ".join(t.describe(f.unit) for t in f.targets) or "—"
        met = {True: "yes", False: "NO", None: "—"}[f.met]
        rows.append(
            (f"{f.bench}: {f.name}", f"{_num(f.value)} {f.unit}", baseline, ratio, target, met)
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"  {f.bench}: {f.name}: {f.note}" for f in figures if f.note]
    if notes:
        lines += ["", "notes:", *notes]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg": os.getloadavg(),
    }


def write_json(
    bench: str, figures: Sequence[Figure], *, quick: bool, out_dir: Path = OUT_DIR
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{bench}.json"
    doc = {
        "bench": bench,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "quick": quick,
        "machine": machine(),
        "figures": [f.as_json() for f in figures],
    }
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    return path
