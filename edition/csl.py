"""The library in CSL's terms: what the citation processor and CSL-JSON readers receive.

A BibTeX entry becomes a CSL item here and nowhere else, so the processor, the CSL-JSON download
and the cache key of every rendering see the same data. A note's locator ('pp. 47-51') becomes
CSL's label and value here too, so that the processor, not the edition, prints it in Chicago's form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .dates import format_partial_date, parse_iso_date

if TYPE_CHECKING:
    from .bibtex import Name, Reference

# BibTeX/biblatex entry type -> CSL type; @article and @misc are refined by ``entrysubtype``.
CSL_TYPES = {
    "book": "book", "inbook": "chapter", "incollection": "chapter", "article": "article-journal",
    "techreport": "report", "report": "report", "misc": "document", "unpublished": "manuscript",
    "inproceedings": "paper-conference", "thesis": "thesis", "phdthesis": "thesis", "mastersthesis": "thesis",
    "online": "webpage", "manual": "book", "booklet": "pamphlet",
}
ARTICLE_SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine", "interview": "interview"}
# @report with ``entrysubtype = {unpublished}``: a paper an office issued but never published (a
# memorandum, a cable, a letter). biblatex keeps its issuing body, type and page count in @report's
# fields; Chicago cites it as an unpublished document, in roman and quotation marks with its full
# date (CMOS 17, 14.211-14.232), which is CSL's ``manuscript``.
REPORT_SUBTYPES = {"unpublished": "manuscript"}
# @misc with one of these subtypes: an untitled item of a periodical (the entry's title is the
# periodical's), or a speech/testimony (``howpublished`` says where it was given).
MISC_SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine", "speech": "speech", "testimony": "speech"}
# BibTeX field -> CSL variable, copied as they are
SIMPLE_VARIABLES = {
    "pages": "page", "volume": "volume", "number": "number", "issue": "issue", "note": "note",
    "abstract": "abstract", "url": "URL", "doi": "DOI", "edition": "edition", "series": "collection-title",
    "pagetotal": "number-of-pages",
}
# '<' and '>' of a title on their way through the processor (restored by ``citeproc.sanitise``)
LT_MARK, GT_MARK, QUOTE_MARK = "\ue000", "\ue001", "\ue002"


def csl_type(entry_type: str, subtype: str) -> str:
    """The CSL type of a BibTeX entry type and its ``entrysubtype``; '' when CSL has none."""
    subtype = subtype.lower()
    if entry_type == "article":
        return ARTICLE_SUBTYPES.get(subtype, "article-journal")
    if entry_type == "misc" and subtype in MISC_SUBTYPES:
        return MISC_SUBTYPES[subtype]
    if entry_type == "report" and subtype in REPORT_SUBTYPES:
        return REPORT_SUBTYPES[subtype]
    return CSL_TYPES.get(entry_type, "")


# -- locators ----------------------------------------------------------------------------------

LOCATOR_LABELS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page", "table": "table", "tab": "table", "tbl": "table",
    "fig": "figure", "figure": "figure", "vol": "volume", "ch": "chapter", "chap": "chapter",
    "para": "paragraph", "sec": "section", "n": "note", "nn": "note", "col": "column",
}
_LOCATOR = re.compile(
    r"^(?:(?P<label>[A-Za-z]+)\.?\s+)?(?P<value>[0-9ivxlcdmA-Z]+(?:\s*[-–]+\s*[0-9ivxlcdmA-Z]+)?"
    r"(?:\s*,\s*[0-9ivxlcdm]+(?:\s*[-–]+\s*[0-9ivxlcdm]+)?)*)$"
)


@dataclass(frozen=True)
class Locator:
    """A pinpoint a note gives, in the processor's terms: a CSL label and the value with hyphens."""

    label: str
    value: str


def parse_locator(text: str | None) -> Locator | None:
    """'p. 325' -> page 325; 'pp. 47-51' -> page 47-51; 'Table B' -> table B; None if unreadable."""
    if not text or not text.strip():
        return None
    m = _LOCATOR.match(text.strip().rstrip("."))
    if not m:
        return None
    label = LOCATOR_LABELS.get((m.group("label") or "p").lower())
    if label is None:
        return None
    value = re.sub(r"\s*[-–]+\s*", "-", m.group("value"))
    if label == "page" and not re.fullmatch(r"[0-9ivxlcdm]+(?:-[0-9ivxlcdm]+)?(?:\s*,\s*[0-9ivxlcdm]+(?:-[0-9ivxlcdm]+)?)*", value):
        return None
    return Locator(label, value)


# -- items -------------------------------------------------------------------------------------

def csl_name(name: Name) -> dict[str, str]:
    """A CSL name: an organisation as one literal, never split into family and given; BibTeX's
    "von" part is CSL's non-dropping particle (it stays with the family name, as in 'van Beethoven')."""
    if name.literal:
        return {"literal": name.literal}
    out = {"family": name.family, "given": name.given}
    if name.particle:
        out["non-dropping-particle"] = name.particle
    if name.suffix:
        out["suffix"] = name.suffix
    return out


def csl_item(ref: Reference) -> dict[str, object]:
    """The CSL-JSON item (plain strings: citeproc-js escapes what it renders)."""
    f = ref.fields
    item: dict[str, object] = {"id": ref.key, "type": ref.csl_type or "document"}
    if ref.authors:
        item["author"] = [csl_name(n) for n in ref.authors]
    descriptive = ref.csl_type == "interview" and ref.title.lower() == "interview"
    if ref.title and not ref.untitled_periodical_item and not descriptive:
        item["title"] = ref.title
    for var, value in (("container-title", ref.container), ("publisher", ref.publisher), ("publisher-place", ref.place),
                       ("archive", ref.archive), ("archive_location", ref.archive_location)):
        if value:
            item[var] = value
    for src, dst in SIMPLE_VARIABLES.items():
        if f.get(src):
            item[dst] = f[src].replace("–", "-") if src == "pages" else f[src]
    genre = f.get("type", "")
    if ref.csl_type == "report" and genre and f.get("number") and not f.get("series"):
        # a report in a numbered series of its institution ("Asian Backgrounder" no. 70): biblatex
        # writes the series as the report's type and its number as the report's; Chicago, and
        # reference managers, read them as a series and its number ("Asian Backgrounder 70", CMOS
        # 14.123), one form in the note and in the bibliography
        item["collection-title"], item["collection-number"] = genre, item.pop("number")
        genre = ""
    if ref.csl_type == "speech" and f.get("howpublished"):
        item["event"] = f["howpublished"]  # where it was given: "testimony to the … Committee"
    elif ref.entry_type == "misc" and f.get("howpublished"):
        genre = genre or f["howpublished"]
    if ref.csl_type == "interview":
        genre = "interview"
    if genre:
        item["genre"] = genre
    if ref.language:
        item["language"] = ref.language
    orig = parse_iso_date(f.get("origdate", "")) if f.get("origdate") else None
    if orig and ref.date_parts:
        # one work issued twice (a first release and a later one): Chicago names both dates
        item["issued"] = {"literal": f"{format_partial_date(orig, 'chicago')} and {format_partial_date(ref.date_parts, 'chicago')}"}
    elif ref.date_range:
        item["issued"] = {"date-parts": ref.date_range}
    return item


def _protect_quotes(title: str) -> str:
    """A straight double quote that cannot open a quotation (it follows a letter, ``x="y"``) as a
    private-use character: citeproc-js would read it as markup it cannot pair and print the whole
    title, its ``nocase`` span included, as text. Quotes that open and close a quotation stay,
    and the processor curls them."""
    out: list[str] = []
    open_quote = False
    for i, char in enumerate(title):
        if char == '"':
            if open_quote:
                open_quote = False
            elif i == 0 or title[i - 1].isspace() or title[i - 1] in "([{“‘—–-/":
                open_quote = True
            else:
                char = QUOTE_MARK
        out.append(char)
    return "".join(out)


def processor_item(ref: Reference) -> dict[str, object]:
    """The CSL item as the processor gets it: titles as the source prints them, protected from the
    style's title-casing (BibTeX's braces protect words; a title here is already in title case)."""
    item = csl_item(ref)
    for var in ("title", "container-title"):
        if isinstance(item.get(var), str):
            # '<' and '>' travel as private-use characters (restored by ``sanitise``), so that a
            # title's own angle brackets are never read as markup by the processor
            value = _protect_quotes(str(item[var]).replace("<", LT_MARK).replace(">", GT_MARK))
            item[var] = f'<span class="nocase">{value}</span>'
    return item
