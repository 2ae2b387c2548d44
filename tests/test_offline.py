"""The offline bundle: ``python -m edition.offline`` writes a zip that works from ``file://``,
navigation and search included, with no request leaving the machine; and its check refuses a
site that would load something from the network."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from edition.offline import SEARCH_INDEX, ZIP_DATE, ZIP_NAME, ZIP_ROOT, check_offline_site, remote_loads_in_html, zip_site
from tests.browser_support import recorded_context, result_pages, search, wait_for_material
from tests.conftest import BuiltEdition, OfflineBundle, run_offline
from tests.site_pages import Site, acronym_to_search

# ``offline_bundle`` (tests/conftest.py) is ``python -m edition.offline --out <tmp>`` run for real, as
# ``make offline`` does, once per run: its output, its zip and the zip unzipped.


# ---------------------------------------------------------------------------------------------
# The command and its zip


def test_command_writes_zip_and_reports_sizes(offline_bundle: OfflineBundle) -> None:
    out, stdout = offline_bundle.out, offline_bundle.stdout
    zip_path = out / ZIP_NAME
    assert zip_path.is_file() and zip_path.stat().st_size > 0
    assert str(zip_path) in stdout, stdout
    for label in ("zip:", "site:", "search index:"):
        assert label in stdout, f"the command does not report {label!r}:\n{stdout}"
    with zipfile.ZipFile(zip_path) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        assert f"{ZIP_ROOT}/index.html" in names
        assert f"{ZIP_ROOT}/{SEARCH_INDEX.as_posix()}" in names
        assert any(n.startswith(f"{ZIP_ROOT}/documents/") and n.endswith(".html") for n in names)
        assert names == sorted(names), "zip entries are not in a fixed (sorted) order"
        assert {i.date_time for i in zf.infolist()} == {ZIP_DATE}, "zip entries carry build times"
    site_files = sorted(p.relative_to(out / "offline-site").as_posix() for p in (out / "offline-site").rglob("*") if p.is_file())
    assert [n.removeprefix(f"{ZIP_ROOT}/") for n in names] == site_files, "the zip and the built site differ"


def test_zip_is_byte_identical_for_the_same_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "b").mkdir(parents=True)
    for name, text in {"b/z.html": "z", "a.html": "a", "b/a.css": "c"}.items():
        (site / name).write_text(text)
    first = zip_site(site, tmp_path / "1.zip").read_bytes()
    os.utime(site / "a.html", (1_000_000_000, 1_000_000_000))  # a different modification time
    second = zip_site(site, tmp_path / "2.zip").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "1.zip") as zf:
        assert zf.namelist() == [f"{ZIP_ROOT}/a.html", f"{ZIP_ROOT}/b/a.css", f"{ZIP_ROOT}/b/z.html"]


def test_bundle_has_no_remote_loads(offline_bundle: OfflineBundle) -> None:
    assert check_offline_site(offline_bundle.out / "offline-site") == []


def test_every_bundle_has_no_remote_loads_and_every_memo(offline_edition: BuiltEdition) -> None:
    """The bundle of the real edition and of a generated one: no remote load, every memo as a page."""
    root = offline_edition.site
    assert check_offline_site(root) == []
    for doc in offline_edition.documents():
        page = root / "documents" / f"{doc.slug}.html"
        if not page.is_file():
            page = root / "documents" / doc.slug / "index.html"
        assert page.is_file(), f"{offline_edition.name}: {doc.path} is not in the bundle"


def test_check_finds_every_kind_of_remote_load(tmp_path: Path) -> None:
    page = """<html><head>
      <script src="https://example.org/lib.js"></script>
      <link rel="stylesheet" href="//example.org/s.css">
      <link rel="preconnect" href="https://example.net">
      <link rel="canonical" href="https://example.org/page/">
      <style>@import "https://example.org/i.css"; body { background: url(https://example.org/bg.png) }</style>
      </head><body>
      <img src="img/ok.png" srcset="img/ok2.png 2x, https://example.org/big.png 3x">
      <iframe src="https://example.org/embed"></iframe>
      <p style="background-image: url('http://example.org/p.png')">x</p>
      <svg><image href="https://example.org/s.svg"/></svg>
      <a href="https://example.org/cited-source">a cited source: allowed</a>
      <pre class="mermaid">graph LR</pre>
      </body></html>"""
    found = {(load.what, load.url) for load in remote_loads_in_html(page, "p.html")}
    urls = {url for _, url in found}
    for url in ("https://example.org/lib.js", "//example.org/s.css", "https://example.net", "https://example.org/i.css",
                "https://example.org/bg.png", "https://example.org/big.png", "https://example.org/embed",
                "http://example.org/p.png", "https://example.org/s.svg", "mermaid"):
        assert url in urls, f"{url} not reported; found {sorted(found)}"
    assert "https://example.org/cited-source" not in urls, "a plain outbound link is not a load"
    assert "https://example.org/page/" not in urls, "rel=canonical is not a load"
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(page)
    problems = check_offline_site(site)
    assert any("search_index.js" in p for p in problems), problems
    assert any("index.html:" in p and "lib.js" in p for p in problems), problems


def test_command_refuses_a_site_that_loads_from_the_network(project: Path, tmp_path: Path) -> None:
    """A page that embeds a remote image: the command exits non-zero and names the page and the URL."""
    (project / "docs" / "remote-image.md").write_text("# Remote\n\n<img alt=\"x\" src=\"https://example.org/scan.png\">\n")
    proc = run_offline("--out", str(tmp_path / "out"), "--project", str(project))
    assert proc.returncode != 0, f"the command accepted a remote image:\n{proc.stdout}{proc.stderr}"
    assert "remote-image" in proc.stderr and "https://example.org/scan.png" in proc.stderr, proc.stderr
    assert not (tmp_path / "out" / ZIP_NAME).exists(), "a zip was written for a bundle that failed its check"


# ---------------------------------------------------------------------------------------------
# The bundle in a browser, from file://


@pytest.mark.browser
def test_bundle_works_from_file_url(browser: Browser, offline_bundle: OfflineBundle) -> None:
    unzipped = offline_bundle.site
    with recorded_context(browser) as (context, recorder):
        page = context.new_page()
        page.goto((unzipped / "index.html").as_uri())
        wait_for_material(page)

        # Navigation: the sidebar leads to the glossary, the documents list to a memo.
        page.locator(".md-nav--primary a.md-nav__link", has_text="Glossary").first.click()
        page.wait_for_url("**/glossary.html")
        assert page.locator("article h1").first.inner_text().strip().startswith("Glossary")
        page.goto((unzipped / "documents" / "index.html").as_uri())
        memo_links = page.locator("article a[href]").evaluate_all(
            "links => links.map((a, i) => [i, a.href]).filter(([, h]) => /\\/documents\\/\\d{4}-[^/]*\\.html$/.test(h))")
        assert memo_links, "the documents list links to no memo"
        page.locator("article a[href]").nth(memo_links[0][0]).click()
        page.wait_for_url("**/documents/*.html")
        wait_for_material(page)
        assert page.locator(".memo-text p[id=p1]").count() == 1, f"not a memo page: {page.url}"

        # Search from file://: the index loads through the bundled worker shim. The query is the
        # acronym the most memos use; its glossary entry opens from the result.
        acronym, term, _ = acronym_to_search(Site("offline", unzipped, unzipped.as_uri() + "/"))
        hrefs = search(page, acronym)
        pages = [u.split(ZIP_ROOT + "/", 1)[-1] for u in result_pages(hrefs)]
        assert "glossary.html" in pages, f"search for {acronym} from file:// found {pages}"
        assert any(p.startswith("documents/") for p in pages), f"search for {acronym} found no memo: {pages}"
        glossary_hit = next(u for u in hrefs if "glossary.html" in u and u.endswith(f"#{term}"))
        page.locator(f'a.md-search-result__link[href="{glossary_hit}"]').click()
        page.wait_for_url(f"**/glossary.html*#{term}")

        page.wait_for_load_state("networkidle")
        recorder.assert_local("offline bundle from file://")
        assert all(u.startswith("file://") or u.startswith(("data:", "blob:", "about:")) for u in recorder.urls), recorder.urls
