"""Shared fixtures: the real site built once, and throw-away copies of the project to break."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.project import copy_project  # the project's parts, listed once for the bench and the tests

ROOT = Path(__file__).resolve().parents[1]
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


def build_site(project: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A strict build of ``project`` into a fresh folder, for fixtures that share one site."""
    site = tmp_path_factory.mktemp(name)
    result = run_build(project, site)
    assert result.ok, result.output
    return site


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


# ---------------------------------------------------------------------------------------------
# The edition as data: memos, and every edition-level test run on more than the real edition

GENERATED_MEMOS = 20  # a generated edition of this size is built once per session (bench/generate.py)


@dataclass(frozen=True)
class BuiltEdition:
    """A project and its strict build: the real edition, or a generated one of many memos."""

    name: str  # "real" or "generated"
    project: Path
    site: Path

    def documents(self) -> list:
        """Every memo of the project, from its front matter (``edition.documents.Document``)."""
        return documents_of(self.project)

    def memo_page(self, doc) -> Path:  # type: ignore[no-untyped-def]
        return self.site / "documents" / doc.slug / "index.html"


def documents_of(project: Path) -> list:
    """Every memo of ``project`` (``edition.documents.Document``), asserting that none is invalid."""
    from edition.diagnostics import Diagnostics
    from edition.documents import load_documents

    diags = Diagnostics()
    docs = load_documents(project / "docs", diags, project)
    assert not diags.errors, [str(d) for d in diags.errors]
    assert docs, f"no memo in {project / 'docs/documents'}"
    return docs


def generate_project(dest: Path, n_memos: int = GENERATED_MEMOS, seed: int = 0) -> Path:
    """A complete synthetic edition of ``n_memos`` memos (``bench.generate``)."""
    from bench.generate import generate_edition

    return generate_edition(dest, n_memos, seed=seed)


@pytest.fixture(scope="session")
def generated_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated edition of about 20 memos: the general case (many memos, notes, redactions)."""
    return generate_project(tmp_path_factory.mktemp("generated") / "project")


@pytest.fixture(scope="session")
def generated_site(generated_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(generated_project, tmp_path_factory, "generated-site")


@pytest.fixture(scope="session", params=["real", "generated"])
def edition(request: pytest.FixtureRequest) -> BuiltEdition:
    """Each edition-level test runs on the real edition and on a generated one of about 20 memos."""
    if request.param == "real":
        return BuiltEdition("real", ROOT, request.getfixturevalue("built_site"))
    return BuiltEdition("generated", request.getfixturevalue("generated_project"), request.getfixturevalue("generated_site"))


@pytest.fixture(scope="session")
def generated_offline(generated_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline bundle of the generated edition (``edition.offline``), unzipped; its site root."""
    import zipfile

    from edition.offline import ZIP_ROOT, make_bundle

    base = tmp_path_factory.mktemp("generated-offline")
    bundle = make_bundle(base / "bundle", generated_project)
    with zipfile.ZipFile(bundle.zip_path) as zf:
        zf.extractall(base / "unzipped")
    return base / "unzipped" / ZIP_ROOT


@pytest.fixture(scope="session", params=["real", "generated"])
def offline_edition(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BuiltEdition:
    """The offline bundle (unzipped) of the real edition and of the generated one: ``site`` is its root."""
    if request.param == "real":
        from tests.browser_support import offline_bundle

        _, root = offline_bundle(tmp_path_factory.getbasetemp() / "offline-bundle")
        return BuiltEdition("real", ROOT, root)
    return BuiltEdition("generated", request.getfixturevalue("generated_project"), request.getfixturevalue("generated_offline"))


def content_lines(check_output: str) -> list[str]:
    """The lines of a `make check` report that are about the content: without the warnings that a
    deployment setting of mkdocs.yml (site_url, extra.edition.*) is unset, which the edition gives on
    purpose until the publisher sets them (nothing is invented), and without the closing summary."""
    return [line for line in check_output.splitlines()
            if line.strip() and not line.startswith("No problems found")
            and not (line.startswith("mkdocs.yml") and "warning:" in line and " is not set" in line)]
