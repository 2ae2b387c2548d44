"""The real strict build, and what it must put on every memo page.

Every expectation comes from the project's own data (front matter, the memo files, data/), and
every edition-level test runs twice: on the real edition and on a generated one of about 20 memos
(the ``edition`` fixture), so nothing here depends on which memos the edition has today.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from lxml import html

from edition.dates import format_partial_date
from edition.diagnostics import Diagnostics
from edition.document_types import load_document_types
from edition.documents import COMMON_NAMES, split_front_matter
from edition.render import COMMON_LABELS
from tests.conftest import BuiltEdition, memo_pages

FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]]+)\]:", re.M)
FOOTNOTE_REFERENCE = re.compile(r"\[\^([^\]]+)\](?!:)")
CRITIC_MARK = re.compile(r"\{(?:\+\+|--|~~|>>|==)")


def page(site: Path, slug: str) -> html.HtmlElement:
    return html.parse(str(site / "documents" / slug / "index.html")).getroot()


def body_of(edition: BuiltEdition, doc) -> str:  # type: ignore[no-untyped-def]
    """The Markdown of a memo after its front matter."""
    return split_front_matter((edition.project / "docs" / doc.path).read_text(encoding="utf-8"))[1]


def exemption_codes(project: Path) -> list[str]:
    entries = yaml.safe_load((project / "data" / "glossary.yml").read_text(encoding="utf-8"))
    return [str(e["term"]) for e in entries if e.get("kind") == "exemption"]


def test_every_memo_is_built(edition: BuiltEdition) -> None:
    assert set(memo_pages(edition.site)) == {d.slug for d in edition.documents()}


def test_metadata_card_shows_front_matter(edition: BuiltEdition) -> None:
    """The card of each document shows its type's own fields under the type's labels (data/document-types.yml)
    and no label that only other types have: no "Issued by" on a newspaper clipping, no "Periodical" on a memorandum."""
    types = load_document_types(edition.project, Diagnostics(), COMMON_NAMES)
    for doc in edition.documents():
        card = page(edition.site, doc.slug).find_class("memo-card")[0]
        text = " ".join(card.text_content().split())
        labels = {" ".join(dt.text_content().split()) for dt in card.iter("dt")}
        date = format_partial_date((doc.date.year, doc.date.month, doc.date.day))
        expected = [doc.title, *doc.authors, date, doc.kind_label, doc.brief]  # the citation key is the cite box's
        if doc.release:
            expected.append(doc.release)
        for f in doc.doctype.fields:
            shown = f.shown(doc.values.get(f.name))
            if shown is not None:
                expected.append(shown)
                assert f.label in labels or f.name == "document_type", (doc.slug, f.label, labels)
            elif f.required:
                assert f.label in labels, (doc.slug, f.label)  # shown as "Not known"
        for value in expected:
            assert " ".join(value.split()) in text, (doc.slug, value)
        own = {f.label for f in doc.doctype.fields}
        others = {f.label for t in types.types.values() for f in t.fields} - own - set(COMMON_LABELS)
        assert not labels & others, (doc.slug, labels & others)
        assert set(card.xpath(".//time/@datetime")) == {doc.date.isoformat()}, doc.slug  # summary and list


def test_paragraphs_have_stable_numbered_anchors(edition: BuiltEdition) -> None:
    for doc in edition.documents():
        root = page(edition.site, doc.slug)
        ids = root.xpath('//div[@class="memo-text"]//*[starts-with(@id, "p")]/@id')
        numbered = [i for i in ids if re.fullmatch(r"p\d+", i)]
        assert numbered == [f"p{n}" for n in range(1, len(numbered) + 1)], doc.slug
        assert numbered, f"{doc.slug}: no numbered paragraph"
        for pid in numbered:  # its number, drawn in the margin; its link and cite button are made in the browser
            block = root.get_element_by_id(pid)
            assert block.get("data-para") == pid[1:] and block.get("data-cite-label", "").endswith(f"para. {pid[1:]}"), (doc.slug, pid)
            assert not block.find_class("para-anchor") and not block.find_class("para-cite"), (doc.slug, pid)


def test_redactions_are_structured_markers(edition: BuiltEdition) -> None:
    codes = exemption_codes(edition.project)
    assert codes, "no exemption code in data/glossary.yml"
    code_pattern = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, codes)) + r")(?![\w])")
    seen = 0
    for doc in edition.documents():
        root = page(edition.site, doc.slug)
        body = body_of(edition, doc)
        markers = root.find_class("redaction")
        marked_codes = [m for m in markers if "redaction--exemption" in m.get("class")]
        gaps = [m for m in markers if "redaction--gap" in m.get("class")]
        # a line of markers only shows each code once with its count ("25X1 ×3") and counts its
        # withheld passages ("2 passages not declassified"): every marking of the copy is there
        assert sum(_times(m.tail) for m in marked_codes) == len(code_pattern.findall(body)), doc.slug
        assert sum(_passages(m) for m in gaps) == body.count("[redacted]"), doc.slug
        seen += len(markers)
        for m in markers:
            # a short name; an exemption code links to its explanation, a gap is a note
            assert m.get("aria-label") and m.get("id") and (m.get("role") == "note" or m.get("href")), doc.slug
        # no stray marker text left outside the markers
        text = root.find_class("memo-text")[0]
        stray = [t for t in text.xpath(".//text()") if code_pattern.search(t) and "redaction" not in (t.getparent().get("class") or "")]
        assert stray == [], doc.slug
    assert seen, f"{edition.name}: no memo has a redaction marker, so this test checks nothing"


def _times(tail: str | None) -> int:
    m = re.match(r"\s*×(\d+)", tail or "")
    return int(m.group(1)) if m else 1


def _passages(gap: html.HtmlElement) -> int:
    m = re.fullmatch(r"(\d+) passages? not declassified", gap.text_content())
    return int(m.group(1)) if m else 1


def test_notes_keep_original_numbers(edition: BuiltEdition) -> None:
    for doc in edition.documents():
        body = body_of(edition, doc)
        defined = FOOTNOTE_DEFINITION.findall(body)
        referenced = FOOTNOTE_REFERENCE.findall(body)
        root = page(edition.site, doc.slug)
        labels = [li.get("id") for li in root.xpath('//div[@class="footnote"]//li')]
        assert labels == [f"fn:{n}" for n in dict.fromkeys(referenced)], doc.slug
        assert sorted(labels) == sorted(f"fn:{n}" for n in defined), doc.slug
        refs = [a.text for a in root.xpath('//a[@class="footnote-ref"]')]
        assert refs == referenced, doc.slug


def test_no_web_fonts_or_cdn_in_any_page(edition: BuiltEdition) -> None:
    built_site = edition.site
    outside = re.compile(r'(?:src|href)="(?:https?:)?//[^"]+"')
    for file in built_site.rglob("*.html"):
        doc = html.parse(str(file)).getroot()
        loaded = doc.xpath("//script/@src | //link[@rel='stylesheet' or @rel='preload' or @rel='icon']/@href | //img/@src | //iframe/@src")
        assert not [u for u in loaded if re.match(r"(?:https?:)?//", u)], file
    css = "".join(p.read_text(errors="ignore") for p in built_site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css
    assert not outside.search((built_site / "index.html").read_text().replace('href="https://squidfunk', ""))


def test_home_page_lists_documents_by_date(edition: BuiltEdition) -> None:
    doc = html.parse(str(edition.site / "index.html")).getroot()
    dates = doc.xpath('//table[@class="documents-list"]//time/@datetime')
    assert dates == sorted(d.date.isoformat() for d in edition.documents())


def test_the_lists_say_which_documents_are_excerpts(edition: BuiltEdition) -> None:
    """Home and Documents pages: each excerpt's part is in its row, and "in full" is said only of what is whole."""
    docs = edition.documents()
    for rel in ("index.html", "documents/index.html"):
        root = html.parse(str(edition.site / rel)).getroot()
        rows = {r.xpath(".//time/@datetime")[0] + " " + " ".join(r.xpath("./td[2]")[0].text_content().split())
                for r in root.xpath('//table[@class="documents-list"]/tbody/tr')}
        for doc in docs:
            row = next(r for r in rows if r.startswith(doc.date.isoformat()) and " ".join(doc.title.split()) in r)
            assert (f"Excerpt: {doc.part}" in row) == bool(doc.part), (rel, doc.slug, row)
        said = " ".join(root.text_content().split())
        if any(d.part for d in docs):
            assert f"{len(docs)} documents are transcribed in full" not in said and "Both documents are transcribed in full" not in said, rel
        else:
            assert "transcribed in full" in said, rel


def test_editorial_method_lists_every_intervention(edition: BuiltEdition) -> None:
    marks = sum(len(CRITIC_MARK.findall(body_of(edition, d))) for d in edition.documents())
    doc = html.parse(str(edition.site / "editorial-method" / "index.html")).getroot()
    rows = doc.xpath('//table[@class="interventions"]/tbody/tr')
    assert len(rows) == marks
    if edition.name == "real":
        assert marks > 0
