"""One strict build of a project in a fresh interpreter, timed, and the size of what it wrote.

The build runs in a subprocess (``bench.measured_build``) so that each measure starts cold, as a
reader's ``mkdocs build`` does, and reports its own peak memory and CPU (its children included:
the Pagefind indexer, the citation processor).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.project import ROOT
from bench.variants import plain_material_config

PYTHON = sys.executable
# PYTHONPATH: ``python -m bench.measured_build`` runs in the measured project's folder, which has
# no bench/ of its own; the project's own folder stays first on the path, so its edition/ is used
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1",
       "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}


@dataclass
class Build:
    """One build as measured; ``ok`` false means its times are no measurement (the log tail says why)."""

    ok: bool
    wall: float  # seconds, whole subprocess (interpreter start, imports, build)
    inner: float  # seconds inside the build command
    cpu: float  # user + system seconds of the build process: less sensitive than wall time to a busy machine
    maxrss_mb: float
    log_tail: str


@dataclass
class SiteSize:
    """The bytes a build wrote: a memo page should stay close to its own HTML as the edition grows."""

    total_bytes: int
    files: int
    memo_page_bytes: float  # average size of a memo's index.html
    memo_article_bytes: float  # average size of its <article> element: the memo's own HTML
    search_bytes: int


def build(project: Path, hooks: bool, site: Path) -> Build:
    """One strict build in a fresh interpreter; wall time measured outside, peak RSS inside."""
    config = project / "mkdocs.yml" if hooks else plain_material_config(project)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        stats_path = Path(fh.name)
    cmd = [PYTHON, "-m", "bench.measured_build", str(stats_path), "build", "--strict", "-q", "-f", str(config), "-d", str(site)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=project, env=ENV, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - start
    try:
        stats = json.loads(stats_path.read_text() or "{}")
    except (OSError, json.JSONDecodeError):
        stats = {}
    stats_path.unlink(missing_ok=True)
    ok = proc.returncode == 0 and stats.get("code") == 0
    tail = "\n".join((proc.stderr + proc.stdout).strip().splitlines()[-15:])
    cpu = float(stats.get("user", 0)) + float(stats.get("sys", 0))
    return Build(ok, wall, float(stats.get("seconds", wall)), cpu, stats.get("maxrss_kb", 0) / 1024, tail)


def site_size(site: Path, memo_names: Sequence[str]) -> SiteSize:
    """What a build wrote: every file, and the memo pages against their own ``<article>`` HTML."""
    total = files = 0
    for path in site.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            files += 1
    pages = articles = 0
    count = 0
    for name in memo_names:
        page = site / "documents" / Path(name).stem / "index.html"
        if not page.exists():
            continue
        data = page.read_bytes()
        a, b = data.find(b"<article"), data.find(b"</article>")
        pages += len(data)
        articles += (b + len(b"</article>") - a) if a >= 0 and b > a else 0
        count += 1
    search = site / "search" / "search_index.json"
    return SiteSize(total, files, pages / max(count, 1), articles / max(count, 1), search.stat().st_size if search.exists() else 0)
