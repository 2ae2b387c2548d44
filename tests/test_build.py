"""The real strict build, and what it must put on every memo page."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html

from tests.conftest import memo_pages

CIA = "1983-09-07-cia-technology-leakage-from-japan"
HERITAGE = "1987-10-26-heritage-us-japan-defense-technology-cooperation"


def page(site: Path, slug: str) -> html.HtmlElement:
    return html.parse(str(site / "documents" / slug / "index.html")).getroot()


def test_both_memos_are_built(built_site: Path) -> None:
    assert set(memo_pages(built_site)) == {CIA, HERITAGE}


def test_metadata_card_shows_front_matter(built_site: Path) -> None:
    card = page(built_site, HERITAGE).find_class("memo-card")[0]
    text = card.text_content()
    for expected in ["Gregg A. Rubinstein", "The Heritage Foundation", "26 October 1987", "Backgrounder", "rubinstein1987guidelines", "11"]:
        assert expected in text
    assert set(card.xpath(".//time/@datetime")) == {"1987-10-26"}  # in the summary and in the list


def test_paragraphs_have_stable_numbered_anchors(built_site: Path) -> None:
    doc = page(built_site, HERITAGE)
    ids = doc.xpath('//div[@class="memo-text"]//*[starts-with(@id, "p")]/@id')
    numbered = [i for i in ids if re.fullmatch(r"p\d+", i)]
    assert numbered == [f"p{n}" for n in range(1, len(numbered) + 1)]
    assert len(numbered) > 60
    first = doc.get_element_by_id("p2")
    anchor = first.find_class("para-anchor")[0]
    assert anchor.get("href") == "#p2" and anchor.text == "2"


def test_redactions_are_structured_markers(built_site: Path) -> None:
    doc = page(built_site, CIA)
    markers = doc.find_class("redaction")
    codes = [m for m in markers if "redaction--exemption" in m.get("class")]
    gaps = [m for m in markers if "redaction--gap" in m.get("class")]
    source = (Path(__file__).resolve().parents[1] / "sources" / "003_76c765d1eb3b95d3.txt").read_text()
    assert len(codes) == source.count("25X1")
    assert len(gaps) == source.count("[redacted]")
    for m in markers:
        # a short name; an exemption code links to its explanation, a gap is a note
        assert m.get("aria-label") and m.get("id") and (m.get("role") == "note" or m.get("href"))
    # no stray marker text left outside the markers
    text = doc.find_class("memo-text")[0]
    stray = [t for t in text.xpath(".//text()[contains(., '25X1')]") if "redaction" not in (t.getparent().get("class") or "")]
    assert stray == []


def test_notes_keep_original_numbers(built_site: Path) -> None:
    doc = page(built_site, HERITAGE)
    labels = [li.get("id") for li in doc.xpath('//div[@class="footnote"]//li')]
    assert labels == [f"fn:{n}" for n in range(1, 18)]
    refs = [a.text for a in doc.xpath('//a[@class="footnote-ref"]')]
    assert refs == [str(n) for n in range(1, 18)]


def test_no_web_fonts_or_cdn_in_any_page(built_site: Path) -> None:
    outside = re.compile(r'(?:src|href)="(?:https?:)?//[^"]+"')
    for file in built_site.rglob("*.html"):
        doc = html.parse(str(file)).getroot()
        loaded = doc.xpath("//script/@src | //link[@rel='stylesheet' or @rel='preload' or @rel='icon']/@href | //img/@src | //iframe/@src")
        assert not [u for u in loaded if re.match(r"(?:https?:)?//", u)], file
    css = "".join(p.read_text(errors="ignore") for p in built_site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css
    assert not outside.search((built_site / "index.html").read_text().replace('href="https://squidfunk', ""))


def test_home_page_lists_documents_by_date(built_site: Path) -> None:
    doc = html.parse(str(built_site / "index.html")).getroot()
    dates = doc.xpath('//table[@class="documents-list"]//time/@datetime')
    assert dates == sorted(dates) == ["1983-09-07", "1987-10-26"]


def test_editorial_method_lists_every_intervention(built_site: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    marks = sum(len(re.findall(r"\{(?:\+\+|--|~~|>>|==)", p.read_text())) for p in (root / "docs" / "documents").glob("19*.md"))
    doc = html.parse(str(built_site / "editorial-method" / "index.html")).getroot()
    rows = doc.xpath('//table[@class="interventions"]/tbody/tr')
    assert len(rows) == marks > 0
