"""How the documents are laid out in the site's navigation, whatever their number.

Material writes the whole branch of the navigation that holds the current page into every page
(with ``navigation.prune``, only that branch). A flat list of every memo would make each page grow
with the edition (300 memos of one year: 135 KB of links in every memo page), so a long list is
cut into sections: by year, a crowded year by month, a crowded month into numbered runs. Each
section holds at most ``limit`` entries, and the order (date, then path) is kept, so previous and
next still lead from document to document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class NavGroup(Generic[T]):
    """A section of the documents' navigation: a title and its entries (documents or sections)."""

    title: str
    children: list[T | NavGroup[T]] = field(default_factory=list)


def _split(items: Sequence[tuple[dt.date, T]], key: Callable[[dt.date], object], title: Callable[[dt.date], str],
           limit: int, deeper: Callable[[Sequence[tuple[dt.date, T]], str], list[T | NavGroup[T]]]) -> list[T | NavGroup[T]]:
    groups: dict[object, list[tuple[dt.date, T]]] = {}
    for date, item in items:
        groups.setdefault(key(date), []).append((date, item))
    out: list[T | NavGroup[T]] = []
    for members in groups.values():
        label = title(members[0][0])
        out.append(NavGroup(label, [item for _, item in members] if len(members) <= limit else deeper(members, label)))
    return out


def _runs(items: Sequence[tuple[dt.date, T]], label: str, limit: int) -> list[T | NavGroup[T]]:
    return [NavGroup(f"{label}: {i + 1}–{min(i + limit, len(items))}", [item for _, item in items[i:i + limit]])
            for i in range(0, len(items), limit)]


def group_documents(items: Sequence[tuple[dt.date, T]], limit: int) -> list[T | NavGroup[T]]:
    """``items`` (date, document) in reading order, as the navigation lists them: as they are up to
    ``limit``, else by year, a year of more than ``limit`` by month, a month of more than ``limit``
    in runs of ``limit`` ("October 1987: 1–20")."""
    if len(items) <= limit:
        return [item for _, item in items]

    def by_month(members: Sequence[tuple[dt.date, T]], _: str) -> list[T | NavGroup[T]]:
        return _split(members, lambda d: d.month, lambda d: d.strftime("%B %Y"), limit,
                      lambda inner, label: _runs(inner, label, limit))

    return _split(items, lambda d: d.year, lambda d: str(d.year), limit, by_month)
