"""The BibTeX library: parsed by two readers, formatted in Chicago style (17th edition,
notes-bibliography), exported three ways, cached safely."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest
from lxml import html
from pybtex.database import parse_file

from edition.bibtex import Library, Name, load_library, parse_library, split_names
from edition.cache_files import sign, verify
from edition.citeproc import CACHE_NAME, CITEPROC_DIR, RENDERER, BibliographyJob, Formatter, NoteJob, style_key
from edition.csl import parse_locator
from edition.dates import format_partial_date
from edition.diagnostics import Diagnostics
from edition.exports import citation_meta, to_csl_json, to_ris
from tests.conftest import ROOT


def test_library_reads_cleanly_in_bibtexparser_and_pybtex() -> None:
    for path in (ROOT / "bib").glob("*.bib"):
        lib = bibtexparser.parse_file(str(path))
        assert lib.failed_blocks == []
        assert {e.key for e in lib.entries} == set(parse_file(str(path)).entries.keys())


def test_our_loader_finds_no_problem() -> None:
    diags = Diagnostics()
    library = load_library(ROOT / "bib", ROOT, diags)
    assert diags.items == []
    assert len(library) >= 1


# One entry per kind of work the notes cite. The expected strings are written from the Chicago
# Manual of Style, 17th edition (notes 14.19-14.23 and bibliography 14.64-14.72: names, "and";
# 14.104 books, a publisher's name without "The" or "Ltd." (14.141); 14.171-14.191 magazines and
# newspapers, page ranges with an en dash, commas and periods inside quotation marks (6.9); 14.213
# published interviews under the interviewee; 14.217 speeches and testimony; 14.123 a numbered
# series, its number after its title in one form in note and bibliography ("Bollingen Series 36");
# 14.211-14.232 an unpublished document in roman and quotation marks with its full date;
# 14.100-14.117 a work issued twice names both dates), not copied from the processor's output. The last two are persons
# whose names have BibTeX's "von" and "Jr" parts: Chicago writes "Ludwig van Beethoven" in a note and
# "Beethoven, Ludwig van" in the bibliography (the particle is not capitalised and does not lead the
# inverted name), and "Jr." without a comma in a note, after the given name, set off by a comma, when inverted.
SAMPLE = r"""
@book{jda1986, author = {{Japan Defense Agency}}, title = {Defense of {Japan} 1986},
  publisher = {Japan Times}, location = {Tokyo}, date = {1986}}
@article{armitage1986, author = {Armitage, Richard L.}, title = {The {U.S.-Japan} Alliance},
  journaltitle = {Defense 86}, entrysubtype = {magazine}, date = {1986-07/1986-08}, pages = {20--22}}
@article{rubinstein1987fsx, author = {Rubinstein, Gregg A.}, title = {{FSX}: The Benefits of Coproduction},
  journaltitle = {Defense News}, entrysubtype = {newspaper}, date = {1987-01-19}, pages = {32}}
@report{rubinstein1987, author = {Rubinstein, Gregg A.}, title = {Guidelines for Cooperation},
  type = {Asian Backgrounder}, number = {70}, institution = {Heritage Foundation}, location = {Washington, DC}, date = {1987-10-26}}
@report{oeaa1983, author = {{Office of East Asian Analysis}}, title = {Technology Leakage from {Japan}}, type = {memorandum},
  entrysubtype = {unpublished}, institution = {Central Intelligence Agency, Directorate of Intelligence}, date = {1983-09-07}}
@misc{kerber1987, author = {Kerber, Ronald L. and Fredricksen, Donald A.}, title = {Statement on {CDI}},
  entrysubtype = {testimony}, howpublished = {testimony to the Senate Armed Services Committee}, date = {1987-04-08}}
@article{kloske1987, author = {Kloske, Dennis}, title = {Interview}, journaltitle = {Defense and Foreign Affairs},
  entrysubtype = {interview}, date = {1987-04}, pages = {22--28}}
@misc{dn1987, title = {Defense News}, entrysubtype = {newspaper}, date = {1987-01-05}}
@book{dod1987, author = {{Department of Defense}}, title = {Electro-Optics in {Japan}},
  publisher = {U.S. Government Printing Office}, location = {Washington, DC}, origdate = {1985-05}, date = {1987-06}}
@book{beethoven1972, author = {Ludwig van Beethoven}, title = {Letters}, publisher = {Dover}, location = {New York}, date = {1972}}
@book{lamb1950, author = {Lamb, Jr., Willis E.}, title = {Lectures on Atomic Physics}, publisher = {Harper}, location = {New York}, date = {1950}}
"""

# key: (locator given by a note, note, bibliography entry)
EXPECTED = {
    "jda1986": ("p. 325", "Japan Defense Agency, Defense of Japan 1986 (Tokyo: Japan Times, 1986), 325.",
                "Japan Defense Agency. <i>Defense of Japan 1986</i>. Tokyo: Japan Times, 1986."),
    "armitage1986": ("pp. 20-22", "Richard L. Armitage, “The U.S.-Japan Alliance,” Defense 86, July–August 1986, 20–22.",
                     "Armitage, Richard L. “The U.S.-Japan Alliance.” <i>Defense 86</i>, July–August 1986."),
    "rubinstein1987fsx": ("p. 32", "Gregg A. Rubinstein, “FSX: The Benefits of Coproduction,” Defense News, January 19, 1987, 32.",
                          "Rubinstein, Gregg A. “FSX: The Benefits of Coproduction.” <i>Defense News</i>, January 19, 1987."),
    "rubinstein1987": (None, "Gregg A. Rubinstein, Guidelines for Cooperation, Asian Backgrounder 70 (Washington, DC: Heritage Foundation, 1987).",
                       "———. <i>Guidelines for Cooperation</i>. Asian Backgrounder 70. Washington, DC: Heritage Foundation, 1987."),
    "oeaa1983": ("p. 2", "Office of East Asian Analysis, “Technology Leakage from Japan,” memorandum, Central Intelligence Agency, Directorate of Intelligence, September 7, 1983, 2.",
                 "Office of East Asian Analysis. “Technology Leakage from Japan.” Memorandum. Central Intelligence Agency, Directorate of Intelligence, September 7, 1983."),
    "kerber1987": (None, "Ronald L. Kerber and Donald A. Fredricksen, “Statement on CDI,” testimony to the Senate Armed Services Committee, April 8, 1987.",
                   "Kerber, Ronald L., and Donald A. Fredricksen. “Statement on CDI.” Testimony to the Senate Armed Services Committee, April 8, 1987."),
    "kloske1987": ("pp. 22-28", "Dennis Kloske, interview, Defense and Foreign Affairs, April 1987, 22–28.",
                   "Kloske, Dennis. Interview. <i>Defense and Foreign Affairs</i>, April 1987, 22–28."),
    "dn1987": ("p. 3", "Defense News, January 5, 1987, 3.", "<i>Defense News</i>. January 5, 1987."),
    "dod1987": (None, "Department of Defense, Electro-Optics in Japan (Washington, DC: U.S. Government Printing Office, May 1985 and June 1987).",
                "Department of Defense. <i>Electro-Optics in Japan</i>. Washington, DC: U.S. Government Printing Office, May 1985 and June 1987."),
    "beethoven1972": ("p. 12", "Ludwig van Beethoven, Letters (New York: Dover, 1972), 12.", "Beethoven, Ludwig van. <i>Letters</i>. New York: Dover, 1972."),
    "lamb1950": (None, "Willis E. Lamb Jr., Lectures on Atomic Physics (New York: Harper, 1950).",
                 "Lamb, Willis E., Jr. <i>Lectures on Atomic Physics</i>. New York: Harper, 1950."),
}


@pytest.fixture(scope="module")
def sample() -> Formatter:
    diags = Diagnostics()
    library = parse_library(SAMPLE, "sample.bib", diags)
    assert diags.items == []
    fmt = Formatter(library, None, diags)
    fmt.prepare([NoteJob(k, parse_locator(loc)) for k, (loc, _n, _b) in EXPECTED.items()] + [BibliographyJob(tuple(sorted(EXPECTED)))])
    assert diags.items == [] and fmt.node_runs == 1
    return fmt


@pytest.mark.parametrize("key", list(EXPECTED))
def test_chicago_formatting_of_every_kind_of_work(sample: Formatter, key: str) -> None:
    locator, note, bibliography = EXPECTED[key]
    assert sample.note(key, parse_locator(locator), html=False) == note
    assert dict(sample.bibliography(EXPECTED))[key] == bibliography
    assert sample.node_runs == 1  # everything came from the one batch


def test_bibliography_is_ordered_by_author_then_title_with_the_3em_dash(sample: Formatter) -> None:
    rows = sample.bibliography(EXPECTED, html=False)
    keys = [k for k, _ in rows]
    assert keys.index("rubinstein1987fsx") + 1 == keys.index("rubinstein1987")  # "FSX…" before "Guidelines…"
    assert rows[keys.index("rubinstein1987")][1].startswith("———. ")
    assert keys.index("jda1986") < keys.index("kerber1987") < keys.index("kloske1987")


@pytest.mark.parametrize(("text", "label", "value"), [
    ("p. 325", "page", "325"), ("pp. 47-51", "page", "47-51"), ("pp. 47–51", "page", "47-51"), ("325", "page", "325"),
    ("Table B", "table", "B"), ("fig. 3", "figure", "3"), ("pp. xii-xv", "page", "xii-xv"),
])
def test_locators_are_parsed_for_the_processor(text: str, label: str, value: str) -> None:
    loc = parse_locator(text)
    assert loc is not None and (loc.label, loc.value) == (label, value)


@pytest.mark.parametrize(("date", "edition", "chicago"), [
    ((1983, 7, 14), "14 July 1983", "July 14, 1983"), ([1983, 7], "July 1983", "July 1983"),
    ((1983, 7, 0), "July 1983", "July 1983"), ((1983, 0, 0), "1983", "1983"), ([1983], "1983", "1983"),
    (dt.date(1987, 1, 5), "5 January 1987", "January 5, 1987"),
])
def test_dates_in_the_editions_prose_and_in_chicagos_citations(date: object, edition: str, chicago: str) -> None:
    # the edition's prose writes day month year; Chicago's notes and bibliography write month day, year
    assert format_partial_date(date) == edition
    assert format_partial_date(date, "chicago") == chicago


@pytest.mark.parametrize("text", ["somewhere", "p. ", "pp. 3 to 5", "chapter the third"])
def test_unreadable_locators_are_none(text: str) -> None:
    assert parse_locator(text) is None


def test_markup_in_a_title_is_escaped() -> None:
    library = parse_library("@book{x, title = {Tanks <script>alert(1)</script> & R&D <b onclick='x'>b</b>}, publisher = {P}, date = {1980}}", "x.bib", Diagnostics())
    fmt = Formatter(library)
    for formatted in (fmt.entry("x"), fmt.note("x")):
        tree = html.fragment_fromstring(formatted, create_parent="div")
        assert {el.tag for el in tree.iter()} <= {"div", "i", "b", "sup", "sub"}
        assert all(not el.attrib for el in tree.iter())
        # the title's own text, angle brackets and case included, reaches the reader as text
        assert "Tanks <script>alert(1)</script> & R&D <b onclick=" in tree.text_content()
        assert "&lt;script&gt;" in formatted and "&amp; R&amp;D" in formatted


@pytest.mark.parametrize(("text", "line", "message"), [
    ("@book{a, title = {X}, publisher = {P}, year = {1980}}\n\n@book{b, title = {Y, publisher = {P}, year = {1981}}\n", 3, "unparseable BibTeX entry starting '@book{b,"),
    ("@book{a, title = {X}, publisher = {P}, year = {1980}}\n@book{a, title = {Y}, publisher = {P}, year = {1981}}\n", 2, "duplicate BibTeX key 'a'"),
    ("@book{a, title = {X}, year = {1980}}\n", 1, "@book{a} has no 'publisher'"),
    ("@book{a, title = {X}, publisher = {P}}\n", 1, "@book{a} has no usable date"),
    ("\n@book{a, author = {Defense Agency, Japan}, title = {X}, publisher = {P}, year = {1980}}\n", 2, "is an organisation written as 'Last, First'"),
    ("@book{a, author = {{Central Intelligence Agency, Office of Analysis}}, title = {X}, publisher = {P}, year = {1980}}\n", 1, "contains a comma"),
    ("\n@book{a, author = {Department of Defense, United States}, title = {X}, publisher = {P}, year = {1980}}\n", 2,
     "'Department of Defense, United States' is an organisation written as 'Last, First'"),
    ("@book{a, author = {Kerber, Ronald L. and Smith, Jr., John, Sir}, title = {X}, publisher = {P}, year = {1980}}\n", 1,
     "the name 'Smith, Jr., John, Sir' cannot be split into its parts (too many commas)"),
    ("@book{a, author = {Smith,}, title = {X}, publisher = {P}, year = {1980}}\n", 1, "the name 'Smith,' cannot be split"),
    ("\n\n@misc{a, title = {X}, year = {1980}}\n", 3, "the Chicago style has no form for this entry type"),
    ("@software{a, title = {X}, year = {1980}}\n", 1, "the Chicago style has no form for this entry type"),
    ("\n@book{a, title = {" + "\\textit{" * 200 + "x" + "}" * 200 + "}, publisher = {P}, year = {1980}}\n", 2, "nests LaTeX commands too deeply"),
])
def test_bad_bibtex_names_file_and_line(text: str, line: int, message: str) -> None:
    diags = Diagnostics()
    parse_library(text, "bib/x.bib", diags)
    assert any(d.path == "bib/x.bib" and d.line == line and message in d.message and d.hint for d in diags.errors), diags.items


def test_downloads_exist_and_parse(built_site: Path) -> None:
    from edition.documents import load_documents

    docs = load_documents(ROOT / "docs", Diagnostics(), ROOT)
    assert docs
    for doc in docs:
        bib = bibtexparser.parse_string((built_site / "cite" / f"{doc.slug}.bib").read_text())
        assert len(bib.entries) == 1 and not bib.failed_blocks
        csl = json.loads((built_site / "cite" / f"{doc.slug}.json").read_text())
        assert csl[0]["id"] == bib.entries[0].key and csl[0]["title"]
        ris = (built_site / "cite" / f"{doc.slug}.ris").read_text().splitlines()
        assert ris[0].startswith("TY  - ") and ris[-1].startswith("ER  -") and any(r.startswith("TI  - ") for r in ris)


# BibTeX's reading of a name (Patashnik, "BibTeXing", and Markey, "Tame the BeaST", on names):
# 'First von Last', 'von Last, First' or 'von Last, Jr, First'; "von" is the run of words that
# begin in lower case; a name in braces is never split. Expected: (family, given, particle, suffix)
# for a person, the literal for an organisation.
@pytest.mark.parametrize(("written", "expected"), [
    ("Smith, Jr., John", ("Smith", "John", "", "Jr.")),
    ("Ludwig van Beethoven", ("Beethoven", "Ludwig", "van", "")),
    ("van Beethoven, Ludwig", ("Beethoven", "Ludwig", "van", "")),
    ("Jean de La Fontaine", ("La Fontaine", "Jean", "de", "")),
    ("Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin", ("Vallée Poussin", "Charles Louis Xavier Joseph", "de la", "")),
    ("Brinch Hansen, Per", ("Brinch Hansen", "Per", "", "")),
    ("Beeblebrox, IV, Zaphod", ("Beeblebrox", "Zaphod", "", "IV")),
    ("Gregg A. Rubinstein", ("Rubinstein", "Gregg A.", "", "")),
    ("Kloske", ("Kloske", "", "", "")),
    ("{Office of East Asian Analysis}", "Office of East Asian Analysis"),
    ("{Barnes and Noble}", "Barnes and Noble"),
])
def test_names_split_as_bibtex_splits_them(written: str, expected: tuple[str, str, str, str] | str) -> None:
    (name,) = split_names(written)
    if isinstance(expected, str):
        assert name == Name(literal=expected)
    else:
        assert (name.family, name.given, name.particle, name.suffix, name.literal) == (*expected, "")


def test_a_name_list_splits_at_and_outside_braces_only() -> None:
    names = split_names("Kerber, Ronald L. and {Simon and Schuster} AND van Beethoven, Ludwig")
    assert [n.inverted for n in names] == ["Kerber, Ronald L.", "Simon and Schuster", "van Beethoven, Ludwig"]


def test_particles_and_suffixes_reach_csl_json_ris_and_highwire() -> None:
    library = parse_library("@book{a, author = {Ludwig van Beethoven and Smith, Jr., John and {Defense Science Board}}, title = {T}, "
                            "publisher = {P}, year = {1987}}", "a.bib", Diagnostics())
    ref = library.get("a")
    assert json.loads(to_csl_json(ref))[0]["author"] == [
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "Smith", "given": "John", "suffix": "Jr."},
        {"literal": "Defense Science Board"},
    ]
    # RIS: "Lastname, Firstname, Suffix", the particle part of the last name
    assert [line for line in to_ris(ref).splitlines() if line.startswith("AU")] == [
        "AU  - van Beethoven, Ludwig", "AU  - Smith, John, Jr.", "AU  - Defense Science Board"]
    # Highwire: an organisation in the inverted form with no given name (see exports.highwire_author)
    assert [v for k, v in citation_meta(ref) if k == "citation_author"] == ["van Beethoven, Ludwig", "Smith, John, Jr.", "Defense Science Board,"]


def test_ris_gives_a_person_inverted_and_an_organisation_as_one_name() -> None:
    library = parse_library("@book{a, author = {Kerber, Ronald L. and {Defense Science Board}}, title = {T}, publisher = {P}, year = {1987}}", "a.bib", Diagnostics())
    assert [line for line in to_ris(library.get("a")).splitlines() if line.startswith("AU")] == ["AU  - Kerber, Ronald L.", "AU  - Defense Science Board"]


def test_memo_pages_carry_citation_meta_tags(built_site: Path) -> None:
    library = load_library(ROOT / "bib", ROOT, Diagnostics())
    from edition.documents import load_documents

    for doc in load_documents(ROOT / "docs", Diagnostics(), ROOT):
        ref = library.get(doc.bibkey)
        page = html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot()
        metas = page.xpath("//head/meta[starts-with(@name, 'citation_') or starts-with(@name, 'z.')]")
        meta = {m.get("name"): m.get("content") for m in metas}
        assert meta["citation_title"] == ref.title
        authors = [m.get("content") for m in metas if m.get("name") == "citation_author"]
        assert authors == [f"{n.literal}," if n.literal else f"{n.family}, {n.given}" for n in ref.authors]
        assert meta["citation_publication_date"].startswith(str(ref.year))
        if ref.fields.get("abstract"):
            assert meta["citation_abstract"] == ref.fields["abstract"]
        if ref.fields.get("number"):
            assert meta["citation_technical_report_number"] == ref.fields["number"]
        if ref.entry_type == "report" and ref.fields.get("number") and ref.fields.get("type"):  # a report's series (Zotero's seriesTitle)
            assert meta["z.seriesTitle"] == ref.fields["type"] and "citation_series_title" not in meta
        elif ref.fields.get("type"):  # the kind of paper ("memorandum": Zotero's reportType)
            assert meta["z.reportType"] == ref.fields["type"]
        if ref.fields.get("pagetotal"):
            assert meta["citation_num_pages"] == ref.fields["pagetotal"]


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
    from edition.documents import load_documents
    from edition.notes import extract_notes, resolve_notes

    library = load_library(ROOT / "bib", ROOT, Diagnostics())
    for doc in load_documents(ROOT / "docs", Diagnostics(), ROOT):
        _, notes, _ = extract_notes((ROOT / "docs" / doc.path).read_text(), doc.path, "x", 1, Diagnostics())
        keys = {rn.key for rn in resolve_notes(notes, library, "x", Diagnostics()) if rn.key}
        page = html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot()
        cited = page.xpath('//section[@class="works-cited"]//li')
        assert [li.get("id") for li in cited] == [f"ref-{k}" for k in keys] or sorted(li.get("id") for li in cited) == sorted(f"ref-{k}" for k in keys)
        box = page.xpath('//section[@class="cite-this"]')[0]
        text = " ".join(box.text_content().split())
        ref = library.get(doc.bibkey)
        site_name = re.search(r'^site_name:\s*"?(.*?)"?\s*$', (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1)
        assert ref.title in text and f"in {site_name}" in text
        assert "accessed" not in text.lower(), "a static page cannot know when it is read: the page script writes the access date"
        own = [a.get("href") for a in box.xpath(".//a[@download]") if doc.slug in a.get("href")]  # and the edition's own
        assert sorted(href.rsplit(".", 1)[1] for href in own) == ["bib", "json", "ris"]


SAMPLE_ONE = "@book{jda1986, author = {{Japan Defense Agency}}, title = {Defense of {Japan} 1986}, publisher = {The Japan Times, Ltd.}, location = {Tokyo}, date = {1986}}"


def _fresh(cache: Path, text: str = SAMPLE_ONE) -> Formatter:
    return Formatter(parse_library(text, "s.bib", Diagnostics()), cache)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A cache file holding SAMPLE_ONE's note and entry, rendered once for the module's cache tests
    (each Node run costs 1.5-2 s of CPU), with the note and the entry as rendered. Tests copy the
    file before changing it."""
    cache = tmp_path_factory.mktemp("rendered") / "citations.json"
    first = _fresh(cache)
    note, entry = first.note("jda1986"), first.entry("jda1986")
    assert first.node_runs >= 1
    first.save()
    return cache, note, entry


def _copy(rendered: tuple[Path, str, str], tmp_path: Path) -> Path:
    cache = tmp_path / "citations.json"
    shutil.copy2(rendered[0], cache)
    return cache


def test_renderings_are_reused_from_the_cache(rendered: tuple[Path, str, str], tmp_path: Path) -> None:
    cache = _copy(rendered, tmp_path)
    expected = rendered[1:]
    second = _fresh(cache)
    assert (second.note("jda1986"), second.entry("jda1986")) == expected
    assert second.node_runs == 0  # nothing rendered again
    # an edited entry is rendered afresh, not served stale from the cache
    edited = _fresh(cache, SAMPLE_ONE.replace("Defense of {Japan} 1986", "Defense of {Japan} 1987"))
    assert "Defense of Japan 1987" in edited.entry("jda1986") and edited.node_runs == 1


@pytest.mark.parametrize("content", ["{not json", "[]", '["a", "b"]', "null", "42", '"x"'])
def test_a_damaged_cache_is_ignored(tmp_path: Path, content: str) -> None:
    cache = tmp_path / "citations.json"
    cache.write_text(content)
    fmt = _fresh(cache)
    assert fmt.entry("jda1986") == "Japan Defense Agency. <i>Defense of Japan 1986</i>. Tokyo: The Japan Times, Ltd., 1986."
    assert fmt.node_runs == 1


def _kept(cache: Path) -> dict:
    payload = verify(CACHE_NAME, cache.read_bytes())
    assert payload is not None, "the cache was not signed by this machine"
    return json.loads(payload)


def _keep(cache: Path, data: dict) -> None:
    cache.write_bytes(sign(CACHE_NAME, json.dumps(data).encode()))


def test_a_forged_cache_is_never_read(rendered: tuple[Path, str, str], tmp_path: Path) -> None:
    """A cache committed to the repository, keyed by digests anyone can compute: without this
    machine's signature its forged citation is never shown, and the work is rendered afresh."""
    cache = _copy(rendered, tmp_path)
    forged = {digest: "FORGED" if isinstance(value, str) else [[value[0][0], "FORGED"]] for digest, value in _kept(cache).items()}
    cache.write_text(json.dumps(forged))  # the bytes an attacker can write: unsigned
    again = _fresh(cache)
    assert "FORGED" not in again.note("jda1986") + again.entry("jda1986")
    assert again.node_runs == 2  # the note and the entry, each rendered afresh


def test_wrongly_typed_cache_entries_are_dropped_and_rendered_again(rendered: tuple[Path, str, str], tmp_path: Path) -> None:
    cache = _copy(rendered, tmp_path)
    data = _kept(cache)
    assert len(data) == 2
    for digest, value in data.items():
        data[digest] = {"not": "a rendering"} if isinstance(value, str) else [[1, 2]]
    _keep(cache, data)  # signed as this machine would: a layout from another version, say
    again = _fresh(cache)
    assert again.note("jda1986", html=False).startswith("Japan Defense Agency, Defense of Japan 1986")
    assert again.entry("jda1986").startswith("Japan Defense Agency.")
    assert again.node_runs == 2  # both dropped entries rendered afresh


def test_cached_markup_is_sanitised_like_fresh_output(rendered: tuple[Path, str, str], tmp_path: Path) -> None:
    cache = _copy(rendered, tmp_path)
    data = _kept(cache)
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)"><i style="color:red">Defense</i> <a href="javascript:x">of</a> Japan'
    for digest, value in data.items():
        data[digest] = evil if isinstance(value, str) else [[value[0][0], evil]]
    _keep(cache, data)
    poisoned = _fresh(cache)
    for out in (poisoned.note("jda1986"), poisoned.entry("jda1986")):
        assert "<script" not in out and "<img" not in out and "onerror" not in out and "style=" not in out and "<a" not in out
        assert "<i>Defense</i>" in out and "alert(1)" in out  # the text survives as text, escaped
    assert poisoned.node_runs == 0


# -- citeproc-js from npm ------------------------------------------------------------------------

def test_the_cache_key_names_the_installed_citeproc_and_another_version_renders_afresh(tmp_path: Path) -> None:
    installed = json.loads((CITEPROC_DIR / "package.json").read_text(encoding="utf-8"))["version"]
    assert style_key() == f"chicago-notes-bibliography-17th-edition+citeproc-js-{installed}"
    cache = tmp_path / "citations.json"
    first = _fresh(cache)
    expected = first.entry("jda1986")
    first.save()
    # the same processor under another version number, as an upgrade would install it
    upgraded = tmp_path / "node_modules" / "citeproc"
    upgraded.mkdir(parents=True)
    (upgraded / "citeproc_commonjs.js").symlink_to(CITEPROC_DIR / "citeproc_commonjs.js")
    (upgraded / "package.json").write_text(json.dumps({"name": "citeproc", "version": "99.0.0", "main": "citeproc_commonjs.js"}), encoding="utf-8")
    assert style_key(upgraded).endswith("+citeproc-js-99.0.0")
    again = Formatter(parse_library(SAMPLE_ONE, "s.bib", Diagnostics()), cache, citeproc_dir=upgraded)
    assert again.entry("jda1986") == expected and again.node_runs == 1  # not served from the old version's cache


def test_a_missing_citeproc_stops_the_build_with_a_clear_message(rendered: tuple[Path, str, str], tmp_path: Path) -> None:
    cache = _copy(rendered, tmp_path)
    diags = Diagnostics()
    fmt = Formatter(parse_library(SAMPLE_ONE, "s.bib", Diagnostics()), cache, diags, citeproc_dir=tmp_path / "node_modules" / "citeproc")
    assert fmt.entry("jda1986") == "" and fmt.node_runs == 0  # a cache made by an unknown version is not trusted either
    assert len(diags.errors) == 1, diags.items
    error = diags.errors[0]
    assert error.path == "edition/csl/render.js" and "citeproc-js is not installed" in error.message and "npm ci" in error.message
    # render.js run by hand says the same, not a Node stack trace
    proc = subprocess.run(["node", str(RENDERER), str(tmp_path / "nowhere")], input="{}", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "citeproc-js is not installed" in proc.stderr and "npm ci" in proc.stderr and "at " not in proc.stderr


def test_a_field_with_line_breaks_stays_one_ris_tag() -> None:
    """RIS is read line by line: a title holding a blank line and tag-like text must not become a
    second tag or record (a `UR  - javascript:` address in the reader's reference manager)."""
    from edition.exports import to_ris

    text = ("@book{inject,\n  title = {First line\n\nER  - \nTY  - GEN\nUR  - javascript:alert(1)},\n"
            "  publisher = {P},\n  date = {1987}\n}\n")
    library = parse_library(text, "s.bib", Diagnostics())
    ris = to_ris(library.references["inject"], "https://example.org/x/")
    tags = [line.split("  - ", 1)[0] for line in ris.splitlines()]
    assert tags.count("TY") == 1 and tags.count("ER") == 1 and tags[-1] == "ER", ris
    assert [line for line in ris.splitlines() if line.startswith("UR")] == ["UR  - https://example.org/x/"], ris


@pytest.mark.parametrize("title", ['The x="y" case', 'He said"hi" once', 'A "quoted" word'])
def test_a_title_with_quotes_is_never_printed_as_markup(title: str) -> None:
    """citeproc-js read a quote after a letter as markup it could not pair, and printed the whole
    title with its protective <span class="nocase"> as text."""
    library = parse_library("@book{q, title = {" + title + "}, publisher = {P}, date = {1987}}", "s.bib", Diagnostics())
    entry = Formatter(library).entry("q")
    assert "nocase" not in entry and "&lt;span" not in entry, entry
    plain_title = entry.split("</i>")[0].removeprefix("<i>")
    assert plain_title.replace("“", '"').replace("”", '"') == title, entry
