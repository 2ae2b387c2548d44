"""The documents' navigation at any size: sections of at most ``limit`` entries, order kept."""

from __future__ import annotations

import datetime as dt

from edition.navigation import NavGroup, group_documents


def leaves(entries: list) -> list:
    out = []
    for entry in entries:
        out += leaves(entry.children) if isinstance(entry, NavGroup) else [entry]
    return out


def most_documents(entries: list) -> int:
    """The most documents listed side by side in one section (the top level: only if flat)."""
    here = sum(not isinstance(e, NavGroup) for e in entries)
    return max([here, *(most_documents(e.children) for e in entries if isinstance(e, NavGroup))])


def items(dates: list[dt.date]) -> list[tuple[dt.date, str]]:
    return [(d, f"{d.isoformat()}#{i}") for i, d in enumerate(sorted(dates))]


def test_a_short_list_stays_flat() -> None:
    memos = items([dt.date(1987, 10, 26), dt.date(1983, 9, 7)])
    assert group_documents(memos, 20) == [m for _, m in memos]


def test_every_section_holds_at_most_limit_and_the_order_is_kept() -> None:
    cases = {
        "300 of one day": [dt.date(1987, 10, 26)] * 300,
        "spread over years": [dt.date(1975 + i % 18, 1 + i % 12, 1 + i % 28) for i in range(500)],
        "one crowded month": [dt.date(1987, 10, 1 + i % 28) for i in range(45)] + [dt.date(1986, 1, 1)] * 3,
    }
    for name, dates in cases.items():
        memos = items(dates)
        for limit in (5, 20):
            nav = group_documents(memos, limit)
            assert leaves(nav) == [m for _, m in memos], name
            assert most_documents(nav) <= limit, (name, limit)
            assert all(isinstance(e, NavGroup) for e in nav), "a long list has sections only at its top"


def test_titles_say_where_a_document_is() -> None:
    nav = group_documents(items([dt.date(1987, 10, 26)] * 45 + [dt.date(1988, 2, 1)]), 20)
    assert [g.title for g in nav] == ["1987", "1988"]
    october = nav[0].children
    assert [g.title for g in october] == ["October 1987"]
    assert [g.title for g in october[0].children] == ["October 1987: 1–20", "October 1987: 21–40", "October 1987: 41–45"]
    assert nav[1].children == ["1988-02-01#45"]
