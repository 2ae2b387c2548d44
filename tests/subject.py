"""The tests' own document, added to a copy of the project where a test breaks a document on purpose.

The catalogue of bad inputs (tests/test_catalogue.py) and the chronology's checks need a document
whose exact words, notes, front matter, source, library entries and register entries they can
name. The edition's real documents change with every correction a contributor makes, and tests
must not depend on them: this one belongs to the tests. It is a memorandum as CONTRIBUTING.md
describes one (a dateline before the title, a marker line, a note citing a work of the library,
registered names, its source in sources/), and passes the check as it is (tests/test_catalogue.py,
``test_the_subject_passes_the_check``); what each test breaks is its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

SUBJECT = "docs/documents/2001-02-03-catalogue-subject.md"
SOURCE = "sources/2001-02-03-catalogue-subject.txt"
BIB = "bib/references.bib"
ENTITIES = "data/entities.yml"
BOOK = "catalogue2000book"  # the work its note cites
PAGES = 2

SOURCE_TEXT = """3 February 2001

Catalogue Subject

25X1

Taro Testperson wrote to Jiro Otherperson about the machines.¹ The reply came within the week.

1. Hanako Author, A Book for the Catalogue (Tokyo: Test Press, 2000), p. 12.
"""

NOTE = f"[^1]: Hanako Author, *A Book for the Catalogue* (Tokyo: Test Press, 2000), p. 12. [@{BOOK}, p. 12]"

DOCUMENT = f"""---
type: memorandum
title: "Catalogue Subject"
date: 2001-02-03
authors: []
issuing_body: "Office of Test Documents"
document_type: "Memorandum"
classification: "Secret"
pages: {PAGES}
release: "Sanitized copy approved for release"
archival_source: null
identifier: null
transcribed_from: scan
bibkey: catalogue2001subject
source: {SOURCE}
---

3 February 2001

# Catalogue Subject

25X1

Taro Testperson wrote to Jiro Otherperson about the machines.[^1] The reply came within the week.

{NOTE}
"""

ENTRY = """
@report{catalogue2001subject,
  author       = {{Office of Test Documents}},
  title        = {Catalogue Subject},
  type         = {memorandum},
  entrysubtype = {unpublished},
  institution  = {Office of Test Documents},
  date         = {2001-02-03}
}
"""

WORK = f"""
@book{{{BOOK},
  author    = {{Author, Hanako}},
  title     = {{A Book for the Catalogue}},
  publisher = {{Test Press}},
  location  = {{Tokyo}},
  date      = {{2000}}
}}
"""

REGISTER = """
- id: taro-testperson
  name: Taro Testperson
  type: person
  aliases: [Testperson, Mr. Testperson]
  description: >-
    The writer in the tests' own document.

- id: jiro-otherperson
  name: Jiro Otherperson
  type: person
  aliases: [Otherperson]
  description: >-
    The reader in the tests' own document.
"""


def add_people_and_work(project: Path) -> Path:
    """``project`` (a copy) with the tests' two people and the work their document cites, for a
    document of a test's own to name and cite (each must then be named and cited, or the check
    reports it)."""
    for path, text in ((BIB, WORK), (ENTITIES, REGISTER)):
        with (project / path).open("a", encoding="utf-8") as f:
            f.write(text)
    return project


def add_subject(project: Path) -> Path:
    """``project`` (a copy) with the tests' document, its source, its library entry, the work it
    cites and its two people."""
    add_people_and_work(project)
    (project / SUBJECT).write_text(DOCUMENT, encoding="utf-8")
    (project / SOURCE).write_text(SOURCE_TEXT, encoding="utf-8")
    with (project / BIB).open("a", encoding="utf-8") as f:
        f.write(ENTRY)
    return project


def edit(path: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        file = project / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, count), encoding="utf-8")

    return apply


def append(path: str, text: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        with (project / path).open("a", encoding="utf-8") as f:
            f.write(text)

    return apply


def line_of(project: Path, path: str, needle: str) -> int:
    text = (project / path).read_text(encoding="utf-8")
    if "\n" in needle:
        return text[: text.index(needle)].count("\n") + 1
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)
