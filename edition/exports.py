"""A work's downloads (BibTeX, RIS, CSL-JSON) and the metadata a document page embeds for
reference managers (Highwire ``citation_*`` tags and Zotero's own ``z.*`` fields).

Each format is written for the reader that imports it, from the same CSL item the citation
processor gets, so the downloads agree with the citations. The rules each one follows are those
of Zotero's translators (zotero/translators: ``RIS.js``, ``BibTeX.js``, ``Embedded Metadata.js``
with ``RDF.js``), which ``tests/test_zotero.py`` applies to the built pages and files:

- RIS: a report's series is ``T2`` and its number ``SN``; ``SP`` is where Zotero reads a report's
  or an article's *pages*, so a page count goes there only for the types whose ``SP`` Zotero reads
  as the number of pages (book, thesis, manuscript), and nowhere else.
- Highwire: ``citation_technical_report_institution`` makes the item a report; a report has no
  "series" in Zotero, so the series travels as ``z.seriesTitle`` (Embedded Metadata hands ``z.*``
  tags to the RDF translator, which copies them into the item's field of that name), the type of
  document ("memorandum") as ``z.reportType``, the repository as ``z.archive``.
- No COinS span: Zotero's COinS translator (priority 310) would win over Embedded Metadata (320)
  and OpenURL has no field for the type of a report ("memorandum").

A document of the edition is described with the edition's page as its URL and a note naming the
edition (``EditionRecord``); the edition as a whole has a record of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from .bibtex import Reference
from .dates import format_partial_date

RIS_TYPES = {
    "book": "BOOK", "chapter": "CHAP", "article-journal": "JOUR", "article-newspaper": "NEWS",
    "article-magazine": "MGZN", "report": "RPRT", "document": "GEN", "manuscript": "MANSCPT",
    "paper-conference": "CPAPER", "thesis": "THES", "webpage": "ELEC", "pamphlet": "PAMP",
    "interview": "PCOMM", "speech": "SLIDE",
}
# RIS types whose SP Zotero's RIS translator reads as the number of pages (its fieldMap, SP:
# numPages for book, thesis, manuscript); for every other type SP is the first page
RIS_SP_IS_PAGE_COUNT = frozenset({"BOOK", "EDBOOK", "THES", "MANSCPT"})
# RIS types whose T2 Zotero reads as the series (fieldMap T2: seriesTitle for report, series for book)
RIS_T2_IS_SERIES = frozenset({"RPRT", "BOOK", "EDBOOK"})
# What a BibTeX value may not hold as it is: LaTeX's special characters, written as text
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


@dataclass(frozen=True)
class EditionRecord:
    """The edition as a citable work, as its downloads describe it (from ``EditionSettings``)."""

    title: str
    editors: tuple[str, ...] = ()
    publisher: str | None = None
    date: dt.date | None = None  # the edition's own date (its version), never a build's or reader's
    url: str | None = None
    version: str | None = None
    key: str = "edition"

    def csl(self) -> dict[str, object]:
        """A CSL item of type book: an edited collection of documents, published online."""
        item: dict[str, object] = {"id": self.key, "type": "book", "title": self.title}
        if self.editors:
            item["editor"] = [{"literal": e} for e in self.editors]
        if self.publisher:
            item["publisher"] = self.publisher
        if self.date:
            item["issued"] = {"date-parts": [[self.date.year, self.date.month, self.date.day]]}
        if self.version:
            item["version"] = self.version
        if self.url:
            item["URL"] = self.url
        return item

    def sentence(self, page_url: str | None = None) -> str:
        """'Transcribed in <title>, ed. …, <publisher>, version of <date>, <url>.': where a document
        of the edition is read, as a note of its downloads (plain text, no field names a reference
        manager would read as data)."""
        parts = [f"Transcribed in {self.title}"]
        if self.editors:
            parts.append("ed. " + _names(self.editors))
        if self.publisher:
            parts.append(self.publisher)
        if self.date:
            parts.append("version of " + format_partial_date(self.date, "chicago"))
        if page_url:
            parts.append(page_url)
        return ", ".join(parts) + "."


def _names(names: tuple[str, ...]) -> str:
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + ", and " + names[-1]


# -- CSL-JSON ---------------------------------------------------------------------------------------

def to_csl_json(ref: Reference, url: str | None = None, edition: EditionRecord | None = None) -> str:
    """The CSL-JSON download: the item the processor formats, plus the page's address when known
    and, for a document of the edition, the edition as ``source`` (Zotero's "Library Catalog") and
    a ``note`` naming it."""
    item = ref.csl()
    if url:
        item["URL"] = url
    if edition is not None:
        item["source"] = edition.title
        item["note"] = edition.sentence(url)
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def edition_csl_json(edition: EditionRecord) -> str:
    return json.dumps([edition.csl()], ensure_ascii=False, indent=2) + "\n"


# -- BibTeX ---------------------------------------------------------------------------------------

def bibtex_text(value: str) -> str:
    """Plain text as a BibTeX value: LaTeX's special characters escaped, one line."""
    return "".join(_LATEX_SPECIAL.get(c, c) for c in " ".join(value.split()))


def bibtex_url(url: str) -> str:
    """A URL as a BibTeX value: braces (the only characters that would end the value) percent-encoded."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def _with_fields(raw: str, fields: list[tuple[str, str]]) -> str:
    """The entry ``raw`` with ``fields`` added before its closing brace (its own fields win)."""
    body = raw.strip()
    present = {m.group(1).lower() for m in re.finditer(r"(?m)^\s*([A-Za-z][\w-]*)\s*=", body)}
    added = [(k, v) for k, v in fields if k not in present]
    if not added:
        return body + "\n"
    end = body.rstrip("}").rstrip().rstrip(",")
    # the added fields in the entry's own column of '=' (the key padded as the entry pads its own)
    columns = [len(m.group(1)) + len(m.group(2)) - 1 for m in re.finditer(r"(?m)^\s*([A-Za-z][\w-]*)( +)=", body)]
    width = max([len(k) for k, _ in added] + columns)
    return end + ",\n" + ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in added) + "\n}\n"


def to_bibtex(ref: Reference, url: str | None = None, edition: EditionRecord | None = None) -> str:
    """The entry as the library has it (the contributor's own BibTeX is the best export), with the
    page's address as ``url`` and, for a document of the edition, a ``note`` naming the edition.
    Zotero's BibTeX translator imports ``url`` as the item's URL and ``note`` as a note."""
    fields: list[tuple[str, str]] = []
    if url:
        fields.append(("url", bibtex_url(url)))
    if edition is not None:
        fields.append(("note", bibtex_text(edition.sentence(url))))
    return _with_fields(ref.raw, fields)


def edition_bibtex(edition: EditionRecord) -> str:
    """The edition as an edited @collection when it has editors (biblatex requires them there),
    else as @misc with its publisher as ``organization``: fields valid in biber's data model, both
    imported by Zotero's BibTeX translator as a book (with its editors)."""
    entry = "collection" if edition.editors else "misc"
    fields = [("title", "{" + bibtex_text(edition.title) + "}")]
    if edition.editors:
        fields.insert(0, ("editor", " and ".join("{" + bibtex_text(e) + "}" if "," in e else bibtex_text(e) for e in edition.editors)))
    if edition.publisher:
        fields.append(("publisher" if edition.editors else "organization", bibtex_text(edition.publisher)))
    if edition.date:
        fields.append(("date", edition.date.isoformat()))
    if edition.version:
        fields.append(("note", bibtex_text(f"Version {edition.version}")))
    if edition.url:
        fields.append(("url", bibtex_url(edition.url)))
    width = max(len(k) for k, _ in fields)
    return f"@{entry}{{{edition.key},\n" + ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields) + "\n}\n"


# -- RIS --------------------------------------------------------------------------------------------

def _present(item: dict[str, object], *pairs: tuple[str, str]) -> list[tuple[str, str]]:
    """(name, value) for each (CSL variable, name) of ``pairs`` that the work has, in that order:
    every format here writes a variable only when it is there."""
    return [(name, str(item[var])) for var, name in pairs if item.get(var)]


def _numeric_date(parts: list[int], sep: str) -> str:
    """'1987/10/26' (Highwire): as many parts as are known."""
    return sep.join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def _ris_date(parts: list[int]) -> str:
    y, m, d = ([*parts, 0, 0])[:3]
    return f"{y:04d}/{m:02d}/{d:02d}/" if d else (f"{y:04d}/{m:02d}//" if m else f"{y:04d}///")


def ris_type(ref: Reference) -> str:
    """The RIS type Zotero imports as the work's kind. A paper issued by an office (@report, even
    one never published) is a report: Zotero's report keeps its institution and type."""
    if ref.entry_type == "report":
        return "RPRT"
    return RIS_TYPES.get(ref.csl_type, "GEN")


def _ris_lines(tags: list[tuple[str, str]]) -> str:
    # one line a tag: a value's own line breaks (a LaTeX field may hold blank lines) would start
    # tags and records of their own in the reader's import
    return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in tags)


def to_ris(ref: Reference, url: str | None = None, edition: EditionRecord | None = None) -> str:
    """RIS as Zotero's RIS translator reads it: an AU without a comma is one (corporate) name; a
    page count only where Zotero reads SP as one."""
    item = ref.csl()
    ty = ris_type(ref)
    tags = [("TY", ty), *(("AU", n.inverted) for n in ref.authors)]
    series = "T2" if ty in RIS_T2_IS_SERIES else "T3"
    tags += _present(item, ("title", "TI"), ("container-title", "T2"), ("collection-title", series))
    if ref.date_parts:
        tags += [("PY", str(ref.date_parts[0])), ("DA", _ris_date(ref.date_parts))]
    tags += _present(item, ("publisher", "PB"), ("publisher-place", "CY"), ("number", "SN"), ("collection-number", "SN"))
    pages = str(item.get("page", ""))
    if pages:
        sp, _, ep = pages.partition("-")
        tags += [("SP", sp), *([("EP", ep)] if ep else [])]
    elif ty in RIS_SP_IS_PAGE_COUNT:
        tags += _present(item, ("number-of-pages", "SP"))
    tags += _present(item, ("genre", "M3"), ("abstract", "AB"), ("language", "LA"), ("archive", "DB"), ("archive_location", "AN"))
    if url:
        tags.append(("UR", url))
    if edition is not None:
        tags += [("DP", edition.title), ("N1", edition.sentence(url))]
    tags += [*_present(item, ("note", "N1")), ("ID", ref.key), ("ER", "")]
    return _ris_lines(tags)


def edition_ris(edition: EditionRecord) -> str:
    """The edition as an edited book (RIS EDBOOK, its editors A3: Zotero's book with editors)."""
    tags = [("TY", "EDBOOK"), ("TI", edition.title), *(("A3", e) for e in edition.editors)]
    if edition.date:
        tags += [("PY", str(edition.date.year)), ("DA", _ris_date([edition.date.year, edition.date.month, edition.date.day]))]
    if edition.publisher:
        tags.append(("PB", edition.publisher))
    if edition.version:
        tags.append(("N1", f"Version {edition.version}"))
    if edition.url:
        tags.append(("UR", edition.url))
    tags += [("ID", edition.key), ("ER", "")]
    return _ris_lines(tags)


# -- the page's own metadata -----------------------------------------------------------------------

def highwire_author(name: str, literal: bool) -> str:
    """A ``citation_author`` value. A person inverted, 'Family, Given'; an organisation as
    'Name,': the inverted form with no given name. Embedded Metadata splits a name without a
    comma at its last space (``ZU.cleanAuthor`` without ``useComma``: "Office of East Asian" /
    "Analysis"); with the comma it keeps the whole name as the last name and gives no first."""
    return f"{name}," if literal else name


def citation_meta(ref: Reference, page_url: str | None = None) -> list[tuple[str, str]]:
    """The page's reference metadata as Zotero's Embedded Metadata translator reads it: Highwire
    ``citation_*`` tags and, for what Highwire cannot say of a report, Zotero's ``z.*`` fields."""
    item = ref.csl()
    tags: list[tuple[str, str]] = [("citation_title", ref.title)]
    for n in ref.authors:
        tags.append(("citation_author", highwire_author(n.inverted, bool(n.literal))))
    if ref.date_parts:
        tags.append(("citation_publication_date", _numeric_date(ref.date_parts, "/")))
    report = ref.entry_type == "report"
    if report and ref.publisher:
        tags.append(("citation_technical_report_institution", ref.publisher))  # Zotero: a report
    if report:
        tags += _present(item, ("number", "citation_technical_report_number"), ("collection-number", "citation_technical_report_number"))
    if ref.publisher:
        tags.append(("citation_publisher", ref.publisher))
    if not report:
        tags += _present(item, ("collection-title", "citation_series_title"))
    tags += _present(item, ("container-title", "citation_journal_title"), ("number-of-pages", "citation_num_pages"), ("abstract", "citation_abstract"))
    if ref.language:
        tags.append(("citation_language", ref.language))
    if page_url:
        tags.append(("citation_public_url", page_url))
    if report:
        tags += _present(item, ("collection-title", "z.seriesTitle"), ("genre", "z.reportType"), ("publisher-place", "z.place"))
    tags += _present(item, ("archive", "z.archive"), ("archive_location", "z.archiveLocation"))
    return tags
