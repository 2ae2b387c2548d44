"""``make new-memo``: a new document of a given type, with every front-matter field, and its stub BibTeX entry.

The type (``TYPE=article``; a memorandum when none is given) is read from
``data/document-types.yml``: its fields with their hints, and the BibTeX entry type its
citation needs. Template text starts with FILL IN, which the check refuses, so a scaffolded
document cannot be published before a contributor has filled in its metadata. Date, title, slug
and type come from the command line of whoever runs it: each is validated, and the scaffold
writes only the document file in ``docs/documents/`` and the stub entry in ``bib/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from pathlib import Path

import yaml

from .diagnostics import Diagnostics
from .document_types import DEFAULT_TYPE, DocumentType, DocumentTypes, TypeField, load_document_types
from .documents import COMMON_NAMES, SCAFFOLD_TEXT

TEMPLATE_MARK = "FILL IN"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 60  # the file name stays readable and far below any file system's limit
MAX_TITLE = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
# Little words a citation key leaves out: the key is made of the words that say what the document is about.
KEY_SKIPS = frozenset(["a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"])

FRONT = """---
type: {type_id}
title: {title_yaml}
date: {date}
authors: []  # e.g. ["Gregg A. Rubinstein"]; [] when the document names no author
{type_fields}
release: "FILL IN: how this copy was released, e.g. Sanitized copy approved for release; null for a published text"
release_date: null  # the date of the release stamp, e.g. "2008-03-04"; null when there is none
archival_source: null  # e.g. "CIA CREST"; null when not known
identifier: null  # e.g. "CIA-RDP85T00287R000100890001-1"; null when not known
transcribed_from: null  # what the transcription was made from: scan, ocr (the OCR text of a scan), web or print
copy_url: null  # the address of that copy (a web copy, an online scan); null when not known
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

# What the stub asks for besides author, title and date, by entry type: the fields the Chicago
# style and biber's data model need (CONTRIBUTING.md, Adding a reference).
BIB_EXTRA = {
    "report": [("institution", "FILL IN: the body that issued it")],
    "article": [("journaltitle", "FILL IN: the periodical's name"), ("pages", "FILL IN: the page, e.g. 9; remove the line when not known")],
    "misc": [("howpublished", "FILL IN: where it was given, e.g. testimony to the Senate Armed Services Committee")],
}


class ScaffoldError(ValueError):
    """A date, title, slug or type the scaffold refuses, with the reason."""


def words_of(title: str) -> list[str]:
    """The title's words as a file name and a key use them: lowercase letters and digits, with
    dotted abbreviations and possessives kept whole ('U.S.' gives 'us', "Japan's" 'japans')."""
    joined = re.sub(r"\b(?:[A-Za-z]\.){2,}", lambda m: m.group(0).replace(".", ""), title)
    joined = re.sub(r"(?<=\w)['’](?=\w)", "", joined)
    return re.findall(r"[a-z0-9]+", joined.lower())


def slugify(title: str) -> str:
    return "-".join(words_of(title)[:8])[:MAX_SLUG].strip("-") or "document"


def citation_key(title: str, date: dt.date) -> str:
    """The title's first word, the year and its next two words, without the little words: 'soviet1985acquisitionjapanese'."""
    words = [w for w in words_of(title) if w not in KEY_SKIPS] or words_of(title) or ["document"]
    return f"{words[0]}{date.year}{''.join(words[1:3])}"[:60]


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


def document_type(root: Path, type_id: str | None) -> DocumentType:
    """The type ``TYPE=`` names (a memorandum when empty), from the project's registry."""
    diags = Diagnostics()
    types: DocumentTypes = load_document_types(root, diags, COMMON_NAMES)
    if diags.errors:
        raise ScaffoldError("data/document-types.yml has problems; fix them first (make check lists them):\n" + "\n".join(str(d) for d in diags.errors[:5]))
    wanted = (type_id or "").strip() or DEFAULT_TYPE
    doctype = types.get(wanted)
    if doctype is None:
        shown = wanted if len(wanted) <= 40 else wanted[:39] + "…"
        kinds = ", ".join(t.id + (f" ({t.name.lower()})" if t.name.lower() != t.id else "") for t in types.types.values())
        raise ScaffoldError(f"TYPE {shown!r} is not a document type; use one of: {kinds}. The types are declared in data/document-types.yml")
    return doctype


def _yaml_text(value: str) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=10_000, default_style='"').strip()


def _field_line(f: TypeField) -> str:
    """A type's field as the scaffold writes it: FILL IN for a required text, null for a value that
    may be unknown, a comment for an optional text (the hint and example say what goes there)."""
    example = f", e.g. {f.example}" if f.example else ""
    comment = ("" if f.required else "optional: ") + (f"e.g. {_yaml_text(f.example)}: " if f.example else "") + f.hint
    if f.kind == "str-list":
        return f"{f.name}: []  # {comment}"
    if f.nullable:
        return f"{f.name}: null  # {comment}"
    if f.required:
        return f"{f.name}: {_yaml_text(f'{TEMPLATE_MARK}: {f.hint}{example}')}"
    return f"# {f.name}: {_yaml_text(f.example or '…')}  # optional: {f.hint}"


def bib_stub(doctype: DocumentType, key: str, title: str, date: dt.date) -> str:
    """The document's own BibTeX entry, of the entry type its citation needs (``bibtex`` in the registry)."""
    fields = [("author", "{FILL IN: the author as Last, First, or the issuing office as one name}"), ("title", _bib_text(title))]
    if doctype.bibtex_type or doctype.bibtex == "report":
        fields.append(("type", doctype.bibtex_type or "FILL IN: what the document calls itself, e.g. Backgrounder"))
    if doctype.bibtex_subtype:
        fields.append(("entrysubtype", doctype.bibtex_subtype))
    fields += BIB_EXTRA.get(doctype.bibtex, [])
    fields.append(("date", date.isoformat()))
    width = max(len(name) for name, _ in fields)
    lines = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in fields)
    return f"\n@{doctype.bibtex}{{{key},\n{lines}\n}}\n"


def scaffold(root: Path, date: dt.date, title: str, slug: str | None = None, bib_file: str = "bib/references.bib",
             type_id: str | None = None) -> tuple[Path, str]:
    doctype = document_type(root, type_id)
    title = check_title(title)
    slug = check_slug(slug if slug is not None else slugify(title))
    documents, bib_dir = root / "docs" / "documents", root / "bib"
    memo = documents / f"{date.isoformat()}-{slug}.md"
    bib = root / bib_file
    if not _inside(memo, documents) or memo.parent.resolve() != documents.resolve() or not _inside(bib, bib_dir):
        raise ScaffoldError("the document must go in docs/documents/ and its entry in bib/")
    if memo.exists():
        raise FileExistsError(f"{memo.relative_to(root)} already exists")
    key = citation_key(title, date)
    existing = bib.read_text(encoding="utf-8") if bib.exists() else ""
    if re.search(r"@\w+\{" + re.escape(key) + ",", existing):
        raise FileExistsError(f"BibTeX key {key} already exists in {bib_file}")
    stub = bib_stub(doctype, key, title, date)
    _assert_one_entry(stub, key)
    memo.write_text(FRONT.format(type_id=doctype.id, title_yaml=_yaml_text(title), title_md=_md_heading(title), date=date.isoformat(), key=key,
                                 slug=slug, type_fields="\n".join(_field_line(f) for f in doctype.fields), placeholder=SCAFFOLD_TEXT),
                    encoding="utf-8")
    with bib.open("a", encoding="utf-8") as f:
        f.write(stub)
    return memo, key


def _assert_one_entry(stub: str, key: str) -> None:
    import bibtexparser

    parsed = bibtexparser.parse_string(stub)
    if [e.key for e in parsed.entries] != [key] or parsed.failed_blocks:
        raise ScaffoldError("TITLE would not make a valid BibTeX entry; write it without braces or '@'")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create a new document file of a given type and its stub BibTeX entry.")
    parser.add_argument("--date", help="the document's date, YYYY-MM-DD")
    parser.add_argument("--title", help="the document's title as printed")
    parser.add_argument("--slug", help="short lowercase words for the file name (default: from the title)")
    parser.add_argument("--type", help=f"the document's type, an id of data/document-types.yml (default: {DEFAULT_TYPE})")
    parser.add_argument("--from-environment", action="store_true",
                        help="read EDITION_DATE, EDITION_TITLE, EDITION_SLUG and EDITION_TYPE (how `make new-memo` hands them over, with no shell in between)")
    args = parser.parse_args(argv)
    if args.from_environment:
        args.date, args.title, args.slug, args.type = (os.environ.get(f"EDITION_{k}", "") for k in ("DATE", "TITLE", "SLUG", "TYPE"))
    for name in ("date", "title"):
        if not getattr(args, name):
            print(f"error: give {name.upper()}, e.g. make new-memo TYPE=article DATE=1985-04-02 TITLE=\"Title as printed\"", file=sys.stderr)
            return 2
    try:
        date = parse_date(args.date)
        memo, key = scaffold(Path.cwd(), date, args.title, args.slug or None, type_id=args.type)
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
