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
from .htmltext import shorten
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
    Field("pages", "int-or-null"),
    Field("bibkey", "str"),
    Field("source", "str-or-null", required=False),
    Field("editor_note", "str-or-null", required=False),
    Field("short_title", "str", required=False),
    Field("excerpt", "excerpt", required=False),
    Field("running_heads", "str-list", required=False),  # lines the source repeats on its pages (edition.witness)
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
    pages: int | None  # None: the page count of the released copy is not known
    bibkey: str
    source: str | None = None
    editor_note: str | None = None
    excerpt: dict[str, str] | None = None  # part (for readers), from and to (first and last words in the source)
    body_line: int = 1  # file line where the Markdown body starts, for notes' line numbers
    bibkey_line: int = 1
    short_title: str | None = None  # what the apparatus calls it: "Technology Leakage ¶3"

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
            diags.error(shown, number, "the memo's text is still the scaffold's placeholder", "replace the '(fill in: …)' line with the transcription")
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


def read_document(path: str, text: str, diags: Diagnostics, shown_path: str | None = None, root: Path | None = None) -> Document | None:
    """Validate one memo's front matter; every problem goes to ``diags`` with its line.

    With ``root`` (the repository), ``source:`` is checked too: relative, under sources/, existing."""
    shown = shown_path or path
    name = Path(path).name
    m = FILE_NAME.match(name)
    if not m:
        diags.error(shown, 1, f"memo file name '{name}' must be 'YYYY-MM-DD-slug.md'", "rename the file: date first, lowercase words joined by '-'")
    yaml_text, body, body_line = split_front_matter(text)
    if yaml_text is not None:
        check_body(body.lstrip("\n"), body_line, shown, diags)
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
    source = v.get("source")
    if root is not None and source is not None and not check_source(source, root, shown, item.line_of("source"), diags):
        source = None
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
        source=source,
        editor_note=v.get("editor_note"),
        excerpt=v.get("excerpt"),
        body_line=body_line,
        bibkey_line=item.line_of("bibkey"),
        short_title=(v.get("short_title") or "").strip() or None,
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
        doc = read_document(rel, text, diags, shown_path=shown, root=base)
        if doc:
            docs.append(doc)
    docs.sort(key=lambda d: (d.date, d.path))
    return docs
