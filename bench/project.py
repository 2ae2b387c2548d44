"""What a copy of the edition's project is made of: the one list the bench and the tests share.

A build of a copy must see everything a build of the repository sees, so the list of parts lives
here once; ``tests/conftest.py`` copies projects with the same function.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("mkdocs.yml", "pyproject.toml", "docs", "bib", "data", "edition", "edition_plugin", "overrides", "sources")
_NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", ".cache")  # build leftovers, never inputs


def copy_project(dest: Path, source: Path = ROOT, parts: Iterable[str] = PROJECT_PARTS) -> Path:
    """Copy ``parts`` of the project at ``source`` into ``dest`` (created if missing); return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in parts:
        src = source / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=_NOT_COPIED)
        elif src.exists():
            shutil.copy2(src, dest / part)
    if (source / "node_modules").is_dir() and not (dest / "node_modules").exists():
        # the npm packages a build runs (citeproc-js): shared, not copied
        (dest / "node_modules").symlink_to((source / "node_modules").resolve(), target_is_directory=True)
    return dest


# ---------------------------------------------------------------------------------------------
# What the benchmarks measure by default, read from the edition: no benchmark names a document,
# a person or a term of the edition (a renamed memo or a new edition must not break them)

_NOTE_DEFINITION = re.compile(r"^\[\^[^\]\s]+\]:", re.M)  # Python-Markdown's footnote definition, at a line start


def memo_files(source: Path = ROOT) -> list[Path]:
    """The edition's documents (``docs/documents/<date>-<slug>.md``), by name."""
    return sorted(p for p in (source / "docs" / "documents").glob("*.md") if p.name[:4].isdigit())


def _weight(path: Path) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    return len(_NOTE_DEFINITION.findall(text)), len(text.split())


def richest_memo(source: Path = ROOT) -> str:
    """The document with the most notes (then the most words), as a path from ``source``: the page
    with the most apparatus, which the phone, copies and hostile-input benchmarks load."""
    memos = memo_files(source)
    if not memos:
        raise SystemExit(f"no document in {source / 'docs' / 'documents'}")
    return max(memos, key=_weight).relative_to(source).as_posix()


def plainest_memo(source: Path = ROOT) -> str | None:
    """The document with the fewest notes (then the fewest words), if it is not ``richest_memo``."""
    memos = memo_files(source)
    plain = min(memos, key=_weight).relative_to(source).as_posix() if memos else None
    return plain if plain != richest_memo(source) else None


def query_for(memo: str, source: Path = ROOT) -> str:
    """What a reader would type to find ``memo``: the surname of the person it names most often
    (data/entities.yml: name and aliases; the shortest one-word alias that is a word of the name,
    else the name's last word), or, in a memo that names nobody, the longest word of its title."""
    import yaml

    text = (source / memo).read_text(encoding="utf-8")
    entities = source / "data" / "entities.yml"
    entries = (yaml.safe_load(entities.read_text(encoding="utf-8")) if entities.is_file() else None) or []
    best: tuple[int, str] = (0, "")
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != "person" or not isinstance(entry.get("name"), str):
            continue
        names = [entry["name"], *(a for a in entry.get("aliases") or [] if isinstance(a, str))]
        count = sum(len(re.findall(rf"(?<!\w){re.escape(n)}(?!\w)", text)) for n in names)
        words = entry["name"].split()
        single = sorted((a for a in names[1:] if " " not in a and a in words), key=len)
        if count > best[0]:
            best = (count, single[0] if single else words[-1])
    if best[0]:
        return best[1]
    title = re.search(r"^title:\s*(.+)$", text, re.M)
    words = re.findall(r"[^\W\d_]{4,}", title.group(1) if title else "")
    if not words:
        raise SystemExit(f"{memo} names no person of data/entities.yml and has no title word: give the benchmark a --query")
    return max(words, key=len)
