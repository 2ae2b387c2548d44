"""Front matter is validated on load, and every problem names the file, the line and the field."""

from __future__ import annotations

import pytest

from edition.diagnostics import Diagnostics
from edition.document_types import DocumentTypes, load_document_types, parse_document_types
from edition.documents import COMMON_NAMES, read_document
from tests.conftest import ROOT

GOOD = """---
title: "A memo"
date: 1984-05-01
authors: ["A. Person"]
issuing_body: "Some Agency"
document_type: "Memorandum"
classification: "Secret"
release: "Sanitized copy"
archival_source: null
identifier: null
pages: 2
bibkey: some1984memo
---

Text.
"""
PATH = "documents/1984-05-01-a-memo.md"


def errors(text: str, path: str = PATH) -> list[str]:
    diags = Diagnostics()
    read_document(path, text, diags, shown_path=f"docs/{path}")
    return [str(d) for d in diags.errors]


def test_valid_front_matter_loads() -> None:
    diags = Diagnostics()
    doc = read_document(PATH, GOOD, diags)
    assert diags.items == []
    assert doc is not None and doc.pages == 2 and doc.authors == ("A. Person",) and doc.body_line == 15


def test_missing_title_is_named() -> None:
    assert errors(GOOD.replace('title: "A memo"\n', "")) == [
        "docs/documents/1984-05-01-a-memo.md:2: missing field 'title' in memorandum front matter (add 'title:' with a non-empty text)"
    ]


def test_impossible_date_names_its_line() -> None:
    (err,) = errors(GOOD.replace("1984-05-01", "1984-02-30", 1))
    assert err.startswith("docs/documents/1984-05-01-a-memo.md:3: field 'date' has an invalid value")


def test_unknown_field_is_named_with_line_and_allowed_fields() -> None:
    (err,) = errors(GOOD.replace("pages: 2\n", "pages: 2\ncolour: red\n"))
    assert err.startswith("docs/documents/1984-05-01-a-memo.md:12: unknown field 'colour'")
    assert "allowed fields:" in err


@pytest.mark.parametrize(("old", "new", "field"), [
    ("pages: 2", "pages: two", "pages"),
    ('authors: ["A. Person"]', 'authors: "A. Person"', "authors"),
    ("date: 1984-05-01", 'date: "May 1984"', "date"),
    ('title: "A memo"', "title: 12", "title"),
])
def test_wrong_types_are_named(old: str, new: str, field: str) -> None:
    (err,) = errors(GOOD.replace(old, new))
    assert f"field '{field}'" in err and "must be" in err


def test_date_must_match_file_name() -> None:
    (err,) = errors(GOOD, path="documents/1984-05-02-a-memo.md")
    assert "does not match the file name" in err


def test_broken_yaml_is_reported_not_raised() -> None:
    (err,) = errors(GOOD.replace('title: "A memo"', 'title: "A memo'))
    assert "invalid YAML in front matter" in err and "1984-05-01-a-memo.md:" in err


def test_no_front_matter() -> None:
    assert errors("Just text\n") == ["docs/documents/1984-05-01-a-memo.md:1: document has no front matter (start the file with '---', the metadata fields, and '---')"]


def test_unknown_page_count_is_null() -> None:
    diags = Diagnostics()
    doc = read_document(PATH, GOOD.replace("pages: 2", "pages: null"), diags)
    assert diags.items == [] and doc is not None and doc.pages is None


def test_wrong_value_is_quoted_as_written_not_as_python() -> None:
    (err,) = errors(GOOD.replace("pages: 2", "pages: true"))
    assert "must be a positive whole number, or null when it is not known, not true" in err and "True" not in err
    (err,) = errors(GOOD.replace('title: "A memo"', "title:"))
    assert err.endswith("must be a non-empty text, not empty (null) (fix the value's type)")


def test_editor_note_may_be_null_and_excerpt_is_validated() -> None:
    diags = Diagnostics()
    doc = read_document(PATH, GOOD.replace("pages: 2\n", "pages: 2\neditor_note: null\nexcerpt: {part: 'pp. 2-3', from: 'One', to: 'two.'}\n"), diags)
    assert diags.items == [] and doc is not None and doc.excerpt == {"part": "pp. 2-3", "from": "One", "to": "two."}
    (err,) = errors(GOOD.replace("pages: 2\n", "pages: 2\nexcerpt: {part: 'pp. 2-3'}\n"))
    assert "field 'excerpt'" in err and "'from' and 'to'" in err


def test_source_must_be_an_existing_file_under_sources(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.txt").write_text("One.")
    (tmp_path / "secret.txt").write_text("x")
    (tmp_path / "sources" / "link.txt").symlink_to(tmp_path / "secret.txt")

    def problems(source: str) -> list[str]:
        diags = Diagnostics()
        read_document(PATH, GOOD.replace("pages: 2\n", f"pages: 2\nsource: {source}\n"), diags, shown_path=f"docs/{PATH}", root=tmp_path)
        return [str(d) for d in diags.errors]

    assert problems("sources/a.txt") == []
    line = GOOD.splitlines().index("pages: 2") + 2
    assert problems("sources/b.txt") == [f"docs/{PATH}:{line}: source 'sources/b.txt' does not exist (put the plain-text source in sources/ or correct the path)"]
    assert "is an absolute path" in problems(str(tmp_path / "sources/a.txt"))[0]
    assert "no '..'" in problems("sources/../secret.txt")[0]
    assert "no '..'" in problems("secret.txt")[0]
    assert "leads outside sources/" in problems("sources/link.txt")[0]


def test_unclosed_critic_markup_and_scaffold_placeholder_are_named() -> None:
    text = GOOD.replace("Text.\n", "Text {>>a comment\n\nMore text.[^1]\n\n(fill in: transcribe the document here: every word)\n\n[^1]: A note.\n")
    errs = errors(text)
    assert f"docs/{PATH}:15: CriticMarkup comment '{{>>' is never closed with '<<}}' (close it on the same paragraph: {{>> … <<}})" in errs
    assert any(e.startswith(f"docs/{PATH}:19: the document's text is still the scaffold's placeholder") for e in errs), errs
    assert errors(GOOD.replace("Text.\n", "Text {>>a comment<<} and {++an insertion++}.\n")) == []


# -- document types (data/document-types.yml) ------------------------------------------------------

ARTICLE = """---
type: article
title: "U.S. Effort"
date: 1984-05-01
authors: ["John Burgess"]
periodical: "Chicago Tribune"
page: "9"
byline: "By John Burgess"
dateline: null
release: null
release_date: "2008-03-04"
archival_source: "CIA CREST"
identifier: "CIA-RDP90-00552R000100010001-1"
bibkey: burgess1984effort
---

Text.
"""


def _types() -> DocumentTypes:
    diags = Diagnostics()
    types = load_document_types(ROOT, diags, COMMON_NAMES)
    assert diags.items == [], [str(d) for d in diags.items]
    return types


def test_the_registry_declares_every_kind_of_document_the_edition_takes() -> None:
    types = _types()
    assert {"memorandum", "report", "article", "cable", "hearing", "letter"} <= set(types.ids)
    for t in types.types.values():
        assert not {f.name for f in t.fields} & set(COMMON_NAMES), t.id
        assert t.field(t.brief) is not None and t.csl, t.id


def test_an_article_has_its_own_fields_and_not_a_memorandums() -> None:
    diags = Diagnostics()
    doc = read_document(PATH, ARTICLE, diags, types=_types())
    assert diags.items == [], [str(d) for d in diags.items]
    assert doc is not None and doc.doctype.id == "article" and doc.brief == "Chicago Tribune" and doc.values["page"] == "9"
    assert doc.release is None and doc.release_date == (2008, 3, 4) and doc.kind_label == doc.doctype.name
    line = ARTICLE.splitlines().index('page: "9"') + 1
    (err,) = errors(ARTICLE.replace('page: "9"', 'page: "9"\nclassification: "Secret"'))
    assert err.startswith(f"docs/{PATH}:{line + 1}: unknown field 'classification' in article front matter") and "periodical" in err, err


def test_a_missing_type_field_is_named_at_the_type_line_with_what_it_holds() -> None:
    (err,) = errors(ARTICLE.replace('periodical: "Chicago Tribune"\n', ""))
    assert err.startswith(f"docs/{PATH}:2: missing field 'periodical' (Periodical), which a newspaper or periodical article requires"), err
    assert "add 'periodical:' with the newspaper's or magazine's name" in err, err


def test_an_unknown_type_is_named_with_the_types_there_are() -> None:
    (err,) = errors(GOOD.replace("---\n", "---\ntype: clipping\n", 1))
    assert err.startswith(f"docs/{PATH}:2: unknown document type 'clipping' (use one of: memorandum, report, article"), err


@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("      label: Periodical\n      kind: str\n", "      label: Periodical\n      kind: text\n", "kind: text", "field 'kind' in document-type field is 'text'"),
    ("  brief: periodical\n", "  brief: page\n", "brief: page", "'brief' of document type 'article' must name one of its required text fields"),
    ("  csl: [article-newspaper, article-magazine]\n", "  csl: [article-journal]\n", "bibtex: article\n  bibtex_subtype: newspaper", "the scaffold's entry @article (entrysubtype newspaper) is CSL type 'article-newspaper'"),
    ("  csl: [speech]\n", "  csl: [hearing]\n", "csl: [hearing]", "names CSL types the edition's Chicago style cannot render: hearing"),
    ("    - name: periodical\n", "    - name: source\n", "name: source", "field 'source' is a field of every document"),
    ("    - name: section\n", "    - name: periodical\n", "name: periodical\n      label: Section", "field 'periodical' is declared twice"),
    ("- id: letter\n", "- id: article\n", "id: article\n  name: Letter", "document type 'article' is declared twice"),
    ("      hint: the page it appeared on", "      hnit: the page it appeared on", "hnit:", "unknown field 'hnit' in document-type field"),
])
def test_registry_problems_name_file_and_line(old: str, new: str, needle: str, message: str) -> None:
    text = (ROOT / "data" / "document-types.yml").read_text(encoding="utf-8")
    assert old in text, old
    broken = text.replace(old, new, 1)
    diags = Diagnostics()
    types = parse_document_types(broken, "data/document-types.yml", diags, COMMON_NAMES)
    line = broken[: broken.index(needle)].count("\n") + 1
    assert any(d.line == line and message in d.message for d in diags.errors), (line, [str(d) for d in diags.items])
    assert types.broken


def test_a_document_of_a_broken_registry_adds_no_knock_on_error() -> None:
    """The registry's problem is reported once, where it is: its documents are not blamed for it."""
    diags = Diagnostics()
    text = (ROOT / "data" / "document-types.yml").read_text(encoding="utf-8").replace("- id: memorandum\n", "- id: memo randum\n", 1)
    types = parse_document_types(text, "data/document-types.yml", diags, COMMON_NAMES)
    before = len(diags.items)
    assert read_document(PATH, GOOD, diags, types=types) is None and len(diags.items) == before


def test_an_excerpt_says_so_on_the_card_and_in_the_lists_and_in_full_is_said_only_when_true() -> None:
    from edition.render import documents_table, metadata_card, transcription_extent

    diags = Diagnostics()
    whole = read_document(PATH, GOOD, diags)
    part = read_document("documents/1984-05-02-a-part.md", GOOD.replace("1984-05-01", "1984-05-02").replace(
        "pages: 2\n", "pages: 2\nexcerpt: {part: 'Section II, pp. 4-7', from: 'One', to: 'two.'}\n"), diags)
    assert diags.items == [] and whole is not None and part is not None
    assert "Excerpt" in metadata_card(part) and "Section II, pp. 4-7" in metadata_card(part) and "Excerpt" not in metadata_card(whole)
    listed = documents_table([whole, part], lambda path: path)
    assert listed.count("Section II, pp. 4-7") == 1 and listed.count("Excerpt:") == 1
    assert "in full" in transcription_extent([whole]) and "in full" in transcription_extent([whole, part])
    assert "one is an excerpt" in transcription_extent([whole, part])
    assert "in full" not in transcription_extent([part])


def test_contributing_lists_every_document_type_with_its_fields() -> None:
    """The contributors' table of types says what the registry says: its fields, required in bold."""
    import re

    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for t in _types().types.values():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{t.id}` |")), None)
        assert row is not None, f"CONTRIBUTING.md has no row for the type '{t.id}'"
        named = {name: bold == "**" for bold, name in re.findall(r"(\*\*)?`(\w+)`", row.split("|")[3])}
        assert named == {f.name: f.required for f in t.fields}, (t.id, named)
