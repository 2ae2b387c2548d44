"""A work's downloads (BibTeX, RIS, CSL-JSON) and the metadata a memo page embeds for
reference managers (Highwire ``citation_*`` tags, a COinS span).

Each format is written for the reader that imports it (Zotero's translators, Google Scholar),
from the same CSL item the citation processor gets, so the downloads agree with the citations.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import urlencode

from .bibtex import Reference

RIS_TYPES = {
    "book": "BOOK", "chapter": "CHAP", "article-journal": "JOUR", "article-newspaper": "NEWS",
    "article-magazine": "MGZN", "report": "RPRT", "document": "GEN", "manuscript": "UNPB",
    "paper-conference": "CPAPER", "thesis": "THES", "webpage": "ELEC", "pamphlet": "PAMP",
    "interview": "PCOMM", "speech": "SLIDE",
}


def to_csl_json(ref: Reference, url: str | None = None) -> str:
    """The CSL-JSON download: the item the processor formats, plus the page's address when known."""
    item = ref.csl()
    if url:
        item["URL"] = url
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def to_bibtex(ref: Reference) -> str:
    """The entry as the library has it, comments aside: the contributor's own BibTeX is the best export."""
    return ref.raw.strip() + "\n"


def _present(item: dict[str, object], *pairs: tuple[str, str]) -> list[tuple[str, str]]:
    """(name, value) for each (CSL variable, name) of ``pairs`` that the work has, in that order:
    every format here writes a variable only when it is there."""
    return [(name, str(item[var])) for var, name in pairs if item.get(var)]


def _numeric_date(parts: list[int], sep: str) -> str:
    """'1987/10/26' (Highwire) or '1987-10-26' (COinS): as many parts as are known."""
    return sep.join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def to_ris(ref: Reference, url: str | None = None) -> str:
    """RIS as Zotero's RIS translator reads it: an AU without a comma is one (corporate) name."""
    item = ref.csl()
    tags = [("TY", RIS_TYPES.get(str(item["type"]), "GEN")), *(("AU", n.inverted) for n in ref.authors)]
    tags += _present(item, ("title", "TI"), ("container-title", "T2"), ("collection-title", "T3"))
    if ref.date_parts:
        y, m, d = ([*ref.date_parts, 0, 0])[:3]
        tags += [("PY", str(y)), ("DA", f"{y:04d}/{m:02d}/{d:02d}/" if d else (f"{y:04d}/{m:02d}//" if m else f"{y:04d}///"))]
    tags += _present(item, ("publisher", "PB"), ("publisher-place", "CY"), ("number", "SN"))
    pages = str(item.get("page", ""))
    if pages:
        sp, _, ep = pages.partition("-")
        tags += [("SP", sp), *([("EP", ep)] if ep else [])]
    else:
        tags += _present(item, ("number-of-pages", "SP"))
    tags += _present(item, ("genre", "M3"), ("abstract", "AB"))
    if url:
        tags.append(("UR", url))
    tags += [*_present(item, ("note", "N1")), ("ID", ref.key), ("ER", "")]
    # one line a tag: a value's own line breaks (a LaTeX field may hold blank lines) would start
    # tags and records of their own in the reader's import
    return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in tags)


def citation_meta(ref: Reference, page_url: str | None = None) -> list[tuple[str, str]]:
    """``citation_*`` meta tags (Highwire Press) as Zotero's Embedded Metadata translator reads them.

    One tag per author; an organisation's name has no comma (checked on load), so the translator
    does not split it into persons.
    """
    item = ref.csl()
    tags: list[tuple[str, str]] = [("citation_title", ref.title)]
    for n in ref.authors:
        tags.append(("citation_author", n.inverted))
    if ref.date_parts:
        tags.append(("citation_publication_date", _numeric_date(ref.date_parts, "/")))
    if item["type"] == "report":
        if ref.publisher:
            tags.append(("citation_technical_report_institution", ref.publisher))
        tags += _present(item, ("number", "citation_technical_report_number"))
    if ref.publisher:
        tags.append(("citation_publisher", ref.publisher))
    # a series: 'series', or a report type that carries a number ("Asian Backgrounder" no. 70)
    series = item.get("collection-title") or (item.get("genre") if item["type"] == "report" and item.get("number") else None)
    if series:
        tags.append(("citation_series_title", str(series)))
    tags += _present(item, ("container-title", "citation_journal_title"), ("number-of-pages", "citation_num_pages"), ("abstract", "citation_abstract"))
    tags.append(("citation_language", "en"))
    if page_url:
        tags.append(("citation_public_url", page_url))
    return tags


def coins(ref: Reference, page_url: str | None = None) -> str:
    """A COinS span (OpenURL ContextObject). Zotero's COinS translator (priority 300) is preferred to
    Embedded Metadata (400) and reads ``rft.aucorp`` as one institutional name, which Highwire's
    ``citation_author`` cannot express; so it is emitted only for works by an organisation."""
    if not any(n.literal for n in ref.authors):
        return ""
    item = ref.csl()
    is_book = item["type"] in ("book", "report")
    pairs: list[tuple[str, str]] = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book" if is_book else "info:ofi/fmt:kev:mtx:journal"),
        ("rft.genre", "report" if item["type"] == "report" else ("book" if is_book else "article")),
        ("rft.btitle" if is_book else "rft.atitle", ref.title),
    ]
    for n in ref.authors:
        pairs.append(("rft.aucorp", n.literal) if n.literal else ("rft.au", n.inverted))
    if ref.date_parts:
        pairs.append(("rft.date", _numeric_date(ref.date_parts, "-")))
    pairs += [(name, value) for name, value in (("rft.pub", ref.publisher), ("rft.place", ref.place)) if value]
    pairs += _present(item, ("collection-title", "rft.series"), ("number-of-pages", "rft.tpages"))
    if page_url:
        pairs.append(("rft_id", page_url))
    return f'<span class="Z3988" title="{escape(urlencode(pairs), quote=True)}"></span>'
