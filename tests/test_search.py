"""Search at archive scale: Pagefind behind Material's one search box, online and from the offline bundle.

Expectations come from docs/ and data/: every memo's front matter gives its filters, every register
name that a memo's text contains must find that memo first, and every note of a built memo page
must be a search record of its own. The browser cases share one Chromium.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from lxml import html as lxml_html
from playwright.sync_api import Browser, Page

from edition.diagnostics import Diagnostics
from edition.documents import Document, load_documents
from edition.search import document_record, note_records, page_facts, records_pages
from tests.browser_support import RequestRecorder, WarmContexts, recorded_context, result_pages, search, serve_directory, warm_contexts
from tests.conftest import OfflineBundle

ROOT = Path(__file__).resolve().parents[1]
SEARCH_DATA = ("/search/", "/pagefind/", "/assets/search/", "/workers/search.")
ONE_MB = 1_000_000


def documents() -> list[Document]:
    docs = load_documents(ROOT / "docs", Diagnostics(), ROOT)
    assert docs, "no memo in docs/documents"
    return docs


def memo_body(doc: Document) -> str:
    """The document's text as its page gives it to search: without what a deletion or the source
    side of a substitution takes out ({--…--}, {~~source~>); a name only there is on no page."""
    text = (ROOT / "docs" / doc.path).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if text.startswith("---") else text
    return re.sub(r"\{--.*?--\}|\{~~.*?~>", " ", body, flags=re.S)


def names_in_memos() -> list[tuple[str, list[str]]]:
    """(register name, slugs of the memos whose text contains it as whole words), for every entity
    of data/entities.yml that some memo names by its full name."""
    entities = yaml.safe_load((ROOT / "data" / "entities.yml").read_text(encoding="utf-8"))
    found = []
    bodies = {doc.slug: memo_body(doc) for doc in documents()}
    for entity in entities:
        name = str(entity["name"])
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
        memos = sorted(slug for slug, body in bodies.items() if pattern.search(body))
        if memos:
            found.append((name, memos))
    assert found, "no register name occurs in any memo: the test data changed"
    return found


def page_slug(url: str) -> str:
    """documents/<slug>/ (served) or documents/<slug>.html (offline) → slug; '' for other pages."""
    m = re.search(r"/documents/(\d{4}-\d{2}-\d{2}-[^/#?]+?)(?:\.html|/)", urlsplit(url).path + "/")
    return m.group(1) if m else ""


# ---------------------------------------------------------------------------------------------
# The built site (no browser)


def record_of(built_site: Path, doc: Document):  # type: ignore[no-untyped-def]
    """The search record of a built document page (edition.search.document_record)."""
    page = (built_site / "documents" / doc.slug / "index.html").read_text(encoding="utf-8")
    record = document_record(page, f"documents/{doc.slug}/", page_facts(doc.path, {"date": doc.date.isoformat()}), doc.title)
    assert record is not None, doc.slug
    return record


def test_every_memo_has_its_filters(built_site: Path) -> None:
    """A document is indexed as its record, which carries its filters; its page carries none (it is
    not indexed itself: no data-pagefind-body, which every other page has)."""
    for doc in documents():
        facts = page_facts(doc.path, {"date": doc.date.isoformat()})
        assert (facts.kind, facts.document, facts.year) == ("document", doc.slug, str(doc.date.year))
        record = record_of(built_site, doc)
        kinds = ["document"] + (["note"] if any(p.anchor.startswith("fn:") for p in record.passages) else [])
        assert record.filters() == {"kind": kinds, "document": [doc.slug], "year": [str(doc.date.year)]}, doc.slug
        article = lxml_html.fromstring((built_site / "documents" / doc.slug / "index.html").read_text(encoding="utf-8")).xpath("//article")[0]
        assert article.get("data-pagefind-body") is None and not article.xpath(".//*[@data-pagefind-filter]"), doc.slug
        indexed = lxml_html.fromstring(records_pages([record])[0])
        filters = {(el.get("data-pagefind-filter"), el.get("data-value")) for el in indexed.xpath("//*[@data-pagefind-filter]")}
        assert ("document[data-value]", doc.slug) in filters and ("kind[data-value]", "document") in filters, filters


def test_every_page_has_a_kind(built_site: Path) -> None:
    pages = [p for p in built_site.rglob("index.html") if "pagefind" not in p.parts]
    assert pages
    for path in pages:
        tree = lxml_html.fromstring(path.read_text(encoding="utf-8"))
        if not tree.xpath("//article"):
            continue  # e.g. Material's 404 page
        rel = path.relative_to(built_site).as_posix()
        if page_slug("/" + rel):
            continue  # a document: its record has the kind (test_every_memo_has_its_filters)
        kinds = ["kind:" + el.get("data-value") for el in tree.xpath("//article//*[@data-pagefind-filter='kind[data-value]']")]
        expected = "kind:register" if rel.startswith("entities/") else None
        assert len(kinds) == 1 and tree.xpath("//article[@data-pagefind-body]"), f"{rel}: {kinds}"
        if expected:
            assert kinds[0] == expected, f"{rel}: {kinds[0]} (expected {expected})"


def test_notes_are_records_of_their_own(built_site: Path) -> None:
    for doc in documents():
        page = (built_site / "documents" / doc.slug / "index.html").read_text(encoding="utf-8")
        built_notes = lxml_html.fromstring(page).xpath('//div[@class="footnote"]/ol/li[starts-with(@id, "fn:")]')
        facts = page_facts(doc.path, {"date": doc.date.isoformat()})
        records = note_records(page, f"documents/{doc.slug}/", facts, doc.title)
        assert [r.url for r in records] == [f"/documents/{doc.slug}/#{li.get('id')}" for li in built_notes]
        for record, li in zip(records, built_notes, strict=True):
            for furniture in li.xpath(".//*[@data-pagefind-ignore]"):  # what the memo page keeps out of the index
                furniture.drop_tree()
            words = " ".join(li.text_content().split())
            assert record.text == words and "↩" not in words, record.url
            assert record.filters() == {"kind": ["note"], "document": [doc.slug], "year": [str(doc.date.year)]}


def test_online_search_uses_pagefind_not_lunr(built_site: Path) -> None:
    entry = json.loads((built_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = sum(lang["page_count"] for lang in entry["languages"].values())
    others = [p for p in built_site.rglob("index.html") if "pagefind" not in p.parts and b"data-pagefind-body" in p.read_bytes()]
    assert pages == len(documents()) + len(others), f"Pagefind indexed {pages} pages"  # each document once: its record
    lunr = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert lunr["docs"] == [], "Material's lunr index is still filled online (its plugin re-parses every page)"
    memo = (built_site / "documents" / documents()[0].slug / "index.html").read_text(encoding="utf-8")
    assert "assets/search/pagefind-worker.js" in memo and "workers/search." not in memo


# ---------------------------------------------------------------------------------------------
# In the browser


def clear(page) -> None:  # type: ignore[no-untyped-def]
    """Empty the search box and wait until the results are gone, so the next search cannot be
    answered by the results of this one."""
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press("End")  # Material reads the query on keyup
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length === 0")


@pytest.fixture(scope="module")
def served(built_site: Path) -> Iterator[str]:
    with serve_directory(built_site) as base:
        yield base


@pytest.fixture(scope="module")
def warm(chromium_browser: Browser, served: str) -> Iterator[WarmContexts]:
    """A context kept for the module's searches of the site over HTTP, recording every request
    (``WarmContexts``, tests/browser_support.py)."""
    with warm_contexts(chromium_browser, served, {"desktop": {}}, record=True) as contexts:
        yield contexts


@pytest.fixture
def fresh(warm: WarmContexts) -> Iterator[tuple[Page, RequestRecorder]]:
    """A fresh page of the module's context and the recorder of this test's requests; the test's
    pages, permissions, cookies and storage are gone after it."""
    with warm.fresh("desktop") as fresh:
        yield fresh


def test_register_names_find_their_memos_first(fresh: tuple[Page, RequestRecorder], served: str) -> None:
    page, recorder = fresh
    page.goto(f"{served}documents/{documents()[0].slug}/")
    for name, memos in names_in_memos():
        hrefs = search(page, name)
        pages = result_pages(hrefs)
        assert pages, f"{name!r}: no result"
        assert page_slug(pages[0]), f"{name!r}: the first result is not a memo: {pages[:5]}"
        shown = [page_slug(p) for p in pages]
        missing = [m for m in memos if m not in shown]
        assert not missing, f"{name!r}: memos naming it are missing from the results: {missing}; results {pages[:8]}"
        clear(page)
    recorder.assert_local("searches for every register name")


def test_a_query_transfers_less_than_one_megabyte(browser: Browser, served: str) -> None:
    name, _ = names_in_memos()[0]
    with recorded_context(browser) as (context, recorder):
        sizes: list[int] = []
        context.on("requestfinished", lambda r: sizes.append(sum(r.sizes()[k] for k in ("responseBodySize", "responseHeadersSize")))
                   if any(part in r.url for part in SEARCH_DATA) else None)
        page = context.new_page()
        page.goto(f"{served}documents/{documents()[-1].slug}/")
        assert search(page, name)
        page.wait_for_load_state("networkidle")
        assert sizes, "no search request was recorded"
        assert sum(sizes) < ONE_MB, f"search {name!r} transferred {sum(sizes)} bytes"
        recorder.assert_local(f"search {name!r}")


def test_filters_in_the_search_box(fresh: tuple[Page, RequestRecorder], served: str) -> None:
    docs = documents()
    name, memos = names_in_memos()[0]
    page, recorder = fresh
    page.goto(served)
    for doc in docs:
        year = doc.date.year
        pages = result_pages(search(page, f"{name} year:{year}"))
        in_year = {d.slug for d in docs if d.date.year == year}
        assert all(page_slug(p) in in_year for p in pages), f"year:{year} gave {pages}"
        expected = {m for m in memos if m in in_year}
        assert expected <= {page_slug(p) for p in pages}, f"year:{year} lost {expected}: {pages}"
        assert pages or not expected, f"year:{year} found nothing"
        clear(page)
        pages = result_pages(search(page, f"{name} document:{doc.slug}"))
        assert {page_slug(p) for p in pages} <= {doc.slug}, f"document:{doc.slug} gave {pages}"
        if doc.slug in memos:
            assert doc.slug in {page_slug(p) for p in pages}, f"document:{doc.slug} did not find {name!r} in it"
        clear(page)
    hrefs = search(page, f"{name} kind:register")
    assert hrefs and all("/entities/" in urlsplit(h).path for h in hrefs), hrefs
    clear(page)
    recorder.assert_local("filtered searches")


def test_notes_are_found_by_kind(fresh: tuple[Page, RequestRecorder], served: str, built_site: Path) -> None:
    with_notes = []
    for doc in documents():
        page_html = (built_site / "documents" / doc.slug / "index.html").read_text(encoding="utf-8")
        notes = note_records(page_html, f"documents/{doc.slug}/", page_facts(doc.path, {}), doc.title)
        if notes:
            with_notes.append((doc, notes))
    if not with_notes:
        pytest.skip("no memo has notes")
    doc, notes = with_notes[0]
    word = max(re.findall(r"[A-Za-z]{6,}", notes[0].text), key=len)
    page, recorder = fresh
    page.goto(served)
    hrefs = search(page, f"{word} kind:note")
    # Material's page-and-sections: each memo (no fragment), then its notes that match
    assert hrefs and all(urlsplit(h).fragment.startswith("fn:") or (page_slug(h) and not urlsplit(h).fragment) for h in hrefs), hrefs
    assert any(urlsplit(h).fragment == notes[0].url.split("#")[1] and page_slug(h) == doc.slug for h in hrefs), hrefs
    # each note listed on its own line: its number, and its own words quoted
    shown = page.eval_on_selector_all(".md-search-result__item a.md-search-result__link", """links => links.map(a => ({
        href: a.href, title: a.querySelector('h1, h2')?.textContent || '',
        text: a.querySelector('article')?.textContent.slice((a.querySelector('h1, h2')?.textContent || '').length) || ''}))""")
    first = next(s for s in shown if urlsplit(s["href"]).fragment == notes[0].url.split("#")[1] and page_slug(s["href"]) == doc.slug)
    assert first["title"].strip() == f"Note {notes[0].number}", first
    quoted = " ".join(first["text"].replace("…", " ").split())
    assert word in quoted and quoted in notes[0].text, first
    assert any(s["title"].strip() == doc.title and not urlsplit(s["href"]).fragment for s in shown), shown  # under its document
    # filters alone (no words to match): every note of the memo is listed, in order
    clear(page)
    box = page.locator("input.md-search__input")
    box.fill(f"kind:note document:{doc.slug}")
    box.press("End")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item a.md-search-result__link').length > 1")
    listed = page.eval_on_selector_all(".md-search-result__item a.md-search-result__link", "links => links.map(a => a.href)")
    assert [urlsplit(h).fragment for h in listed if page_slug(h) == doc.slug and urlsplit(h).fragment] == [n.url.split("#")[1] for n in notes], listed
    recorder.assert_local("note search")


def test_many_matches_are_counted_truly(fresh: tuple[Page, RequestRecorder], served: str, built_site: Path) -> None:
    """`kind:register` alone lists every register page: past the worker's LIMIT the list ends
    with a line that gives the true total and leads to the search help on the About page (after
    the results, never above them), and Material's count above the list says the same."""
    limit = int(re.search(r"const LIMIT = (\d+);", (ROOT / "docs" / "assets" / "search" / "pagefind-worker.js").read_text(encoding="utf-8")).group(1))
    pages = len(list((built_site / "entities").rglob("index.html")))  # every page there is kind:register
    if pages <= limit:
        pytest.skip(f"{pages} register pages: not more than the {limit} listed")
    about = lxml_html.fromstring((built_site / "about" / "index.html").read_text(encoding="utf-8"))
    assert about.xpath('//*[@id="searching-the-edition"]'), "the search help the first line leads to is gone"
    page, recorder = fresh
    page.goto(served)
    hrefs = search(page, "kind:register")
    meta = page.locator(".md-search-result__meta").inner_text()
    assert meta == f"{pages} matching pages, {limit} listed", meta
    assert len({urlsplit(h).path for h in hrefs}) == limit and all("/entities/" in h for h in hrefs), hrefs
    items = page.locator(".md-search-result__item")
    first = items.first.locator("a").first.get_attribute("href") or ""
    last = items.last.locator("a").first.get_attribute("href") or ""
    assert "/entities/" in first, f"the list does not start with a result: {first}"
    assert urlsplit(last).path.endswith("about/") and urlsplit(last).fragment == "searching-the-edition", last
    recorder.assert_local("many matches")


# ---------------------------------------------------------------------------------------------
# Issue 25: a result lands where the words are


def distinctive_passages(built_site: Path) -> list[tuple[Document, str, str]]:
    """(document, paragraph id, two words that stand side by side in that paragraph and in no
    other passage of any document, nor on any other page) for the longest such paragraph of each
    document."""
    records = {doc.slug: record_of(built_site, doc) for doc in documents()}
    elsewhere = [p.text.lower() for r in records.values() for p in r.passages]
    elsewhere += [path.read_text(encoding="utf-8").lower() for path in built_site.rglob("index.html")
                  if "pagefind" not in path.parts and not page_slug("/" + path.relative_to(built_site).as_posix())]
    chosen = []
    for doc in documents():
        paragraphs = sorted((p for p in records[doc.slug].passages if re.fullmatch(r"p\d+", p.anchor)), key=lambda p: -len(p.text))
        for passage in paragraphs:
            pairs = [(m.group(1), m.group(2)) for m in re.finditer(r"(?=\b([A-Za-z]{6,}) ([A-Za-z]{6,})\b)", passage.text)]
            once = [f"{a} {b}" for a, b in pairs
                    if all(sum(re.search(rf"\b{w.lower()}\b", t) is not None for t in elsewhere) == 1 for w in (a, b))]
            if once:
                chosen.append((doc, passage.anchor, once[0]))
                break
    assert chosen, "no paragraph has a phrase of its own: the test data changed"
    return chosen


def test_a_paragraph_query_opens_the_paragraph(fresh: tuple[Page, RequestRecorder], served: str, built_site: Path) -> None:
    """Words of a paragraph lead to that paragraph (#p12) under its document, as the first passage."""
    page, recorder = fresh
    page.goto(served)
    for doc, pid, phrase in distinctive_passages(built_site):
        hrefs = search(page, phrase)
        assert hrefs and page_slug(hrefs[0]) == doc.slug and not urlsplit(hrefs[0]).fragment, (phrase, hrefs[:3])
        anchors = [urlsplit(h).fragment for h in hrefs if page_slug(h) == doc.slug and urlsplit(h).fragment]
        assert anchors and anchors[0] == pid, f"{phrase!r} is in {doc.slug}#{pid}; the results lead to {anchors[:5]}"
        clear(page)
    recorder.assert_local("paragraph queries")


def test_excerpts_are_reading_text(built_site: Path) -> None:
    """The search record holds the reading text: no editor's comment glued into a paragraph, and
    no line of markers only; each paragraph is a passage of its own."""
    from edition.reading import reading_words

    for doc in documents():
        record = record_of(built_site, doc)
        page = lxml_html.fromstring((built_site / "documents" / doc.slug / "index.html").read_text(encoding="utf-8"))
        comments = [" ".join(c.text_content().split()) for c in page.xpath('//div[@class="memo-text"]//*[contains(@class, "comment")]')]
        text = " ".join(p.text for p in record.passages)
        for comment in comments:
            assert comment not in text, f"{doc.slug}: an editor's comment is indexed as the text: {comment[:60]!r}"
        for block in page.xpath('//div[@class="memo-text"]//*[@data-para]'):
            passage = next(p for p in record.passages if p.anchor == block.get("id"))
            assert passage.text == reading_words(block), (doc.slug, block.get("id"))
        assert "marker-line" not in records_pages([record])[0]


def test_a_name_finds_its_entry(fresh: tuple[Page, RequestRecorder], served: str, built_site: Path) -> None:
    """A query that is the name of a glossary entry, exemption code or register entry (its acronym)
    finds that entry among the first three pages: the glossary's section, the markings page's code."""
    glossary = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))
    codes = [t["term"] for t in glossary if t.get("kind") == "exemption"]
    acronyms = [t["term"] for t in glossary if t.get("kind") == "acronym" and t.get("entity")]
    assert codes and acronyms, "no exemption code or acronym of a register entry in data/glossary.yml"
    page, recorder = fresh
    page.goto(served)
    for name in [*codes, *acronyms[:3]]:
        hrefs = search(page, name)
        top = result_pages(hrefs)[:3]
        entries = [h for h in hrefs if urlsplit(h).path.rstrip("/").endswith(("glossary", "markings")) and urlsplit(h).fragment]
        assert any(urlsplit(h)._replace(query="", fragment="").geturl() in top for h in entries), f"{name!r}: top pages {top}"
        clear(page)
    recorder.assert_local("name queries")


def test_offline_bundle_search(browser: Browser, offline_bundle: OfflineBundle) -> None:
    site = offline_bundle.site
    assert (site / "pagefind" / "pagefind.classic.js").is_file(), "the offline bundle has no file:// copy of Pagefind"
    with recorded_context(browser) as (context, recorder):
        page = context.new_page()
        page.goto((site / "documents" / f"{documents()[0].slug}.html").as_uri())
        for name, memos in names_in_memos():
            pages = result_pages(search(page, name))
            assert pages and page_slug(pages[0]), f"offline {name!r}: the first result is not a memo: {pages[:5]}"
            assert set(memos) <= {page_slug(p) for p in pages}, f"offline {name!r}: {memos} not all in {pages}"
            clear(page)
        recorder.assert_local("offline search")


def indexed_text(site: Path) -> str:
    """Every fragment Pagefind wrote (gzip, after a 12-byte signature: JSON with the page's text)."""
    import gzip

    texts = []
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        texts.append(json.loads(data[len(b"pagefind_dcd"):])["content"])
    assert texts, f"no Pagefind fragment in {site}"
    return "\n".join(texts)


# What the edition marks data-search-exclude (paragraph numbers, cite controls, the annotation
# control) is checked against Pagefind's index in tests/test_reading.py; a contributor cannot write
# data-search-exclude at all (edition/sanitize.py refuses data-* attributes: tests/test_security.py).


def test_index_reused_only_for_unchanged_pages(project: Path, tmp_path: Path) -> None:
    """A build whose pages are those of the last build copies the kept index; a changed page
    is indexed again (its new word is found in the index)."""
    from tests.conftest import run_build

    first = run_build(project, tmp_path / "site-1")
    assert first.ok, first.output
    second = run_build(project, tmp_path / "site-2")
    assert second.ok and "Pagefind's index reused" in second.output, second.output[-2000:]
    assert indexed_text(tmp_path / "site-2") == indexed_text(tmp_path / "site-1")
    page = project / "docs" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\nQuokkaberry came later.\n", encoding="utf-8")
    third = run_build(project, tmp_path / "site-3")
    assert third.ok and "Pagefind's index reused" not in third.output, third.output[-2000:]
    assert "Quokkaberry" in indexed_text(tmp_path / "site-3")
