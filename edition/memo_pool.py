"""Memo pages processed side by side, in forked worker processes.

Processing a memo is a pure function of the memo and the build's registries
(``edition.memo.process_memo``), and a cold build of a few hundred memos spends most of its time
there. With more than one core and enough memos the pages are processed by
``ProcessPoolExecutor.map`` in forked children, which inherit the registries; each child sends
back its ``MemoResult`` as plain JSON data (``edition.plain_data``), the same form the cache
keeps, and the results come back in the order of the jobs.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from .memo import MemoContext, MemoResult, PreparedMemo, process_memo
from .plain_data import read_as, to_data

MIN_POOLED = 8  # fewer memos than this are processed in the build's own process: a fork costs more
MAX_WORKERS = 4  # each child holds a copy of the parent's pages as it touches them: memory, not cores, ends the gain


@dataclass(frozen=True)
class MemoJob:
    prepared: PreparedMemo
    content: str  # the page's HTML as MkDocs rendered it
    url_for: Callable[[str], str]  # links from this page (a closure over MkDocs' files: inherited by the child, never sent)


class MemoFailed(RuntimeError):
    """Processing a memo raised: the message names the memo (from a worker, nothing else would)."""


def _process(ctx: MemoContext, job: MemoJob) -> MemoResult:
    try:
        return process_memo(ctx, job.prepared, job.content, job.url_for)
    except Exception as exc:
        raise MemoFailed(f"docs/{job.prepared.doc_path}: processing the memo failed: {type(exc).__name__}: {exc}") from exc


_inherited: dict[str, object] = {}  # what a forked child reads: set just before the fork


def _in_child(index: int) -> str:
    ctx, jobs = _inherited["context"], _inherited["jobs"]
    return json.dumps(to_data(_process(ctx, jobs[index])), ensure_ascii=False)  # type: ignore[arg-type,index]


def workers_for(count: int, setting: int = 0) -> int:
    """How many children to fork for ``count`` memos: none when forking is unsafe or not worth it.

    ``setting`` is the plugin's ``workers`` option (1: no pool; 0: one per core the build may use,
    from ``MIN_POOLED`` memos on). A process with other threads running (``mkdocs serve``
    rebuilds from its watcher thread) is never forked: a child could inherit a lock some other
    thread held.
    """
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if setting > 0:
        wanted = setting
    elif count >= MIN_POOLED:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        wanted = min(cores, MAX_WORKERS)
    else:
        wanted = 0
    return min(wanted, count) if wanted > 1 and count > 1 else 0


def process_all(ctx: MemoContext, jobs: list[MemoJob], workers: int = 0) -> Iterator[MemoResult]:
    """Each job's result, in job order, with ``workers`` children (0: in this process)."""
    if workers < 2:
        for job in jobs:
            yield _process(ctx, job)
        return
    _inherited.update(context=ctx, jobs=jobs)
    try:
        # an executor, not multiprocessing.Pool: a child that dies (out of memory) fails the build
        # with BrokenProcessPool instead of leaving it waiting forever for the lost memo
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            chunk = max(1, min(8, len(jobs) // (workers * 4)))
            for text in pool.map(_in_child, range(len(jobs)), chunksize=chunk):
                yield read_as(MemoResult, json.loads(text))
    finally:
        _inherited.clear()
