"""Every cite control in Chromium (issue 24): what it puts on the clipboard names the edition, the
canonical URL of its place and no local address, online and from the offline bundle; without a
site URL it gives no URL at all; the access date is the reader's clock's; and the printout ends
with the edition's citation and the canonical URL, with no control or screen label on it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from edition.dates import format_partial_date
from edition.diagnostics import Diagnostics
from edition.documents import Document, load_documents
from tests import cite_support
from tests.browser_support import recorded_context, serve_directory, wait_for_material
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SITE_NAME = re.search(r'^site_name:\s*"?(.*?)"?\s*$', (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1)  # type: ignore[union-attr]
LOCAL = re.compile(r"127\.0\.0\.1|localhost|file:", re.I)
DOCS: list[Document] = load_documents(ROOT / "docs", Diagnostics(), ROOT)


def _today() -> str:
    return format_partial_date(dt.date.today(), "chicago")


def _copy_every_control(page: Page, read_clipboard: bool) -> list[tuple[dict[str, str], str]]:
    """Click every cite control of the page; (its attributes, what it copied) for each."""
    out = []
    page.keyboard.press("Tab")  # the text's controls are made on demand: for every block at the first Tab
    page.wait_for_function("() => !document.querySelector('.memo-text [data-para]:not([data-ctl]), .memo-text li[data-cite-label]:not([data-ctl])')")
    for i in range(page.locator("button.para-cite").count()):
        button = page.locator("button.para-cite").nth(i)
        attrs = button.evaluate("b => Object.fromEntries([...b.attributes].map(a => [a.name, a.value]))")
        button.evaluate("b => b.removeAttribute('data-copied')")
        button.click()
        page.wait_for_function("b => b.hasAttribute('data-copied')", arg=button.element_handle(), timeout=5000)
        copied = button.get_attribute("data-copied") or ""
        if read_clipboard:
            assert page.evaluate("navigator.clipboard.readText()") == copied, attrs
        out.append((attrs, copied))
    return out


def _check_citations(page: Page, doc: Document, copied: list[tuple[dict[str, str], str]], url: str | None) -> None:
    data = page.evaluate("""() => { const d = document.querySelector('[data-cite-work]');
        return {work: d.getAttribute('data-cite-work'), within: d.getAttribute('data-cite-in'), url: d.getAttribute('data-cite-url')}; }""")
    assert data["url"] == (url or "")
    kinds = {"paragraph": 0, "note": 0, "document": 0}
    for attrs, text in copied:
        anchor = attrs.get("data-cite-anchor", "")
        kinds["note" if anchor.startswith("fn:") else "paragraph" if anchor else "document"] += 1
        assert text.startswith(data["work"]), text
        assert f", in {SITE_NAME}" in text, text  # names the edition
        if attrs.get("data-cite-locator"):  # the original's page or note after the original
            assert text.startswith(f"{data['work']}, {attrs['data-cite-locator']}, in {SITE_NAME}"), text
        if attrs.get("data-cite-edition-locator"):  # the edition's paragraph after the edition
            assert f"{data['within']}, {attrs['data-cite-edition-locator']}" in text, text
        assert not LOCAL.search(text), text  # never the address the page was read at
        if url:
            place = url + (f"#{anchor}" if anchor else "")
            assert text.endswith(f", accessed {_today()}, {place}."), text  # the reader's own clock, before the URL
        else:
            assert "http" not in text and "accessed" not in text, text
    assert kinds["document"] == 1 and kinds["paragraph"] >= 1, (doc.slug, kinds)
    assert kinds["note"] == page.locator("li[id^='fn:'] button.para-cite").count()


def test_every_cite_control_online_names_the_edition_and_the_canonical_url(browser: Browser, published_site: Path) -> None:
    with serve_directory(published_site) as base, recorded_context(browser) as (context, recorder):
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
        page = context.new_page()
        for doc in DOCS:
            page.goto(base + doc.url)
            wait_for_material(page)
            _check_citations(page, doc, _copy_every_control(page, read_clipboard=True), cite_support.canonical(doc.url))
            # the "Cite this document" forms get the same access date, written by the page script
            note = page.locator(".cite-form--edition-note").inner_text()
            assert f", accessed {_today()}, {cite_support.canonical(doc.url)}." in note, note
        recorder.assert_local("cite controls online")


def test_every_cite_control_offline_names_the_published_url(browser: Browser, published_bundle: Path) -> None:
    root = published_bundle
    with recorded_context(browser) as (context, recorder):
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.on("dialog", lambda d: d.dismiss())
        for doc in DOCS:
            page.goto((root / "documents" / f"{doc.slug}.html").as_uri())
            wait_for_material(page)
            readable = page.evaluate("navigator.clipboard.readText().then(() => true, () => false)")
            _check_citations(page, doc, _copy_every_control(page, read_clipboard=readable), cite_support.canonical(doc.url))
        recorder.assert_local("cite controls offline")


def test_without_a_site_url_the_controls_give_no_url(browser: Browser, built_site: Path) -> None:
    """The site built without SITE_URL: its citations name the edition and give no URL, rather
    than the local address the page happens to be read at."""
    with serve_directory(built_site) as base, recorded_context(browser) as (context, recorder):
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
        page = context.new_page()
        for doc in DOCS:
            page.goto(base + doc.url)
            wait_for_material(page)
            _check_citations(page, doc, _copy_every_control(page, read_clipboard=True), None)
        recorder.assert_local("cite controls without a site URL")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) reads the printout")
def test_the_printout_ends_with_the_citation_and_prints_no_screen_furniture(browser: Browser, published_site: Path, tmp_path: Path) -> None:
    with serve_directory(published_site) as base, recorded_context(browser) as (context, _):
        page = context.new_page()
        for doc in DOCS:
            page.goto(base + doc.url)
            wait_for_material(page)
            pdf = tmp_path / f"{doc.slug}.pdf"
            page.pdf(path=str(pdf))
            text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            flat = " ".join(text.split())
            url = cite_support.canonical(doc.url)
            assert re.search(r"Cite as: .*" + re.escape(f"in {SITE_NAME}") + r".*" + re.escape(url) + r"\.$", flat), flat[-600:]
            for screen_only in ("Citation key", "copy citation", "Cite this document", "In the bibliography", "Download the reference", "accessed"):
                assert screen_only not in flat, (doc.slug, screen_only)
            words = flat.split()
            own = len(re.findall(r"\bcite\b", (ROOT / "docs" / doc.path).read_text(encoding="utf-8")))  # the document's own word
            assert words.count("cite") == own and "#" not in words and "▾" not in words, doc.slug  # no cite button, permalink, fold marker
            if page.locator("section.works-cited").count():  # "Works cited" is the section's heading only, not a link in the notes
                assert flat.count("Works cited") == 1, doc.slug
