"""The BibTeX library: parsed by two readers, formatted in Chicago style, exported three ways."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
from lxml import html
from pybtex.database import parse_file

from edition.bibliography import Formatter, Library, load_library, parse_library, to_ris
from edition.diagnostics import Diagnostics
from tests.conftest import ROOT

HERITAGE = "1987-10-26-heritage-us-japan-defense-technology-cooperation"


def test_library_reads_cleanly_in_bibtexparser_and_pybtex() -> None:
    for path in (ROOT / "bib").glob("*.bib"):
        lib = bibtexparser.parse_file(str(path))
        assert lib.failed_blocks == []
        assert {e.key for e in lib.entries} == set(parse_file(str(path)).entries.keys())


def test_our_loader_finds_no_problem() -> None:
    diags = Diagnostics()
    library = load_library(ROOT / "bib", ROOT, diags)
    assert diags.items == []
    assert len(library) >= 15


SAMPLE = r"""
@book{jda1986, author = {{Japan Defense Agency}}, title = {Defense of {Japan} 1986},
  publisher = {The Japan Times, Ltd.}, address = {Tokyo}, year = {1986}}
@article{armitage1986, author = {Armitage, Richard L.}, title = {The {U.S.-Japan} Alliance},
  journal = {Defense 86}, issue = {July/August}, year = {1986}, pages = {20--22}}
@techreport{dsb1984, author = {{Defense Science Board}}, title = {Industry-to-Industry Cooperation---Phase {II}},
  institution = {Department of Defense}, address = {Washington, D.C.}, year = {1984}, month = jun}
@article{dn1987, journal = {Defense News}, date = {1987-01-05}, year = {1987}, pages = {3}}
@misc{kerber1987, author = {Kerber, Ronald L. and Fredricksen, Donald A.}, title = {Statement on {CDI}},
  howpublished = {Testimony to the Senate Armed Services Committee}, date = {1987-04-08}, year = {1987}}
"""

EXPECTED = {
    "jda1986": ("Japan Defense Agency, Defense of Japan 1986 (Tokyo: The Japan Times, Ltd., 1986).",
                "Japan Defense Agency. <i>Defense of Japan 1986</i>. Tokyo: The Japan Times, Ltd., 1986."),
    "armitage1986": ("Richard L. Armitage, “The U.S.-Japan Alliance”, Defense 86, no. July/August (1986): 20–22.",
                     "Armitage, Richard L. “The U.S.-Japan Alliance”. <i>Defense 86</i>, no. July/August (1986): 20–22."),
    "dsb1984": ("Defense Science Board, Industry-to-Industry Cooperation—Phase II (Washington, D.C.: Department of Defense, June 1984).",
                "Defense Science Board. <i>Industry-to-Industry Cooperation—Phase II</i>. Washington, D.C.: Department of Defense, June 1984."),
    "dn1987": ("Defense News, January 5, 1987, 3.", "<i>Defense News</i>, January 5, 1987, 3."),
    "kerber1987": ("Ronald L. Kerber and Donald A. Fredricksen, “Statement on CDI”, Testimony to the Senate Armed Services Committee, (April 8, 1987).",
                   "Kerber, Ronald L., and Donald A. Fredricksen. “Statement on CDI”. Testimony to the Senate Armed Services Committee, April 8, 1987."),
}


@pytest.fixture(scope="module")
def sample() -> Formatter:
    diags = Diagnostics()
    library = parse_library(SAMPLE, "sample.bib", diags)
    assert diags.items == []
    return Formatter(library)


@pytest.mark.parametrize("key", list(EXPECTED))
def test_chicago_formatting(sample: Formatter, key: str) -> None:
    note, bibliography = EXPECTED[key]
    assert sample.get(key, "note", html=False) == note
    assert sample.get(key, "bibliography", html=True) == bibliography


def test_locator_is_added_to_the_note(sample: Formatter) -> None:
    assert sample.note_with_locator("jda1986", "p. 325", html=False) == "Japan Defense Agency, Defense of Japan 1986 (Tokyo: The Japan Times, Ltd., 1986), p. 325."


def test_markup_in_a_title_is_escaped() -> None:
    library = parse_library("@book{x, title = {Tanks <script>alert(1)</script> & R&D}, publisher = {P}, year = {1980}}", "x.bib", Diagnostics())
    formatted = Formatter(library).get("x")
    assert "<script>" not in formatted and "&lt;script&gt;" in formatted and "&amp; R&amp;D" in formatted


@pytest.mark.parametrize(("text", "line", "message"), [
    ("@book{a, title = {X}, publisher = {P}, year = {1980}}\n\n@book{b, title = {Y, publisher = {P}, year = {1981}}\n", 3, "unparseable BibTeX entry starting '@book{b,"),
    ("@book{a, title = {X}, publisher = {P}, year = {1980}}\n@book{a, title = {Y}, publisher = {P}, year = {1981}}\n", 2, "duplicate BibTeX key 'a'"),
    ("@book{a, title = {X}, year = {1980}}\n", 1, "@book{a} has no 'publisher'"),
    ("@book{a, title = {X}, publisher = {P}}\n", 1, "@book{a} has no usable date"),
])
def test_bad_bibtex_names_file_and_line(text: str, line: int, message: str) -> None:
    diags = Diagnostics()
    parse_library(text, "bib/x.bib", diags)
    assert any(d.path == "bib/x.bib" and d.line == line and message in d.message and d.hint for d in diags.errors), diags.items


def test_downloads_exist_and_parse(built_site: Path) -> None:
    for slug in (HERITAGE, "1983-09-07-cia-technology-leakage-from-japan"):
        bib = bibtexparser.parse_string((built_site / "cite" / f"{slug}.bib").read_text())
        assert len(bib.entries) == 1 and not bib.failed_blocks
        csl = json.loads((built_site / "cite" / f"{slug}.json").read_text())
        assert csl[0]["id"] == bib.entries[0].key and csl[0]["title"]
        ris = (built_site / "cite" / f"{slug}.ris").read_text().splitlines()
        assert ris[0].startswith("TY  - ") and ris[-1].startswith("ER  -") and any(r.startswith("TI  - ") for r in ris)


def test_ris_lists_every_author() -> None:
    library = parse_library("@book{a, author = {Kerber, Ronald L. and {Defense Science Board}}, title = {T}, publisher = {P}, year = {1987}}", "a.bib", Diagnostics())
    assert [line for line in to_ris(library.get("a")).splitlines() if line.startswith("AU")] == ["AU  - Kerber, Ronald L.", "AU  - Defense Science Board"]


def test_memo_pages_carry_citation_meta_tags(built_site: Path) -> None:
    doc = html.parse(str(built_site / "documents" / HERITAGE / "index.html")).getroot()
    meta = {m.get("name"): m.get("content") for m in doc.xpath("//head/meta[starts-with(@name, 'citation_')]")}
    assert meta["citation_title"] == "Guidelines for Increase of U.S.-Japanese Defense Technology Cooperation"
    assert meta["citation_author"] == "Rubinstein, Gregg A."
    assert meta["citation_publication_date"] == "1987/10/26"


def test_bibliography_page_links_back_to_every_citing_note(edition) -> None:  # type: ignore[no-untyped-def]
    """One backlink per note that cites a work, in every memo (from the memos and bib/), each to an existing note."""
    from edition.documents import split_front_matter
    from edition.notes import extract_notes, resolve_notes

    project, site = edition.project, edition.site
    doc = html.parse(str(site / "bibliography" / "index.html")).getroot()
    library = Library()
    for path in sorted((project / "bib").glob("*.bib")):
        parse_library(path.read_text(), path.name, Diagnostics(), library)
    entries = doc.xpath('//ul[@class="bibliography"]/li')
    assert len(entries) == len(library)
    expected: set[tuple[str, str]] = set()
    for memo in edition.documents():
        text = (project / "docs" / memo.path).read_text(encoding="utf-8")
        _, body, first_line = split_front_matter(text)
        _, notes, _ = extract_notes(body, memo.path, memo.path, first_line, Diagnostics())
        expected |= {(memo.slug, f"fn:{rn.note.label}") for rn in resolve_notes(notes, library, memo.path, Diagnostics()) if rn.key}
    backlinks = [a.get("href") for a in doc.xpath('//ul[@class="bibliography"]//span[@class="cited-in"]/a') if "#fn:" in a.get("href")]
    found = {(href.split("#")[0].rstrip("/").removesuffix("/index.html").removesuffix(".html").rsplit("/", 1)[-1], href.split("#")[1]) for href in backlinks}
    assert len(backlinks) == len(found) == len(expected) > 0
    assert found == expected
    for slug, anchor in found:
        assert anchor in set(html.parse(str(site / "documents" / slug / "index.html")).getroot().xpath("//@id")), (slug, anchor)


def test_memo_ends_with_works_cited_and_cite_box(built_site: Path) -> None:
    doc = html.parse(str(built_site / "documents" / HERITAGE / "index.html")).getroot()
    cited = doc.xpath('//section[@class="works-cited"]//li')
    assert len(cited) == 13  # 17 notes, four of them repeat a work
    box = doc.xpath('//section[@class="cite-this"]')[0]
    assert "Rubinstein, Gregg A." in box.text_content()
    assert sorted(a.get("href").rsplit(".", 1)[1] for a in box.xpath(".//a[@download]")) == ["bib", "json", "ris"]


def test_renderings_are_reused_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "citations.json"
    first = Formatter(parse_library(SAMPLE, "s.bib", Diagnostics()), cache)
    expected = {k: first.get(k) for k in EXPECTED}
    first.save()
    second = Formatter(parse_library(SAMPLE, "s.bib", Diagnostics()), cache)

    def no_citeproc(*_args: object) -> str:
        raise AssertionError("rendered again although cached")

    second._citeproc = no_citeproc  # type: ignore[method-assign]
    assert {k: second.get(k) for k in EXPECTED} == expected
    # an edited entry is rendered afresh, not served stale from the cache
    edited = Formatter(parse_library(SAMPLE.replace("Defense of {Japan} 1986", "Defense of {Japan} 1987"), "s.bib", Diagnostics()), cache)
    assert "Defense of Japan 1987" in edited.get("jda1986")


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "citations.json"
    cache.write_text("{not json")
    assert Formatter(parse_library(SAMPLE, "s.bib", Diagnostics()), cache).get("dn1987") == EXPECTED["dn1987"][1]
