"""The edition in a real browser (Debian's Chromium through Playwright), as a reader uses it.

Every test runs twice: on the site built by ``mkdocs build`` and served over HTTP on 127.0.0.1,
and on the offline bundle (``edition.offline``, built once per session), unzipped and opened from
``file://``. Every page visit asserts that no request left the machine.

What the tests expect is read from the built pages themselves (which memos use an acronym, name a
person, cite a work in a note), so they keep working as the edition grows.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import html as lxml_html
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_support import (
    AXE_JS,
    NOT_LOCAL,
    PolicyWatch,
    RequestRecorder,
    WarmContexts,
    is_local_url,
    recorded_context,
    result_pages,
    search,
    serve_directory,
    wait_for_material,
    warm_contexts,
)
from tests.site_pages import Site, acronym_to_search, norm, person_to_search, phrase_from_notes

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TOOLTIP = '#edition-tip[role="tooltip"]'  # the edition's one shared tooltip of the marks (docs/assets/edition.js)
WCAG22 = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]  # axe's rules of WCAG 2.2 A and AA
COLOUR_RULES = ["color-contrast", "link-in-text-block"]  # of those, the rules that read colours
SHORT_MS = 3_000  # for what happens at once (a tooltip on focus): still generous


# ---------------------------------------------------------------------------------------------
# The two ways of opening the edition


@pytest.fixture(scope="module", params=["http", "offline"])
def site(request: pytest.FixtureRequest, built_site: Path) -> Iterator[Site]:
    if request.param == "http":
        with serve_directory(built_site) as base:
            yield Site("http", built_site, base)
    else:
        root = request.getfixturevalue("offline_bundle").site
        yield Site("offline", root, root.as_uri() + "/")


@pytest.fixture(scope="module", params=["real-http", "generated-http"])
def any_site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """The real edition and a generated one of about 20 memos, for the tests that hold for any edition
    (the real edition's offline bundle is covered by ``site``, the generated one's by test_links)."""
    edition, _ = request.param.split("-")
    built = request.getfixturevalue("built_site" if edition == "real" else "generated_site")
    with serve_directory(built) as base:
        yield Site("http", built, base, edition)


@dataclass
class Tab:
    page: Page
    recorder: RequestRecorder
    site: Site

    def open(self, name: str) -> None:
        """Open a page, wait until Material has set it up and the network is idle, and assert that
        nothing it loaded left the machine."""
        mark = self.recorder.mark()
        self.page.goto(self.site.url(name))
        wait_for_material(self.page)
        self.page.wait_for_load_state("networkidle")
        self.recorder.assert_local(f"{self.site.kind}: opening {name or 'home'}", mark)

    def assert_local(self, what: str) -> None:
        self.recorder.assert_local(f"{self.site.kind}: {what}")


@pytest.fixture(scope="module")
def warm(chromium_browser: Browser, site: Site) -> Iterator[WarmContexts]:
    """The module's contexts for ``site``, desktop and phone, each recording every request: tests get
    fresh pages in them (``WarmContexts``, tests/browser_support.py), reset after each test."""
    with warm_contexts(chromium_browser, site.url(""), {"desktop": {}, "phone": PHONE}, record=True) as contexts:
        yield contexts


def fresh_tab(warm: WarmContexts, name: str, site: Site) -> Iterator[Tab]:
    with warm.fresh(name) as (page, recorder):
        yield Tab(page, recorder, site)


@pytest.fixture
def tab(warm: WarmContexts, site: Site) -> Iterator[Tab]:
    yield from fresh_tab(warm, "desktop", site)


@pytest.fixture
def phone_tab(warm: WarmContexts, site: Site) -> Iterator[Tab]:
    yield from fresh_tab(warm, "phone", site)


@pytest.fixture
def any_tab(browser: Browser, any_site: Site) -> Iterator[Tab]:  # one test per site: a context of its own
    with recorded_context(browser) as (context, recorder):
        yield Tab(context.new_page(), recorder, any_site)


# ---------------------------------------------------------------------------------------------
# What the built pages say (the expectations)


def memos_with(site: Site, xpath: str) -> list[str]:
    """The memos whose page has an element matching ``xpath``."""
    return [m for m in site.memos() if site.tree(m).xpath(xpath)]


def highlight_terms(url: str) -> set[str]:
    """The words Material marks in a search result link (``?h=japan+times``)."""
    return set(" ".join(parse_qs(urlsplit(url).query).get("h", [""])).lower().split())


def fragment(url: str) -> str:
    return urlsplit(url).fragment


# ---------------------------------------------------------------------------------------------
# The recorder itself (no browser): what counts as leaving the machine


def test_recorder_tells_local_from_outside_requests() -> None:
    local = ["http://127.0.0.1:8000/x", "http://localhost/", "http://[::1]:9/", "file:///tmp/a.html", "data:text/plain,x",
             "blob:http://127.0.0.1/123", "about:blank", "ws://127.0.0.1:1/"]
    outside = ["https://example.org/x.js", "http://10.0.0.1/", "http://192.168.1.1/", "//example.org/a", "ftp://example.org/",
               "https://127.0.0.1.example.org/"]
    assert [u for u in local if not is_local_url(u)] == []
    assert [u for u in outside if is_local_url(u)] == []
    # the route that blocks what leaves the machine matches by the same rule
    assert [u for u in local if NOT_LOCAL.search(u)] == []
    assert [u for u in outside if not NOT_LOCAL.search(u)] == []
    for url in ("http://127.0.0.300/", "http://localhost.example/", "https://user@127.0.0.1/x", "HTTP://LOCALHOST:8/", "http://[::2]/",
                "javascript:x", "http://127.1.2.3/", "ws://[::1]/x"):
        assert bool(NOT_LOCAL.search(url)) == (not is_local_url(url)), url
    recorder = RequestRecorder(urls=["http://127.0.0.1/a", "https://example.org/b"])
    assert recorder.outside() == ["https://example.org/b"]
    with pytest.raises(AssertionError, match=r"example\.org"):
        recorder.assert_local("self-test")


@pytest.mark.parametrize("warm_context", [False, True], ids=["own-context", "warm-context"])
def test_recorder_blocks_what_would_leave_in_chromium(browser: Browser, warm_context: bool, tmp_path: Path) -> None:
    """In a real page: a request out is recorded, blocked by the route (never sent) and reported; a
    local one is let through; in a warm context, the next test starts with an empty recorder and
    none of the last test's pages or storage."""
    (tmp_path / "index.html").write_text("<!doctype html><title>home</title>", encoding="utf-8")
    with contextlib.ExitStack() as stack:
        if warm_context:
            home = stack.enter_context(serve_directory(tmp_path))
            contexts = stack.enter_context(warm_contexts(browser, home, {"desktop": {}}, record=True))
            page, recorder = contexts.new_page("desktop")
            page.goto(home)
            page.evaluate("localStorage.setItem('left', 'over')")
        else:
            context, recorder = stack.enter_context(recorded_context(browser))
            page = context.new_page()
        page.set_content('<img src="https://example.org/pixel.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        assert recorder.blocked == ["https://example.org/pixel.png"], recorder.blocked
        assert "https://example.org/pixel.png" in recorder.urls
        with pytest.raises(AssertionError, match=r"example\.org"):
            recorder.assert_local("blocked request")
        if warm_context:
            contexts.reset()
            page, after = contexts.new_page("desktop")
            assert after is not recorder and after.urls == [] and after.blocked == []
            assert len(contexts.warm["desktop"].context.pages) == 2, "the test's pages were not closed"
            page.goto(home)
            assert page.evaluate("localStorage.getItem('left')") is None, "the last test's storage is still there"


def test_policy_watch_reports_what_the_policy_refused(browser: Browser, tmp_path: Path) -> None:
    """The walks' policy check bites: an inline script under the pages' policy is reported, once,
    and a page without one is clean."""
    policy_meta = '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
    (tmp_path / "inline.html").write_text(f"<!doctype html><head>{policy_meta}</head><script>window.x = 1</script>", encoding="utf-8")
    (tmp_path / "clean.html").write_text(f"<!doctype html><head>{policy_meta}</head><p>words</p>", encoding="utf-8")
    with serve_directory(tmp_path) as base, recorded_context(browser) as (context, _):
        page = context.new_page()
        policy = PolicyWatch(context, page)
        page.goto(base + "inline.html", wait_until="load")
        refused = policy.take()
        assert any(line.startswith("CSP script-src") for line in refused), refused
        page.goto(base + "clean.html", wait_until="load")
        assert policy.take() == [], "the last page's reports were not taken"


# ---------------------------------------------------------------------------------------------
# Nothing leaves the machine


# Every page of the online site is checked for requests that leave the machine in the walk further down
# (test_every_page_is_accessible_on_a_phone_and_keeps_its_policy), every page of the offline bundle
# in tests/test_offline_browser.py (from file://), and each search test asserts the same of the
# searches it makes (``tab.assert_local``): a walk over a dozen pages here would check nothing more.


# ---------------------------------------------------------------------------------------------
# Search


def test_search_finds_acronym_in_glossary_and_memos(tab: Tab) -> None:
    """The acronym the most memos use: its glossary entry and every memo that uses it are found."""
    site = tab.site
    acronym, term, expected_memos = acronym_to_search(site)
    tab.open(site.memos()[0])
    hrefs = search(tab.page, acronym)
    pages = [site.page_of(u) for u in result_pages(hrefs)]
    glossary_entries = [u for u in hrefs if site.page_of(u) == "glossary" and fragment(u) == term]
    assert glossary_entries, f"{site.kind}: no result for {acronym} links to the glossary entry #{term}; results: {pages}"
    missing = [m for m in expected_memos if m not in pages]
    assert not missing, f"{site.kind}: memos using {acronym} missing from the results: {missing}; results: {pages}"
    tab.assert_local(f"search for {acronym}")


def test_search_finds_acronym_in_acronym_table(tab: Tab) -> None:
    """The acronym table lists the acronym, so searching for it must find the table."""
    site = tab.site
    acronym, _, _ = acronym_to_search(site)
    tab.open("")
    pages = [site.page_of(u) for u in result_pages(search(tab.page, acronym))]
    assert "acronyms" in pages, (
        f"{site.kind}: searching {acronym!r} does not find the acronym table; results: {pages}. "
        "The search index glues adjacent table cells together ('(7)COCOMCoordinating'), so the word is never indexed"
    )


def test_search_finds_person_page_and_memos(tab: Tab) -> None:
    """The person the most memos name, searched by surname: the register page among the first
    three results, and every memo that names them."""
    site = tab.site
    entity, surname, expected_memos = person_to_search(site)
    h1 = norm(site.tree(entity).xpath("string(//article//h1)"))
    assert surname in h1, f"unexpected entity page heading {h1!r}"
    tab.open("")
    pages = [site.page_of(u) for u in result_pages(search(tab.page, surname))]
    assert entity in pages[:3], f"{site.kind}: the page of {surname} is not among the first 3 results: {pages}"
    missing = [m for m in expected_memos if m not in pages]
    assert not missing, f"{site.kind}: memos naming {surname} missing from the results: {missing}; results: {pages}"
    tab.assert_local(f"search for {surname}")


def test_search_finds_phrase_from_a_note(tab: Tab) -> None:
    site = tab.site
    phrase, expected_memos = phrase_from_notes(site)
    tab.open("")
    hrefs = search(tab.page, phrase)
    words = set(phrase.lower().split())
    for memo in expected_memos:
        both = [u for u in hrefs if site.page_of(u) == memo and words <= highlight_terms(u)]
        assert both, (f"{site.kind}: no result in {memo} matches all of {sorted(words)}; "
                      f"its results: {[u for u in hrefs if site.page_of(u) == memo]}")
    tab.assert_local(f"search for {phrase}")


# ---------------------------------------------------------------------------------------------
# Notes, acronyms, paragraphs, entities


def _note_choices(site: Site) -> list[tuple[str, str, str]]:
    """(memo, note id, expected resolved reference) for the first note, the first op. cit. and the first Ibid."""
    wanted = {"first": lambda t: True, "op. cit.": lambda t: "op. cit." in t, "Ibid.": lambda t: "Ibid." in t}
    chosen: dict[str, tuple[str, str, str]] = {}
    for memo in site.memos():
        for li in site.tree(memo).xpath('//div[contains(@class,"footnote")]//li[starts-with(@id,"fn:")]'):
            refs = li.xpath('.//span[contains(@class,"note-reference")]')
            if not refs:
                continue
            text = norm(li.text_content())
            for kind, test in wanted.items():
                if kind not in chosen and test(text):
                    chosen[kind] = (memo, li.get("id"), norm(refs[0].text_content()))
    assert set(chosen) == set(wanted), f"notes with a resolved reference found only for {sorted(chosen)}"
    return list(chosen.values())


def test_note_popover_shows_resolved_reference(tab: Tab) -> None:
    for memo, note_id, reference in _note_choices(tab.site):
        tab.open(memo)
        page = tab.page
        ref = page.locator(f'sup a.footnote-ref[href="#{note_id}"]')
        assert ref.count() == 1, f"{memo}: no single note marker for {note_id}"
        ref.scroll_into_view_if_needed()
        ref.hover()
        tip = page.locator(".md-tooltip2.md-tooltip2--active")
        tip.wait_for(state="visible")
        shown = norm(tip.locator(".note-reference").inner_text())
        assert shown == reference, f"{memo} {note_id}: popover shows {shown!r}, the note's reference is {reference!r}"
        box = tip.bounding_box()
        width = page.evaluate("document.documentElement.clientWidth")
        assert box and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"popover off screen: {box}"
        page.mouse.move(0, 0)
        page.locator(".md-tooltip2").wait_for(state="detached")  # it goes away again
    tab.assert_local("note popovers")


def _acronym_xpath(in_link: bool) -> str:
    """A visible acronym mark: an <abbr>, or (an acronym naming a register entry) the entry's link itself."""
    tag = "a" if in_link else "abbr"
    return f'//div[contains(@class,"memo-text")]//{tag}[contains(@class,"term")][@aria-description][not(contains(@class,"mark-rest"))]'


def _first_acronym(site: Site, in_link: bool) -> tuple[str, str, str]:
    """(memo, data-term, expansion) of the first acronym in a memo's text that is (or is not) also a link."""
    for memo in site.memos():
        for mark in site.tree(memo).xpath(_acronym_xpath(in_link)):
            return memo, mark.get("data-term"), mark.get("aria-description")
    pytest.skip(f"no acronym {'inside' if in_link else 'outside'} a link in any memo")


@pytest.mark.parametrize("in_link", [False, True], ids=["plain", "inside-entity-link"])
def test_acronym_tooltip_on_hover(tab: Tab, in_link: bool) -> None:
    memo, term, expansion = _first_acronym(tab.site, in_link)
    tab.open(memo)
    page = tab.page
    mark = page.locator(f'xpath={_acronym_xpath(in_link)}[@data-term="{term}"]').first
    mark.scroll_into_view_if_needed()
    mark.hover()
    # One tooltip for the page, tied to the mark while it shows (screen readers read it too), its
    # text the mark's explanation as text (never HTML); Material makes no tooltip of its own.
    tip = page.locator(TOOLTIP)
    tip.wait_for(state="visible")
    assert tip.evaluate("t => t.textContent") == expansion
    assert mark.get_attribute("aria-describedby") == "edition-tip"
    assert page.locator(TOOLTIP).count() == 1 and page.locator(".md-tooltip2").count() == 0, "more than one tooltip"
    box = tip.bounding_box()
    line = mark.evaluate("m => { const r = m.getClientRects()[0]; return {top: r.top, bottom: r.bottom}; }")  # the mark's first line
    width = page.evaluate("document.documentElement.clientWidth")
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"tooltip off screen: {box}"
    assert box["y"] >= line["bottom"] or box["y"] + box["height"] <= line["top"], "the tooltip covers its mark"
    page.mouse.move(0, 0)
    tip.wait_for(state="hidden")
    assert mark.get_attribute("aria-describedby") is None
    tab.assert_local("acronym tooltip")


def test_acronym_tooltip_on_keyboard_focus(tab: Tab) -> None:
    """A keyboard user reaches each acronym or glossary term (itself or the link around it) and sees its expansion."""
    site = tab.site
    # the first document whose page shows a glossary mark (a clipping or a cable may have none)
    shown = memos_with(site, '//div[contains(@class,"memo-text")]//*[contains(@class,"term")][@aria-description]'
                             '[not(contains(@class,"mark-rest"))]')
    assert shown, f"{site.kind}: no document shows a glossary mark"
    memo = shown[0]
    tab.open(memo)
    page = tab.page
    abbrs = page.locator(".memo-text [data-term][aria-description]:not(.mark-rest)")  # the marks a reader sees
    handles = abbrs.element_handles()
    total = len(handles)
    assert total, f"{memo}: no acronyms"
    # Up to three acronyms inside an entity link and three on their own: the two ways they appear.
    seen: set[str] = set()
    kinds = {True: 0, False: 0}
    failures = []
    for i in range(total):
        abbr = handles[i]
        term = abbr.get_attribute("data-term") or ""
        in_link = abbr.evaluate("e => !!e.closest('a')")
        if term in seen or kinds[in_link] >= 3:
            continue
        seen.add(term)
        kinds[in_link] += 1
        expansion = norm(abbr.get_attribute("aria-description") or "")
        # What Tab stops at: the acronym itself if it is focusable, else the link it holds (a term
        # that is also a register entry), else the link or control around it.
        target_js = ("e => (e.tabIndex >= 0 ? e : (e.querySelector('a[href]') || "
                     "e.closest('a[href], button, [tabindex]:not([tabindex=\"-1\"])')))")
        focusable = abbr.evaluate(f"e => !!({target_js})(e)")
        if not focusable:
            failures.append(f"{term}: neither the acronym nor anything around it can take keyboard focus")
            continue
        abbr.evaluate(f"e => ({target_js})(e).focus()")
        tip = page.locator(TOOLTIP, has_text=expansion[:40])
        try:
            tip.wait_for(state="visible", timeout=SHORT_MS)
        except PlaywrightTimeout:
            focused = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
            failures.append(f"{term}: keyboard focus on {focused} shows no expansion")
        page.evaluate("document.activeElement && document.activeElement.blur()")
    assert not failures, f"{site.kind} {memo}: {len(failures)} of {len(seen)} glossary terms (abbr.term) give keyboard users no expansion:\n" + "\n".join(failures)


def _follow_last_permalink(tab: Tab, memo: str) -> None:
    page = tab.page
    paragraphs = page.locator(".memo-text p[id^=p]")
    assert paragraphs.count() > 0, f"{memo}: no numbered paragraphs"
    target = paragraphs.last  # far down the page, so following the link has to scroll
    pid = target.get_attribute("id")
    target.scroll_into_view_if_needed()
    target.hover()  # its number's link is made when the reader points at the paragraph
    anchor = target.locator(f':scope > a.para-anchor[href="#{pid}"]')
    assert anchor.count() == 1, f"{memo}: paragraph {pid} does not start with its permalink"
    page.evaluate("window.scrollTo(0, 0)")
    anchor.click()
    page.wait_for_function("id => location.hash === '#' + id", arg=pid)
    # In view, and not hidden under the sticky header (scrolling may be smooth: wait for it to settle).
    page.wait_for_function(
        """id => { const r = document.getElementById(id).getBoundingClientRect();
                   const header = document.querySelector('.md-header').getBoundingClientRect();
                   return r.top >= header.bottom - 1 && r.top < window.innerHeight && r.bottom > 0; }""",
        arg=pid,
    )
    assert urlsplit(page.url).fragment == pid, memo


def test_paragraph_permalink_scrolls_to_paragraph(tab: Tab) -> None:
    for memo in tab.site.memos():
        tab.open(memo)
        _follow_last_permalink(tab, memo)
    tab.assert_local("paragraph permalink")


def test_entity_link_leads_to_entity_page(tab: Tab) -> None:
    site = tab.site
    for memo in site.memos():
        tab.open(memo)
        page = tab.page
        link = page.locator(".memo-text a.entity[data-entity]").first
        entity = link.get_attribute("data-entity")
        link.scroll_into_view_if_needed()
        with page.expect_navigation():
            link.click()
        wait_for_material(page)
        assert site.page_of(page.url) == f"entities/{entity}", f"{site.kind}: the link to {entity} led to {page.url}"
        back = page.locator(f'article a[href*="{memo.split("/")[-1]}"]')
        assert back.count() > 0, f"{site.kind}: the page of {entity} does not link back to {memo}, where it is mentioned"
        assert page.locator("article h1").count() == 1
        tab.assert_local(f"entity page {entity}")


# ---------------------------------------------------------------------------------------------
# Accessibility and small screens


def _axe_pages(site: Site) -> list[str]:
    """The home page, the glossary and the register page of the person the most memos name."""
    return ["", "glossary", person_to_search(site)[0]]


@pytest.mark.parametrize("which", range(3), ids=["home", "glossary", "entity"])
def test_no_serious_accessibility_violations(tab: Tab, which: int) -> None:
    _assert_no_serious_violations(tab, _axe_pages(tab.site)[which])


def test_no_serious_accessibility_violations_on_any_memo(any_tab: Tab) -> None:
    """The whole page for the first memo; for the others their article, the only part that differs, without
    the colour-contrast rule (the slowest by far, and the style sheet is the same on every memo page).
    Every memo of the real edition, a sample of the generated one (``Site.sampled_memos``)."""
    for i, memo in enumerate(any_tab.site.sampled_memos()):
        _assert_no_serious_violations(any_tab, memo, None if i == 0 else "article")


def _assert_no_serious_violations(tab: Tab, name: str, scope: str | None = None) -> None:
    """axe-core on the page, or on the element ``scope`` selects (what differs between memo pages)."""
    tab.open(name)
    tab.page.evaluate(AXE_JS.read_text(encoding="utf-8"))  # not a <script> tag: the page's CSP would refuse it
    violations = tab.page.evaluate(
        """async scope => {
            const options = { resultTypes: ["violations"] };
            if (scope) options.rules = { "color-contrast": { enabled: false } };  // the slowest rule; the CSS is the same on every memo
            const result = await axe.run(scope ? { include: [[scope]] } : document, options);
            return result.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({
                  target: n.target.join(' '), html: n.html.slice(0, 160), why: (n.failureSummary || '').split('\\n').slice(1, 3).join(' ') })) }));
        }""",
        scope,
    )
    report = []
    for v in violations:
        report.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        report += [f"    {n['target']}  {n['html']}\n      {n['why']}" for n in v["nodes"][:5]]
    assert not violations, f"{tab.site.kind} {name or 'home'}: serious/critical axe violations:\n" + "\n".join(report)


def _site_pages(root: Path) -> list[str]:
    """Every page of a built site, named as ``Site`` names them (the search worker's and Pagefind's files aside)."""
    pages = []
    for path in sorted(root.rglob("index.html")):
        rel = path.parent.relative_to(root).as_posix()
        if not rel.startswith(("pagefind", "assets", "search")):
            pages.append("" if rel == "." else rel)
    return pages


SCHEMES = {"default": "light", "slate": "dark"}  # Material's palettes (mkdocs.yml), by their scheme


def test_every_page_is_accessible_on_a_phone_and_keeps_its_policy(browser: Browser, built_site: Path) -> None:
    """Issue 25: axe's WCAG 2.2 rules (A and AA: contrast, 24 px targets, focusable scroll regions…)
    at 375 px, in the light and the dark scheme, on every page of the edition: no serious or
    critical violation. The same walk is the online site's policy check (issue 23): on no page a
    request leaves the machine or the Content-Security-Policy refuses something.

    Each page is loaded once and checked with every rule in the scheme it opens in, then with the
    rules that read colours in the other, switched by Material's palette (the site's style sheets
    know the scheme only by the body's data-md-color-scheme, which the palette sets; a scheme
    changes colours only, so the other rules would give the same answer twice). The choice is
    remembered, so the pages open in turn in the light and the dark scheme (the first in the light
    one, the phone's preference): every rule meets both schemes across the site."""
    with serve_directory(built_site) as base, recorded_context(browser, **PHONE, color_scheme="light") as (context, recorder):
        context.add_init_script(AXE_JS.read_text(encoding="utf-8"))  # by the driver, not a <script>: the CSP would refuse one
        site = Site("http", built_site, base)
        page = context.new_page()
        policy = PolicyWatch(context, page)
        report: list[str] = []
        refused: list[str] = []
        checked = {scheme: {"all": 0, "colour": 0} for scheme in SCHEMES}
        pages = _site_pages(built_site)
        for name in [*pages, "404.html"]:
            page.goto(base + name if name == "404.html" else site.url(name), wait_until="load")
            wait_for_material(page)
            opened = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            if name == pages[0]:
                assert opened == "default", f"the first page opens in {opened!r}, not the light scheme the phone prefers"
            for scheme in (opened, *(s for s in SCHEMES if s != opened)):
                if scheme != opened:  # the palette's input for the scheme, as its toggle checks it
                    page.locator(f'form[data-md-component="palette"] input[data-md-color-scheme="{scheme}"]').evaluate("i => i.click()")
                    page.wait_for_function("s => document.body.getAttribute('data-md-color-scheme') === s"
                                           " && !document.body.hasAttribute('data-md-color-switching')", arg=scheme)
                # Text off the screen is restyled only when it comes near (content-visibility), and
                # until then Chromium may answer getComputedStyle there with the colours of the
                # scheme it was first drawn in, which axe reads; a reader scrolling to it sees the
                # page's. Drawn as if scrolled to, every block is checked in the colours it shows.
                page.evaluate("""() => { for (const el of document.querySelectorAll('body *'))
                    if (getComputedStyle(el).contentVisibility === 'auto') el.style.contentVisibility = 'visible'; }""")
                rules = {"type": "tag", "values": WCAG22} if scheme == opened else {"type": "rule", "values": COLOUR_RULES}
                violations = page.evaluate("""async rules => (await axe.run(document, {runOnly: rules, resultTypes: ['violations']}))
                    .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)""", rules)
                report += [f"{name or 'home'} ({SCHEMES[scheme]}): {v}" for v in violations]
                checked[scheme]["all" if scheme == opened else "colour"] += 1
            refused += [f"{name or 'home'}: {what}" for what in policy.take()]
        for scheme in SCHEMES:  # every page in both schemes, every rule in each scheme on some pages
            assert sum(checked[scheme].values()) == len(pages) + 1 and checked[scheme]["all"], checked
        assert not report, "serious or critical WCAG 2.2 violations at 375 px:\n" + "\n".join(report)
        assert not refused, "the policy refused something:\n" + "\n".join(refused)
        recorder.assert_local("every page, light and dark")


def _distinctive_phrase(site: Site) -> tuple[str, str, str]:
    """(memo, paragraph id, two words side by side in that paragraph and on no other page or paragraph)."""
    texts: dict[str, str] = {}
    memos = set(site.memos())
    for path in sorted(site.root.rglob("*.html")):
        rel = path.relative_to(site.root).as_posix()
        if rel.startswith(("pagefind", "assets", "search")):
            continue
        name = site.page_of(site.base + rel)
        tree = lxml_html.parse(str(path)).getroot()
        blocks = tree.xpath('//div[contains(@class,"memo-text")]//*[@data-para]') if name in memos else []
        for block in blocks:
            texts[f"{name}#{block.get('id')}"] = norm(block.text_content()).lower()
        if not blocks:
            texts[name] = norm(" ".join(tree.xpath("//article//text()"))).lower()
    for key, text in sorted(texts.items(), key=lambda kv: -len(kv[1])):
        if "#" not in key:
            continue
        for m in re.finditer(r"(?=\b([a-z]{6,}) ([a-z]{6,})\b)", text):
            if all(sum(re.search(rf"\b{w}\b", t) is not None for t in texts.values()) == 1 for w in m.groups()):
                memo, pid = key.split("#")
                return memo, pid, f"{m.group(1)} {m.group(2)}"
    pytest.skip("no paragraph has two words of its own")


def test_a_search_result_opens_the_paragraph(tab: Tab) -> None:
    """Issue 25, online and from file://: words of a paragraph give a result that opens that
    paragraph (#p12) in its document, in view; every result opens a page (a file, offline)."""
    site = tab.site
    memo, pid, phrase = _distinctive_phrase(site)
    tab.open("")
    hrefs = search(tab.page, phrase)
    anchored = [h for h in hrefs if fragment(h).startswith("p") and site.page_of(h) == memo]
    assert anchored and fragment(anchored[0]) == pid, f"{site.kind}: {phrase!r} is in {memo}#{pid}; results {hrefs[:6]}"
    if site.kind == "offline":
        for href in hrefs:
            path = Path(urlsplit(href).path)
            assert path.is_file(), f"offline: the result {href} opens no file (a folder opens as a listing)"
    link = tab.page.locator(f'.md-search-result__item a.md-search-result__link[href="{anchored[0]}"]').first
    with tab.page.expect_navigation():
        link.click()
    wait_for_material(tab.page)
    assert site.page_of(tab.page.url) == memo and fragment(tab.page.url) == pid, tab.page.url
    tab.page.wait_for_function("""id => { const r = document.getElementById(id).getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight; }""", arg=pid)
    assert tab.page.locator(f"#{pid} > a.para-anchor").count() == 1, "the paragraph opened has no number link to cite it"
    tab.assert_local("a paragraph's search result")


def test_memo_fits_phone_screen(phone_tab: Tab) -> None:
    for memo in phone_tab.site.memos():
        phone_tab.open(memo)
        widths = phone_tab.page.evaluate(
            """() => { const s = document.scrollingElement;
                       const wide = [...document.querySelectorAll('.md-content *')]
                         .filter(e => e.getBoundingClientRect().right > s.clientWidth + 1)
                         .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().replace(/\\s+/g, '.') : '')
                                              + (e.id ? '#' + e.id : '') + ' right=' + Math.round(e.getBoundingClientRect().right));
                       return { scroll: s.scrollWidth, client: s.clientWidth, wide }; }"""
        )
        assert widths["client"] == 375, f"unexpected viewport width {widths}"
        assert widths["scroll"] <= widths["client"], f"{phone_tab.site.kind} {memo} scrolls sideways on a phone: {widths}"
    phone_tab.assert_local("phone memo pages")


def test_search_works_on_a_phone(phone_tab: Tab) -> None:
    site = phone_tab.site
    phone_tab.open(site.memos()[0])
    acronym, _, _ = acronym_to_search(site)
    pages = [site.page_of(u) for u in result_pages(search(phone_tab.page, acronym))]
    assert "glossary" in pages, f"{site.kind}: phone search for {acronym}: {pages}"
    phone_tab.assert_local("phone search")


# A guard on the helpers above: a URL of each kind maps back to its page.
@pytest.mark.parametrize(("kind", "url", "page"), [
    ("http", "http://127.0.0.1:1/glossary/?h=cocom#term-COCOM", "glossary"),
    ("http", "http://127.0.0.1:1/", ""),
    ("offline", "file:///x/site/entities/cocom.html?h=x#mentions", "entities/cocom"),
    ("offline", "file:///x/site/index.html", ""),
])
def test_site_page_of(kind: str, url: str, page: str) -> None:
    base = "http://127.0.0.1:1/" if kind == "http" else "file:///x/site/"
    assert Site(kind, Path("/x/site"), base).page_of(url) == page
    assert re.sub(r"[?#].*", "", Site(kind, Path("/x/site"), base).url(page)) in url


def test_cite_button_copies_a_paragraph_citation(tab: Tab) -> None:
    """The cite button copies the document's citation in the edition with the paragraph number (and its
    link when the edition has a site URL), over HTTP (clipboard API) and from file:// (where the
    clipboard API may hang: a fallback copies)."""
    if tab.site.kind == "http":
        tab.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=tab.site.url("").rstrip("/"))
    offered: list[str] = []
    tab.page.on("dialog", lambda d: (offered.append(d.default_value), d.dismiss()))
    for memo in tab.site.memos():
        tab.open(memo)
        tab.page.locator(".annotation-control__option").first.focus()
        tab.page.keyboard.press("Tab")  # a keyboard reader: the first Tab makes every paragraph's controls
        pid = tab.page.locator(".memo-text p[id^=p]:has(.para-cite)").last.get_attribute("id")
        button = tab.page.locator(f"#{pid} .para-cite")
        button.click()
        tab.page.wait_for_function(f"() => document.querySelector('#{pid} .para-cite').textContent === 'copied'", timeout=5000)
        copied = (button.get_attribute("title") or "").removeprefix("Copied: ")
        if tab.site.kind == "http":
            assert tab.page.evaluate("navigator.clipboard.readText()") == copied
        data = tab.site.tree(memo).xpath('//*[@data-cite-work]')[0]
        assert copied.startswith(data.get("data-cite-work")) and f", {data.get('data-cite-in')}, para. {pid[1:]}" in copied, (memo, copied)
        url = data.get("data-cite-url")  # the published address, or none: never this page's local one
        assert copied.endswith(f", {url}#{pid}.") if url else copied.endswith(f", para. {pid[1:]}."), (memo, copied)
    assert not offered  # copied without falling back to a prompt
    tab.assert_local("cite button")


def test_every_memo_opens_with_its_apparatus(any_tab: Tab) -> None:
    """Any edition, every memo: it opens with nothing leaving the machine, its last paragraph's
    permalink scrolls to it, its first note marker shows the note in a popover, and at a phone's
    width (375 px) nothing makes it scroll sideways."""
    site = any_tab.site
    for memo in site.sampled_memos():
        any_tab.page.set_viewport_size({"width": 1280, "height": 720})
        any_tab.open(memo)
        _follow_last_permalink(any_tab, memo)
        refs = any_tab.page.locator("sup a.footnote-ref")
        if refs.count():
            ref = refs.first
            ref.scroll_into_view_if_needed()
            ref.hover()
            tip = any_tab.page.locator(".md-tooltip2.md-tooltip2--active")
            tip.wait_for(state="visible")
            note_id = (ref.get_attribute("href") or "").lstrip("#")
            wording = norm(site.tree(memo).xpath(f'string(//li[@id="{note_id}"])'))[:30]
            assert wording.split()[0] in norm(tip.inner_text()), f"{site.kind} {memo}: popover {tip.inner_text()[:80]!r} is not note {note_id}"
            any_tab.page.mouse.move(0, 0)
            any_tab.page.locator(".md-tooltip2--active").wait_for(state="detached")
        any_tab.page.set_viewport_size(PHONE["viewport"])  # type: ignore[arg-type]
        any_tab.page.wait_for_function("() => document.documentElement.clientWidth === 375")
        widths = any_tab.page.evaluate("() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
        assert widths[0] <= widths[1], f"{site.kind} {memo} scrolls sideways at a phone's width: {widths}"
    any_tab.assert_local("every memo")
