"""Shared fixtures: the real site, the generated edition, the published site and the offline bundles
built once per run (shared between xdist workers, ``tests/build_support.py``), one Chromium per
worker, and throw-away copies of the project to break.

What a new test should take instead of building, launching or spawning again:

- a site or bundle many tests read: ``built_site``, ``generated_project``/``generated_site``,
  ``edition`` (both), ``offline_bundle`` (what ``make offline`` writes), ``offline_edition`` (both
  bundles), ``published_site``/``published_bundle`` (``SITE_URL`` set); read-only, built once per run;
- a browser: ``browser`` (the worker's Chromium; open a context of your own, it is closed after the
  test), or ``WarmContexts`` (tests/browser_support.py) for many tests of one site;
- a copy to break: ``project`` (with the library's citation renderings, as a checkout has them);
- `make check` on it: ``tests.build_support.check_in_process`` (the check's own ``main()`` and strict
  build, watched); a subprocess only where the command line itself is what is tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bench.project import copy_project  # the project's parts, listed once for the bench and the tests
from tests.build_support import SharedBuilds

if TYPE_CHECKING:
    from playwright.sync_api import Browser

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


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the cores this process may use. A worker spends much of
    its time waiting (on a build's Node and Pagefind, on Chromium, on a build another worker makes
    for all): with 2 workers 2 cores were 58 % busy; on 2 cores 3 workers ran the suite fastest,
    4 no faster (the numbers are in the note of issue 26)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores + 1


@pytest.fixture(scope="session")
def shared_builds(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> SharedBuilds:
    """Builds made once per run and shared by every xdist worker (a file lock guards each)."""
    return SharedBuilds(pytestconfig, tmp_path_factory)


REAL = "real"  # the lock of every build of the repository itself: they share its .cache


@pytest.fixture(scope="session")
def built_site(shared_builds: SharedBuilds) -> Path:
    """The edition as it is, built once per run (every xdist worker reads the same site)."""

    def build(site: Path) -> None:
        result = run_build(ROOT, site)
        assert result.ok, result.output

    return shared_builds.get("site", build, lock=REAL)


@pytest.fixture(scope="session")
def citation_renderings(built_site: Path, shared_builds: SharedBuilds) -> Path | None:
    """The real library's citations as the site's build rendered them (``.cache/citations.json``),
    kept once per run; None if that build could not write its cache."""

    def keep(folder: Path) -> None:
        rendered = ROOT / ".cache" / "citations.json"
        if rendered.is_file():
            shutil.copy2(rendered, folder / "citations.json")

    kept = shared_builds.get("citations", keep, lock=REAL) / "citations.json"
    return kept if kept.is_file() else None


def with_renderings(project: Path, renderings: Path | None) -> Path:
    """``project`` (a copy) with the library's citation renderings in its ``.cache``, as a
    contributor's checkout has them after one build: a build of the copy starts Node (about 2 s of
    CPU) only for the citations the test changed. The renderings are keyed by their input and signed
    with this machine's key, checked when read (tests/test_bibliography.py); the copy's memos, pages
    and search index are still built from nothing. Not for a test of the caches themselves."""
    if renderings:
        (project / ".cache").mkdir(exist_ok=True)
        shutil.copy2(renderings, project / ".cache" / "citations.json")
    return project


@pytest.fixture
def project(tmp_path: Path, citation_renderings: Path | None) -> Path:
    """A copy of the project that a test may break, with the library's citation renderings (``with_renderings``)."""
    return with_renderings(copy_project(tmp_path / "project"), citation_renderings)


@pytest.fixture(scope="session")
def subject_renderings(citation_renderings: Path | None, shared_builds: SharedBuilds) -> Path | None:
    """The citations of a copy with the tests' own document (tests/subject.py), rendered once per run."""
    from tests.build_support import check_in_process
    from tests.subject import add_subject

    def render(folder: Path) -> None:
        project = add_subject(with_renderings(copy_project(folder / "project"), citation_renderings))
        check = check_in_process(project)
        assert check.returncode == 0, check.output
        rendered = project / ".cache" / "citations.json"
        if rendered.is_file():
            shutil.copy2(rendered, folder / "citations.json")

    kept = shared_builds.get("subject-citations", render) / "citations.json"
    return kept if kept.is_file() else None


@pytest.fixture
def subject(tmp_path: Path, subject_renderings: Path | None) -> Path:
    """A copy of the project with the tests' own document (tests/subject.py) to break, and the
    renderings of every citation, its own included."""
    from tests.subject import add_subject

    return add_subject(with_renderings(copy_project(tmp_path / "project"), subject_renderings))


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
def generated_project(shared_builds: SharedBuilds) -> Path:
    """A generated edition of about 20 memos: the general case (many memos, notes, redactions).
    Generated once per run; read-only (a test that changes it must copy it)."""
    return shared_builds.get("generated", lambda folder: generate_project(folder / "project"), lock="generated") / "project"


@pytest.fixture(scope="session")
def generated_site(generated_project: Path, shared_builds: SharedBuilds) -> Path:
    """The generated edition's strict build, once per run."""

    def build(site: Path) -> None:
        result = run_build(generated_project, site)
        assert result.ok, result.output

    return shared_builds.get("generated-site", build, lock="generated")  # its builds share the project's .cache


@pytest.fixture(scope="session", params=["real", "generated"])
def edition(request: pytest.FixtureRequest) -> BuiltEdition:
    """Each edition-level test runs on the real edition and on a generated one of about 20 memos."""
    if request.param == "real":
        return BuiltEdition("real", ROOT, request.getfixturevalue("built_site"))
    return BuiltEdition("generated", request.getfixturevalue("generated_project"), request.getfixturevalue("generated_site"))


@pytest.fixture(scope="session")
def generated_offline(generated_project: Path, shared_builds: SharedBuilds) -> Path:
    """The offline bundle of the generated edition (``edition.offline``), unzipped once per run; its site root."""
    from edition.offline import ZIP_ROOT, make_bundle

    def build(folder: Path) -> None:
        bundle = make_bundle(folder / "bundle", generated_project)
        with zipfile.ZipFile(bundle.zip_path) as zf:
            zf.extractall(folder / "unzipped")

    return shared_builds.get("generated-offline", build, lock="generated") / "unzipped" / ZIP_ROOT


@dataclass(frozen=True)
class OfflineBundle:
    """The real edition's offline bundle as ``make offline`` makes it."""

    out: Path  # the command's --out folder: the zip and the site it zipped
    stdout: str  # what the command printed
    site: Path  # the zip, unzipped: the root of the site a reader opens from file://


def run_offline(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m edition.offline …``, the command ``make offline`` runs."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "edition.offline", *args], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=900)


def _offline_command(folder: Path, env: dict[str, str] | None = None) -> None:
    """``python -m edition.offline --out folder/out`` on the real edition, its output kept and its zip unzipped."""
    from edition.offline import ZIP_NAME

    proc = run_offline("--out", str(folder / "out"), env=env)
    assert proc.returncode == 0, f"edition.offline failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    (folder / "stdout.txt").write_text(proc.stdout, encoding="utf-8")
    with zipfile.ZipFile(folder / "out" / ZIP_NAME) as zf:
        zf.extractall(folder / "unzipped")


@pytest.fixture(scope="session")
def offline_bundle(shared_builds: SharedBuilds) -> OfflineBundle:
    """``python -m edition.offline --out …`` (what ``make offline`` runs) on the real edition, run for
    real once per run and unzipped: every test of the real bundle reads this one."""
    from edition.offline import ZIP_ROOT

    folder = shared_builds.get("offline-bundle", _offline_command, lock=REAL)
    return OfflineBundle(folder / "out", (folder / "stdout.txt").read_text(encoding="utf-8"), folder / "unzipped" / ZIP_ROOT)


@pytest.fixture(scope="session", params=["real", "generated"])
def offline_edition(request: pytest.FixtureRequest) -> BuiltEdition:
    """The offline bundle (unzipped) of the real edition and of the generated one: ``site`` is its root."""
    if request.param == "real":
        return BuiltEdition("real", ROOT, request.getfixturevalue("offline_bundle").site)
    return BuiltEdition("generated", request.getfixturevalue("generated_project"), request.getfixturevalue("generated_offline"))


# ---------------------------------------------------------------------------------------------
# The edition as published (issue 24): SITE_URL set


PUBLISHED_URL = "https://editions.example.org/us-japan/"  # an address the builds below are published at


@pytest.fixture(scope="session")
def published_site(shared_builds: SharedBuilds) -> Path:
    """The edition built as the Pages workflow builds it, ``SITE_URL`` set; once per run."""

    def build(site: Path) -> None:
        result = run_build(ROOT, site, env={"SITE_URL": PUBLISHED_URL})
        assert result.ok, result.output

    return shared_builds.get("published-site", build, lock=REAL)


@pytest.fixture(scope="session")
def published_bundle(shared_builds: SharedBuilds) -> Path:
    """The offline bundle of the published edition (``make offline`` with ``SITE_URL`` set), unzipped
    once per run: its site root."""
    from edition.offline import ZIP_ROOT

    folder = shared_builds.get("published-bundle", lambda f: _offline_command(f, env={"SITE_URL": PUBLISHED_URL}), lock=REAL)
    return folder / "unzipped" / ZIP_ROOT


def content_lines(check_output: str) -> list[str]:
    """The lines of a `make check` report that are about the content: without the warnings that a
    deployment setting of mkdocs.yml (site_url, extra.edition.*) is unset, which the edition gives on
    purpose until the publisher sets them (nothing is invented), and without the closing summary."""
    return [line for line in check_output.splitlines()
            if line.strip() and not line.startswith("No problems found")
            and not (line.startswith("mkdocs.yml") and "warning:" in line and " is not set" in line)]


# ---------------------------------------------------------------------------------------------
# One Chromium per xdist worker


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once per worker for the whole run (``tests/browser_support.py``).
    Tests take it through ``browser``."""
    from tests.browser_support import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture
def browser(chromium_browser: Browser) -> Iterator[Browser]:
    """The worker's Chromium for one test. Isolation is per context: the test opens its own
    (``browser.new_context`` / ``recorded_context``: fresh storage, cookies, permissions), and any it
    leaves open, when it fails half-way say, is closed after it."""
    before = list(chromium_browser.contexts)
    yield chromium_browser
    for context in chromium_browser.contexts:
        if context not in before:
            context.close()
