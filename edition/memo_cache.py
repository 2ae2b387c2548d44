"""Per-memo results kept across builds, so a warm build or a ``mkdocs serve`` rebuild processes
only the memos that changed.

A memo's entry holds what processing it produced: the page's HTML, what MkDocs' Markdown
rendering gave the page (table of contents, anchors: a hit skips that rendering), and everything
it added to the ``Edition`` (notes, page index, interventions, diagnostics). Its key is a SHA-256
of the memo file, of the list of documentation files, of every registry
(``data/``), of the library (``bib/``), of the edition's code (``edition/``, ``hooks/``,
``overrides/``), of ``mkdocs.yml``, ``package-lock.json`` and of the versions of the libraries that render pages: change
any of them and the entry is not found, so the memo is processed again. An entry that cannot be
read (truncated, corrupted, written by another Python) counts as missing and is replaced. A cache
can therefore never change the site: the tests build with and without it and compare bytes.

The state an entry restores is found, not listed: every ``dict`` and ``list`` field of the
``Edition`` that processing the memo changed. State kept elsewhere (inside another object) is not
seen: a new kind of per-memo state must live in such a field or be added here.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import threading
from dataclasses import dataclass, field, fields
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.utils import CountHandler

VERSION = 2  # 2: entries carry a SHA-256 of their bytes
INPUT_DIRS = ("data", "bib", "edition", "hooks", "overrides")
INPUT_FILES = ("mkdocs.yml", "package-lock.json")  # the Node packages, should a memo's rendering use them
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "lxml", "citeproc-py", "bibtexparser", "pyyaml")
# Edition fields that are per-build machinery, not results of one memo.
SKIP_FIELDS = frozenset({"diags", "documents", "terms", "entities", "library", "formatter", "annotator"})


def _digest_files(h: Any, root: Path) -> None:
    paths: list[Path] = []
    for name in INPUT_DIRS:
        base = root / name
        if base.is_dir():
            paths += [p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    paths += [root / name for name in INPUT_FILES if (root / name).is_file()]
    for path in sorted(paths, key=lambda p: p.relative_to(root).as_posix()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())


def edition_key(root: Path, settings: str = "") -> str:
    """What every memo's result depends on besides the memo itself."""
    h = hashlib.sha256(f"memo-cache {VERSION} {sys.version} {settings}\0".encode())
    for package in PACKAGES:
        try:
            h.update(f"{package}={metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package}=-\0".encode())
    _digest_files(h, root)
    return h.hexdigest()


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


@dataclass
class MemoCache:
    directory: Path
    key_prefix: str
    hits: int = 0
    misses: int = 0

    @classmethod
    def open(cls, root: Path, settings: str = "") -> MemoCache:
        return cls(root / ".cache" / "memos", edition_key(root, settings))

    def key(self, doc_path: str, source: bytes) -> str:
        h = hashlib.sha256(f"{self.key_prefix}\0{doc_path}\0".encode())
        h.update(source)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Entry | None:
        """The entry stored under ``key``; a file whose checksum does not match its bytes (a flipped
        byte, a truncated write, another program's file) is a miss, never unpickled."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError:
            self.misses += 1
            return None
        digest, payload = data[:32], data[32:]
        entry = None
        if len(data) > 32 and hashlib.sha256(payload).digest() == digest:
            try:
                stored_key, entry = pickle.loads(payload)
            except Exception:  # written by another Python: a miss, and the file is replaced
                entry = None
            else:
                entry = entry if stored_key == key and isinstance(entry, Entry) and entry.html is not None else None
        if entry is None:
            path.unlink(missing_ok=True)
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            payload = pickle.dumps((key, entry), protocol=pickle.HIGHEST_PROTOCOL)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(hashlib.sha256(payload).digest() + payload)
            tmp.replace(path)  # atomic: a reader sees the old entry or the new one, never half
        except OSError:
            pass  # a cache that cannot be written only costs time


@dataclass
class Pending:
    """A memo being processed: where its entry goes, and the Edition's state before it."""

    key: str
    before: Snapshot
    diags_before: int
    markdown: str


class CachedEdition:
    """The two per-memo steps of the hooks, answered from the cache when the entry is there.

    A hit replays the memo's state into the Edition, hands MkDocs an empty Markdown text (its
    rendering, the largest cost of a memo, is skipped) and restores what that rendering gives the
    page: table of contents, title, anchors and links to anchors (MkDocs validates those after
    all pages). New entries are written only after a build that logged no warning, so an entry
    never hides a problem that a full rendering would report. The key covers the list of all
    documentation files too: a page added or removed can change where a memo's links lead.
    """

    def __init__(self, cache: MemoCache | None) -> None:
        self.cache = cache
        self.pending: dict[str, Pending] = {}
        self.done: dict[str, Entry] = {}
        self.new: list[tuple[str, Entry]] = []
        self._files_key: str | None = None

    def _key(self, doc_path: str, source: bytes, files: Any) -> str:
        assert self.cache is not None
        if self._files_key is None:
            names = sorted(f.src_uri for f in files)
            self._files_key = hashlib.sha256("\0".join(names).encode()).hexdigest()
        return self.cache.key(doc_path, self._files_key.encode() + b"\0" + source)

    def prepare_markdown(self, ed: Any, doc_path: str, source: bytes, markdown: str, files: Any) -> str:
        if self.cache is None:
            return ed.prepare_markdown(doc_path, markdown)
        key = self._key(doc_path, source, files)
        entry = self.cache.get(key)
        if entry is not None:
            replay(ed, entry)
            self.done[doc_path] = entry
            return ""
        before, diags_before = snapshot(ed), len(ed.diags.items)
        out = ed.prepare_markdown(doc_path, markdown)
        self.pending[doc_path] = Pending(key, before, diags_before, out)
        return out

    def process_memo(self, ed: Any, page: Any, content: str, url_for: Any, files: Any) -> str:
        doc_path = page.file.src_uri
        entry = self.done.pop(doc_path, None)
        if entry is not None:  # stored only from a build without warnings: its checks passed then
            page.toc, page._title_from_render, page.present_anchor_ids = entry.toc, entry.title, set(entry.anchors)
            links = {files.get_file_from_path(src): dict(anchors) for src, anchors in entry.anchor_links.items()}
            page.links_to_anchors = {f: a for f, a in links.items() if f is not None}
            return entry.html  # type: ignore[return-value]
        html = ed.process_memo(doc_path, content, url_for)
        ed.report_duplicate_ids(doc_path, html)
        pending = self.pending.pop(doc_path, None)
        if self.cache is not None and pending is not None:
            entry = changes(ed, pending.before, pending.diags_before)
            entry.markdown, entry.html = pending.markdown, html
            entry.toc, entry.title = page.toc, page._title_from_render
            entry.anchors = set(page.present_anchor_ids or ())
            entry.anchor_links = {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()}
            self.new.append((pending.key, entry))
        return html

    def summary(self) -> str:
        if self.cache is None:
            return "memo cache off (EDITION_CACHE=off)"
        return f"memo cache: {self.cache.hits} memo(s) reused, {self.cache.misses} processed"

    def save(self) -> None:
        """Write the new entries, unless the build logged a warning (MkDocs' own counter)."""
        if self.cache is None or not self.new:
            return
        for handler in logging.getLogger("mkdocs").handlers:
            if isinstance(handler, CountHandler) and any(level >= logging.WARNING for level in handler.counts):
                self.new.clear()
                return
        for key, entry in self.new:
            self.cache.put(key, entry)
        self.new.clear()
