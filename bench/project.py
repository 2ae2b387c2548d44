"""What a copy of the edition's project is made of: the one list the bench and the tests share.

A build of a copy must see everything a build of the repository sees, so the list of parts lives
here once; ``tests/conftest.py`` copies projects with the same function.
"""

from __future__ import annotations

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
