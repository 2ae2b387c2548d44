"""The reading page, tried as a reader would: in Chromium, at 1280 and 375 px, printed, in the
light and the dark scheme, over HTTP and from the offline bundle.

Data-driven: every memo of docs/documents/ (front matter through ``edition.documents``) and
every built page with a table; expectations come from the memos' own files, never from counts.
Screenshots and PDFs go to ``test-artifacts/reading/`` for a person to look at.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from edition.diagnostics import Diagnostics
from edition.documents import Document, load_documents
from tests.browser_support import AXE_JS, ROOT, WarmContexts, serve_directory, wait_for_material, warm_contexts
from tests.conftest import OfflineBundle

ARTIFACTS = ROOT / "test-artifacts" / "reading"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
MAX_MARKS_PER_1000_WORDS = 30
WCAG22 = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]  # axe's rules of WCAG 2.2 A and AA
# The Heritage backgrounder has 11 original pages and must print on at most 14 Letter pages:
# an edition page holds at least 11/14 of a page of the original.
PRINTED_PER_ORIGINAL = 14 / 11
# Words the reader's screen shows around the text and a printed page must not.
UI_TEXT = ["Annotations:", "Copy a citation", "Cite this document", "Named in this document", "Acronyms used",
           "Table of contents", "Back to top", "Skip to content", "Search", "Previous", "Next", "¶", "/*"]

TOOLTIP = '#edition-tip[role="tooltip"]'  # the edition's one shared tooltip (docs/assets/edition.js)
DOCS: list[Document] = sorted(load_documents(ROOT / "docs", Diagnostics(), ROOT), key=lambda d: (d.date, d.path))
assert DOCS, "no memos in docs/documents/"
MEMO_IDS = [d.slug for d in DOCS]


# ---------------------------------------------------------------------------------------------
# What the browser measures


VISIBLE_MARKS_JS = """
(root) => {
  root = root || document.querySelector('.memo-text');
  const isMark = e => e.hasAttribute('data-entity') || e.hasAttribute('data-term');
  const marks = [...root.querySelectorAll('[data-entity],[data-term]')].filter(e => {
    for (let p = e.parentElement; p && p !== root; p = p.parentElement) if (isMark(p)) return false;
    return true;
  });
  const plainAround = e => { let p = e.parentElement; while (p !== root && isMark(p)) p = p.parentElement; return p; };
  // drawn as a mark: an underline, a bottom border, a colour or a background the text around it has not
  const drawn = (e, base) => {
    const s = getComputedStyle(e), b = getComputedStyle(base);
    return (s.textDecorationLine !== 'none' && s.textDecorationLine !== b.textDecorationLine)
      || (s.borderBottomStyle !== 'none' && parseFloat(s.borderBottomWidth) > 0)
      || s.color !== b.color
      || (s.backgroundColor !== 'rgba(0, 0, 0, 0)' && s.backgroundColor !== b.backgroundColor);
  };
  const visible = new Set(marks.filter(e => [e, ...e.querySelectorAll('[data-entity],[data-term]')].some(x => drawn(x, plainAround(e)))));
  const text = root.cloneNode(true);
  text.querySelectorAll('[data-search-exclude], .para-anchor, .para-cite, .footnote-backref, .redaction, .page-break').forEach(e => e.remove());
  const words = (text.textContent.match(/[A-Za-z0-9][\\w'’.\\-]*/g) || []).length;
  const sections = [];
  let current = {title: '(before the title)', counts: {}};
  sections.push(current);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let n = walker.currentNode; n; n = walker.nextNode()) {
    if (/^H[12]$/.test(n.tagName)) { current = {title: n.textContent.trim(), counts: {}}; sections.push(current); }
    if (!visible.has(n)) continue;
    // what the mark stands for: the register entry it links to, else its glossary term
    const link = n.matches('[data-entity]') ? n : n.querySelector('a[data-entity]');
    const k = link ? link.getAttribute('data-entity') : n.getAttribute('data-term');
    current.counts[k] = (current.counts[k] || 0) + 1;
  }
  const repeated = sections.flatMap(s => Object.entries(s.counts).filter(([, c]) => c > 1).map(([k, c]) => `${s.title}: ${k} ×${c}`));
  return {marks: marks.length, visible: visible.size, words, repeated};
}
"""

PSEUDO_CONTENT_JS = """
() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    for (const pseudo of ['::before', '::after']) {
      const c = getComputedStyle(el, pseudo).content;
      if (c && c !== 'none' && c !== 'normal' && (c.includes('/*') || c.includes('*/')))
        out.push(`${el.tagName.toLowerCase()}.${el.className}${pseudo}: ${c}`);
    }
  }
  return out;
}
"""

BROKEN_WORDS_JS = """
() => {
  const broken = [];
  for (const cell of document.querySelectorAll('.md-content td, .md-content th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // a word ends at white space, a hyphen, a dash or a slash: the places a line may break
      for (const m of node.data.matchAll(/[^\\s\\-\\u2010-\\u2015\\/]+/g)) {
        if (m[0].length < 2) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}
"""


# ---------------------------------------------------------------------------------------------
# Fixtures: one browser, the site over HTTP and the offline bundle


@dataclass(frozen=True)
class Served:
    kind: str  # "http" | "offline"
    root: Path
    base: str

    def url(self, page: str) -> str:
        """``page`` is a docs path without .md ('' for home, 'documents/<slug>', 'acronyms')."""
        if self.kind == "http":
            return self.base + (f"{page}/" if page else "")
        if not page:
            return self.base + "index.html"
        if (self.root / page / "index.html").is_file():
            return self.base + f"{page}/index.html"
        return self.base + f"{page}.html"


@pytest.fixture(scope="module")
def http_site(built_site: Path) -> Iterator[Served]:
    with serve_directory(built_site) as base:
        yield Served("http", built_site, base)


@pytest.fixture(scope="module")
def offline_site(offline_bundle: OfflineBundle) -> Served:
    root = offline_bundle.site
    return Served("offline", root, root.as_uri() + "/")


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def warm(chromium_browser: Browser, http_site: Served) -> Iterator[WarmContexts]:
    """The module's desktop and phone contexts for the site over HTTP (``WarmContexts``,
    tests/browser_support.py): tests open fresh pages in them, reset after each test."""
    with warm_contexts(chromium_browser, http_site.url(""), {"desktop": DESKTOP, "phone": PHONE}) as contexts:
        yield contexts


@pytest.fixture
def new_page(warm: WarmContexts) -> Iterator[Callable[[str], Page]]:
    """``new_page()`` (1280 px) or ``new_page("phone")`` (375 px): a fresh page for the site over HTTP,
    with the storage, cookies and permissions of a fresh context (the test's pages are closed and
    the context reset after it)."""
    with warm.resetting():
        yield lambda name="desktop": warm.new_page(name)[0]


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_material(page)


def memo_page(doc: Document) -> str:
    return f"documents/{doc.slug}"


# ---------------------------------------------------------------------------------------------
# 1. Restraint, and the reader's control


def resting_marks(built_site: Path, doc: Document) -> int:
    """How many quiet marks the built page keeps as data (edition/resting.py) for the reader's 'All'."""
    page = lxml_html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot()
    data = page.xpath('//script[@id="edition-rest"]/text()')
    return sum(len(places) // 3 for places in json.loads(data[0])["blocks"].values()) if data else 0


@pytest.mark.parametrize("doc", DOCS, ids=MEMO_IDS)
def test_marks_are_restrained_and_the_reader_can_turn_them_up_or_down(new_page: Callable[..., Page], http_site: Served, doc: Document, built_site: Path) -> None:
    page = new_page()
    open_page(page, http_site.url(memo_page(doc)))
    essential = page.evaluate(VISIBLE_MARKS_JS)
    assert essential["marks"] > 0, f"{doc.slug}: no annotated mention at all"
    per_1000 = 1000 * essential["visible"] / essential["words"]
    assert per_1000 <= MAX_MARKS_PER_1000_WORDS, f"{doc.slug}: {per_1000:.1f} visible marks per 1,000 words ({essential})"
    assert not essential["repeated"], f"{doc.slug}: marked more than once in a section: {essential['repeated'][:10]}"
    # quiet mentions are plain text until the reader asks for all: "All" puts every one back
    quiet = resting_marks(built_site, doc)
    page.get_by_role("button", name="All", exact=True).click()
    every = page.evaluate(VISIBLE_MARKS_JS)
    assert every["marks"] == essential["marks"] + quiet, f"{doc.slug}: 'all' shows {every['marks']} mentions, the page has {essential['marks']} + {quiet} quiet"
    assert every["visible"] == every["marks"], f"{doc.slug}: 'all' leaves {every['marks'] - every['visible']} mentions unmarked"
    assert every["words"] == essential["words"], "putting the marks back changed the text"
    page.get_by_role("button", name="None", exact=True).click()
    assert page.evaluate(VISIBLE_MARKS_JS)["visible"] == 0, f"{doc.slug}: 'none' still shows marks"
    # a mention drawn as plain text does not pop up a tooltip either (the tooltip is shown by the
    # mouseover handler itself, so by the time hover() returns it would be there), and the same
    # hover on the same mark drawn again does
    mark = page.locator(".memo-text [aria-description]:is(a.entity, abbr.term):not(.mark-rest)").first
    mark.scroll_into_view_if_needed()
    mark.hover()
    assert page.locator(TOOLTIP).locator("visible=true").count() == 0, "a mention drawn as plain text shows a tooltip"
    page.get_by_role("button", name="Essential", exact=True).click()
    assert page.evaluate(VISIBLE_MARKS_JS)["marks"] == essential["marks"], "back to essential, the quiet mentions are text again"
    mark.hover()
    page.locator(TOOLTIP).wait_for(state="visible", timeout=3000)
    page.close()


@pytest.mark.parametrize("doc", DOCS, ids=MEMO_IDS)
def test_quiet_marks_come_back_where_they_were(new_page: Callable[..., Page], http_site: Served, doc: Document) -> None:
    """'All' rebuilds each quiet mark from the page's data at its place: the element its data
    describes (tag, attributes, words), around the very words at that place in its block."""
    page = new_page()
    open_page(page, http_site.url(memo_page(doc)))
    page.keyboard.press("Tab")  # the paragraphs' controls made too: not counted in the places
    page.get_by_role("button", name="All", exact=True).click()
    problems = page.evaluate("""() => {
        const data = JSON.parse(document.getElementById('edition-rest')?.textContent || '{"blocks": {}, "shapes": []}');
        const text = s => s.slice(2).map(c => typeof c === 'string' ? c : text(c)).join('');
        const out = [];
        let expected = 0;
        for (const [id, places] of Object.entries(data.blocks)) {
          const block = document.getElementById(id);
          const marks = [...block.querySelectorAll('[data-rested]')];
          expected += places.length / 3;
          for (let i = 0; i < places.length; i += 3) {
            const shape = data.shapes[places[i + 2]];
            const mark = marks[i / 3];
            if (!mark) { out.push(`${id}: mark ${i / 3} missing`); continue; }
            const attrs = Object.fromEntries([...mark.attributes].filter(a => a.name !== 'data-rested').map(a => [a.name, a.value]));
            if (mark.tagName.toLowerCase() !== shape[0] || JSON.stringify(attrs) !== JSON.stringify(shape[1]) || mark.textContent !== text(shape))
              out.push(`${id}: ${mark.outerHTML.slice(0, 120)} is not ${JSON.stringify(shape).slice(0, 120)}`);
          }
        }
        if (document.querySelectorAll('[data-rested]').length !== expected) out.push(`${document.querySelectorAll('[data-rested]').length} marks put back, ${expected} in the data`);
        return out;
    }""")
    assert not problems, f"{doc.slug}: {problems[:5]}"
    page.close()


@pytest.mark.parametrize("kind", ["http", "offline"])
def test_annotation_control_by_keyboard_remembered_across_pages(warm: WarmContexts, browser: Browser, request: pytest.FixtureRequest,
                                                                  kind: str) -> None:
    site: Served = request.getfixturevalue(f"{kind}_site")
    if kind == "http":  # (``warm`` is made before ``browser`` looks at the contexts there are: it is not closed as the test's)
        page = request.getfixturevalue("new_page")()
    else:  # another site: a context of its own (closed after the test)
        page = browser.new_context(**DESKTOP).new_page()  # type: ignore[arg-type]
        page.set_default_timeout(30_000)
    first, other = memo_page(DOCS[0]), memo_page(DOCS[-1])
    open_page(page, site.url(first))
    counts = page.evaluate(VISIBLE_MARKS_JS)
    for level, expect in (("All", lambda c: c["visible"] == c["marks"]), ("None", lambda c: c["visible"] == 0),
                          ("Essential", lambda c: c["visible"] == counts["visible"])):
        button = page.get_by_role("button", name=level, exact=True)
        button.focus()
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-pressed") == "true"
        assert page.evaluate("localStorage.getItem('edition.annotations')") == level.lower()
        open_page(page, site.url(other))  # a navigation: the choice must hold on the next page
        assert page.evaluate("document.documentElement.getAttribute('data-annotations')") == level.lower()
        assert page.get_by_role("button", name=level, exact=True).get_attribute("aria-pressed") == "true"
        open_page(page, site.url(first))
        now = page.evaluate(VISIBLE_MARKS_JS)
        assert expect(now), f"{kind}: level {level} gives {now} (essential: {counts})"
    page.close()


@pytest.mark.parametrize("doc", DOCS, ids=MEMO_IDS)
def test_every_visible_acronym_explains_itself_on_focus(new_page: Callable[..., Page], http_site: Served, doc: Document) -> None:
    """Each visible acronym mark (or the link it is part of) takes keyboard focus and shows its expansion."""
    page = new_page()
    open_page(page, http_site.url(memo_page(doc)))
    hosts = page.evaluate("""() => [...document.querySelectorAll('.memo-text [data-term][aria-description]')]
        .filter(a => getComputedStyle(a).borderBottomStyle !== 'none' || getComputedStyle(a).textDecorationLine !== 'none')
        .map((a, i) => { a.setAttribute('data-test-mark', i); return [i, a.getAttribute('aria-description')]; })""")
    assert hosts, f"{doc.slug}: no visible acronym mark"
    failures = []
    for i, expansion in hosts:
        target = page.locator(f'[data-test-mark="{i}"]')
        focusable = target.evaluate("a => { const t = a.tabIndex >= 0 ? a : (a.querySelector('a[href]') || a.closest('a[href]')); if (!t || t.tabIndex < 0) return false; t.focus(); return document.activeElement === t; }")
        if not focusable:
            failures.append(f"{expansion}: cannot take keyboard focus")
            continue
        tip = page.locator(TOOLTIP, has_text=" ".join(expansion.split())[:40])
        try:
            tip.wait_for(state="visible", timeout=3000)
        except PlaywrightTimeout:
            failures.append(f"{expansion}: no expansion shown on focus")
            continue
        if target.evaluate("a => (a.tabIndex >= 0 ? a : a.querySelector('a[href]') || a.closest('a[href]')).getAttribute('aria-describedby')") != "edition-tip":
            failures.append(f"{expansion}: the focused mark is not described by the tooltip (screen readers)")
        page.keyboard.press("Escape")
        if page.locator(TOOLTIP).is_visible():
            failures.append(f"{expansion}: Escape does not hide the tooltip")
    assert not failures, f"{doc.slug}: {failures}"
    page.close()


def test_tapping_an_annotated_link_shows_its_tooltip_first(new_page: Callable[..., Page], http_site: Served) -> None:
    """On a phone, the first tap on a marked acronym that is also a link explains it; it does not navigate."""
    for doc in DOCS:
        page = new_page("phone")
        open_page(page, http_site.url(memo_page(doc)))
        mark = page.locator(".memo-text a.entity.term[aria-description]:not(.mark-rest)").first
        if mark.count() == 0:
            page.close()
            continue
        url = page.url
        expansion = " ".join((mark.get_attribute("aria-description") or "").split())[:40]
        mark.scroll_into_view_if_needed()
        # whether the tap's click was kept from following the link, read after every handler ran
        page.evaluate("() => window.addEventListener('click', e => { window.__followed = !e.defaultPrevented; }, {once: true})")
        mark.tap()
        page.locator(TOOLTIP, has_text=expansion).wait_for(state="visible", timeout=3000)
        assert page.evaluate("window.__followed") is False, f"{doc.slug}: a tap on an acronym follows its link"
        assert page.url == url, f"{doc.slug}: a tap on an acronym left the page for {page.url}"
        assert page.locator(TOOLTIP).evaluate("t => t.textContent") == mark.get_attribute("aria-description"), "the tooltip is not the mark's explanation, as text"
        page.close()
        return
    pytest.skip("no visible acronym inside a register link in any memo")


# ---------------------------------------------------------------------------------------------
# 2. Editorial marks, 3. paragraph numbers and cite controls


@pytest.mark.parametrize("doc", DOCS, ids=MEMO_IDS)
def test_editorial_marks_look_editorial_and_cite_controls_wait_for_the_reader(new_page: Callable[..., Page], http_site: Served, doc: Document) -> None:
    page = new_page()
    open_page(page, http_site.url(memo_page(doc)))
    assert page.evaluate(PSEUDO_CONTENT_JS) == [], "code-like punctuation drawn around editorial marks"
    comments = page.evaluate("() => [...document.querySelectorAll('.memo-text .critic.comment')].map(e => getComputedStyle(e, '::before').content)")
    assert all(c.startswith('"[') for c in comments), f"editor's comments not in square brackets: {comments}"
    # Marker names are short: the explanation is one step away.
    names = page.evaluate("() => [...document.querySelectorAll('.memo-text .redaction')].map(e => e.getAttribute('aria-label'))")
    assert all(n and len(n) <= 40 for n in names), f"long marker names: {[n for n in names if not n or len(n) > 40][:3]}"
    assert page.locator(".memo-text p.marker-line + p.marker-line").count() == 0, "consecutive marker lines not collapsed"
    # Only body paragraphs are numbered: nothing before the document's title is.
    before_title = page.evaluate("""() => { const h1 = document.querySelector('.memo-text h1'); if (!h1) return 0;
        return [...document.querySelectorAll('.memo-text [data-para]')].filter(a => a.compareDocumentPosition(h1) & Node.DOCUMENT_POSITION_FOLLOWING).length; }""")
    assert before_title == 0, "letterhead or date line numbered"
    # The page holds no control per paragraph: each shows its number (drawn in the margin) and
    # gets its link and cite button when the reader points at it, taps it or uses the keyboard.
    paragraphs = page.locator(".memo-text [data-para]")
    assert paragraphs.count() > 0 and page.locator(".memo-text .para-cite, .memo-text .para-anchor").count() == 0, "controls in the page's HTML"
    numbers = page.evaluate("() => [...document.querySelectorAll('.memo-text [data-para]')].map(p => getComputedStyle(p, '::before').content)")
    assert all(n.strip('"').isdigit() for n in numbers), f"paragraph numbers not drawn in the margin: {numbers[:5]}"
    page.mouse.move(0, 0)
    for i in sorted({0, paragraphs.count() // 2, paragraphs.count() - 1}):
        para = paragraphs.nth(i)
        para.scroll_into_view_if_needed()
        para.hover()  # made on hover
        button = para.locator(":scope > .para-cite")
        anchor = para.locator(":scope > .para-anchor")
        assert button.count() == 1 and anchor.count() == 1, "no controls after pointing at the paragraph"
        assert anchor.get_attribute("href") == f"#{para.get_attribute('id')}" and anchor.text_content() == para.get_attribute("data-para")
        assert button.get_attribute("data-cite-label") == para.get_attribute("data-cite-label")
        assert float(button.evaluate("b => getComputedStyle(b).opacity")) == 1, "cite control not shown on hover"
        page.mouse.move(0, 0)
        assert float(button.evaluate("b => getComputedStyle(b).opacity")) == 0, "cite control shown without hover or focus"
        # the number sits in the margin, left of the text
        assert anchor.bounding_box()["x"] + anchor.bounding_box()["width"] <= para.evaluate(
            "p => { const r = document.createRange(); r.selectNodeContents(p); return [...r.getClientRects()].filter(x => x.width > 0).map(x => x.left).sort((a, b) => b - a).pop(); }") + 40
        anchor.focus()
        page.keyboard.press("Tab")
        assert button.evaluate("b => document.activeElement === b"), "cite control not next in keyboard order after the number"
        assert float(button.evaluate("b => getComputedStyle(b).opacity")) == 1, "cite control not shown on keyboard focus"
    page.close()
    # a keyboard reader: the first Tab makes every paragraph's and note's controls, in the text's order
    page = new_page()
    open_page(page, http_site.url(memo_page(doc)))
    page.keyboard.press("Tab")
    missing = page.evaluate("""() => [...document.querySelectorAll('.memo-text [data-para], .memo-text li[id^="fn:"][data-cite-label]')]
        .filter(b => !b.querySelector('.para-cite') || (b.hasAttribute('data-para') && b.firstElementChild?.className !== 'para-anchor')).map(b => b.id)""")
    assert not missing, f"{doc.slug}: no controls after Tab for {missing[:5]}"
    page.close()


def test_text_laid_out_late_is_drawn_where_it_belongs(new_page: Callable[..., Page], http_site: Served) -> None:
    """Issue 25: a paragraph or heading off the screen is laid out only when it comes near
    (content-visibility), and a block laid out so contains its positioned parts. Drawn, the text,
    its margin numbers, cite controls and page labels must be exactly where a page that lays out
    everything at once draws them: on the longest memo, at 375 px, scrolled through as a reader
    would, then with every block laid out at once, in the flow (no containment, no position of its
    own: the controls placed against the text's column, as before the blocks were contained)."""
    doc = max(DOCS, key=lambda d: (ROOT / "docs" / d.path).stat().st_size)
    page = new_page("phone")
    open_page(page, http_site.url(memo_page(doc)))
    page.keyboard.press("Tab")  # the first Tab makes every paragraph's controls
    blocks, late = page.evaluate("""() => { const blocks = [...document.querySelectorAll('.memo-text > *')];
        return [blocks.length, blocks.filter(e => getComputedStyle(e).contentVisibility === 'auto').length]; }""")
    if blocks <= 12:  # edition.css lays out the first twelve blocks with the page
        pytest.skip(f"{doc.slug}, the longest memo, has no text past its first twelve blocks")
    assert late, f"{doc.slug}: no block of the text is laid out late (content-visibility)"
    for _ in range(1000):  # a wheel's turn at a time to the end, each block drawn as it comes near
        if page.evaluate("scrollY + innerHeight >= document.documentElement.scrollHeight - 2"):
            break
        page.mouse.wheel(0, 600)
        page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
    else:
        raise AssertionError(f"{doc.slug}: the page's end was not reached in 1,000 turns of the wheel")
    where = """() => [...document.querySelectorAll('.memo-text [data-para], .memo-text h2, .memo-text h3, .para-anchor, .para-cite, .page-break__label')]
        .map(e => { const r = document.createRange(); r.selectNodeContents(e); const t = [...r.getClientRects()].find(x => x.width > 0) || e.getBoundingClientRect();
                    const b = e.getBoundingClientRect(); return [e.id || e.className, Math.round(b.left), Math.round(b.top + scrollY), Math.round(t.left), Math.round(t.top + scrollY)]; })"""
    drawn = page.evaluate(where)
    page.evaluate("() => document.querySelectorAll('.memo-text > *').forEach(e => { e.style.contentVisibility = 'visible'; e.style.position = 'static'; })")
    at_once = page.evaluate(where)
    assert len(drawn) == len(at_once) and drawn, (len(drawn), len(at_once))
    moved = [(a, b) for a, b in zip(drawn, at_once, strict=True) if any(abs(x - y) > 1 for x, y in zip(a[1:], b[1:], strict=True))]
    assert not moved, f"{doc.slug}: drawn late, {len(moved)} parts are not where the whole text puts them: {moved[:3]}"
    page.close()


def test_cite_controls_copy_the_contract_citation(new_page: Callable[..., Page], http_site: Served) -> None:
    """Any button.para-cite copies the page's citation in the edition (issue 24): '<original>[, its
    locator], <in the edition>[, the edition's locator][, accessed <today>, <canonical URL>#<anchor>].'
    The original's page and the edition's paragraph come from the button (data-cite-locator,
    data-cite-edition-locator); the URL only from the page's data-cite-url, never from location."""
    doc = DOCS[0]
    page = new_page()
    page.on("dialog", lambda d: d.dismiss())
    open_page(page, http_site.url(memo_page(doc)))
    page.evaluate("""() => { const b = document.createElement('button'); b.className = 'para-cite';
        b.setAttribute('data-cite-label', 'n. 6'); b.setAttribute('data-cite-anchor', 'fn:6');
        b.setAttribute('data-cite-locator', 'n. 6'); b.textContent = 'cite';
        document.querySelector('.memo-text').prepend(b); }""")
    assert page.locator('.memo-text > button.para-cite[data-cite-label="n. 6"]').count() == 1
    page.locator("#p1").hover()  # the paragraph's controls are made when the reader points at it
    first = page.locator("#p1 > .para-cite")
    label = first.get_attribute("data-cite-label") or ""
    assert re.fullmatch(r"(?:pp?\. [\d–]+, )?para\. 1", label), label  # with the original page where it is known (issue 22)
    data = page.evaluate("""() => { const d = document.querySelector('[data-cite-work]');
        return [d.getAttribute('data-cite-work'), d.getAttribute('data-cite-in'), d.getAttribute('data-cite-url')]; }""")
    work, where, url = data
    page_part = label.rsplit(", para.", 1)[0] if ", para." in label else ""
    for selector, locator, edition, anchor in (("#p1 > .para-cite", page_part, "para. 1", "p1"), ('.para-cite[data-cite-label="n. 6"]', "n. 6", "", "fn:6")):
        button = page.locator(selector)
        button.click()
        page.wait_for_function("b => b.hasAttribute('data-copied')", arg=button.element_handle(), timeout=5000)
        copied = button.get_attribute("data-copied")
        expected = work + (f", {locator}" if locator else "") + f", {where}" + (f", {edition}" if edition else "")
        if url:
            assert copied.startswith(expected + ", accessed ") and copied.endswith(f", {url}#{anchor}."), copied
        else:
            assert copied == expected + ".", copied  # no site URL: no URL at all, not the page's local address
    page.close()


def test_paragraph_furniture_stays_out_of_search(built_site: Path) -> None:
    """Paragraph numbers, cite buttons and the annotation control carry data-search-exclude, which
    the search index (Pagefind's, built from the pages) honours: it holds the page's words without them."""
    fragments = [json.loads(gzip.decompress(p.read_bytes())[len(b"pagefind_dcd"):])
                 for p in (built_site / "pagefind" / "fragment").glob("*.pf_fragment")]
    for doc in DOCS:
        entries = [f for f in fragments if f"/documents/{doc.slug}/" in f.get("meta", {}).get("url", f["url"])]  # its record
        assert entries, f"{doc.slug} is not in the search index"
        text = " ".join(f["content"] for f in entries)
        article = lxml_html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot().xpath("//article")[0]
        furniture = article.xpath(".//*[@data-search-exclude]")
        text_controls = ".//*[contains(@class,'memo-text')]//*[contains(@class,'para-cite') or contains(@class,'para-anchor')]"
        assert not article.xpath(text_controls), f"{doc.slug}: controls in the text's HTML"  # the citation at hand's button is under the card
        for el in furniture:
            el.drop_tree()
        words = article.text_content()
        for word in ("cite", "Annotations", "Essential"):
            found, expected = (len(re.findall(rf"\b{word}\b", t)) for t in (text, words))
            assert found <= expected, f"{doc.slug}: '{word}' {found} times in the search index, {expected} in the page's text"


# ---------------------------------------------------------------------------------------------
# 4. Print


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("doc", DOCS, ids=MEMO_IDS)
def test_memo_prints_as_an_edition_page(new_page: Callable[..., Page], http_site: Served, artifacts: Path, doc: Document) -> None:
    page = new_page()
    open_page(page, http_site.url(memo_page(doc)))
    breaks = page.evaluate("() => [...document.querySelectorAll('.memo-text .page-break')].map(e => e.getAttribute('data-page'))")
    page.emulate_media(media="print")
    pdf = artifacts / f"{doc.slug}.pdf"
    page.pdf(path=str(pdf), format="Letter")
    page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    printed = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    if doc.pages:
        assert printed <= max(1, math.floor(doc.pages * PRINTED_PER_ORIGINAL)), f"{doc.slug}: {printed} Letter pages for {doc.pages} original pages"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    source = (ROOT / "docs" / doc.path).read_text(encoding="utf-8")
    leaked = [ui for ui in UI_TEXT if ui in text and ui not in source]
    assert not leaked, f"{doc.slug}: screen furniture in print: {leaked}"
    assert not re.search(r"(?m)^\s*cite\s*$|\bcite\b\s+\S", text) or "cite" in source, f"{doc.slug}: cite buttons printed"
    for number in breaks:
        if number:
            assert f"[Page {number}]" in text, f"{doc.slug}: page {number} of the original not shown as [Page {number}]"
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(pdf), str(artifacts / f"{doc.slug}-print")], check=False)


# ---------------------------------------------------------------------------------------------
# 5. Navigation


@pytest.mark.parametrize("doc", DOCS, ids=MEMO_IDS)
def test_memo_is_in_the_navigation_with_previous_and_next(new_page: Callable[..., Page], http_site: Served, doc: Document) -> None:
    page = new_page()
    open_page(page, http_site.url(memo_page(doc)))
    nav_docs = page.evaluate("""() => [...document.querySelectorAll('.md-nav--primary a.md-nav__link')]
        .map(a => a.getAttribute('href')).filter(h => !new URL(h, location.href).hash)
        .filter(h => /documents\\/\\d{4}-/.test(new URL(h, location.href).pathname)
        || new URL(h, location.href).href === location.href.split('#')[0])
        .map(h => new URL(h, location.href).pathname.split('/').filter(Boolean).pop())""")
    assert [d for d in nav_docs if d in MEMO_IDS] == MEMO_IDS, f"memos in the navigation, in date order: {nav_docs}"
    active = page.locator(".md-nav--primary .md-nav__link--active").first
    assert doc.title.split()[0] in active.inner_text(), "the current memo is not highlighted in the navigation"
    i = MEMO_IDS.index(doc.slug)
    prev_link, next_link = page.locator("a.md-footer__link--prev"), page.locator("a.md-footer__link--next")
    if i > 0:
        assert DOCS[i - 1].slug in prev_link.get_attribute("href")
    if i < len(DOCS) - 1:
        assert DOCS[i + 1].slug in next_link.get_attribute("href")
    assert prev_link.count() + next_link.count() >= 1
    page.close()
    # On a phone the drawer holds the table of contents of the page.
    phone = new_page("phone")
    open_page(phone, http_site.url(memo_page(doc)))
    phone.locator('.md-header label[for="__drawer"]').click()
    headings = phone.locator(".md-content .memo-text h2[id]").count()
    if headings:
        # Material's drawer: the current page's entry opens onto its table of contents
        phone.locator('.md-nav--primary label[for="__toc"]').locator("visible=true").first.click()
        toc = phone.locator(".md-nav--primary .md-nav--secondary a.md-nav__link")
        toc.first.wait_for(state="visible")
        assert toc.count() >= headings, "the phone's drawer has no table of contents for the memo"
    phone.close()


def test_register_pages_lead_back_to_their_index(built_site: Path) -> None:
    from edition.entities import load_entities

    entities = load_entities(ROOT / "data" / "entities.yml", Diagnostics(), "data/entities.yml")
    assert entities
    for ent in entities.values():
        page = built_site / ent.page.removesuffix(".md") / "index.html"
        tree = lxml_html.parse(str(page)).getroot()
        crumbs = [a.get("href") for a in tree.xpath('//nav[contains(@class,"md-path")]//a')]
        assert any(h.rstrip("/").endswith("entities") or h in ("../", "./") for h in crumbs), f"{ent.page}: no way back to the register: {crumbs}"


# ---------------------------------------------------------------------------------------------
# 6. Phones, 7. dark scheme and accessibility, and the screenshots


def _table_pages(site: Path) -> list[str]:
    pages = []
    for html_file in sorted(site.rglob("index.html")):
        rel = html_file.parent.relative_to(site).as_posix()
        if rel.startswith(("search", "assets")) or "<table" not in html_file.read_text(encoding="utf-8"):
            continue
        pages.append("" if rel == "." else rel)
    return pages


def test_no_word_breaks_inside_a_table_cell_on_a_phone(new_page: Callable[..., Page], http_site: Served, built_site: Path) -> None:
    pages = _table_pages(built_site)
    assert pages, "no page with a table"
    page = new_page("phone")
    failures = {}
    for name in pages:
        open_page(page, http_site.url(name))
        page.wait_for_timeout(100)
        unwrapped = page.evaluate("() => [...document.querySelectorAll('.md-content table')].filter(t => !t.closest('.md-typeset__table')).length")
        broken = page.evaluate(BROKEN_WORDS_JS)
        if broken or unwrapped:
            failures[name or "home"] = {"broken": broken[:8], "tables outside Material's wrapper": unwrapped}
    page.close()
    assert not failures, failures


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("doc", DOCS, ids=MEMO_IDS)
def test_memo_is_accessible_in_light_and_dark(new_page: Callable[..., Page], http_site: Served, artifacts: Path, doc: Document, scheme: str) -> None:
    for name, context in (("1280", "desktop"), ("375", "phone")):
        page = new_page(context)
        open_page(page, http_site.url(memo_page(doc)))
        toggle = page.locator('form[data-md-component="palette"] label')
        assert toggle.count() >= 1, "no palette toggle"
        if page.evaluate("document.body.getAttribute('data-md-color-scheme')") != scheme:
            toggle.locator("visible=true").first.click()
            page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{scheme}'")
        page.screenshot(path=str(artifacts / f"{doc.slug}-{name}-{scheme}.png"))
        if name == "375":
            # everything a phone reader can bring up: every paragraph's controls (shown), all marks,
            # the appendices and the card open
            page.locator(".annotation-control__option").first.focus()  # from the text: after the palette toggle, Tab opens the search
            page.keyboard.press("Tab")
            page.get_by_role("button", name="All", exact=True).click()
            for summary in page.locator("details.memo-apparatus > summary, details.memo-card > summary").all():
                summary.click()
            page.evaluate("() => document.querySelectorAll('.para-cite').forEach(b => { b.style.opacity = '1'; })")
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))  # not a <script> tag: the CSP refuses it
        result = page.evaluate("""async tags => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.id}: ${v.nodes.length} × ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`); }""", WCAG22)
        assert not result, f"{doc.slug} ({name} px, {scheme}): {result}"
        page.close()


@pytest.mark.parametrize("doc", DOCS, ids=MEMO_IDS)
def test_the_card_is_folded_on_a_phone_and_nothing_moves(browser: Browser, http_site: Served, doc: Document) -> None:
    """Written folded, the card is folded on a phone and open on a wide screen from the first paint:
    no layout shift at all (edition.js folding it after Material had run moved the text ~500 px)."""
    for options, opened in ((PHONE, False), (DESKTOP, True)):
        context = browser.new_context(**options)  # type: ignore[arg-type]
        context.add_init_script("""window.__shifts = []; new PerformanceObserver(list => { for (const e of list.getEntries())
            if (!e.hadRecentInput) window.__shifts.push(e.value); }).observe({type: 'layout-shift', buffered: true});""")
        page = context.new_page()
        open_page(page, http_site.url(memo_page(doc)))
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.querySelector('details.memo-card').open") is opened, options
        assert page.locator("details.memo-card dl").is_visible() is opened, options
        assert page.evaluate("window.__shifts") == [], f"{doc.slug} {options['viewport']}: layout shifts {page.evaluate('window.__shifts')}"
        context.close()


# ---------------------------------------------------------------------------------------------
# The metadata card (no browser)


@pytest.mark.parametrize("doc", DOCS, ids=MEMO_IDS)
def test_card_links_registered_authors_and_says_when_pages_are_not_known(doc: Document) -> None:
    from dataclasses import replace

    from edition.render import metadata_card

    pages = {a: f"../../entities/{i}/" for i, a in enumerate(doc.authors)}
    card = lxml_html.fragment_fromstring(metadata_card(doc, pages))
    assert card.tag == "details" and card.get("open") is None, "the card is written folded (a phone's default); a wide screen draws it open"
    hrefs = card.xpath('.//a[contains(@class,"memo-card__author")]/@href')
    assert sorted(hrefs) == sorted(pages.values())
    for f in (f for f in doc.doctype.fields if f.required and f.nullable):  # the page count, a clipping's page, a byline…
        unknown = lxml_html.fragment_fromstring(metadata_card(replace(doc, values={**doc.values, f.name: None})))
        row = unknown.xpath(f'.//dt[.="{f.label}"]/following-sibling::dd[1]')[0]
        assert row.text_content() == "Not known", f.name
    plain = lxml_html.fragment_fromstring(metadata_card(doc))
    assert not plain.xpath(".//a"), "no register page given, no link"


def test_built_cards_link_every_author_in_the_register(built_site: Path) -> None:
    from edition.entities import load_entities

    people = {form.casefold(): e for e in load_entities(ROOT / "data" / "entities.yml", Diagnostics(), "data/entities.yml").values()
              if e.type == "person" for form in e.forms}
    for doc in DOCS:
        card = lxml_html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot().xpath('//*[contains(@class,"memo-card")]')[0]
        links = {a.text_content(): a.get("href") for a in card.xpath('.//a[contains(@class,"memo-card__author")]')}
        for author in doc.authors:
            ent = people.get(author.casefold())
            if ent is None:
                assert author not in links
            else:
                assert links.get(author, "").rstrip("/").endswith(ent.page.removesuffix(".md")), f"{doc.slug}: {author} not linked to {ent.page}"
