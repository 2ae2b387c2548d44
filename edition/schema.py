"""Field-by-field validation of registry entries and front matter.

One small validator for every YAML shape in the edition, so that a missing field, a wrong
type or an unknown key is reported the same way wherever it happens.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .diagnostics import Diagnostics
from .htmltext import shorten
from .yamldata import Located, is_invalid

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "str" | "int" | "int-or-null" | "date" | "partial-date" | "partial-date-or-null" | "str-list" | "str-or-null" | "bool"
    required: bool = True
    choices: tuple[str, ...] = ()


def _type_ok(kind: str, value: Any) -> bool:
    checks: dict[str, Callable[[Any], bool]] = {
        "str": lambda v: isinstance(v, str) and v.strip() != "",
        "str-or-null": lambda v: v is None or (isinstance(v, str) and v.strip() != ""),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0,
        "int-or-null": lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v > 0),
        "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
        "partial-date": lambda v: parse_partial_date(v) is not None,
        "partial-date-or-null": lambda v: v is None or parse_partial_date(v) is not None,
        "bool": lambda v: isinstance(v, bool),
        "mapping-list": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
        "str-list": lambda v: isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v),
        "excerpt": lambda v: v is None or (isinstance(v, dict) and set(v) == {"part", "from", "to"}
                                           and all(isinstance(x, str) and x.strip() for x in v.values())),
    }
    return checks[kind](value)


_EXPECT = {
    "str": "a non-empty text",
    "str-or-null": "a text or null",
    "int": "a positive whole number",
    "int-or-null": "a positive whole number, or null when it is not known",
    "date": "an ISO date YYYY-MM-DD",
    "partial-date": "a date written YYYY, YYYY-MM or YYYY-MM-DD (quoted)",
    "partial-date-or-null": "a date written YYYY, YYYY-MM or YYYY-MM-DD (quoted), or null when it is not known",
    "bool": "true or false",
    "mapping-list": "a list of mappings, each item starting with '- '",
    "str-list": "a list of texts, e.g. [\"A\", \"B\"]",
    "excerpt": "null, or 'part' (what part of the source, for readers), 'from' and 'to' (its first and last words as in the source)",
}


def shown_value(value: Any, limit: int = 60) -> str:
    """A value as the contributor wrote it in YAML (null, true, "text"), shortened: never Python's repr."""
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"' if isinstance(value, str) else text


def parse_partial_date(value: Any) -> tuple[int, int, int] | None:
    """Read ``1983``, ``1983-07`` or ``1983-07-14`` (or a YAML date) as a sortable triple."""
    if isinstance(value, dt.date):
        return (value.year, value.month, value.day)
    if isinstance(value, int) and 1000 <= value <= 9999:
        return (value, 0, 0)
    if not isinstance(value, str):
        return None
    m = PARTIAL_DATE.match(value.strip())
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    try:
        if day:
            dt.date(year, month, day)
        elif month and not 1 <= month <= 12:
            return None
    except ValueError:
        return None
    return (year, month, day)


def validate(item: Located, fields: list[Field], path: str, diags: Diagnostics, what: str) -> bool:
    """Report every problem of one entry; return whether it is usable."""
    ok = True
    known = {f.name for f in fields}
    for key in item.value:
        if key not in known:
            diags.error(
                path, item.line_of(key), f"unknown field '{shorten(key, 40)}' in {what}",
                f"allowed fields: {', '.join(sorted(known))}",
            )
            ok = False
    for f in fields:
        if f.name not in item.value:
            if f.required:
                diags.error(path, item.line, f"missing field '{f.name}' in {what}", f"add '{f.name}:' with {_EXPECT[f.kind]}")
                ok = False
            continue
        value = item.value[f.name]
        if is_invalid(value):
            ok = False
            continue
        if not _type_ok(f.kind, value):
            diags.error(
                path, item.line_of(f.name), f"field '{f.name}' in {what} must be {_EXPECT[f.kind]}, not {shown_value(value)}",
                "fix the value's type",
            )
            ok = False
        elif isinstance(value, str) and value.startswith("FILL IN"):
            diags.error(path, item.line_of(f.name), f"field '{f.name}' in {what} still has its template text", "replace the FILL IN text with the real value")
            ok = False
        elif f.choices and value is not None and value not in f.choices:
            diags.error(
                path, item.line_of(f.name), f"field '{f.name}' in {what} is {shorten(repr(value))}",
                f"use one of: {', '.join(f.choices)}",
            )
            ok = False
    return ok
