"""``make new-memo``: a new memo file with every front-matter field, and its stub BibTeX entry.

The template text starts with FILL IN, which the check refuses, so a scaffolded memo cannot be
published before a contributor has filled in its metadata. Date, title and slug come from the
command line of whoever runs it: each is validated, and the scaffold writes only the memo file in
``docs/documents/`` and the stub entry in ``bib/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

import yaml

from .documents import SCAFFOLD_TEXT

TEMPLATE_MARK = "FILL IN"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 60  # the file name stays readable and far below any file system's limit
MAX_TITLE = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

MEMO = """---
title: {title_yaml}
date: {date}
authors: []  # e.g. ["Gregg A. Rubinstein"]; [] when the document names no author
issuing_body: "FILL IN: the agency, office or organisation that issued it"
document_type: "FILL IN: e.g. Intelligence memorandum, Backgrounder, Cable"
classification: "FILL IN: original classification as marked, e.g. Secret"
release: "FILL IN: e.g. Sanitized copy approved for release, date of release"
archival_source: null  # e.g. "CIA CREST"; null when not known
identifier: null  # e.g. "CIA-RDP85T00287R000100890001-1"; null when not known
pages: null  # number of pages of the released copy, e.g. 4; null when not known
bibkey: {key}
source: "FILL IN: sources/{date}-{slug}.txt"  # the plain-text source as received (CONTRIBUTING.md, Sources as they come)
editor_note: null  # a sentence for readers about this copy (an excerpt, a web copy, a damaged scan); null when none
# excerpt:  # only when the edition gives part of the source; see CONTRIBUTING.md
#   part: "Section II, pp. 4-7"
#   from: "first words of the part"
#   to: "last words of the part."
---

# {title_md}

{placeholder}: every word of the source, in order, as the contributors' guide says)
"""

BIB = """
@techreport{{{key},
  author      = {{{{FILL IN: issuing body or Last, First}}}},
  title       = {{{title}}},
  institution = {{FILL IN: issuing body}},
  type        = {{FILL IN: document type}},
  year        = {{{year}}},
  date        = {{{date}}}
}}
"""


class ScaffoldError(ValueError):
    """A date, title or slug the scaffold refuses, with the reason."""


def slugify(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:8])[:MAX_SLUG].strip("-") or "memo"


def check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ScaffoldError("TITLE is empty: give the title as printed on the document")
    if len(title) > MAX_TITLE:
        raise ScaffoldError(f"TITLE is {len(title)} characters long; at most {MAX_TITLE}")
    if _CONTROL.search(title):
        raise ScaffoldError("TITLE contains a line break or a control character: write it on one line")
    return title


def check_slug(slug: str) -> str:
    if len(slug) > MAX_SLUG:
        raise ScaffoldError(f"SLUG is {len(slug)} characters long; at most {MAX_SLUG} (a few lowercase words joined by '-')")
    if not SLUG.fullmatch(slug):
        shown = slug if len(slug) <= 40 else slug[:39] + "…"
        raise ScaffoldError(f"SLUG {shown!r} must be lowercase letters and digits joined by '-', e.g. 'soviet-robotics' (no '/', '.', spaces or quotes)")
    return slug


def parse_date(text: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
        raise ScaffoldError(f"DATE {text[:20]!r} is not a real date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScaffoldError(f"DATE {text!r} is not a real date written YYYY-MM-DD") from None


def _md_heading(title: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|!])", r"\\\1", title)


def _bib_text(title: str) -> str:
    """The title inside a braced BibTeX value: no braces, backslashes or '@' that could end it or start an entry."""
    return re.sub(r"[{}\\@]", "", title)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def scaffold(root: Path, date: dt.date, title: str, slug: str | None = None, bib_file: str = "bib/references.bib") -> tuple[Path, str]:
    title = check_title(title)
    slug = check_slug(slug if slug is not None else slugify(title))
    documents, bib_dir = root / "docs" / "documents", root / "bib"
    memo = documents / f"{date.isoformat()}-{slug}.md"
    bib = root / bib_file
    if not _inside(memo, documents) or memo.parent.resolve() != documents.resolve() or not _inside(bib, bib_dir):
        raise ScaffoldError("the memo must go in docs/documents/ and its entry in bib/")
    if memo.exists():
        raise FileExistsError(f"{memo.relative_to(root)} already exists")
    words = slug.split("-")
    key = f"{words[0]}{date.year}{''.join(words[1:3])}"
    existing = bib.read_text(encoding="utf-8") if bib.exists() else ""
    if re.search(r"@\w+\{" + re.escape(key) + ",", existing):
        raise FileExistsError(f"BibTeX key {key} already exists in {bib_file}")
    stub = BIB.format(key=key, title=_bib_text(title), year=date.year, date=date.isoformat())
    _assert_one_entry(stub, key)
    title_yaml = yaml.safe_dump(title, allow_unicode=True, width=10_000, default_style='"').strip()
    memo.write_text(MEMO.format(title_yaml=title_yaml, title_md=_md_heading(title), date=date.isoformat(), key=key, slug=slug,
                                placeholder=SCAFFOLD_TEXT), encoding="utf-8")
    with bib.open("a", encoding="utf-8") as f:
        f.write(stub)
    return memo, key


def _assert_one_entry(stub: str, key: str) -> None:
    import bibtexparser

    parsed = bibtexparser.parse_string(stub)
    if [e.key for e in parsed.entries] != [key] or parsed.failed_blocks:
        raise ScaffoldError("TITLE would not make a valid BibTeX entry; write it without braces or '@'")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create a new memo file and its stub BibTeX entry.")
    parser.add_argument("--date", help="the document's date, YYYY-MM-DD")
    parser.add_argument("--title", help="the document's title as printed")
    parser.add_argument("--slug", help="short lowercase words for the file name (default: from the title)")
    parser.add_argument("--from-environment", action="store_true",
                        help="read EDITION_DATE, EDITION_TITLE and EDITION_SLUG (how `make new-memo` hands them over, with no shell in between)")
    args = parser.parse_args(argv)
    if args.from_environment:
        args.date, args.title, args.slug = (os.environ.get(f"EDITION_{k}", "") for k in ("DATE", "TITLE", "SLUG"))
    for name in ("date", "title"):
        if not getattr(args, name):
            print(f"error: give {name.upper()}, e.g. make new-memo DATE=1985-04-02 TITLE=\"Title as printed\"", file=sys.stderr)
            return 2
    try:
        date = parse_date(args.date)
        memo, key = scaffold(Path.cwd(), date, args.title, args.slug or None)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (FileExistsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"created {memo.relative_to(Path.cwd())} and a stub entry '{key}' in bib/references.bib")
    print("next: put the source in sources/, fill in every FILL IN field, transcribe the text, then run `make check`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
