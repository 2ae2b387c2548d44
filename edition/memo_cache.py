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

The state an entry restores is found, not listed (``edition.memo_state``). The memos a build
must process are processed together once every page is rendered, side by side when the machine
has the cores (``edition.memo_pool``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from mkdocs.utils import CountHandler

from .memo_pool import MemoJob, process_all, workers_for
from .memo_state import Entry, changes, in_order, merge, replay, snapshot

T = TypeVar("T")  # what CachedEdition.remembered keeps: a page, a policy, a set of entry ids
VERSION = 3  # 2: entries carry a SHA-256 of their bytes; 3: edition.memo_state.Entry
INPUT_DIRS = ("data", "bib", "edition", "hooks", "overrides")
INPUT_FILES = ("package-lock.json",)  # the Node packages, should a memo's rendering use them (and the config file used)
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "lxml", "citeproc-py", "bibtexparser", "pyyaml")


def _digest_files(h: Any, root: Path, config_file: Path) -> None:
    paths: list[Path] = []
    for name in INPUT_DIRS:
        base = root / name
        if base.is_dir():
            paths += [p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    paths += [root / name for name in INPUT_FILES if (root / name).is_file()]
    for path in sorted(paths, key=lambda p: p.relative_to(root).as_posix()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    h.update(b"config\0" + (hashlib.sha256(config_file.read_bytes()).digest() if config_file.is_file() else b"-"))


def edition_key(root: Path, settings: str = "", config_file: Path | None = None) -> str:
    """What every memo's result depends on besides the memo itself; ``config_file``: the MkDocs
    configuration the build uses (``-f other.yml``), mkdocs.yml by default."""
    h = hashlib.sha256(f"memo-cache {VERSION} {sys.version} {settings}\0".encode())
    for package in PACKAGES:
        try:
            h.update(f"{package}={metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package}=-\0".encode())
    _digest_files(h, root, config_file or root / "mkdocs.yml")
    return h.hexdigest()


@dataclass
class MemoCache:
    directory: Path
    key_prefix: str
    hits: int = 0
    misses: int = 0

    @classmethod
    def open(cls, root: Path, settings: str = "", config_file: Path | None = None) -> MemoCache:
        return cls(root / ".cache" / "memos", edition_key(root, settings, config_file))

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
        stored = _read_checked(path)
        entry = None
        if stored is not None:
            stored_key, entry = stored
            entry = entry if stored_key == key and isinstance(entry, Entry) and entry.html is not None else None
        if entry is None:
            path.unlink(missing_ok=True)
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> None:
        _write_checked(self._path(key), (key, entry))


def _read_checked(path: Path) -> Any:
    """What ``_write_checked`` stored in ``path``, or ``None`` for a missing, damaged or foreign file."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, payload = data[:32], data[32:]
    if len(data) <= 32 or hashlib.sha256(payload).digest() != digest:
        return None
    try:
        value = pickle.loads(payload)
    except Exception:  # written by another Python: a miss, and the file is replaced
        return None
    return value if isinstance(value, tuple) and len(value) == 2 else None


def _write_checked(path: Path, value: tuple[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(hashlib.sha256(payload).digest() + payload)
        tmp.replace(path)  # atomic: a reader sees the old file or the new one, never half
    except OSError:
        pass  # a cache that cannot be written only costs time


@dataclass
class ResultStore:
    """Results of the whole last build that the next one can take back: the content of the
    generated pages (register, glossary, chronology…), each page's security policy, and which
    register entries the memo files name (keyed by their texts).

    A generated page depends on every memo, so its key covers the keys of all memos (each of
    which covers registries, library, code and settings) and the page's own text: one memo
    changed and every generated page is made again, as it must be. A policy's key is the
    page's bytes. The store is one file holding only what the last build used, so it does
    not grow with every edit; it is written only after a build without warnings, like the
    memo entries, and a damaged file counts as empty.
    """

    path: Path
    prefix: str
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path, prefix: str) -> ResultStore:
        store = cls(root / ".cache" / "results.pickle", prefix)
        stored = _read_checked(store.path)
        if stored is not None and stored[0] == prefix and isinstance(stored[1], dict):
            store.old = stored[1]
        return store

    def key(self, *parts: str) -> str:
        h = hashlib.sha256(self.prefix.encode())
        for part in parts:
            h.update(b"\0" + part.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def get(self, key: str) -> Any:
        value = self.old.get(key)
        if value is not None:
            self.new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self.new[key] = value

    def save(self) -> None:
        if self.new != self.old:
            _write_checked(self.path, (self.prefix, self.new))


@dataclass
class Pending:
    """A memo to process: where its entry goes, and what preparing its Markdown changed."""

    key: str
    prepared: Entry


class CachedEdition:
    """The per-memo steps of the hooks, answered from the cache when the entry is there.

    A hit replays the memo's state into the Edition, hands MkDocs an empty Markdown text (its
    rendering, the largest cost of a memo, is skipped) and restores what that rendering gives the
    page: table of contents, title, anchors and links to anchors (MkDocs validates those after
    all pages). A miss is prepared at once (its notes, before rendering) and processed with the
    other misses in ``process_pending``, once every page is rendered. New entries are written
    only after a build that logged no warning, so an entry never hides a problem that a full
    rendering would report. The key covers the list of all documentation files too: a page added
    or removed can change where a memo's links lead.
    """

    def __init__(self, cache: MemoCache | None, store: ResultStore | None = None) -> None:
        self.cache = cache
        self.store = store if cache is not None else None
        self.keys: dict[str, str] = {}  # every memo's key this build: what the generated pages depend on
        self.order: list[str] = []  # memos in the order MkDocs renders them
        self.workers = 0  # worker processes the memos were processed in (0: this process)
        self.reused: Counter[str] = Counter()  # what ``remembered`` took from the last build, by kind
        self._memos_digest: str | None = None
        self.pending: dict[str, Pending] = {}
        self.jobs: list[MemoJob] = []
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
        self.order.append(doc_path)
        if self.cache is None:
            return ed.prepare_markdown(doc_path, markdown)
        key = self.keys[doc_path] = self._key(doc_path, source, files)
        entry = self.cache.get(key)
        if entry is not None:
            replay(ed, entry)
            self.done[doc_path] = entry
            return ""
        before, diags_before = snapshot(ed), len(ed.diags.items)
        out = ed.prepare_markdown(doc_path, markdown)
        prepared = changes(ed, before, diags_before)
        prepared.markdown = out
        self.pending[doc_path] = Pending(key, prepared)
        return out

    def process_memo(self, ed: Any, page: Any, content: str, url_for: Any, files: Any) -> str:
        """The page from the cache, or its rendered HTML as it stands until ``process_pending``."""
        doc_path = page.file.src_uri
        entry = self.done.pop(doc_path, None)
        if entry is not None:  # stored only from a build without warnings: its checks passed then
            page.toc, page._title_from_render, page.present_anchor_ids = entry.toc, entry.title, set(entry.anchors)
            links = {files.get_file_from_path(src): dict(anchors) for src, anchors in entry.anchor_links.items()}
            page.links_to_anchors = {f: a for f, a in links.items() if f is not None}
            return entry.html  # type: ignore[return-value]
        self.jobs.append(MemoJob(doc_path, content, url_for, page))
        return content

    def process_pending(self, ed: Any) -> None:
        """Process the memos the cache did not hold, all at once (side by side where the machine
        allows), and put the Edition's per-memo state in the order of the pages, whichever memos
        came from the cache: the site is the same bytes either way."""
        jobs, self.jobs = self.jobs, []
        self.workers = workers_for(len(jobs))  # (the caller collected the citations started at load)
        for job, html, delta in process_all(ed, jobs, self.workers, track=self.cache is not None):
            job.page.content = html
            pending = self.pending.pop(job.doc_path, None)
            if pending is not None and delta is not None:
                entry = merge(pending.prepared, delta)
                entry.html = html
                page = job.page
                entry.toc, entry.title = page.toc, page._title_from_render
                entry.anchors = set(page.present_anchor_ids or ())
                entry.anchor_links = {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()}
                self.new.append((pending.key, entry))
        rank = {path: i for i, path in enumerate(self.order)}
        in_order(ed, lambda path: rank.get(path, len(rank)))

    def remembered(self, kind: str, parts: tuple[str, ...], make: Callable[[], T], memos_of: Any = None) -> T:
        """``make()``, or what it gave the last build for the same ``parts``; with ``memos_of``
        (the Edition) the key covers every memo too (a generated page, which gathers from all of them)."""
        if self.store is None:
            return make()
        if memos_of is not None:
            if self._memos_digest is None:
                h = hashlib.sha256("\0".join(f"{p}\0{k}" for p, k in sorted(self.keys.items())).encode())
                for name in sorted(memos_of.documents):  # memos the Edition read that MkDocs did not render
                    if name not in self.keys:  # (a rendered memo's bytes are in its key already)
                        path = memos_of.docs_dir / name
                        h.update(f"\0{name}\0".encode() + (hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-"))
                self._memos_digest = h.hexdigest()
            parts = (self._memos_digest, *parts)
        key = self.store.key(kind, *parts)
        value = self.store.get(key)
        if value is None:
            value = make()
            self.store.put(key, value)
        else:
            self.reused[kind] += 1
        return value

    def summary(self) -> str:
        pool = f" in {self.workers} worker processes" if self.workers else ""
        if self.cache is None:
            return f"memo cache off (EDITION_CACHE=off); memos processed{pool}"
        reused = f"; {self.reused['page']} generated page(s) and {self.reused['csp']} page policies reused" if self.store is not None else ""
        return f"memo cache: {self.cache.hits} memo(s) reused, {self.cache.misses} processed{pool}{reused}"

    def save(self) -> None:
        """Write the new entries, unless the build logged a warning (MkDocs' own counter)."""
        if self.cache is None:
            return
        for handler in logging.getLogger("mkdocs").handlers:
            if isinstance(handler, CountHandler) and any(level >= logging.WARNING for level in handler.counts):
                self.new.clear()
                return
        for key, entry in self.new:
            self.cache.put(key, entry)
        self.new.clear()
        if self.store is not None:
            self.store.save()
