"""The offline check sees what the browser sees: every page of the bundle opened from ``file://``
(and of the online site, over HTTP) in Chromium with the network blocked, every attempted request
and every CSP violation recorded;
and the static scan knows the URL spellings Chromium fetches (``https:/host``, ``https:\\\\host``,
``<iframe srcdoc>``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from edition.offline import browser_check, check_offline_site, remote_loads_in_html
from tests.browser_support import in_own_thread, recorded_context
from tests.conftest import OfflineBundle

# ``browser_check`` starts a Playwright of its own: beside the worker's shared one, in another thread
# (``in_own_thread``).


@pytest.fixture
def bundle_site(offline_bundle: OfflineBundle) -> Path:
    return offline_bundle.site


def test_every_page_of_the_bundle_stays_offline_in_chromium(bundle_site: Path) -> None:
    assert check_offline_site(bundle_site) == []
    problems = in_own_thread(browser_check, bundle_site)
    assert problems == [], "\n".join(problems)


# The online site's pages are checked the same way in test_browser's walk over every page at 375 px
# (test_every_page_is_accessible_on_a_phone_and_keeps_its_policy), which loads each page once for both.


def test_browser_check_catches_what_a_page_would_fetch(bundle_site: Path, tmp_path: Path) -> None:
    """A page that would fetch from the network (with and without the policy), and one with an inline script."""
    site = tmp_path / "site"
    for part in ("assets", "search"):  # the home page and what it loads: fast
        shutil.copytree(bundle_site / part, site / part)
    shutil.copy2(bundle_site / "index.html", site / "index.html")
    home = (site / "index.html").read_text(encoding="utf-8")
    pixel = '<img src="https:/evil.example/pixel.png"></body>'
    (site / "fetch.html").write_text(home.replace("</body>", pixel), encoding="utf-8")
    no_policy = home.replace('http-equiv="Content-Security-Policy"', 'name="no-policy"')
    (site / "fetch-no-csp.html").write_text(no_policy.replace("</body>", pixel), encoding="utf-8")
    (site / "inline.html").write_text(home.replace("</body>", "<script>window.__pwned = 1</script></body>"), encoding="utf-8")
    problems = in_own_thread(browser_check, site)
    assert any(p.startswith("fetch-no-csp.html: request to https://evil.example/pixel.png") for p in problems), problems
    assert any(p.startswith("fetch.html") and "evil.example" in p for p in problems), problems  # the policy stops it first
    assert any(p.startswith("inline.html") and "script-src" in p for p in problems), problems
    assert not any(p.startswith("index.html") for p in problems), problems


@pytest.mark.parametrize("markup", [
    '<img src="https:\\\\evil.example/x.png">',
    '<img src="https:/evil.example/x.png">',
    '<img src="ht\ttps://evil.example/x.png">',
    '<iframe srcdoc="&lt;img src=https://evil.example/x.png&gt;"></iframe>',
    '<div style="background: url(https:\\\\evil.example/x.png)"></div>',
])
def test_static_scan_reads_urls_as_chromium_does(markup: str) -> None:
    found = remote_loads_in_html(f"<html><body>{markup}</body></html>", "page.html")
    assert found and all("evil.example" in f.url for f in found), found


def test_static_scan_leaves_local_files_alone() -> None:
    assert remote_loads_in_html('<html><body><img src="assets/a.png"><a href="https://example.org">x</a></body></html>', "p.html") == []


def test_the_404_page_is_styled_and_requests_nothing_offline(browser: Browser, bundle_site: Path) -> None:
    """Issue 25: MkDocs writes its 404 page with the site's root as its base ("/assets/…"), for a
    host to serve at any depth; from file:// that root is the disk's, and the page came unstyled
    with 8 failed requests. In the bundle its addresses are relative to the page."""
    page_html = (bundle_site / "404.html").read_text(encoding="utf-8")
    assert 'href="/' not in page_html and 'src="/' not in page_html, "absolute addresses in the bundle's 404 page"
    with recorded_context(browser) as (context, recorder):
        page = context.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto((bundle_site / "404.html").as_uri())
        page.wait_for_load_state("networkidle")
        assert failed == [], f"the 404 page's requests failed: {failed}"
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky", "Material's style sheet is not applied"
        assert page.evaluate("[...document.styleSheets].some(s => (s.href || '').endsWith('edition.css'))"), "the edition's style sheet is not applied"
        recorder.assert_local("the 404 page")
