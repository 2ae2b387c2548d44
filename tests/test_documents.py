"""Front matter is validated on load, and every problem names the file, the line and the field."""

from __future__ import annotations

import pytest

from edition.diagnostics import Diagnostics
from edition.documents import read_document

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
        "docs/documents/1984-05-01-a-memo.md:2: missing field 'title' in memo front matter (add 'title:' with a non-empty text)"
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
    assert errors("Just text\n") == ["docs/documents/1984-05-01-a-memo.md:1: memo has no front matter (start the file with '---', the metadata fields, and '---')"]
