"""The domain's records as plain JSON data and back, checked field by field on the way in.

A memo's results travel between processes (the worker pool) and between builds (the cache).
Both carry them as JSON, never as pickles: a pickle is code, and a cache file is something a
pull request could commit. Reading goes through the same type hints that define the records,
so a value of the wrong shape (a forged or damaged file, another version's layout) is refused
with ``ValueError`` instead of reaching a page.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Literal, TypeVar, get_args, get_origin

T = TypeVar("T")
MAX_DEPTH = 12  # the records nest a few levels: anything deeper is not one of them


def to_data(value: Any) -> Any:
    """A record (or a list, tuple, dict of them) as JSON-ready lists, dicts, strings and numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} is not plain data")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(kind: Any, data: Any, depth: int = 0) -> Any:
    """``data`` (from ``to_data`` and JSON) read back as ``kind``; ``ValueError`` if it does not fit."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    origin, args = get_origin(kind), get_args(kind)
    if kind is Any:
        return data
    if kind is None or kind is type(None):
        if data is not None:
            raise ValueError(f"expected null, found {type(data).__name__}")
        return None
    if origin in (typing.Union, types.UnionType):
        for option in args:
            try:
                return from_data(option, data, depth + 1)
            except ValueError:
                continue
        raise ValueError(f"{type(data).__name__} fits none of {kind}")
    if origin is Literal:
        if data not in args:
            raise ValueError(f"{data!r} is not one of {args}")
        return data
    if kind is bool or kind is str:
        if type(data) is not kind:
            raise ValueError(f"expected {kind.__name__}, found {type(data).__name__}")
        return data
    if kind is int:
        if type(data) is not int:
            raise ValueError(f"expected int, found {type(data).__name__}")
        return data
    if kind is float:
        if type(data) not in (int, float):
            raise ValueError(f"expected a number, found {type(data).__name__}")
        return float(data)
    if origin in (list, tuple, set, frozenset) or kind in (list, tuple):
        if not isinstance(data, list):
            raise ValueError(f"expected a list, found {type(data).__name__}")
        if origin is tuple and args and args[-1] is not Ellipsis:
            if len(args) != len(data):
                raise ValueError(f"expected {len(args)} items, found {len(data)}")
            return tuple(from_data(a, d, depth + 1) for a, d in zip(args, data, strict=True))
        item = args[0] if args else Any
        items = [from_data(item, d, depth + 1) for d in data]
        return (origin or kind)(items) if (origin or kind) is not list else items
    if origin is dict or kind is dict:
        if not isinstance(data, dict):
            raise ValueError(f"expected a mapping, found {type(data).__name__}")
        key_kind, value_kind = args or (str, Any)
        return {from_data(key_kind, k, depth + 1): from_data(value_kind, v, depth + 1) for k, v in data.items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(data, dict):
            raise ValueError(f"expected a {kind.__name__} record, found {type(data).__name__}")
        hints = _hints(kind)
        fields = {f.name: f for f in dataclasses.fields(kind) if f.init}
        if set(data) - set(fields):
            raise ValueError(f"unknown fields in a {kind.__name__} record: {sorted(set(data) - set(fields))[:5]}")
        values = {}
        for name, f in fields.items():
            if name not in data:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise ValueError(f"a {kind.__name__} record lacks '{name}'")
                continue
            values[name] = from_data(hints[name], data[name], depth + 1)
        return kind(**values)
    raise ValueError(f"cannot read {kind}")


def read_as(kind: type[T], data: Any) -> T:
    """``from_data`` with the result typed as ``kind``."""
    return typing.cast(T, from_data(kind, data))
