"""Runs inside one build of the edition: the main phases wrapped with timers, their totals printed as JSON.

    python -m bench.phase_timer build --strict -q -d SITE      (in the project's folder)

Plain timers rather than a profiler: a profiler's overhead falls unevenly on Python-heavy and
C-heavy code and would distort the shares. A phase whose module or function was renamed or moved
is named on stderr and left out of the table, instead of failing the build.
"""

from __future__ import annotations

import importlib
import json
import runpy
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from types import ModuleType
from typing import Any

_totals: defaultdict[str, float] = defaultdict(float)
_calls: defaultdict[str, int] = defaultdict(int)
_missing: list[str] = []

# (module, attribute path, label, split by page kind): the phases of a build, nested rows indented
PHASES: list[tuple[str, str, str, bool]] = [  # in the order of the printed table
    ("mkdocs.commands.build", "build", "total mkdocs build", False),
    ("edition.edition", "Edition.load", "edition: load registries, library, front matter", False),
    ("edition.citeproc", "Formatter._call", "citeproc-js batch, one Node run (started by edition: load, in the background)", False),
    ("edition.memo_cache", "prepare_memo", "edition: notes out of the Markdown", False),
    ("mkdocs.structure.pages", "Page.render", "Markdown to HTML (all pages)", True),
    ("edition.memo_pool", "process_memo", "edition: process memo pages (all below)", False),
    ("edition.annotate", "Annotator.annotate", "  annotate terms and entities", False),
    ("edition.annotate", "unknown_acronyms", "    of which: unknown-acronym check", False),
    ("edition.memo", "mark_redactions", "  redaction markers", False),
    ("edition.memo", "number_paragraphs", "  numbered paragraphs", False),
    ("edition.memo", "serialise_children", "  serialise HTML", False),
    ("edition.apparatus", "annotate_footnotes", "  references in the notes", False),
    ("edition.apparatus", "works_cited", "  works cited", False),
    ("edition.apparatus", "cite_this", "  cite this document", False),
    ("edition.edition", "Edition.fill_placeholders", "edition: generated pages (on_env)", False),
    ("edition.edition", "gen.entity_page", "  entity pages", False),
    ("edition.edition", "gen.glossary_page", "  glossary page", False),
    ("mkdocs.commands.build", "_build_page", "template + write (all pages)", True),
    ("material.plugins.search.plugin", "SearchPlugin.on_page_context", "  search plugin: index each page", True),
    ("material.plugins.search.plugin", "SearchPlugin.on_post_build", "search plugin: write index", False),
]
KINDS = ("memos", "entity pages", "other pages")  # what kind_of() tells apart


def kind_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """Memo, entity page or other page: the Page among the call's arguments tells."""
    for value in (*args, *kwargs.values()):
        uri = getattr(getattr(value, "file", None), "src_uri", None)
        if isinstance(uri, str):
            if uri.startswith("documents/") and not uri.endswith("index.md"):
                return "memos"
            return "entity pages" if uri.startswith("entities/") else "other pages"
    return None


def _wrap(original: Callable[..., Any], label: str, split: bool) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            _totals[label] += spent
            _calls[label] += 1
            kind = kind_of(args, kwargs) if split else None
            if kind:
                _totals[f"{label}: {kind}"] += spent
                _calls[f"{label}: {kind}"] += 1
    return wrapper


def timed(module: str, path: str, label: str, split: bool = False) -> None:
    """Replace ``module.path`` with a timed wrapper; note it as missing if it is not there."""
    try:
        owner: ModuleType | type | None = importlib.import_module(module)
    except ImportError:
        owner = None
    *parents, name = path.split(".")
    for part in parents:
        owner = getattr(owner, part, None)
    original = getattr(owner, name, None)
    if owner is None or original is None:
        _missing.append(f"{module}.{path}")
        return
    setattr(owner, name, _wrap(original, label, split))


def main() -> None:
    """Time the phases of ``mkdocs ARGS`` and print ``BREAKDOWN {label: [seconds, calls]}``."""
    sys.path.insert(0, ".")  # the measured project's edition/, not another checkout's
    for module, path, label, split in PHASES:
        timed(module, path, label, split)
    sys.argv = ["mkdocs", *sys.argv[1:]]
    try:
        runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    if _missing:
        print("breakdown: not timed (renamed or moved): " + ", ".join(_missing), file=sys.stderr)
    print("BREAKDOWN " + json.dumps({k: [_totals[k], _calls[k]] for k in _totals}))


if __name__ == "__main__":
    main()
