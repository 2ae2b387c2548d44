"""The per-memo cache never changes the site: after each kind of change (a memo, a registry, a
library entry, the edition's code, a damaged cache) a build that starts from the old cache writes
the same pages, byte for byte, as a cold build of the changed project.

Pagefind's index files are left out of the comparison: the indexer names its chunks differently
from run to run even without any cache.
"""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.copies import copy_edition
from edition.diagnostics import Diagnostics
from edition.documents import load_documents
from tests.conftest import ROOT, copy_project, run_build, with_renderings

ENV = {"SOURCE_DATE_EPOCH": "1700000000"}  # the sitemap's date: the same in every build
CODE_MARK = "<!-- edition code changed -->"


def files(root: Path, leave_out: str) -> dict[str, bytes]:
    """Every file below ``root`` by its relative path, but those in a folder named ``leave_out``."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and leave_out not in p.relative_to(root).parts}


def site_files(site: Path) -> dict[str, bytes]:
    return files(site, leave_out="pagefind")


def assert_same_site(warm: Path, cold: Path, what: str) -> None:
    a, b = site_files(warm), site_files(cold)
    assert a.keys() == b.keys(), f"{what}: files differ: {sorted(a.keys() ^ b.keys())[:10]}"
    differ = [name for name in a if a[name] != b[name]]
    assert not differ, f"{what}: {len(differ)} file(s) differ from a cold build, e.g. {differ[:5]}"


def assert_same_files(a: Path, b: Path, what: str) -> None:
    assert files(a, "__pycache__") == files(b, "__pycache__"), f"{what}: the inputs in {a.name}/ changed"


def cache_entries(project: Path) -> list[Path]:
    return sorted(p for p in (project / ".cache" / "memos").rglob("*.json"))


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory, citation_renderings: Path | None) -> Path:
    """A copy of the project built once, so its .cache holds an entry for every memo (its citations
    start from the library's renderings, as a contributor's checkout does: the caches under test are
    the memos', the generated pages' and Pagefind's)."""
    project = with_renderings(copy_project(tmp_path_factory.mktemp("cached") / "project"), citation_renderings)
    result = run_build(project, project.parent / "site", env=ENV)
    assert result.ok, result.output
    memos = load_documents(project / "docs", Diagnostics(), project)
    assert len(cache_entries(project)) == len(memos), "the build did not cache one entry per memo"
    return project


def first_memo(project: Path) -> Path:
    memos = load_documents(project / "docs", Diagnostics(), project)
    return project / "docs" / sorted(memos, key=lambda d: d.path)[0].path


def edit_memo(project: Path) -> None:
    path = first_memo(project)
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    words = re.findall(r"\b[a-z]{6,}\b", body)
    assert words, f"{path}: no word to change"
    path.write_text(head + "\n---\n" + body.replace(words[0], words[0] + "s", 1), encoding="utf-8")


def edit_registry(project: Path) -> None:
    path = project / "data" / "entities.yml"
    text = path.read_text(encoding="utf-8")
    changed = re.sub(r"(\n  description: >-\n    )", r"\1Revised. ", text, count=1)
    assert changed != text, "no entity description to change"
    path.write_text(changed, encoding="utf-8")


def edit_library(project: Path) -> None:
    for path in sorted((project / "bib").glob("*.bib")):
        text = path.read_text(encoding="utf-8")
        changed = re.sub(r"(\btitle\s*=\s*[{\"])", r"\1Revised ", text, count=1, flags=re.I)
        if changed != text:
            path.write_text(changed, encoding="utf-8")
            return
    raise AssertionError("no BibTeX title to change")


def edit_code(project: Path) -> None:
    """A change to the edition's code that changes every memo page: each memo's HTML gets a mark."""
    path = project / "edition" / "memo.py"
    path.write_text(path.read_text(encoding="utf-8") + f'''

_process_memo = process_memo


def process_memo(*args, **kwargs):  # noqa: F811
    import dataclasses
    result = _process_memo(*args, **kwargs)
    return dataclasses.replace(result, html=result.html + "{CODE_MARK}")
''', encoding="utf-8")


def damage_cache(project: Path) -> None:
    entries = cache_entries(project)
    assert entries
    for i, path in enumerate(entries):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] if i % 2 else b"not a cache entry")


def unchanged(project: Path) -> None:
    pass


def new_release(project: Path) -> dict[str, str]:
    """A new version of the edition: every memo's "Cite this document" names it, so none is reused."""
    return {"EDITION_VERSION": "2.0-test"}


def damage_search_index(project: Path) -> None:
    """Cut a file of the kept Pagefind index in half: the build must index again, not publish it."""
    kept = sorted(p for p in (project / ".cache" / "pagefind").rglob("*.pf_fragment"))
    assert kept, "the first build kept no Pagefind index"
    kept[0].write_bytes(kept[0].read_bytes()[: kept[0].stat().st_size // 2])


def damage_results(project: Path) -> None:
    """Damage the file of the last build's generated pages and policies: they are made again."""
    path = project / ".cache" / "results.json"
    assert path.is_file(), "the first build kept no generated pages"
    data = path.read_bytes()
    path.write_bytes(data[:-40] + bytes([data[-40] ^ 0x01]) + data[-39:])


def add_page(project: Path) -> None:
    """A new page: where a memo's links lead may change with the list of pages, so none is reused."""
    (project / "docs" / "added-page.md").write_text("# An added page\n\nNothing else.\n", encoding="utf-8")


# How many memos each change must re-process: "one" (the edited memo), "none", or "all"
PROCESSED = {unchanged: "none", edit_memo: "one", edit_registry: "all", edit_library: "all", edit_code: "all",
             damage_cache: "all", new_release: "all", damage_search_index: "none", damage_results: "none", add_page: "all"}
SUMMARY = re.compile(r"memo cache: (\d+) memo\(s\) reused, (\d+) processed(?: in (\d+) worker processes)?; (\d+) generated page\(s\) reused")
POOL = {"EDITION_WORKERS": "2"}  # the warm build processes its memos in two worker processes, the cold one in turn
INPUTS = ("docs", "data", "bib", "edition")  # the parts of the project the changes above touch


def cold_build(warm: Path, dest: Path, env: dict[str, str], renderings: Path | None = None) -> Path:
    """A cold build (no cache, no worker processes) of a copy of the project with ``warm``'s inputs; its
    site. With ``renderings``, its citations start from them (a rendering is keyed by its input: a
    changed entry is rendered afresh); without, nothing at all is kept."""
    cold = with_renderings(copy_project(dest / "cold"), renderings)  # the same inputs, no memo cache
    for part in INPUTS:
        shutil.rmtree(cold / part)
        shutil.copytree(warm / part, cold / part, ignore=shutil.ignore_patterns("__pycache__"))
    build = run_build(cold, dest / "cold-site", env={**env, "EDITION_CACHE": "off", "EDITION_WORKERS": "1"})
    assert build.ok, build.output
    return build.site


# The changes that leave the project's inputs and the build's environment as they were (only the
# cache is damaged, or nothing changes): their cold builds are one build, made once.
SAME_INPUTS = (unchanged, damage_cache, damage_search_index, damage_results)


@pytest.fixture(scope="module")
def cold_of_unchanged(cached: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cold build of the project's inputs as they are, for the changes of SAME_INPUTS: nothing
    kept at all, not even the citations' renderings, so the warm build with every cache is compared
    with a build from nothing."""
    return cold_build(cached, tmp_path_factory.mktemp("cold-of-unchanged"), ENV)


@pytest.mark.parametrize("change", list(PROCESSED), ids=lambda f: f.__name__)
def test_warm_build_equals_cold_build(cached: Path, tmp_path: Path, change: Callable[[Path], dict[str, str] | None],
                                      request: pytest.FixtureRequest, citation_renderings: Path | None) -> None:
    warm = tmp_path / "warm"
    shutil.copytree(cached, warm)
    changed_env = change(warm) or {}
    env = {**ENV, **changed_env}
    if change in SAME_INPUTS:
        assert not changed_env
        for part in INPUTS:  # what the shared cold build was made from
            assert_same_files(warm / part, cached / part, change.__name__)
        cold_site = request.getfixturevalue("cold_of_unchanged")
    else:
        cold_site = cold_build(warm, tmp_path, env, citation_renderings)
    warm_build = run_build(warm, tmp_path / "warm-site", env={**env, **POOL})
    assert warm_build.ok, warm_build.output
    if change is edit_code:
        memo = first_memo(warm).stem
        assert CODE_MARK in (cold_site / "documents" / memo / "index.html").read_text(encoding="utf-8")
    assert_same_site(tmp_path / "warm-site", cold_site, change.__name__)

    # exactly what depends on the change was done again
    memos = len(load_documents(warm / "docs", Diagnostics(), warm))
    found = SUMMARY.search(warm_build.output)
    assert found, f"no memo-cache summary in the build log:\n{warm_build.output[-2000:]}"
    reused, processed = int(found.group(1)), int(found.group(2))
    expected = {"none": 0, "one": 1, "all": memos}[PROCESSED[change]]
    assert (reused, processed) == (memos - expected, expected), f"{change.__name__}: {found.group(0)}"
    # two or more memos to process go to the two workers: the byte comparison above covers the pool
    assert found.group(3) == ("2" if processed >= 2 else None), f"{change.__name__}: {found.group(0)}"
    # generated pages come back only when no memo, registry, library entry, code or page changed
    generated = int(found.group(4))
    assert (generated > 0) == (change in (unchanged, damage_cache, damage_search_index)), f"{change.__name__}: {found.group(0)}"
    index_reused = "Pagefind's index reused" in warm_build.output  # only when no page changed and the kept index is whole
    assert index_reused == (change in (unchanged, damage_cache, damage_results)), f"{change.__name__}: Pagefind index reused = {index_reused}"
    for fragment in (tmp_path / "warm-site" / "pagefind" / "fragment").glob("*.pf_fragment"):
        gzip.decompress(fragment.read_bytes())  # every published fragment whole


def test_no_entry_from_a_build_with_warnings(tmp_path: Path) -> None:
    """A memo whose rendering warns (a link to a missing page) is not cached: the next build
    renders it again and warns again, where a cached entry would have skipped the rendering."""
    project = copy_project(tmp_path / "project")
    memo = first_memo(project)
    memo.write_text(memo.read_text(encoding="utf-8") + "\nSee [the lost page](no-such-page.md).\n", encoding="utf-8")
    for attempt in (1, 2):
        result = run_build(project, tmp_path / f"site-{attempt}", env=ENV)
        assert not result.ok and "no-such-page.md" in result.output, f"build {attempt} did not warn:\n{result.output[-2000:]}"
        assert not cache_entries(project), f"build {attempt} with a warning wrote cache entries"


def test_problem_found_in_a_worker_is_reported(tmp_path: Path) -> None:
    """A problem found while a worker process handles the memo (an undefined acronym, found by the
    annotation) stops the build with its file and line, as it does without workers. Two copies
    of the first memo, so there are two memos for two workers whatever docs/ holds."""
    project = copy_edition(tmp_path / "project", 2, memo=first_memo(ROOT).relative_to(ROOT).as_posix())
    memo = first_memo(project)
    lines = memo.read_text(encoding="utf-8").splitlines()
    lines.append("")
    lines.append("The QZXWV was not told.")
    memo.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_build(project, tmp_path / "site", env={**ENV, **POOL, "EDITION_CACHE": "off"})
    assert not result.ok
    assert "memos processed in 2 worker processes" in result.output, result.output[-2000:]
    shown = memo.relative_to(project).as_posix()
    assert f"{shown}:{len(lines)}" in result.output and "undefined acronym 'QZXWV'" in result.output, result.output[-2000:]
