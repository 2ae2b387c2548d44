"""Per-memo results kept across builds, so a warm build or a ``mkdocs serve`` rebuild processes
only the memos that changed.

A memo's entry is its ``MemoResult`` (``edition.memo``) and what Markdown rendering gave the page
(table of contents, title, anchors: a hit skips that rendering), as plain JSON in a signed file
(``edition.cache_files``). Its key is a SHA-256 of the memo file, of the list of documentation
files, of every registry (``data/``), of the library (``bib/``), of the edition's code
(``edition/``, ``edition_plugin/``, ``overrides/``), of ``mkdocs.yml``, ``package-lock.json`` and of
the versions of the libraries that render pages: change any of them and the entry is not found,
so the memo is processed again. An entry that cannot be read (truncated, forged, another
version's layout) counts as missing and is replaced. A cache can therefore never change the
site: the tests build with and without it and compare bytes.

The memos a build must process are processed together once every page is rendered, side by
side when the machine has the cores (``edition.memo_pool``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from .cache_files import KeptFiles
from .memo import MemoContext, MemoResult, PreparedMemo, prepare_memo
from .memo_pool import MemoJob, process_all, workers_for
from .plain_data import read_as, to_data

T = TypeVar("T")
VERSION = 4  # 4: plain JSON, signed (edition.cache_files)
INPUT_DIRS = ("data", "bib", "edition", "edition_plugin", "overrides")
INPUT_FILES = ("package-lock.json",)  # the Node packages, should a memo's rendering use them (and the config file used)
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "lxml", "bibtexparser", "pyyaml")  # and citeproc-js: package-lock.json
MEMOS_DIR = "memos"
RESULTS_FILE = "results.json"


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


# -- what a hit restores of Markdown rendering -----------------------------------------------

@dataclass(frozen=True)
class TocEntry:
    id: str
    title: str
    level: int
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class RenderedPage:
    """What rendering the memo's Markdown gave the page besides its HTML (the adapter reads it
    from the page and puts it back on a hit)."""

    title: str | None
    toc: tuple[TocEntry, ...]
    anchors: tuple[str, ...]
    anchor_links: dict[str, dict[str, str]]  # target docs path -> {anchor: link}


@dataclass(frozen=True)
class MemoEntry:
    result: MemoResult
    page: RenderedPage


@dataclass
class MemoCache:
    files: KeptFiles
    key_prefix: str
    hits: int = 0
    misses: int = 0

    @classmethod
    def open(cls, root: Path, settings: str = "", config_file: Path | None = None) -> MemoCache:
        return cls(KeptFiles.open(root), edition_key(root, settings, config_file))

    def key(self, doc_path: str, source: bytes) -> str:
        h = hashlib.sha256(f"{self.key_prefix}\0{doc_path}\0".encode())
        h.update(source)
        return h.hexdigest()

    @staticmethod
    def _name(key: str) -> str:
        return f"{MEMOS_DIR}/{key[:2]}/{key}.json"

    def get(self, key: str) -> MemoEntry | None:
        """The entry stored under ``key``; a file that is unsigned, damaged or of another shape is a miss."""
        data = self.files.read_json(self._name(key))
        entry = None
        if isinstance(data, dict) and data.get("key") == key:
            try:
                entry = read_as(MemoEntry, data.get("entry"))
            except (ValueError, TypeError, RecursionError):
                entry = None
        if entry is None:
            self.files.remove(self._name(key))
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str, entry: MemoEntry) -> None:
        self.files.write_json(self._name(key), {"key": key, "entry": to_data(entry)})


@dataclass
class ResultStore:
    """Results of the whole last build that the next one can take back: the content of the
    generated pages (register, glossary, chronology…) and which register entries the memo files
    name (keyed by their texts).

    A generated page depends on every memo, so its key covers the keys of all memos (each of
    which covers registries, library, code and settings) and the page's own text: one memo
    changed and every generated page is made again, as it must be. The store is one file holding only what the last build used, so it does
    not grow with every edit; it is written only after a build without warnings, like the
    memo entries, and a damaged file counts as empty. Values are texts or lists of texts.
    """

    files: KeptFiles
    prefix: str
    old: dict[str, Any]
    new: dict[str, Any]

    @classmethod
    def open(cls, files: KeptFiles, prefix: str) -> ResultStore:
        stored = files.read_json(RESULTS_FILE)
        old: dict[str, Any] = {}
        if isinstance(stored, dict) and stored.get("prefix") == prefix and isinstance(stored.get("values"), dict):
            old = {k: v for k, v in stored["values"].items() if _plain_value(v)}
        return cls(files, prefix, old, {})

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
            self.files.write_json(RESULTS_FILE, {"prefix": self.prefix, "values": self.new})


def _plain_value(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


@dataclass
class Pending:
    """A memo the cache lacked, rendered by MkDocs and waiting to be processed with the others."""

    key: str | None
    job: MemoJob
    page: RenderedPage
    deliver: Callable[[str], None]  # puts the finished HTML on the page


class MemoRun:
    """One build's memos, each from the cache or processed, gathered into the Edition.

    ``prepare`` answers a hit at once (MkDocs then renders an empty text: the largest cost of a
    memo is skipped) and prepares a miss's notes; ``hit`` gives the adapter a hit's entry to put
    back on the page; ``queue`` keeps a rendered miss until ``process_pending`` processes all of
    them together (side by side where the machine allows). New entries are written by ``save``
    only after a build that logged no warning, so an entry never hides a problem that a full
    rendering would report. The key covers the list of all documentation files too: a page added
    or removed can change where a memo's links lead.
    """

    def __init__(self, cache: MemoCache | None, store: ResultStore | None = None, workers: int = 0) -> None:
        self.cache = cache
        self.store = store if cache is not None else None
        self.workers_setting = workers
        self.keys: dict[str, str] = {}  # every memo's key this build: what the generated pages depend on
        self.workers = 0  # worker processes the memos were processed in (0: this process)
        self.reused: Counter[str] = Counter()  # what ``remembered`` took from the last build, by kind
        self.prepared: dict[str, PreparedMemo] = {}
        self.hits: dict[str, MemoEntry] = {}
        self.pending: list[Pending] = []
        self.new: list[tuple[str, MemoEntry]] = []
        self._memos_digest: str | None = None

    def prepare(self, ctx: MemoContext, doc_path: str, source: bytes, markdown: str, files_key: str) -> str:
        """The Markdown for MkDocs to render: empty for a memo the cache holds."""
        if self.cache is not None:
            key = self.keys[doc_path] = self.cache.key(doc_path, files_key.encode() + b"\0" + source)
            entry = self.cache.get(key)
            if entry is not None:
                self.hits[doc_path] = entry
                return ""
        prepared = self.prepared[doc_path] = prepare_memo(ctx, doc_path, markdown)
        return prepared.markdown

    def hit(self, doc_path: str) -> MemoEntry | None:
        return self.hits.pop(doc_path, None)

    def queue(self, doc_path: str, content: str, url_for: Callable[[str], str], page: RenderedPage, deliver: Callable[[str], None]) -> None:
        prepared = self.prepared.pop(doc_path)
        self.pending.append(Pending(self.keys.get(doc_path), MemoJob(prepared, content, url_for), page, deliver))

    def process_pending(self, ed: Any) -> None:
        """Process the memos the cache did not hold, all at once; their results go to ``ed``
        (an ``Edition``), which orders every memo's by page whichever way it was made."""
        pending, self.pending = self.pending, []
        self.workers = workers_for(len(pending), self.workers_setting)
        for item, result in zip(pending, process_all(ed.context, [p.job for p in pending], self.workers), strict=True):
            ed.add(result)
            item.deliver(result.html)
            if item.key is not None:
                self.new.append((item.key, MemoEntry(result, item.page)))

    def remembered(self, kind: str, parts: tuple[str, ...], make: Callable[[], T], memos_of: Any = None) -> T:
        """``make()``, or what it gave the last build for the same ``parts``; with ``memos_of``
        (the Edition) the key covers every memo too (a generated page, which gathers from all of them).
        ``make`` gives a text or a set of texts (kept as a sorted list)."""
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
            made = make()
            self.store.put(key, sorted(made) if isinstance(made, set) else made)
            return made
        self.reused[kind] += 1
        return set(value) if isinstance(value, list) else value  # type: ignore[return-value]

    def summary(self) -> str:
        pool = f" in {self.workers} worker processes" if self.workers else ""
        if self.cache is None:
            return f"memo cache off; memos processed{pool}"
        if not self.cache.files.usable:
            return f"memo cache ignored: .cache/ is tracked by git; memos processed{pool}"
        reused = f"; {self.reused['page']} generated page(s) reused" if self.store is not None else ""
        return f"memo cache: {self.cache.hits} memo(s) reused, {self.cache.misses} processed{pool}{reused}"

    def save(self, clean: bool) -> None:
        """Write the new entries, unless the build logged a warning (``clean`` is False)."""
        if self.cache is None or not clean:
            self.new.clear()
            return
        for key, entry in self.new:
            self.cache.put(key, entry)
        self.new.clear()
        if self.store is not None:
            self.store.save()


def files_key(names: list[str]) -> str:
    """The list of documentation files, as part of every memo's key."""
    return hashlib.sha256("\0".join(sorted(names)).encode()).hexdigest()


def encode(entry: MemoEntry) -> str:
    """An entry as JSON text (what the tests compare)."""
    return json.dumps(to_data(entry), ensure_ascii=False, sort_keys=True)
