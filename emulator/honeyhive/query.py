"""Event queries as the export and search routes take them: filters, dateRange, projections,
pagination. Validation fails loudly (BadRequest naming the bad field, operator or type);
evaluation runs over the event documents the store returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from .errors import BadRequest
from .event_fields import ENRICHMENT_FIELDS, TOP_LEVEL_FIELDS

# The one list of filter operators and value types: request schemas take these Literals (so the
# OpenAPI document keeps the enums the fuzzers draw from) and validation takes the tuples.
Operator = Literal[
    "exists",
    "not exists",
    "is",
    "is not",
    "contains",
    "not contains",
    "greater than",
    "less than",
    "after",
    "before",
]
FilterType = Literal["string", "number", "boolean", "datetime"]
OPERATORS: tuple[Operator, ...] = get_args(Operator)
TYPES: tuple[FilterType, ...] = get_args(FilterType)
_PUSHDOWN = ("session_id", "event_id", "event_type")
_ORDER_OPS = {"greater than", "less than", "after", "before"}


@dataclass(frozen=True)
class Filter:
    field: str
    operator: str
    value: Any
    type: str

    def matches(self, event: dict[str, Any]) -> bool:
        found, actual = lookup(event, self.field)
        if self.operator == "exists":
            return found and actual is not None
        if self.operator == "not exists":
            return not found or actual is None
        if not found or actual is None:
            return self.operator in ("is not", "not contains")
        if self.operator in ("is", "is not"):
            equal = _coerce(actual, self.type) == _coerce(self.value, self.type)
            return equal if self.operator == "is" else not equal
        if self.operator in ("contains", "not contains"):
            hit = _contains(actual, self.value)
            return hit if self.operator == "contains" else not hit
        left, right = _coerce(actual, self.type), _coerce(self.value, self.type)
        if left is None or right is None:
            return False
        if self.operator in ("greater than", "after"):
            return bool(left > right)
        return bool(left < right)


def parse_filters(raw: Any) -> list[Filter]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise BadRequest("'filters' must be a list of {field, operator, value, type} objects")
    return [_parse_filter(f, i) for i, f in enumerate(raw)]


def _parse_filter(raw: Any, i: int) -> Filter:
    where = f"filters[{i}]"
    if not isinstance(raw, dict):
        raise BadRequest(f"{where} must be an object with field, operator, value, type")
    unknown = set(raw) - {"field", "operator", "value", "type"}
    if unknown:
        raise BadRequest(f"{where}: unknown keys {sorted(unknown)}")
    field, operator = raw.get("field"), raw.get("operator")
    if not isinstance(field, str) or not field:
        raise BadRequest(f"{where}.field is required")
    check_field(field, where)
    if operator not in OPERATORS:
        raise BadRequest(
            f"{where}: unknown operator {operator!r}; use one of {', '.join(OPERATORS)}"
        )
    value = raw.get("value")
    if operator not in ("exists", "not exists") and "value" not in raw:
        raise BadRequest(f"{where}.value is required for operator {operator!r}")
    if value is not None and not isinstance(value, str | int | float | bool):
        raise BadRequest(f"{where}.value must be a string, number, boolean or null")
    ftype = raw.get("type") or _infer_type(value)
    if ftype not in TYPES:
        raise BadRequest(f"{where}: unknown type {ftype!r}; use one of {', '.join(TYPES)}")
    if operator in _ORDER_OPS and ftype not in ("number", "datetime"):
        raise BadRequest(f"{where}: operator {operator!r} needs type number or datetime")
    if operator in ("after", "before") and ftype != "datetime":
        raise BadRequest(f"{where}: operator {operator!r} needs type datetime")
    checked = operator not in ("exists", "not exists", "contains", "not contains")
    if value is not None and checked and _coerce(value, ftype) is None:
        raise BadRequest(f"{where}: value {value!r} is not a valid {ftype}")
    return Filter(field, operator, value, ftype)


def check_field(field: str, where: str) -> None:
    head, _, rest = field.partition(".")
    if head in ENRICHMENT_FIELDS and rest:
        return
    if field in TOP_LEVEL_FIELDS or field in ENRICHMENT_FIELDS:
        return
    raise BadRequest(
        f"{where}: unknown field {field!r}; use one of {', '.join(TOP_LEVEL_FIELDS)} "
        f"or a path inside {', '.join(ENRICHMENT_FIELDS)} (e.g. 'metadata.customer_id')"
    )


def pushdown(filters: list[Filter]) -> dict[str, str]:
    """Exact string matches on indexed columns the store can apply in SQL."""
    out: dict[str, str] = {}
    for f in filters:
        if f.field in _PUSHDOWN and f.operator == "is" and isinstance(f.value, str):
            out.setdefault(f.field, f.value)
    return out


def lookup(event: dict[str, Any], field: str) -> tuple[bool, Any]:
    """Resolve `metadata.a.b` against nested dicts and dotted flat keys ('a.b') alike."""
    if field in event:
        return True, event[field]
    head, _, rest = field.partition(".")
    node = event.get(head)
    return _walk(node, rest.split(".")) if rest else (False, None)


def _walk(node: Any, parts: list[str]) -> tuple[bool, Any]:
    if not parts:
        return True, node
    if isinstance(node, list):
        if parts[0].isdigit() and int(parts[0]) < len(node):
            return _walk(node[int(parts[0])], parts[1:])
        return False, None
    if not isinstance(node, dict):
        return False, None
    for cut in range(len(parts), 0, -1):
        key = ".".join(parts[:cut])
        if key in node:
            found, value = _walk(node[key], parts[cut:])
            if found:
                return True, value
    return False, None


def _infer_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def _coerce(value: Any, ftype: str) -> Any:
    if ftype == "string":
        return value if isinstance(value, str) else _json_text(value)
    if ftype == "number":
        if isinstance(value, bool):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    if ftype == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return None
    return to_epoch_ms(value)


def to_epoch_ms(value: Any) -> float | None:
    """Epoch milliseconds from a number (ms) or an ISO-8601 string; one without an offset is UTC
    (the server's zone), whatever the zone of the machine the emulator runs on."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return parsed.timestamp() * 1000
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return None
    return None


def _json_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _contains(actual: Any, needle: Any) -> bool:
    if isinstance(actual, list):
        return any(_json_text(x) == _json_text(needle) for x in actual)
    if isinstance(actual, dict):
        return _json_text(needle) in actual
    return _json_text(needle) in _json_text(actual)


@dataclass(frozen=True)
class DateRange:
    gte: float | None
    lte: float | None

    def matches(self, event: dict[str, Any]) -> bool:
        start = event.get("start_time")
        if not isinstance(start, int | float):
            return False
        if self.gte is not None and start < self.gte:
            return False
        return not (self.lte is not None and start > self.lte)


def parse_date_range(raw: Any) -> DateRange | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadRequest("'dateRange' must be an object with '$gte' and/or '$lte'")
    unknown = set(raw) - {"$gte", "$lte"}
    if unknown:
        raise BadRequest(f"dateRange: unknown keys {sorted(unknown)}; use '$gte' and '$lte'")
    bounds = {}
    for key in ("$gte", "$lte"):
        if raw.get(key) is not None:
            ms = to_epoch_ms(raw[key])
            if ms is None:
                raise BadRequest(f"dateRange.{key}: {raw[key]!r} is not an ISO date or epoch ms")
            bounds[key] = ms
    return DateRange(bounds.get("$gte"), bounds.get("$lte"))


def parse_projections(raw: Any) -> list[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise BadRequest("'projections' must be a list of field names")
    for p in raw:
        check_field(p, "projections")  # paths only inside the object fields
    return list(raw)


def projected(event: dict[str, Any], projections: list[str] | None) -> dict[str, Any]:
    """The event cut down to the projected fields (all of it without projections)."""
    if not projections:
        return event
    out: dict[str, Any] = {}
    for p in projections:
        found, value = lookup(event, p)
        if found:
            _assign(out, p, value)
    return out


def _assign(target: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if not rest:
        target[head] = value
        return
    node = target.setdefault(head, {})
    if isinstance(node, dict):
        node[rest] = value


def page_bounds(limit: Any, page: Any, *, max_limit: int) -> tuple[int, int]:
    for name, value in (("limit", limit), ("page", page)):
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise BadRequest(f"'{name}' must be a whole number")
    if not 1 <= int(limit) <= max_limit:
        raise BadRequest(f"'limit' must be between 1 and {max_limit}, got {limit}")
    if int(page) < 1:
        raise BadRequest(f"'page' must be 1 or more, got {page}")
    return int(limit), int(page)
