"""Memo pages processed side by side, in forked worker processes.

Processing a memo (annotation, paragraphs, notes, apparatus) is pure Python, and it reads
nothing that another memo's processing writes: the registries, the library, the memo's own
notes. A cold build of a few hundred memos spends most of its time there, so with more than
one core and enough memos the pages are processed in forked children. Each child starts from
the Edition as the parent holds it once every page's Markdown is rendered, and sends back the
page and what processing added to the Edition (``memo_cache.changes``). The parent replays
those in the order of the jobs, which is the order a build without the pool would have made
them in; the tests compare the two builds byte for byte.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from .memo_state import Entry, changes, replay, snapshot

MIN_POOLED = 8  # fewer memos than this are processed in the build's own process: a fork costs more
MAX_WORKERS = 4  # each child holds a copy of the parent's pages as it touches them: memory, not cores, ends the gain


@dataclass
class MemoJob:
    doc_path: str
    content: str  # the page's HTML as MkDocs rendered it
    url_for: Callable[[str], str]  # links from this page (a closure over MkDocs' files: not pickled, inherited)
    page: Any = None  # the MkDocs page the result goes to (the caller's business)


class MemoFailed(RuntimeError):
    """Processing a memo raised: the message names the memo (from a worker, nothing else would)."""


def _process(ed: Any, job: MemoJob, track: bool = True) -> tuple[str, Entry | None]:
    """The memo's page, and with ``track`` what processing it added to ``ed`` (a walk over the
    Edition's state, so it is taken only when someone keeps it: the cache or the parent process)."""
    before, diags_before = (snapshot(ed), len(ed.diags.items)) if track else (None, 0)
    try:
        html = ed.process_memo(job.doc_path, job.content, job.url_for)
        ed.report_duplicate_ids(job.doc_path, html)
    except Exception as exc:
        raise MemoFailed(f"docs/{job.doc_path}: processing the memo failed: {type(exc).__name__}: {exc}") from exc
    return html, changes(ed, before, diags_before) if before is not None else None


_inherited: dict[str, Any] = {}  # what a forked child reads: set just before the fork


def _in_child(index: int) -> tuple[str, Entry | None]:
    return _process(_inherited["edition"], _inherited["jobs"][index])


def workers_for(count: int) -> int:
    """How many children to fork for ``count`` memos: none when forking is unsafe or not worth it.

    ``EDITION_WORKERS`` sets the number (1: no pool); without it, one per core the build may
    use, from ``MIN_POOLED`` memos on. A process with other threads running (``mkdocs serve``
    rebuilds from its watcher thread) is never forked: a child could inherit a lock some other
    thread held.
    """
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    setting = os.environ.get("EDITION_WORKERS", "").strip()
    if setting.isdigit():
        wanted = int(setting)
    elif count >= MIN_POOLED:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        wanted = min(cores, MAX_WORKERS)
    else:
        wanted = 0
    return min(wanted, count) if wanted > 1 and count > 1 else 0


def process_all(ed: Any, jobs: list[MemoJob], workers: int = 0, track: bool = True) -> Iterator[tuple[MemoJob, str, Entry | None]]:
    """Each job's page and changes, in job order, with ``workers`` children (0: in this process);
    when the iteration ends, ``ed`` holds every job's changes (made in place, or replayed from a
    child) as if processed one after the other. In this process, the changes are taken only with
    ``track`` (None otherwise); from a child, always (the parent replays them)."""
    if workers < 2:
        for job in jobs:
            html, delta = _process(ed, job, track)
            yield job, html, delta
        return
    _inherited.update(edition=ed, jobs=jobs)
    try:
        # an executor, not multiprocessing.Pool: a child that dies (out of memory) fails the build
        # with BrokenProcessPool instead of leaving it waiting forever for the lost memo
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            chunk = max(1, min(8, len(jobs) // (workers * 4)))
            for job, (html, delta) in zip(jobs, pool.map(_in_child, range(len(jobs)), chunksize=chunk), strict=True):
                assert delta is not None
                replay(ed, delta)
                yield job, html, delta
    finally:
        _inherited.clear()
