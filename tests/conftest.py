"""Shared fixtures: the real site built once, and throw-away copies of the project to break."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ["mkdocs.yml", "docs", "bib", "data", "hooks", "edition", "overrides", "sources"]
MKDOCS = [sys.executable, "-m", "mkdocs"]


@dataclass
class BuildResult:
    returncode: int
    output: str
    site: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_build(project: Path, site: Path, *extra: str, env: dict[str, str] | None = None) -> BuildResult:
    """A real ``mkdocs build --strict`` of ``project`` into ``site``."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    proc = subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site), *extra],
        cwd=project, capture_output=True, text=True, env=full_env, timeout=600,
    )
    return BuildResult(proc.returncode, proc.stdout + proc.stderr, site)


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edition as it is, built once for the whole test session."""
    site = tmp_path_factory.mktemp("site")
    result = run_build(ROOT, site)
    assert result.ok, result.output
    return site


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project that a test may break."""
    return copy_project(tmp_path / "project")


def memo_pages(site: Path) -> dict[str, Path]:
    return {p.parent.name: p for p in (site / "documents").glob("*/index.html") if p.parent.name[:4].isdigit()}
