"""Memo files: their front matter read, validated and turned into ``Document`` records.

Front matter is read for every memo before any page is rendered, so the home page, the
chronology and every cross-page index know all documents whatever the rendering order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostics
from .inputs import read_text
from .schema import Field, validate
from .yamldata import load_mapping

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)
FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")

DOCUMENT_FIELDS = [
    Field("title", "str"),
    Field("date", "date"),
    Field("authors", "str-list"),
    Field("issuing_body", "str"),
    Field("document_type", "str"),
    Field("classification", "str"),
    Field("release", "str"),
    Field("archival_source", "str-or-null"),
    Field("identifier", "str-or-null"),
    Field("pages", "int"),
    Field("bibkey", "str"),
    Field("source", "str-or-null", required=False),
    Field("editor_note", "str", required=False),
]


@dataclass(frozen=True)
class Document:
    """One memo of the edition, as its front matter describes it."""

    path: str  # relative to docs/, e.g. documents/1983-09-07-cia-....md
    title: str
    date: dt.date
    authors: tuple[str, ...]
    issuing_body: str
    document_type: str
    classification: str
    release: str
    archival_source: str | None
    identifier: str | None
    pages: int
    bibkey: str
    source: str | None = None
    editor_note: str | None = None
    body_line: int = 1  # file line where the Markdown body starts, for notes' line numbers
    bibkey_line: int = 1

    @property
    def slug(self) -> str:
        return Path(self.path).stem

    @property
    def url(self) -> str:
        """Site-relative URL with directory URLs; the hooks rewrite it when those are off."""
        return self.path[: -len(".md")] + "/"


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


def read_document(path: str, text: str, diags: Diagnostics, shown_path: str | None = None) -> Document | None:
    """Validate one memo's front matter; every problem goes to ``diags`` with its line."""
    shown = shown_path or path
    name = Path(path).name
    m = FILE_NAME.match(name)
    if not m:
        diags.error(shown, 1, f"memo file name '{name}' must be 'YYYY-MM-DD-slug.md'", "rename the file: date first, lowercase words joined by '-'")
    yaml_text, _, body_line = split_front_matter(text)
    if yaml_text is None:
        diags.error(shown, 1, "memo has no front matter", "start the file with '---', the metadata fields, and '---'")
        return None
    item = load_mapping(yaml_text, shown, diags, first_line=2)
    if item is None:
        return None
    if not validate(item, DOCUMENT_FIELDS, shown, diags, "memo front matter"):
        return None
    v = item.value
    if m and v["date"].isoformat() != m.group(1):
        diags.error(shown, item.line_of("date"), f"date {v['date']} does not match the file name's date {m.group(1)}", "make the file name start with the document's date")
    return Document(
        path=path,
        title=v["title"].strip(),
        date=v["date"],
        authors=tuple(a.strip() for a in v["authors"]),
        issuing_body=v["issuing_body"].strip(),
        document_type=v["document_type"].strip(),
        classification=v["classification"].strip(),
        release=v["release"].strip(),
        archival_source=v["archival_source"],
        identifier=v["identifier"],
        pages=v["pages"],
        bibkey=v["bibkey"].strip(),
        source=v.get("source"),
        editor_note=v.get("editor_note"),
        body_line=body_line,
        bibkey_line=item.line_of("bibkey"),
    )


def load_documents(docs_dir: Path, diags: Diagnostics, root: Path | None = None) -> list[Document]:
    """Every memo under ``docs/documents`` (sub-folders too: each is validated), sorted by date then file name."""
    docs: list[Document] = []
    base = root or docs_dir.parent
    for file in sorted((docs_dir / "documents").rglob("*.md")):
        rel = file.relative_to(docs_dir).as_posix()
        if not is_memo(rel):
            continue
        shown = file.relative_to(base).as_posix()
        text = read_text(file, shown, diags)
        if text is None:
            continue
        doc = read_document(rel, text, diags, shown_path=shown)
        if doc:
            docs.append(doc)
    docs.sort(key=lambda d: (d.date, d.path))
    return docs
