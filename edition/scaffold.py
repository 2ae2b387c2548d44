"""``make new-memo``: a new memo file with every front-matter field, and its stub BibTeX entry.

The template text starts with FILL IN, which the check refuses, so a scaffolded memo cannot be
published before a contributor has filled in its metadata.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

TEMPLATE_MARK = "FILL IN"

MEMO = """---
title: "{title}"
date: {date}
authors: []  # e.g. ["Gregg A. Rubinstein"]; [] when the document names no author
issuing_body: "FILL IN: the agency, office or organisation that issued it"
document_type: "FILL IN: e.g. Intelligence memorandum, Backgrounder, Cable"
classification: "FILL IN: original classification as marked, e.g. Secret"
release: "FILL IN: e.g. Sanitized copy approved for release, date of release"
archival_source: null  # e.g. "CIA CREST"; null when not known
identifier: null  # e.g. "CIA-RDP85T00287R000100890001-1"; null when not known
pages: 1  # number of pages of the released copy
bibkey: {key}
source: null  # path of the plain-text source in sources/, e.g. sources/004_....txt
---

# {title}

Transcribe the document here, following CONTRIBUTING.md: every word of the source, in order.
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


def slugify(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:8]) or "memo"


def scaffold(root: Path, date: dt.date, title: str, slug: str | None = None, bib_file: str = "bib/references.bib") -> tuple[Path, str]:
    slug = slug or slugify(title)
    memo = root / "docs" / "documents" / f"{date.isoformat()}-{slug}.md"
    if memo.exists():
        raise FileExistsError(f"{memo.relative_to(root)} already exists")
    key = f"{slug.split('-')[0]}{date.year}{''.join(slug.split('-')[1:3])}"
    bib = root / bib_file
    if re.search(r"@\w+\{" + re.escape(key) + ",", bib.read_text(encoding="utf-8") if bib.exists() else ""):
        raise FileExistsError(f"BibTeX key {key} already exists in {bib_file}")
    safe_title = title.replace('"', "'")
    memo.write_text(MEMO.format(title=safe_title, date=date.isoformat(), key=key), encoding="utf-8")
    with bib.open("a", encoding="utf-8") as f:
        f.write(BIB.format(key=key, title=title.replace("{", "").replace("}", ""), year=date.year, date=date.isoformat()))
    return memo, key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create a new memo file and its stub BibTeX entry.")
    parser.add_argument("--date", required=True, help="the document's date, YYYY-MM-DD")
    parser.add_argument("--title", required=True, help="the document's title as printed")
    parser.add_argument("--slug", help="short lowercase words for the file name (default: from the title)")
    args = parser.parse_args(argv)
    try:
        date = dt.date.fromisoformat(args.date)
    except ValueError:
        print(f"error: --date {args.date!r} is not a real date written YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        memo, key = scaffold(Path.cwd(), date, args.title, args.slug)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"created {memo.relative_to(Path.cwd())} and a stub entry '{key}' in bib/references.bib")
    print("next: fill in every FILL IN field, transcribe the text, then run `make check`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
