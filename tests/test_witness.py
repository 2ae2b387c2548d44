"""The document and its witness: one reading text, misreadings recorded, layout compared away.

A generated OCR-style document (line-end hyphens, misreadings inside a registered name and a
registered acronym, an all-caps header, a running head on two pages, a page break) is added to a
copy of the project as CONTRIBUTING says, checked and built; every expectation comes from the
registries (data/), an existing memo's front matter and bib entry, and the generated files.
The unit tests pin each rule on its own.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
import pytest
from lxml import html as lxml_html

from edition.annotate import Annotator, Found, typographic_spans, unknown_acronyms
from edition.diagnostics import Diagnostics
from edition.documents import load_documents, split_front_matter
from edition.entities import load_entities
from edition.fidelity import (
    compare,
    edition_words,
    first_difference,
    join_broken_words,
    line_of_words,
    source_paragraphs,
    source_tokens,
    strip_running_heads,
)
from edition.glossary import load_glossary
from edition.htmltext import parse_fragment, serialise_children
from edition.paragraphs import number_paragraphs
from edition.reading import markdown_reading, markdown_witness, reading_words
from edition.redactions import MarkerPattern, mark_redactions
from edition.witness import WitnessExtension, check_markup, mark_readings
from tests.build_support import CheckRun, check_in_process
from tests.conftest import ROOT, content_lines, copy_project, run_build, with_renderings

MISREAD = {"O": "0", "I": "1", "l": "1", "o": "0", "e": "c", "h": "b", "m": "rn"}  # what OCR makes of a letter
RELEASE_STAMP = "Approved For Release 2008/03/12 : CIA-RDP85T00287R000500140001-9"
PAGE_FOOT = "Page {page} of 2"
EXTENSIONS = ["attr_list", "md_in_html", "tables", "footnotes", "toc", "pymdownx.critic"]


def render(md: str) -> str:
    """Markdown as the edition renders a memo (the witness markup included)."""
    return markdown.markdown(md, extensions=[*EXTENSIONS, WitnessExtension()], extension_configs={"pymdownx.critic": {"mode": "view"}})


def misread(word: str) -> str:
    """``word`` as a scan's text recognition might misread it: one letter after the first changed."""
    for i, c in enumerate(word):
        if i and c in MISREAD:
            return word[:i] + MISREAD[c] + word[i + 1:]
    raise AssertionError(f"no letter of {word!r} to misread")


# ---------------------------------------------------------------------------------------------
# The layers of a transcription


def test_each_layer_keeps_its_side_of_every_mark() -> None:
    md = "A {~~Massa- chusetts~>Massachusetts~~} b {--x--}{++y++} [[M1TI~>MITI]] {>>note<<} [[page-break 2]] {==h==}"
    assert markdown_reading(md).split() == ["A", "Massachusetts", "b", "y", "MITI", "h"]
    assert markdown_witness(md).split() == ["A", "Massa-", "chusetts", "b", "x", "M1TI", "h"]
    multi = "one {>>a\nb<<} two\nthree"
    assert markdown_reading(multi).count("\n") == multi.count("\n"), "a mark over two lines moved the lines after it"


def test_a_misreading_renders_as_the_edition_reading_with_the_source_reading_kept_in_the_element() -> None:
    root = parse_fragment(render("Prime Minister [[Nakas0ne~>Nakasone]] told [[C0COM~>COCOM]] {~~Nakasone.~>Nakasone,~~} and *[[Tbe~>The]] Times*."))
    made = mark_readings(root)
    assert [(el.get("data-witness"), el.text_content()) for el in made] == [("Nakas0ne", "Nakasone"), ("C0COM", "COCOM"), ("Tbe", "The")]
    assert all(el.get("title") is None for el in made), "the source reading would show as a tooltip"
    p = root.find("p")
    assert reading_words(p) == "Prime Minister Nakasone told COCOM Nakasone, and The Times."
    assert "Nakas0ne" not in p.text_content() and "C0COM" not in p.text_content()
    witness = [w.text for w in edition_words(f'<div class="memo-text">{serialise_children(root)}</div>')]
    assert witness == ["Prime", "Minister", "Nakas0ne", "told", "C0COM", "Nakasone.", "and", "Tbe", "Times."]


def test_a_heading_with_a_misreading_has_the_edition_reading_in_its_anchor() -> None:
    md = markdown.Markdown(extensions=["toc", WitnessExtension()])
    out = md.convert("## Recent [[Actlons~>Actions]]")
    assert md.toc_tokens[0]["name"] == "Recent Actions" and 'id="recent-actions"' in out


@pytest.mark.parametrize(("body", "line", "says"), [
    ("One line.\n\nTwo [[tbe~>the and more words.\n", 3, "is not closed"),
    ("One [[tbe~>the\n\nnext paragraph]].\n", 1, "is not closed"),
    ("A [[~>]] here.\n", 1, "neither reading"),
    ("A [[page-break two]] here.\n", 1, "page break is written"),
])
def test_a_broken_mark_is_named_with_its_line(body: str, line: int, says: str) -> None:
    diags = Diagnostics()
    check_markup(body, 10, "docs/documents/x.md", diags)
    assert [(d.line, says in d.message) for d in diags.errors] == [(10 + line - 1, True)], [str(d) for d in diags.errors]


def test_good_marks_pass_the_markup_check() -> None:
    diags = Diagnostics()
    check_markup("[[tbe~>the]] [[page-break]] [[page-break 4]] [[[Nakas0ne~>Nakasone]]](entity:x) Japan[[ 3~>]][^3] \\[[not a mark", 1, "x", diags)
    assert not diags.errors, [str(d) for d in diags.errors]


# ---------------------------------------------------------------------------------------------
# Layout compared away


def test_a_word_broken_at_a_line_end_may_be_written_whole_or_as_a_compound() -> None:
    source = source_tokens("high tech-\nnology and well-\nknown firms, pre-\nand post-war, Massa- chusetts and U.S.-\nJapan")
    for written in ("high technology and well-known firms, pre- and post-war, Massachusetts and U.S.-Japan",
                    "high tech-nology and well-known firms, pre- and post-war, Massa- chusetts and U.S.-Japan"):
        assert compare(source, join_broken_words(written.split())[0]).faithful, written  # as edition_words joins them
    assert not compare(source, ["high", "technology", "and", "wellknown", "firms,", "pre-and", "post-war,", "Massachusetts", "and", "U.S.-Japan"]).faithful


def test_a_break_in_mid_word_across_a_page_foot_is_one_word() -> None:
    tokens, starts = source_paragraphs("Tokyo has curtailed en-\n\nPage 2 of 5\n\ntrance visas.", ["Page {page} of 5"])
    assert tokens == ["Tokyo", "has", "curtailed", "en-trance", "visas."] and starts == {0}


def test_running_heads_are_whole_lines_with_any_page_number() -> None:
    text = f"{RELEASE_STAMP}\nWords of page one.\nPage 1 of 2\n  {RELEASE_STAMP}  \nPage ii of 2\nThe text says Page 3 of 2 in a sentence."
    kept, counts = strip_running_heads(text, [RELEASE_STAMP, PAGE_FOOT])
    assert counts == {RELEASE_STAMP: 2, PAGE_FOOT: 2}
    assert kept.split("\n") == ["Words of page one.", "The text says Page 3 of 2 in a sentence."]


def test_a_lone_asterisk_is_a_character_of_the_source() -> None:
    assert source_tokens("*Italics* and **bold**, a star* here and 5 * 3, \\*escaped\\*") == \
        ["Italics", "and", "bold,", "a", "star*", "here", "and", "5", "*", "3,", "*escaped*"]


def test_the_line_named_is_the_faulty_line_of_a_paragraph_that_opens_with_a_mark() -> None:
    body = "Intro line.\n\n{~~Massa- chusetts~>Massachusetts~~} officials said\nthat the firms\nwould comply with the new rules\nat once.\n"
    html = render(body).replace("<p>", '<p id="p1">', 1).replace("<p>", '<p id="p2">', 1)
    words = edition_words(f'<div class="memo-text">{html}</div>')
    source = source_tokens("Intro line.\n\nMassa- chusetts officials said that the firms would comply with the rules at once.")
    diff = first_difference(source, words)
    assert diff is not None and diff.extra == ["new"]
    assert line_of_words(body, diff.context, 20, diff.near) == 20 + 4, (diff.context, diff.near)


# ---------------------------------------------------------------------------------------------
# Typography is not an acronym


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    terms = load_glossary(ROOT / "data" / "glossary.yml", Diagnostics(), "data/glossary.yml")
    entities = load_entities(ROOT / "data" / "entities.yml", Diagnostics(), "data/entities.yml")
    return Annotator({t.key: t for t in terms}, entities, set())


def _acronym(annotator: Annotator) -> str:
    return next(t.term for t in annotator.terms.values() if t.kind == "acronym" and t.term.isalpha() and len(t.term) >= 3)


def _unknown_capitals(annotator: Annotator, n: int = 1) -> list[str]:
    """Words of capitals that are no registered form (so they are what the check would report)."""
    words = [w for w in ("XQZR", "ZYXW", "QQRT", "WXYV") if w not in annotator.known]
    assert len(words) >= n
    return words[:n]


def _annotate(annotator: Annotator, md: str) -> tuple[Found, str]:
    root = parse_fragment(render(md))
    numbered = number_paragraphs(root, "documents/x.md")
    found = Found()
    annotator.annotate("documents/x.md", [(p.id, el) for p, el in numbered], lambda path: path, found)
    return found, serialise_children(root)


def test_typography_in_capitals_is_not_an_acronym(annotator: Annotator) -> None:
    acronym = _acronym(annotator)
    unknown, other = _unknown_capitals(annotator, 2)
    header = "ARTICLE APPEARED ON PAGE 9"
    cable = f"SUBJECT: JAPANESE {unknown} EXPORT CONTROLS TIGHTENED  \nREF: TOKYO {other} AND {acronym} SOURCES"
    lead_in = f"PROF. HAJIME {unknown} Sakai said so."
    dateline = f"{unknown} -- Japan said so."
    for md in (header, cable, lead_in, dateline, f"{header}\n\nCHICAGO TRIBUNE"):
        found, _ = _annotate(annotator, md)
        assert found.unknown_acronyms == [], (md, found.unknown_acronyms)
    found, page = _annotate(annotator, cable)
    term = next(t for t in annotator.terms.values() if t.term == acronym)
    assert any(m.text == acronym for m in found.terms), "a registered acronym in a line of capitals is not marked"
    assert f'data-term="{term.key}"' in page


def test_an_undefined_acronym_in_prose_is_still_caught(annotator: Annotator) -> None:
    unknown, = _unknown_capitals(annotator)
    for md in (f"The {unknown} officials said so.", f"{unknown} officials said so.", f"Officials of {unknown}, JAPAN and more said so.",
               f"ARTICLE APPEARED ON PAGE 9\n\nThe {unknown} officials said so."):
        found, _ = _annotate(annotator, md)
        assert unknown in [token for token, _ in found.unknown_acronyms], md


def test_typographic_spans_follow_the_written_rule() -> None:
    text = "PROF. HAJIME Sakai of the JDA said\nCHICAGO TRIBUNE\nthe JDA and MITI said"
    covered = {w for a, b in typographic_spans(text) for w in text[a:b].split()}
    assert covered == {"PROF.", "HAJIME", "CHICAGO", "TRIBUNE"}
    assert typographic_spans("MITI officials said") == [] and typographic_spans("US and XQZR agree") == []
    assert unknown_acronyms("the XQZR and JDA", {"JDA"}) == ["XQZR"]


def test_a_name_inside_a_correction_counts_and_no_deletion_is_glued_to_its_insertion(annotator: Annotator) -> None:
    person = next(e for e in annotator.entities.values() if e.type == "person" and any(f.isalpha() and len(f) >= 5 for f in e.forms))
    name = next(f for f in person.forms if f.isalpha() and len(f) >= 5)
    acronym = _acronym(annotator)
    found, page = _annotate(annotator, f"Said {{~~{name}.~>{name},~~}} to {{++{acronym}++}} and {{~~Massa- chusetts~>Massachusetts~~}}.")
    assert [m.target for m in found.entities if m.text == name] == [person.id]
    assert any(m.text == acronym for m in found.terms)
    p = parse_fragment(page).find("p")
    assert "chusettsMassachusetts" not in reading_words(p) and "Massachusetts" in reading_words(p)


# ---------------------------------------------------------------------------------------------
# Original pagination


def test_page_breaks_show_in_the_margin_and_cite_the_page() -> None:
    root = parse_fragment(render("First para.\n\nSecond who [[page-break 2]] have viewed.\n\n[[page-break 3]]\n\nThird.\n\nFourth [[page-break]] fifth."))
    mark_redactions(root, MarkerPattern([]))
    numbered = number_paragraphs(root, "documents/x.md")
    labels = [el.get("data-cite-label") for _, el in numbered]
    assert labels == ["p. 1, para. 1", "pp. 1–2, para. 2", "p. 3, para. 3", "p. 3, para. 4"]
    breaks = root.find_class("page-break")
    assert [(b.get("aria-label"), b.text_content(), b.get("id")) for b in breaks] == [
        ("Page 2 begins", "[Page 2]", "page-2"), ("Page 3 begins", "[Page 3]", "page-3"), ("Page break", "[Page break]", None)]
    assert all(b.get("role") == "doc-pagebreak" for b in breaks)
    assert reading_words(numbered[1][1]) == "Second who have viewed."


def test_a_page_break_inside_a_name_does_not_hide_the_name(annotator: Annotator) -> None:
    org = next(e for e in annotator.entities.values() if len(e.name.split()) >= 4 and e.name.replace(" ", "").isalpha())
    first, rest = " ".join(org.name.split()[:2]), " ".join(org.name.split()[2:])
    root = parse_fragment(render(f"The {first} [[page-break 2]] {rest} said so."))
    mark_redactions(root, MarkerPattern([]))
    numbered = number_paragraphs(root, "documents/x.md")
    found = Found()
    annotator.annotate("documents/x.md", [(p.id, el) for p, el in numbered], lambda path: path, found)
    assert org.id in [m.target for m in found.entities]
    link = root.find(f".//a[@data-entity='{org.id}']")
    assert link is not None and link.find_class("page-break"), "the page break left its place in the name"
    assert reading_words(numbered[0][1]) == f"The {org.name} said so."


# ---------------------------------------------------------------------------------------------
# A generated OCR-style document, added to a copy of the project as CONTRIBUTING says


@dataclass(frozen=True)
class OcrDocument:
    project: Path
    path: str  # docs path
    slug: str
    person_id: str
    name: str
    acronym: str
    readings: list[tuple[str, str]]  # (source reading, edition reading), in order
    header: str


def add_ocr_document(project: Path) -> OcrDocument:
    """Write a source as a scan's text recognition gives it and its transcription, following
    CONTRIBUTING's "Sources as they come"; registered forms and an existing memo's front matter
    and bib entry are taken from the project."""
    entities = load_entities(project / "data" / "entities.yml", Diagnostics(), "data/entities.yml")
    terms = load_glossary(project / "data" / "glossary.yml", Diagnostics(), "data/glossary.yml")
    person = next(e for e in entities.values() if e.type == "person" and any(f.isalpha() and len(f) >= 5 for f in e.forms))
    name = next(f for f in person.forms if f.isalpha() and len(f) >= 5)
    acronym = next(t.term for t in terms if t.kind == "acronym" and t.term.isalpha() and len(t.term) >= 3)
    readings = [(misread(name), name), (misread(acronym), acronym), ("tbe", "the")]
    template = load_documents(project / "docs", Diagnostics(), project)[0]
    memo_text = (project / "docs" / template.path).read_text(encoding="utf-8")
    yaml_text, _, _ = split_front_matter(memo_text)
    date = template.date.replace(day=min(template.date.day + 1, 28))
    slug = f"{date.isoformat()}-visas-curtailed"
    key = f"{template.bibkey}ocr"
    values = {"title": '"Visas Curtailed"', "short_title": '"Visas Curtailed"', "date": date.isoformat(), "bibkey": key,
              "source": f"sources/{slug}.txt", "pages": "2", "editor_note": "null"}
    lines = [f"{k}: {values[k]}" if (k := line.split(":", 1)[0]) in values else line for line in (yaml_text or "").splitlines()]
    lines += ["running_heads:", f'  - "{RELEASE_STAMP}"', f'  - "{PAGE_FOOT}"']
    header = "ARTICLE APPEARED ON PAGE 9"
    dateline = f"{date.day} {date:%B %Y}"
    source = (f"{RELEASE_STAMP}\n\nCHICAGO TRIBUNE\n{dateline}\n\nVisas Curtailed\n\n{header}\n\n"
              f"Tokyo has curtailed en-\ntrance visas, and Prime Minister {readings[0][0]} has told\n"
              f"{readings[1][0]} officials to tighten {readings[2][0]} rules for high tech-\nnology exports.\n"
              f"{PAGE_FOOT.format(page=1)}\n{RELEASE_STAMP}\nThe well-\nknown trading firms will feel the new rules, {name} said.\n"
              f"{PAGE_FOOT.format(page=2)}\n")
    (project / "sources" / f"{slug}.txt").write_text(source, encoding="utf-8")
    body = (f"CHICAGO TRIBUNE  \n{dateline}\n\n# Visas Curtailed\n\n{header}\n\n"
            f"Tokyo has curtailed entrance visas, and Prime Minister [[{readings[0][0]}~>{name}]] has told "
            f"[[{readings[1][0]}~>{acronym}]] officials to tighten [[{readings[2][0]}~>the]] rules for high technology exports.\n\n"
            f"[[page-break 2]]\n\nThe well-known trading firms will feel the new rules, {name} said.\n")
    (project / "docs" / "documents" / f"{slug}.md").write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body, encoding="utf-8")
    bib = project / "bib" / "references.bib"
    text = bib.read_text(encoding="utf-8")
    entry = re.search(r"@\w+\{" + re.escape(template.bibkey) + r",.*?\n\}", text, re.S)
    assert entry, template.bibkey
    new_entry = re.sub(r"(?m)^(\s*title\s*=\s*)\{.*\},$", r"\1{Visas Curtailed},", entry.group(0).replace(template.bibkey, key, 1))
    bib.write_text(text + "\n" + new_entry + "\n", encoding="utf-8")
    return OcrDocument(project, f"documents/{slug}.md", slug, person.id, name, acronym, readings, header)


Built = tuple[OcrDocument, CheckRun, Path]


@pytest.fixture(scope="module")
def ocr(tmp_path_factory: pytest.TempPathFactory, citation_renderings: Path | None) -> Built:
    """The project with the OCR document: `make check`'s output on it, and its strict build."""
    project = with_renderings(copy_project(tmp_path_factory.mktemp("ocr") / "project"), citation_renderings)
    doc = add_ocr_document(project)
    check = check_in_process(project)
    site = tmp_path_factory.mktemp("ocr-site")
    build = run_build(project, site)
    assert build.ok, build.output
    return doc, check, site


def test_the_ocr_document_as_contributing_says_passes_the_check(ocr: Built) -> None:
    _, check, _ = ocr
    assert check.returncode == 0, check.stdout + check.stderr
    assert content_lines(check.stdout) == [], check.stdout


def _memo(site: Path, doc: OcrDocument) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(site / "documents" / doc.slug / "index.html")).getroot()


def test_the_reading_text_is_the_document(ocr: Built) -> None:
    doc, _, site = ocr
    text = _memo(site, doc).find_class("memo-text")[0]
    assert not text.xpath(".//del | .//s | .//strike"), "a strike-through in the reading text"
    words = reading_words(text)
    for witness, reading in doc.readings:
        assert re.search(rf"(?<!\w){re.escape(reading)}(?!\w)", words) and witness not in words, (witness, reading)
    for layout in ("en-", "tech-", "Approved For Release", PAGE_FOOT.format(page=1)):
        assert layout not in words, layout
    assert "entrance" in words and "technology" in words and "well-known" in words and doc.header in words


def test_the_transcription_apparatus_lists_each_misreading(ocr: Built) -> None:
    doc, _, site = ocr
    memo = _memo(site, doc)
    section = memo.find_class("memo-transcription")
    assert section, "no Transcription section"
    rows = [[" ".join(td.text_content().split()) for td in tr.findall("td")] for tr in section[0].iter("tr") if tr.findall("td")]
    assert [(r[1], r[2]) for r in rows] == doc.readings
    for row, link in zip(rows, section[0].xpath(".//td[1]/a"), strict=True):
        target = memo.get_element_by_id(link.get("href").split("#", 1)[1])
        assert row[0] == f"¶{target.get('id')[1:]}"
    heads = [" ".join(li.text_content().split()) for li in section[0].iter("li")]
    assert heads == [RELEASE_STAMP, PAGE_FOOT.replace("{page}", "N")]
    assert section[0].get("data-search-exclude") is not None, "the source's readings would be searchable"
    method = (doc.project / "docs" / "editorial-method.md").read_text(encoding="utf-8")
    if "<!-- edition:transcription -->" in method:  # the count per document on the editorial-method page
        counts = lxml_html.parse(str(site / "editorial-method" / "index.html")).getroot().find_class("transcription-counts")
        row = next(tr for tr in counts[0].iter("tr") if f"documents/{doc.slug}/" in "".join(tr.xpath(".//a/@href")))
        assert [td.text_content() for td in row.findall("td")][1:] == [str(len(doc.readings)), "2"]


def test_names_inside_corrections_are_on_their_register_pages_and_in_the_index(ocr: Built) -> None:
    doc, _, site = ocr
    register = (site / "entities" / doc.person_id / "index.html").read_text(encoding="utf-8")
    assert f"documents/{doc.slug}/#p" in register, "the name inside the misreading is not on its register page"
    glossary = lxml_html.parse(str(site / "glossary" / "index.html")).getroot()
    entry = next(h.getparent() for h in glossary.iter("h2") if h.text and h.text.strip() == doc.acronym)
    assert any(f"documents/{doc.slug}/#p" in href for href in entry.xpath(".//a/@href")), "the acronym inside the misreading is not among its places"
    fragments = [json.loads(gzip.decompress(p.read_bytes())[len(b"pagefind_dcd"):]) for p in (site / "pagefind" / "fragment").glob("*.pf_fragment")]
    content = " ".join(f["content"] for f in fragments if f"/documents/{doc.slug}/" in f.get("meta", {}).get("url", f["url"]))  # its record
    assert content, "the document is not in the search index"
    for witness, reading in doc.readings:
        assert re.search(rf"(?<!\w){re.escape(reading)}(?!\w)", content), f"{reading!r} is not indexed text"
        assert witness not in content, f"the source's misreading {witness!r} is indexed"


def test_the_page_break_is_marked_and_cited(ocr: Built) -> None:
    doc, _, site = ocr
    memo = _memo(site, doc)
    mark = memo.get_element_by_id("page-2")
    assert mark.get("aria-label") == "Page 2 begins" and mark.text_content().strip() == "[Page 2]"
    labels = memo.xpath("//*[@data-para]/@data-cite-label")
    assert labels[0].startswith("p. 1, para.") and labels[-1].startswith("p. 2, para."), labels


# ---------------------------------------------------------------------------------------------
# The word-by-word comparison is never skipped silently


def test_the_comparison_runs_while_another_problem_exists_and_says_what_it_left_out(project: Path) -> None:
    docs = load_documents(project / "docs", Diagnostics(), project)
    assert len(docs) >= 2
    with (project / "data" / "glossary.yml").open("a", encoding="utf-8") as f:  # a problem of no memo's
        f.write("\n- term: Zyzzyva\n  kind: term\n  definition: A word for this test.\n  entity: no-such-entity\n")
    compared, broken = (project / "docs" / docs[0].path), (project / "docs" / docs[1].path)
    text = compared.read_text(encoding="utf-8")
    body = split_front_matter(text)[1]
    line = next(ln for ln in body.splitlines() if ln[:1].isalpha() and " the " in ln and "[" not in ln and "{" not in ln)
    compared.write_text(text.replace(line, line.replace(" the ", " ", 1), 1), encoding="utf-8")
    text = broken.read_text(encoding="utf-8")
    prose = next(ln for ln in split_front_matter(text)[1].splitlines() if ln[:1].isalpha() and " the " in ln)
    broken.write_text(text.replace(prose, prose.replace(" the ", " [[tbe~>the ", 1), 1), encoding="utf-8")
    check = check_in_process(project)
    assert check.returncode == 1
    assert any(ln.startswith("data/glossary.yml:") for ln in check.stdout.splitlines()), check.stdout
    differs = [ln for ln in check.stdout.splitlines() if ln.startswith(f"docs/{docs[0].path}:") and "differs from" in ln]
    assert differs and "missing 'the'" in differs[0], check.stdout
    assert f"docs/{docs[1].path}: not compared with its source word by word" in check.stderr, check.stderr


def test_a_note_number_read_as_a_digit_is_the_sources_and_not_the_texts() -> None:
    root = parse_fragment(render("Tokyo and Japan[[ 3~>]][^3] has it.\n\n[^3]: Note words."))
    mark_readings(root)
    page = f'<div class="memo-text">{serialise_children(root)}</div>'
    assert compare(source_tokens("Tokyo and Japan 3 has it.\n\n3. Note words."), [w.text for w in edition_words(page)]).faithful
    assert reading_words(root.find("p")).startswith("Tokyo and Japan has it"), reading_words(root.find("p"))
