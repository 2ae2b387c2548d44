"""Document files: their front matter read, validated and turned into ``Document`` records.

Front matter is read for every document before any page is rendered, so the home page, the
chronology and every cross-page index know all documents whatever the rendering order. What a
document records besides the fields every document has depends on its type (``type:``, a
memorandum when absent), declared in ``data/document-types.yml`` (``edition.document_types``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostics
from .document_types import DEFAULT_TYPE, DocumentType, DocumentTypes, load_document_types, own_document_types
from .htmltext import shorten
from .inputs import read_text
from .schema import Field, parse_partial_date, validate
from .yamldata import Located, load_mapping

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)
FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")

# The fields of every document, whatever its type (a type adds its own: data/document-types.yml).
DOCUMENT_FIELDS = [
    Field("type", "str", required=False),
    Field("title", "str"),
    Field("date", "date"),
    Field("authors", "str-list"),
    Field("release", "str-or-null"),
    Field("release_date", "partial-date-or-null", required=False),
    Field("archival_source", "str-or-null"),
    Field("identifier", "str-or-null"),
    # the copy the transcription was made from (edition.provenance: the source note says it)
    Field("transcribed_from", "str-or-null", required=False, choices=("scan", "ocr", "web", "print")),
    Field("copy_url", "str-or-null", required=False),
    Field("bibkey", "str"),
    Field("source", "str-or-null", required=False),
    Field("editor_note", "str-or-null", required=False),
    Field("short_title", "str", required=False),
    Field("excerpt", "excerpt", required=False),
    Field("running_heads", "str-list", required=False),  # lines the source repeats on its pages (edition.witness)
]
COMMON_NAMES = tuple(f.name for f in DOCUMENT_FIELDS)


@dataclass(frozen=True)
class Document:
    """One document of the edition, as its front matter describes it."""

    path: str  # relative to docs/, e.g. documents/1983-09-07-cia-....md
    title: str
    date: dt.date
    authors: tuple[str, ...]
    doctype: DocumentType
    values: dict[str, Any]  # the type's own fields, by name (absent optional fields left out)
    release: str | None
    archival_source: str | None
    identifier: str | None
    bibkey: str
    release_date: tuple[int, int, int] | None = None
    source: str | None = None
    editor_note: str | None = None
    excerpt: dict[str, str] | None = None  # part (for readers), from and to (first and last words in the source)
    body_line: int = 1  # file line where the Markdown body starts, for notes' line numbers
    bibkey_line: int = 1
    type_line: int = 1  # the line of 'type:' (or of the front matter's start): where type problems are reported
    short_title: str | None = None  # what the apparatus calls it: "Technology Leakage ¶3"
    transcribed_from: str | None = None  # the copy transcribed: scan, ocr, web or print (edition.provenance)
    copy_url: str | None = None  # that copy's address, when known
    field_lines: Mapping[str, int] = field(default_factory=dict)  # front-matter key -> file line, for messages

    @property
    def label(self) -> str:
        """The short title, or one derived from the title (before any colon, a few words)."""
        return self.short_title or shorten(self.title.split(":")[0], 40, between_words=True)

    @property
    def slug(self) -> str:
        return Path(self.path).stem

    @property
    def url(self) -> str:
        """Site-relative URL with directory URLs; the hooks rewrite it when those are off."""
        return self.path[: -len(".md")] + "/"

    @property
    def kind_label(self) -> str:
        """What the document is, for readers: its own designation ('Intelligence memorandum') when
        its type records one, else the type's name ('Newspaper or periodical article')."""
        own = self.values.get("document_type")
        return own.strip() if isinstance(own, str) and own.strip() else self.doctype.name

    @property
    def brief(self) -> str:
        """Who issued or carried it (the type's ``brief`` field): the issuing office, the periodical."""
        return str(self.values.get(self.doctype.brief) or "").strip()

    @property
    def part(self) -> str | None:
        """What part of the document the edition gives, when it gives only a part (``excerpt.part``)."""
        return self.excerpt["part"].strip() if self.excerpt else None

    @property
    def pages(self) -> int | None:
        """The released copy's page count, for the types that record one."""
        value = self.values.get("pages")
        return value if isinstance(value, int) else None

    def metadata_text(self) -> str:
        """The words of the front matter a reader sees (title, designations, release), for the
        glossary's "used somewhere" test: an acronym of the card is used."""
        texts = [self.title, self.release or ""]
        texts += [v if isinstance(v, str) else " ".join(v) for v in self.values.values() if isinstance(v, str | list)]
        return " ".join(texts)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (yaml, body, line of the first body line)."""
    m = FRONT_MATTER.match(text)
    if not m:
        return None, text, 1
    yaml_text = m.group(1) or ""
    body = text[m.end():]
    # MkDocs drops the blank lines after the front matter; count them so note lines stay right.
    skipped = len(body) - len(body.lstrip("\n"))
    return yaml_text, body, text[: m.end()].count("\n") + 1 + skipped


def is_memo(path: str) -> bool:
    return path.startswith("documents/") and path.endswith(".md") and not path.endswith("index.md")


SOURCES_DIR = "sources"
SCAFFOLD_TEXT = "(fill in: transcribe the document here"  # the scaffold's placeholder body (no capitals: no acronym), refused until replaced
_CRITIC = re.compile(r"\{(\+\+|--|~~|>>|==)|(\+\+|--|~~|<<|==)\}")
_CRITIC_CLOSE = {"++": "++", "--": "--", "~~": "~~", ">>": "<<", "==": "=="}
_CRITIC_NAME = {"++": "insertion", "--": "deletion", "~~": "substitution", ">>": "comment", "==": "highlight"}


def check_body(body: str, first_line: int, shown: str, diags: Diagnostics) -> None:
    """What the Markdown body must not contain: the scaffold's placeholder, an unclosed CriticMarkup
    mark (which would swallow the text up to the next closing mark, note markers included)."""
    opened: tuple[str, int] | None = None
    for number, line in enumerate(body.split("\n"), start=first_line):
        if line.startswith(SCAFFOLD_TEXT):
            diags.error(shown, number, "the document's text is still the scaffold's placeholder", "replace the '(fill in: …)' line with the transcription")
        for m in _CRITIC.finditer(line):
            if m.group(1):
                if opened:
                    break  # reported below: a mark opened before this one is not closed
                opened = (m.group(1), number)
            elif opened and m.group(2) == _CRITIC_CLOSE[opened[0]]:
                opened = None
        else:
            continue
        break
    if opened:
        mark, number = opened
        diags.error(shown, number, f"CriticMarkup {_CRITIC_NAME[mark]} '{{{mark}' is never closed with '{_CRITIC_CLOSE[mark]}}}'",
                    f"close it on the same paragraph: {{{mark} … {_CRITIC_CLOSE[mark]}}}")


def check_source(value: str, root: Path, shown: str, line: int, diags: Diagnostics) -> bool:
    """``source:`` names a file under ``sources/``, relatively, that exists: the fidelity check reads
    it, so it must never reach outside the repository (an absolute path, ``..``, a symlink out)."""
    hint = f"write the path of the plain-text source from the repository root, e.g. '{SOURCES_DIR}/004_memo.txt'"
    parts = Path(value).parts
    if value.startswith(("/", "\\")) or Path(value).is_absolute() or (len(value) > 1 and value[1] == ":"):
        diags.error(shown, line, f"source '{value}' is an absolute path; it must be a relative path under {SOURCES_DIR}/", hint)
        return False
    if ".." in parts or "\\" in value or not parts or parts[0] != SOURCES_DIR or len(parts) < 2:
        diags.error(shown, line, f"source '{value}' must be a relative path under {SOURCES_DIR}/ (no '..')", hint)
        return False
    file = root / value
    sources = (root / SOURCES_DIR).resolve()
    if not file.is_file():
        diags.error(shown, line, f"source '{value}' does not exist", f"put the plain-text source in {SOURCES_DIR}/ or correct the path")
        return False
    if not file.resolve().is_relative_to(sources):
        diags.error(shown, line, f"source '{value}' leads outside {SOURCES_DIR}/ (a symbolic link)", "put the file itself in sources/")
        return False
    return True


def read_document(path: str, text: str, diags: Diagnostics, shown_path: str | None = None, root: Path | None = None,
                  types: DocumentTypes | None = None) -> Document | None:
    """Validate one document's front matter; every problem goes to ``diags`` with its line.

    With ``root`` (the repository), ``source:`` is checked too: relative, under sources/, existing.
    ``types``: the document-type registry (without it, the edition's own: ``load_documents`` gives the project's)."""
    shown = shown_path or path
    name = Path(path).name
    m = FILE_NAME.match(name)
    if not m:
        diags.error(shown, 1, f"document file name '{name}' must be 'YYYY-MM-DD-slug.md'", "rename the file: date first, lowercase words joined by '-'")
    yaml_text, body, body_line = split_front_matter(text)
    if yaml_text is not None:
        check_body(body.lstrip("\n"), body_line, shown, diags)
    if yaml_text is None:
        diags.error(shown, 1, "document has no front matter", "start the file with '---', the metadata fields, and '---'")
        return None
    item = load_mapping(yaml_text, shown, diags, first_line=2)
    if item is None:
        return None
    if types is None:
        types = own_document_types(COMMON_NAMES)
    doctype = _document_type(item, types, shown, diags)
    if doctype is None:
        return None
    if not validate(item, DOCUMENT_FIELDS + _type_schema(item, doctype, shown, diags), shown, diags, f"{doctype.id} front matter"):
        return None
    v = item.value
    if m and v["date"].isoformat() != m.group(1):
        diags.error(shown, item.line_of("date"), f"date {v['date']} does not match the file name's date {m.group(1)}", "make the file name start with the document's date")
    source = v.get("source")
    if root is not None and source is not None and not check_source(source, root, shown, item.line_of("source"), diags):
        source = None
    return Document(
        path=path,
        title=v["title"].strip(),
        date=v["date"],
        authors=tuple(a.strip() for a in v["authors"]),
        doctype=doctype,
        values={f.name: v[f.name] for f in doctype.fields if f.name in v},
        release=v["release"].strip() if v["release"] else None,
        archival_source=v["archival_source"],
        identifier=v["identifier"],
        bibkey=v["bibkey"].strip(),
        release_date=parse_partial_date(v["release_date"]) if v.get("release_date") is not None else None,
        source=source,
        editor_note=v.get("editor_note"),
        excerpt=v.get("excerpt"),
        body_line=body_line,
        bibkey_line=item.line_of("bibkey"),
        type_line=item.line_of("type"),
        short_title=(v.get("short_title") or "").strip() or None,
        transcribed_from=v.get("transcribed_from"),
        copy_url=(v.get("copy_url") or "").strip() or None,
        field_lines=dict(item.key_lines),
    )


def _document_type(item: Located, types: DocumentTypes, shown: str, diags: Diagnostics) -> DocumentType | None:
    """The type the front matter names (a memorandum when it names none), or None with the problem reported."""
    written = item.value.get("type", DEFAULT_TYPE)
    doctype = types.get(written) if isinstance(written, str) else None
    if doctype is None and not types.broken:  # a broken registry's own problems are reported where it is read
        diags.error(shown, item.line_of("type"), f"unknown document type '{shorten(str(written), 40)}'",
                    f"use one of: {types.choices()} (data/document-types.yml); without 'type:' a document is a {DEFAULT_TYPE}")
    return doctype


def _type_schema(item: Located, doctype: DocumentType, shown: str, diags: Diagnostics) -> list[Field]:
    """The type's fields for the validator. A required field that is missing is reported here, at
    the line of ``type:``, saying what the field holds (the validator would only name it)."""
    schema = []
    for f in doctype.fields:
        if f.required and f.name not in item.value:
            example = f", e.g. '{f.name}: {f.example}'" if f.example else ""
            null = " (null when not known)" if f.nullable else ""
            diags.error(shown, item.line_of("type"), f"missing field '{f.name}' ({f.label}), which {doctype.article} {doctype.name.lower()} requires",
                        f"add '{f.name}:' with {f.hint}{null}{example}")
        schema.append(Field(f.name, f.kind, required=False))
    return schema


def load_documents(docs_dir: Path, diags: Diagnostics, root: Path | None = None, types: DocumentTypes | None = None) -> list[Document]:
    """Every document under ``docs/documents`` (sub-folders too: each is validated), sorted by date then file name."""
    docs: list[Document] = []
    base = root or docs_dir.parent
    if types is None:
        types = load_document_types(base, diags, COMMON_NAMES)
    for file in sorted((docs_dir / "documents").rglob("*.md")):
        rel = file.relative_to(docs_dir).as_posix()
        if not is_memo(rel):
            continue
        shown = file.relative_to(base).as_posix()
        text = read_text(file, shown, diags)
        if text is None:
            continue
        doc = read_document(rel, text, diags, shown_path=shown, root=base, types=types)
        if doc:
            docs.append(doc)
    docs.sort(key=lambda d: (d.date, d.path))
    return docs
