"""What processing one memo adds to the Edition, taken as a difference so it can be kept
(the memo cache) or carried from a worker process (the memo pool) and replayed.

The state is found, not listed: every ``dict`` and ``list`` field of the ``Edition`` that
processing the memo changed. State kept elsewhere (inside another object) is not seen: a new
kind of per-memo state must live in such a field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

# Edition fields that are per-build machinery, not results of one memo.
SKIP_FIELDS = frozenset({"diags", "documents", "terms", "entities", "library", "formatter", "annotator"})


@dataclass
class Snapshot:
    """The sizes of the Edition's lists and the identities of its dicts' values, before a memo."""

    lists: dict[str, int]
    dicts: dict[str, dict[Any, int]]


@dataclass
class Entry:
    markdown: str
    html: str | None = None
    # What MkDocs' own Markdown rendering gave the page (a hit skips the rendering):
    toc: Any = None
    title: str | None = None
    anchors: set[str] = field(default_factory=set)
    anchor_links: dict[str, dict[str, str]] = field(default_factory=dict)  # target src_uri -> {anchor: link}
    lists: dict[str, list] = field(default_factory=dict)
    dicts: dict[str, dict] = field(default_factory=dict)
    diagnostics: list = field(default_factory=list)


def _state_fields(ed: Any) -> list[str]:
    return [f.name for f in fields(ed) if f.name not in SKIP_FIELDS]


def snapshot(ed: Any) -> Snapshot:
    lists, dicts = {}, {}
    for name in _state_fields(ed):
        value = getattr(ed, name)
        if isinstance(value, list):
            lists[name] = len(value)
        elif isinstance(value, dict):
            dicts[name] = {k: id(v) for k, v in value.items()}
    return Snapshot(lists, dicts)


def changes(ed: Any, before: Snapshot, diags_before: int) -> Entry:
    """What processing one memo added to the Edition since ``before``."""
    entry = Entry(markdown="")
    for name, size in before.lists.items():
        added = getattr(ed, name)[size:]
        if added:
            entry.lists[name] = list(added)
    for name, ids in before.dicts.items():
        changed = {k: v for k, v in getattr(ed, name).items() if ids.get(k) != id(v)}
        if changed:
            entry.dicts[name] = changed
    entry.diagnostics = list(ed.diags.items[diags_before:])
    return entry


def replay(ed: Any, entry: Entry) -> None:
    for name, added in entry.lists.items():
        getattr(ed, name).extend(added)
    for name, changed in entry.dicts.items():
        getattr(ed, name).update(changed)
    ed.diags.items.extend(entry.diagnostics)


def merge(first: Entry, then: Entry) -> Entry:
    """One entry holding ``first``'s changes and then ``then``'s (a memo's preparation, then its
    processing); the Markdown is ``first``'s, and the page is the caller's to set."""
    out = Entry(markdown=first.markdown)
    for name in dict.fromkeys([*first.lists, *then.lists]):
        out.lists[name] = [*first.lists.get(name, ()), *then.lists.get(name, ())]
    for name in dict.fromkeys([*first.dicts, *then.dicts]):
        out.dicts[name] = {**first.dicts.get(name, {}), **then.dicts.get(name, {})}
    out.diagnostics = [*first.diagnostics, *then.diagnostics]
    return out


def in_order(ed: Any, rank: Callable[[str], int]) -> None:
    """Each dict and list field in the order of its memos (``rank`` of a docs path), a memo's own
    items kept in their order: how state replayed from the cache or a worker lines up with a
    build that processed every memo in turn. Items without a ``doc_path`` stay where they are."""
    for name in _state_fields(ed):
        value = getattr(ed, name)
        if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            setattr(ed, name, dict(sorted(value.items(), key=lambda kv: rank(kv[0]))))
        elif isinstance(value, list) and value and all(hasattr(v, "doc_path") for v in value):
            value.sort(key=lambda v: rank(v.doc_path))
