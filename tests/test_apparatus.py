"""The apparatus never contradicts the text: every generated row and page leads into a document,
shortened text ends visibly, counts agree, and search answers with the documents.

Each check is a function of (project_root, site_dir) returning the problems it found, so the
same checks can run over any built edition (e.g. the generated 20-memo bench edition). The ones
content can trip are `make check`'s own (edition/site_checks.py), called here unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html
from lxml.html import HtmlElement
from playwright.sync_api import Browser

from edition import site_checks
from edition.diagnostics import Diagnostics
from edition.documents import load_documents
from edition.entities import load_entities
from edition.glossary import load_glossary
from tests.browser_support import result_pages, search, serve_directory
from tests.conftest import ROOT, run_build

ELLIPSIS = "…"


# -- reading a built site ----------------------------------------------------------------------


def _page(site: Path, rel: str) -> HtmlElement:
    return html.parse(str(site / rel)).getroot()


def memo_slugs(project_root: Path) -> dict[str, str]:
    """slug -> short label of every memo of the project, from its front matter."""
    docs = load_documents(project_root / "docs", Diagnostics(), project_root)
    return {d.slug: d.label for d in docs}


# -- the checks --------------------------------------------------------------------------------


def register_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "entities").glob("*/index.html") if _page(site, p.relative_to(site).as_posix()).find_class("entity-description"))


def grammar_slips(project_root: Path, site: Path) -> list[str]:
    """'(1 mentions)' and a plural type label over one item."""
    bad = []
    for file in site.rglob("*.html"):
        text = html.parse(str(file)).getroot().text_content()
        bad.extend(f"{file.relative_to(site)}: {m.group(0)!r}" for m in re.finditer(r"(?<![\d.,])1 (mentions|paragraphs|markings|notes|times)\b", text))
    for p in register_pages(site):
        dl = _page(site, p.relative_to(site).as_posix()).find_class("entity-facts")[0]
        kind = dl.xpath("dt[.='Type']/following-sibling::dd[1]")[0].text_content()
        if kind in ("People", "Organisations", "Places", "Events"):
            bad.append(f"{p.relative_to(site)}: Type {kind}")
    return bad


# The checks of the apparatus that content can trip are make check's own (edition/site_checks.py): the same
# functions, the same messages. Years missing from the chronology are the build's own warning (make check).
# Furniture in the search index: test_reading's test_paragraph_furniture_stays_out_of_search reads
# Pagefind's records (Material's own index is empty online: test_search).
ALL_CHECKS = [*site_checks.CHECKS, grammar_slips]


# -- tests over the real edition ---------------------------------------------------------------


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_apparatus_check(check, built_site: Path) -> None:
    problems = [str(p) for p in check(ROOT, built_site)]
    assert not problems, f"{check.__name__}: {len(problems)}\n" + "\n".join(problems[:30])


def test_labels_name_the_document(built_site: Path) -> None:
    labels = memo_slugs(ROOT)
    page = _page(built_site, "chronology/index.html")
    seen = set()
    for a in page.xpath('//table[contains(@class, "chronology")]//td[last()]/a'):
        place = site_checks.memo_place(a.get("href"), "chronology/index.html")
        if place and a.text_content().startswith(labels[place[0]]):
            seen.add(place[0])
        elif place:
            assert re.fullmatch(r"(¶\d+|n\. \S+)", a.text_content()), a.text_content()  # a later place of the same document
    assert seen, "no chronology place is named by its document's short title"


def test_an_entry_no_document_names_is_reported_and_gets_no_page(project: Path, tmp_path: Path) -> None:
    reg = project / "data" / "entities.yml"
    lines = reg.read_text(encoding="utf-8").splitlines()
    line = len(lines) + 2
    reg.write_text("\n".join(lines) + '\n\n- id: nobody-named\n  name: Zzyzx Nobody\n  type: person\n  description: "Named in no memo."\n', encoding="utf-8")
    memo = next((project / "docs" / "documents").glob("[0-9]*.md"))
    text = memo.read_text(encoding="utf-8")
    memo.write_text(text + "\n\nIn 1998 the first thing happened.\n\n[In 1999](when:1999 \"A second thing happens\") the second thing happened.\n", encoding="utf-8")
    year_line = len(text.splitlines()) + 3
    result = run_build(project, tmp_path / "site")
    assert result.ok, result.output
    assert f"data/entities.yml:{line}: warning: register entry 'nobody-named'" in result.output
    assert not (tmp_path / "site" / "entities" / "nobody-named").exists()
    shown = memo.relative_to(project).as_posix()
    assert f"{shown}:{year_line}: warning: the year 1998" in result.output
    assert "the year 1999" not in result.output
    chrono = _page(tmp_path / "site", "chronology/index.html")
    row = [r for r in chrono.xpath('//table[contains(@class, "chronology")]/tbody/tr') if "A second thing happens" in r.text_content()]
    assert row and site_checks.BuiltSite(project, tmp_path / "site").leads_into_memo(row[0].xpath(".//a"), "chronology/index.html")


# -- search, in Chromium -----------------------------------------------------------------------


def search_queries(project_root: Path, site: Path) -> list[str]:
    """Names and phrases of the register as the memos write them: for each type of entry, the
    most-mentioned one (in its most frequent written form), and the most frequent acronym."""
    ents = load_entities(project_root / "data" / "entities.yml", Diagnostics(), "data/entities.yml")
    forms: dict[str, dict[str, int]] = {}
    for slug in memo_slugs(project_root):
        for a in _page(site, f"documents/{slug}/index.html").xpath('//div[contains(@class, "memo-text")]//a[@data-entity]'):
            words = " ".join(a.text_content().split())
            if len(words) > 3:
                forms.setdefault(a.get("data-entity"), {}).setdefault(words, 0)
                forms[a.get("data-entity")][words] += 1
    queries: list[str] = []
    for typ in ("person", "organisation", "programme", "agreement", "event"):
        ranked = sorted((e for e in forms if ents[e].type == typ), key=lambda e: (-sum(forms[e].values()), e))
        if ranked:
            written = forms[ranked[0]]
            queries.append(max(written, key=lambda w: (written[w], w)))
    terms = load_glossary(project_root / "data" / "glossary.yml", Diagnostics(), "data/glossary.yml")
    acronyms = {t.term for t in terms if t.kind in ("acronym", "exemption")}
    used = sorted(((sum(forms[e].values()), w) for e in forms for w in forms[e] if w in acronyms), reverse=True)
    return queries + ([used[0][1]] if used else [])


def memo_ranks(browser: Browser, project_root: Path, site: Path, queries: list[str]) -> dict[str, list[int]]:
    """For each query: the 1-based ranks of memo pages among the result pages."""
    slugs = set(memo_slugs(project_root))
    out = {}
    with serve_directory(site) as base:
        page = browser.new_page()  # in a context of its own, closed after the test
        page.goto(base)
        for q in queries:
            pages = result_pages(search(page, q))
            out[q] = [i for i, url in enumerate(pages, 1) if any(f"/documents/{s}/" in url for s in slugs)]
            page.goto(base)
    return out


def test_search_answers_with_the_memos(browser: Browser, built_site: Path) -> None:
    queries = search_queries(ROOT, built_site)
    assert len(queries) >= 3
    ranks = memo_ranks(browser, ROOT, built_site, queries)
    assert all(r and r[0] <= 3 for r in ranks.values()), ranks


# -- the shortening helpers, on text made to break them ----------------------------------------


@pytest.mark.parametrize("text", [
    "Division of the Japanese Foreign Ministry responsible for relations with the Soviet Union, in which a special group",
    "Supercalifragilisticexpialidocious-and-then-some words after it",
    "short",
])
def test_shorten_ends_between_words_with_an_ellipsis(text: str) -> None:
    from edition.htmltext import shorten

    for limit in (10, 30, 60, 200):
        out = shorten(text, limit, between_words=True)
        assert len(out) <= limit or out == text
        if out != text:
            assert out.endswith(ELLIPSIS)
            stem = out[:-1]
            assert text.startswith(stem)
            inside_a_word = stem[-1:].isalnum() and text[len(stem)].isalnum()
            assert not inside_a_word or " " not in text[:limit], (limit, out)  # only a word longer than the room is cut


def test_sentence_snippet_is_the_sentence_or_whole_words_around_the_mention() -> None:
    from edition.htmltext import sentence_snippet

    text = ("The first sentence ends here. In 1980 the U.S. Department of Defense and Gregg A. Rubinstein met "
            "the Japan Defense Agency. " + "Padding words go on and on " * 20 + "until COCOM appears in a long one. Last.")
    at = text.index("Japan Defense")
    assert sentence_snippet(text, at, at + 13) == text[30:text.index("Agency.") + 7]  # abbreviations do not end it
    at = text.index("COCOM")
    out = sentence_snippet(text, at, at + 5, limit=80)
    assert out.startswith(ELLIPSIS) and "COCOM" in out and len(out) <= 82
    inner = out.strip(ELLIPSIS)
    start = text.index(inner)
    assert text[start - 1] == " " and text[start + len(inner)] in " ."
