"""The SDK findings, read from `docs/findings.md` (the one place they are kept).

Each finding is a `## <id>` section whose list lines say how its scenario demonstrates it:

    - **shown by:** the Then step `<its phrase, {parameters} allowed>`
    - **fails with:** `<a regular expression the step's assertion message must match>`
    - **applies to:** honeyhive `<a PEP 440 specifier, e.g. <1.7.0>` | all versions
    - **seen in:** 1.5.1, 1.6.1, 1.7.0

A `@known_defect @issue:<id>` scenario is expected to fail only in that Then, only with that
message, and only on the SDK versions the finding applies to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

FINDINGS = Path(__file__).resolve().parents[2] / "docs" / "findings.md"
_SECTION = re.compile(r"^## ([a-z0-9][a-z0-9-]*)\s*$", re.M)
_LINE = re.compile(r"^- \*\*(shown by|fails with|applies to|seen in):\*\*\s*(.+?)\s*$", re.M)
_CODE = re.compile(r"`([^`]+)`")


class FindingsError(ValueError):
    """docs/findings.md does not say what the suite needs; the message names the finding."""


@dataclass(frozen=True)
class Finding:
    id: str
    shown_by: str  # the Then phrase, with {parameters}
    fails_with: re.Pattern[str]
    applies_to: SpecifierSet | None  # None: every version
    seen_in: tuple[str, ...]

    def applies(self, sdk_version: str | None) -> bool:
        if self.applies_to is None or sdk_version is None:
            return True
        try:
            return Version(sdk_version) in self.applies_to
        except InvalidVersion:
            return True

    def shown_by_step(self, keyword: str, text: str) -> bool:
        if keyword.lower() != "then":
            return False
        pattern = re.sub(r"\\\{\w+\\\}", ".+?", re.escape(self.shown_by))
        return re.fullmatch(pattern, text.strip()) is not None

    def matches(self, message: str) -> bool:
        return self.fails_with.search(message) is not None

    @property
    def range(self) -> str:
        return f"honeyhive {self.applies_to}" if self.applies_to else "all versions"


def _parse_section(fid: str, body: str) -> Finding:
    lines = {k: v for k, v in _LINE.findall(body)}
    missing = [k for k in ("shown by", "fails with") if k not in lines]
    if missing:
        raise FindingsError(
            f"finding {fid!r} in {FINDINGS.name} has no {' or '.join(missing)} line"
        )
    shown = _CODE.search(lines["shown by"])
    fails = _CODE.search(lines["fails with"])
    if not shown or not fails:
        raise FindingsError(f"finding {fid!r}: put the step and the message pattern in `backticks`")
    try:
        pattern = re.compile(fails[1])
    except re.error as exc:
        raise FindingsError(f"finding {fid!r}: 'fails with' is not a valid pattern: {exc}") from exc
    applies: SpecifierSet | None = None
    raw = lines.get("applies to", "all versions")
    spec = _CODE.search(raw)
    if spec:
        try:
            applies = SpecifierSet(spec[1])
        except InvalidSpecifier as exc:
            raise FindingsError(
                f"finding {fid!r}: 'applies to' {spec[1]!r} is not a version range"
            ) from exc
    seen = tuple(v.strip() for v in lines.get("seen in", "").split(",") if v.strip())
    return Finding(fid, shown[1], pattern, applies, seen)


@cache
def registry(path: Path = FINDINGS) -> dict[str, Finding]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FindingsError(f"the findings of the known defects cannot be read: {exc}") from exc
    heads = list(_SECTION.finditer(text))
    found: dict[str, Finding] = {}
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[head.end() : end]
        if _LINE.search(body):
            found[head[1]] = _parse_section(head[1], body)
    return found


def sdk_version() -> str | None:
    try:
        return version("honeyhive")
    except PackageNotFoundError:
        return None
