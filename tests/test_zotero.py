"""What Zotero imports from the edition's pages and downloads (issue 24), by the rules of Zotero's
own translators, ported here from the public zotero/translators repository (and the item schema
and OpenURL reader of zotero/utilities) and applied to the built pages and files.

Sources of the rules (file @ commit, the function or table ported):

- ``Embedded Metadata.js`` @ dcd14d6f47d3f3db90943d79abdfde17240cc38c (priority 320, header line 8):
  ``HIGHWIRE_MAPPINGS`` (from line 42), ``init`` (prefix split ``/[.:_]/``, ``_prefixes``, the
  ``citation_*`` switch that sets ``hwType``/``hwTypeGuess``), ``processFields``/``getContentText``
  (first ``meta[name$=…]``), ``processHighwireCreators`` (split at ';', then at ',' for one node
  with spaces on both sides, ``ZU.cleanAuthor(creator, role, creator.includes(","))``),
  ``completeItem``/``addHighwireMetadata`` (creators from RDF only when no ``citation_author``;
  ``hwType`` replaces the RDF item's type), ``addLowQualityMetadata`` (W3 ``author``,
  ``description``, canonical link, ``html/@lang`` only when nothing better).
- ``RDF.js`` @ 0dd0169088ece4129ef516f9bf21718509b6d16b: ``importItem``'s "OTHER FIELDS" loop (every
  ``z:`` arc is copied to the item field of that name), ``detectType``'s fallback to
  ``exports.defaultUnknownType``.
- ``COinS.js`` @ c763c1e0f1c9ae13fb51af79145efcfec0bb126f: priority 310 (header), i.e. preferred to
  Embedded Metadata whenever a page has a ``span.Z3988``.
- ``RIS.js`` @ f50d4465fc40623d76d23d0690b71008ba4186c0: ``importTypeMap``/``exportTypeMap``,
  ``fieldMap`` (TI, AU, T2, T3, PY, DA, PB, CY, SN, SP, EP, M3, AB, LA, DB, AN, UR, DP, N1),
  ``processTag`` (creators: last name before the first comma, no first name = ``fieldMode`` 1;
  PY only as a backup date), ``applyValue`` (a field not valid for the type is dropped).
- ``BibTeX.js`` @ d2d7747bcd182c8ddd7840adef52b2d4f7c0abe1: ``bibtex2zoteroTypeMap``, ``fieldMap``,
  ``inputFieldMap``, ``processField`` (names: ``splitUnprotected`` at 'and' and ',', a braced
  name one ``fieldMode`` 1 creator; ``institution`` → ``backupPublisher``; ``number`` of a report
  → ``reportNumber``; ``note`` → a note; ``howpublished``), ``beginRecord``'s close.
- ``resource/zoteroTypeSchemaData.js`` of zotero/utilities @ 346c6bbbec92470468bb4fa453f5ff957704fafb:
  the fields and creator types of ``report`` and ``book`` and their base fields.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from edition.bibtex import Library, Reference, load_library
from edition.diagnostics import Diagnostics
from edition.documents import Document, load_documents
from tests.cite_support import PUBLISHED_URL, canonical
from tests.conftest import ROOT

SITE_NAME = re.search(r'^site_name:\s*"?(.*?)"?\s*$', (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1)  # type: ignore[union-attr]

# -- Zotero's item schema (zoteroTypeSchemaData.js): fields of a type, base fields, creator types --------

TYPE_FIELDS = {
    "report": {"title", "abstractNote", "reportNumber", "reportType", "institution", "place", "date", "seriesTitle", "seriesNumber",
               "pages", "DOI", "ISBN", "citationKey", "url", "accessDate", "ISSN", "archive", "archiveLocation", "shortTitle",
               "language", "libraryCatalog", "callNumber", "rights", "extra"},
    "book": {"title", "abstractNote", "series", "seriesNumber", "volume", "numberOfVolumes", "edition", "date", "publisher", "place",
             "originalDate", "originalPublisher", "originalPlace", "format", "numPages", "ISBN", "DOI", "citationKey", "url",
             "accessDate", "ISSN", "archive", "archiveLocation", "shortTitle", "language", "libraryCatalog", "callNumber", "rights", "extra"},
}
BASE_FIELDS = {"report": {"publisher": "institution", "type": "reportType", "number": "reportNumber"}, "book": {}}
CREATOR_TYPES = {"report": {"author", "contributor", "editor", "seriesEditor", "translator"},
                 "book": {"author", "contributor", "editor", "seriesEditor", "translator"}}
ITEM_KEYS = {"itemType", "creators", "notes", "tags", "attachments"}


def complete(item: dict[str, Any]) -> dict[str, Any]:
    """``item.complete()`` as saved: a base field becomes its type's own field, a field the type does not
    have is dropped (the schema above), creators keep the types the item type has."""
    kind = item["itemType"]
    if kind not in TYPE_FIELDS:  # a type whose fields are not listed here: kept as read (only its title and pages are tested)
        return item
    out: dict[str, Any] = {"itemType": kind, "creators": [c for c in item.get("creators", []) if c.get("creatorType", "author") in CREATOR_TYPES[kind]],
                           "notes": item.get("notes", [])}
    for name, value in item.items():
        if name in ITEM_KEYS or value in (None, ""):
            continue
        field = BASE_FIELDS[kind].get(name, name)
        if field in TYPE_FIELDS[kind] and field not in out:
            out[field] = value
    return out


def clean_author(author: str, creator_type: str, use_comma: bool) -> dict[str, str]:
    """``ZU.cleanAuthor`` (zotero/utilities utilities.js): punctuation trimmed; with ``use_comma`` the
    last name is what comes before the first comma; without, the last word is the last name; then a
    period after each initial of the first name."""
    author = re.sub(r"^[\s\u00a0.,/\[\]:]+", "", author)
    author = re.sub(r"[\s\u00a0.,/\[\]:]+$", "", author)
    author = re.sub(r"[\s\u00a0]+", " ", author, count=1)
    first: str | None
    if use_comma:
        author = re.sub(r"\.([^ ])", r". \1", author, count=1)
        names = re.split(r"[,،] ?", author)
        last, first = (names[0], names[1]) if len(names) > 1 else (author, None)
    else:
        space = len(author)
        while True:
            space = author.rfind(" ", 0, max(space, 0))
            last, first = author[space + 1:], author[:max(space, 0)]
            if (last[:1].isalpha()) or space <= 0:
                break
    if first and re.fullmatch(r"[A-Z\u0400-\u042f]+", first) and len(first) < 4 and (len(first) == 1 or last.upper() != last):
        first = " ".join(c + "." for c in first)  # probably initials
    if first:
        names = re.split(r"(?:[\s.]+|(?=-))", re.sub(r"\s*([\u002d\u00ad\u2010-\u2015\u2212\u2e3a\u2e3b])\s*", "-",
                                                     re.sub(r"[\s,]+$", "", re.sub(r"^[\s.]+", "", first)), count=1))
        first = " ".join(n + ("." if re.fullmatch(r"-?[A-Z\u0400-\u042f]", n) else "") for n in names).replace(" -", "-").strip()
    out = {"lastName": last, "creatorType": creator_type}
    if first is not None:
        out["firstName"] = first
    return out


# -- Embedded Metadata, with the RDF translator it hands namespaced tags to ---------------------------

HIGHWIRE_MAPPINGS = {
    "citation_title": "title", "citation_publication_date": "date", "citation_cover_date": "date", "citation_date": "date",
    "citation_journal_title": "publicationTitle", "citation_journal_abbrev": "journalAbbreviation", "citation_inbook_title": "publicationTitle",
    "citation_book_title": "bookTitle", "citation_volume": "volume", "citation_issue": "issue", "citation_series_title": "series",
    "citation_conference_title": "conferenceName", "citation_conference": "conferenceName", "citation_dissertation_institution": "university",
    "citation_technical_report_institution": "institution", "citation_technical_report_number": "number", "citation_publisher": "publisher",
    "citation_isbn": "ISBN", "citation_abstract": "abstractNote", "citation_doi": "DOI", "citation_public_url": "url", "citation_language": "language",
}
PREFIXES = {"bib", "bibo", "dc", "dcterms", "prism", "foaf", "vcard", "link", "z", "eprint", "eprints", "og", "article", "book", "music",
            "video", "so", "codemeta", "rdf"}
HW_TYPES = {"citation_journal_title": "journalArticle", "citation_technical_report_institution": "report",
            "citation_conference_title": "conferencePaper", "citation_conference": "conferencePaper", "citation_book_title": "bookSection",
            "citation_inbook_title": "bookSection", "citation_dissertation_institution": "thesis"}


def _content(metas: list[tuple[str, str]], name: str) -> list[str]:
    """``getContent``/``getContentText``: the values of the meta tags whose name ends with ``name``."""
    return [value for key, value in metas if key.endswith(name)]


def _highwire_creators(values: list[str], language: str | None) -> list[dict[str, str]]:
    """``processHighwireCreators``."""
    creators: list[dict[str, str]] = []
    last = None
    for value in values:
        parts = re.split(r"\s*;\s*", value)
        if len(parts) == 1 and len(values) == 1:
            by_comma = re.split(r"\s*,\s*", parts[0])
            two_word = len(by_comma) == 2 and language in ("es", "spa", "Spanish", "español") and len(by_comma[0].split(" ")) == 2
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1] and not two_word:
                parts = by_comma
        for creator in parts:
            creator = creator.strip()
            if not creator or not re.search(r"[^\s,\-.;]", creator) or creator == last:
                continue
            last = creator
            creators.append(clean_author(creator, "author", "," in creator))
    return creators


def embedded_metadata(page: html.HtmlElement) -> dict[str, Any]:
    """The item Zotero's Embedded Metadata translator saves from ``page``."""
    metas = [(m.get("name") or m.get("property") or "", m.get("content") or "") for m in page.xpath("//meta") if m.get("content")]
    hw_type = hw_guess = None
    statements: dict[str, str] = {}
    for names, value in metas:
        for tag in names.split():
            parts = re.split(r"[.:_]", tag)
            prefix = parts[1].lower() if len(parts) > 2 and parts[1].lower() in PREFIXES else parts[0].lower()
            length = len(parts[0]) + len(parts[1]) + 1 if len(parts) > 2 and parts[1].lower() in PREFIXES else len(parts[0])
            if prefix in PREFIXES:
                prop = tag[length + 1:]
                statements.setdefault(f"{prefix}:{prop[:1].lower()}{prop[1:]}", value)
                continue
            short = tag[tag.rfind("citation_"):] if "citation_" in tag else tag
            if short in HW_TYPES:
                hw_type = HW_TYPES[short]
            elif short in ("citation_title", "citation_series_title"):
                hw_guess = hw_guess or "journalArticle"
    # RDF.js importItem: no rdf:type or z:itemType here, so the type is the default unknown type;
    # every z: arc becomes the item field of its name ("OTHER FIELDS")
    item: dict[str, Any] = {"itemType": hw_guess or ("webpage" if statements else None), "creators": []}
    for key, value in statements.items():
        ns, _, prop = key.partition(":")
        if ns == "z":
            item[prop] = value
    rdf_creators = item["creators"]
    for meta, field in HIGHWIRE_MAPPINGS.items():
        values = _content(metas, meta)
        if values and values[0].strip():
            item[field] = " ".join(values[0].split())
    language = (_content(metas, "citation_language") or [None])[0]
    item["creators"] = _highwire_creators(_content(metas, "citation_author") or _content(metas, "citation_authors"), language)
    if not item["creators"]:
        item["creators"] = rdf_creators
    if hw_type:
        item["itemType"] = hw_type
    if not item["creators"]:  # addLowQualityMetadata: the W3 author, split as a name without a comma
        item["creators"] = [clean_author(a, "author", False) for k, a in metas if k.lower() == "author"]
    item.setdefault("abstractNote", next((v for k, v in metas if k.lower() == "description"), None))
    item.setdefault("url", (page.xpath("//head/link[@rel='canonical']/@href") or [None])[0])
    item.setdefault("language", page.get("lang"))
    return complete(item)


# -- RIS ----------------------------------------------------------------------------------------------

RIS_TYPES = {"RPRT": "report", "BOOK": "book", "EDBOOK": "book", "JOUR": "journalArticle", "MGZN": "magazineArticle",
             "NEWS": "newspaperArticle", "MANSCPT": "manuscript", "UNPD": "manuscript", "SLIDE": "presentation", "PCOMM": "letter",
             "THES": "thesis", "CHAP": "bookSection", "GEN": "journalArticle", "ELEC": "webpage"}
RIS_FIELDS: dict[str, dict[str, str]] = {  # tag -> {item type or "*": field}
    "TI": {"*": "title"}, "AU": {"*": "creators/author"}, "A3": {"book": "creators/editor"},
    "T2": {"report": "seriesTitle", "book": "series", "journalArticle": "publicationTitle", "magazineArticle": "publicationTitle",
           "newspaperArticle": "publicationTitle", "bookSection": "bookTitle"},
    "T3": {"bookSection": "series", "journalArticle": "series"},
    "PY": {"*": "date"}, "DA": {"*": "date"}, "PB": {"*": "publisher", "report": "institution"}, "CY": {"*": "place"},
    "SN": {"*": "ISBN", "report": "reportNumber", "journalArticle": "ISSN", "magazineArticle": "ISSN", "newspaperArticle": "ISSN"},
    "SP": {"*": "pages", "book": "numPages", "thesis": "numPages", "manuscript": "numPages"}, "EP": {"*": "pages"},
    "M3": {"report": "reportType", "manuscript": "manuscriptType"}, "AB": {"*": "abstractNote"}, "LA": {"*": "language"},
    "DB": {"*": "archive"}, "AN": {"*": "archiveLocation"}, "UR": {"*": "url"}, "DP": {"*": "libraryCatalog"}, "N1": {"*": "notes"},
    "ET": {"*": "edition"}, "ID": {"*": "__ignore"},
}


def ris_import(text: str) -> list[dict[str, Any]]:
    """Zotero's RIS translator (``importNext``/``processTag``/``applyValue``), for the tags above."""
    items: list[dict[str, Any]] = []
    item: dict[str, Any] | None = None
    backup_date = None
    for line in text.splitlines():
        m = re.match(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$", line)
        assert m, f"not a RIS line: {line!r}"  # every line is one tag: a value never spans lines
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "TY":
            item, backup_date = {"itemType": RIS_TYPES.get(value, "journalArticle"), "creators": [], "notes": []}, None
            continue
        assert item is not None, "a tag before TY"
        if tag == "ER":
            if backup_date and not item.get("date"):
                item["date"] = backup_date
            items.append(complete(item))
            item = None
            continue
        if not value:
            continue
        mapping = RIS_FIELDS.get(tag, {})
        field = mapping.get(item["itemType"], mapping.get("*"))
        if field is None or field == "__ignore":
            continue
        if tag == "PY":  # PY is less complete than DA: a backup
            backup_date = value
        elif field.startswith("creators/"):
            last = value.split(",")[0].strip()
            first = value[len(value.split(",")[0]):].lstrip(" ,")
            item["creators"].append({"lastName": last, "creatorType": field[9:], **({"firstName": first} if first else {"fieldMode": 1})})
        elif field == "notes":
            item["notes"].append(value)
        elif tag == "EP":
            item["pages"] = f"{item['pages']}-{value}" if item.get("pages") else value
        elif field not in item:
            item[field] = re.sub(r"^(\d{4})/(\d{2})/(\d{2})/.*$", r"\1-\2-\3", value) if tag == "DA" else value
    return items


# -- BibTeX -------------------------------------------------------------------------------------------

BIBTEX_TYPES = {"book": "book", "report": "report", "techreport": "report", "unpublished": "manuscript", "collection": "book",
                "misc": "book", "article": "journalArticle", "online": "webpage"}
BIBTEX_FIELDS = {"address": "place", "type": "type", "series": "series", "title": "title", "url": "url", "abstract": "abstractNote",
                 "language": "language", "publisher": "publisher", "journaltitle": "publicationTitle", "pagetotal": "numPages"}


def _split_unprotected(text: str, pattern: str) -> list[str]:
    """``splitUnprotected``: split at ``pattern`` outside braces."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        depth += (c == "{") - (c == "}")
        m = re.match(pattern, text[i:]) if depth == 0 else None
        if m and m.group(0):
            parts.append(text[start:i])
            i += len(m.group(0))
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _unbrace(value: str) -> str:
    return re.sub(r"\\([#$%&~_^{}])", r"\1", value.replace("{", "").replace("}", "")).strip()


def bibtex_import(text: str) -> list[dict[str, Any]]:
    """Zotero's BibTeX translator (``beginRecord``/``processField``), for the fields above."""
    items = []
    for m in re.finditer(r"@(\w+)\{([^,]+),(.*?)\n\}", text, re.S):
        item: dict[str, Any] = {"itemType": BIBTEX_TYPES[m.group(1).lower()], "creators": [], "notes": []}
        for fm in re.finditer(r"^\s*(\w+)\s*=\s*\{(.*)\},?\s*$", m.group(3), re.M):
            field, raw = fm.group(1).lower(), fm.group(2)
            value = _unbrace(raw)
            if field in ("author", "editor"):
                for name in _split_unprotected(raw.strip(), r"\s+and\s+"):
                    pieces = _split_unprotected(name, r"\s*,\s*")
                    if len(pieces) > 1:  # "Last, First" or "Last, Jr, First": the first name is the last piece
                        first, last = pieces.pop(), pieces.pop(0)
                        first += "".join(", " + p for p in pieces)
                        item["creators"].append({"lastName": _unbrace(last), "firstName": _unbrace(first), "creatorType": field})
                    elif len(_split_unprotected(name, r" +")) > 1:
                        item["creators"].append(clean_author(_unbrace(name), field, False))
                    else:
                        item["creators"].append({"lastName": _unbrace(name), "creatorType": field, "fieldMode": 1})
            elif field in ("institution", "organization"):
                item["backupPublisher"] = value
            elif field == "location":
                item["backupLocation"] = value
            elif field == "number":
                item["reportNumber" if item["itemType"] == "report" else "issue"] = value
            elif field == "date":
                item["date"] = value
            elif field == "note":
                item["notes"].append(value)
            elif field == "howpublished":
                item["url" if value.startswith(("http://", "https:/", "mailto:")) else "extra"] = value
            elif field in BIBTEX_FIELDS:
                item[BIBTEX_FIELDS[field]] = value
        if item.get("backupLocation") and not item.get("place"):
            item["place"] = item["backupLocation"]
        if item.get("backupPublisher") and not item.get("publisher"):
            item["publisher"] = item["backupPublisher"]
        item.pop("backupLocation", None)
        item.pop("backupPublisher", None)
        items.append(complete(item) if item["itemType"] in TYPE_FIELDS else item)
    return items


# -- the edition's documents --------------------------------------------------------------------------

def _documents() -> list[Document]:
    docs = load_documents(ROOT / "docs", Diagnostics(), ROOT)
    assert docs
    return docs


def _library() -> Library:
    diags = Diagnostics()
    library = load_library(ROOT / "bib", ROOT, diags)
    assert diags.errors == []
    return library


def _page(site: Path, doc: Document) -> html.HtmlElement:
    return html.parse(str(site / "documents" / doc.slug / "index.html")).getroot()


def test_the_ports_reproduce_the_translators_known_failures() -> None:
    """The ported rules are the translators' own: they give what the issue's audit saw Zotero do."""
    # Embedded Metadata splits an organisation without a comma at its last space
    page = html.fromstring('<html lang="en"><head><meta name="citation_title" content="T">'
                           '<meta name="citation_author" content="Office of East Asian Analysis">'
                           '<meta name="citation_series_title" content="Asian Backgrounder">'
                           '<meta name="citation_technical_report_institution" content="The Heritage Foundation"></head><body></body></html>')
    item = embedded_metadata(page)
    assert item["creators"] == [{"firstName": "Office of East Asian", "lastName": "Analysis", "creatorType": "author"}]
    assert item["itemType"] == "report" and "series" not in item and "seriesTitle" not in item  # a report has no "series"
    # RIS: a page count in SP is a report's pages
    assert ris_import("TY  - RPRT\nTI  - T\nSP  - 4\nER  - \n")[0]["pages"] == "4"
    # and three people out of one organisation with commas
    assert len(embedded_metadata(html.fromstring('<html><head><meta name="citation_author" content="Central Intelligence Agency, '
                                                 'Directorate of Intelligence, Office of East Asian Analysis"></head></html>'))["creators"]) == 3


def test_no_page_offers_coins() -> None:
    """COinS (priority 310) would win over Embedded Metadata (320) and has no field for a report's
    type: no document page carries a Z3988 span, so Zotero reads the Embedded Metadata below."""
    for path in (ROOT / "edition").glob("*.py"):
        assert "Z3988" not in path.read_text(encoding="utf-8"), path


# Every document of the edition, with its own entry of the library: what each import must give is
# read from that entry (the edition's two originals are a report in a series and an office's
# memorandum; a document added tomorrow is checked the same way).
DOCUMENTS = sorted(load_documents(ROOT / "docs", Diagnostics(), ROOT), key=lambda d: d.path)


def _report_fields(ref: Reference) -> dict[str, str]:
    """A report's series and number (Zotero's seriesTitle, reportNumber) when the entry numbers it
    in a series, else its kind (reportType): biblatex's report keeps the series in ``type``."""
    kind = ref.fields.get("type", "")
    if ref.fields.get("number"):
        return {"seriesTitle": kind, "reportNumber": ref.fields["number"]}
    return {"reportType": kind} if kind else {}


def _creators(ref: Reference, literal: dict[str, object]) -> list[dict[str, object]]:
    """The entry's authors as Zotero's creators: an organisation one name (with ``literal``'s marks), a person in two parts."""
    return [{"lastName": n.literal, "creatorType": "author", **literal} if n.literal
            else {"firstName": n.given, "lastName": n.family_with_particle, "creatorType": "author"} for n in ref.authors]


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.slug)
def test_each_document_page_imports_with_what_its_entry_says(published_site: Path, doc: Document) -> None:
    """Zotero's Embedded Metadata translator on the page: the entry's type, title, creators (an
    office one name, not split at its last space), report series and number or kind, institution,
    date, language and abstract; the canonical address."""
    ref = _library().get(doc.bibkey)
    assert ref is not None, doc.bibkey
    page = _page(published_site, doc)
    assert not page.xpath("//span[contains(@class, 'Z3988')]")
    item = embedded_metadata(page)
    assert item["title"] == ref.title and item["url"] == canonical(doc.url)
    assert item["creators"] == _creators(ref, {}), item["creators"]
    if ref.fields.get("abstract"):
        assert item["abstractNote"] == ref.fields["abstract"]
    if ref.fields.get("langid") == "english":
        assert item["language"] == "en"
    if ref.entry_type == "report":
        assert item["itemType"] == "report" and item["institution"] == ref.publisher
        assert {k: item.get(k) for k in _report_fields(ref)} == _report_fields(ref), item
        assert item["date"] == ref.fields["date"].replace("-", "/")


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.slug)
def test_each_documents_ris_imports_with_its_type_and_no_page_count_as_pages(published_site: Path, doc: Document) -> None:
    ref = _library().get(doc.bibkey)
    assert ref is not None, doc.bibkey
    (item,) = ris_import((published_site / "cite" / f"{doc.slug}.ris").read_text(encoding="utf-8"))
    assert item["title"] == ref.title
    assert "pages" not in item, "a report's SP is its pages: a page count must not be there"
    assert item["url"] == canonical(doc.url) and item["libraryCatalog"] == SITE_NAME
    assert any(SITE_NAME in n and canonical(doc.url) in n for n in item["notes"]), item["notes"]  # the edition, named
    assert item["creators"] == [{**c, "fieldMode": 1} if "firstName" not in c else c for c in _creators(ref, {})], item["creators"]
    if ref.entry_type == "report":
        assert item["itemType"] == "report"
        assert {k: item.get(k) for k in _report_fields(ref)} == _report_fields(ref), item
        if "reportType" in _report_fields(ref):
            assert item["date"] == ref.fields["date"]


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.slug)
def test_each_documents_bibtex_carries_the_url_and_imports(published_site: Path, doc: Document) -> None:
    ref = _library().get(doc.bibkey)
    assert ref is not None, doc.bibkey
    (item,) = bibtex_import((published_site / "cite" / f"{doc.slug}.bib").read_text(encoding="utf-8"))
    assert item["url"] == canonical(doc.url) and item["title"] == ref.title
    assert any(SITE_NAME in n for n in item["notes"])
    if all(n.literal for n in ref.authors):
        assert item["creators"] == _creators(ref, {"fieldMode": 1}), item["creators"]
    if ref.entry_type == "report":
        assert item["itemType"] == "report" and item["institution"] == ref.publisher
        if "reportType" in _report_fields(ref):
            assert item["reportType"] == ref.fields["type"]


def test_the_editions_own_downloads_import_as_an_edited_book(published_site: Path) -> None:
    bib = bibtex_import((published_site / "cite" / "edition.bib").read_text(encoding="utf-8"))
    ris = ris_import((published_site / "cite" / "edition.ris").read_text(encoding="utf-8"))
    csl = json.loads((published_site / "cite" / "edition.json").read_text(encoding="utf-8"))
    for item in (*bib, *ris):
        assert item["itemType"] == "book" and item["title"] == SITE_NAME and item["url"] == PUBLISHED_URL
    assert [i["title"] for i in csl] == [SITE_NAME] and csl[0]["URL"] == PUBLISHED_URL and csl[0]["type"] == "book"


def test_every_work_of_the_bibliography_has_downloads_that_import(published_site: Path) -> None:
    """The site-wide bibliography links each work's BibTeX, RIS and CSL-JSON; each file describes that
    work, and no RIS puts a page count where Zotero reads pages."""
    library = _library()
    page = html.parse(str(published_site / "bibliography" / "index.html")).getroot()
    base = published_site / "bibliography" / "index.html"
    for key, ref in library.references.items():
        links = page.xpath(f'//li[@id="ref-{key}"]//a[@download]/@href')
        assert sorted(h.rsplit(".", 1)[1] for h in links) == ["bib", "json", "ris"], key
        files = {h.rsplit(".", 1)[1]: (base.parent / h).resolve() for h in links}
        (ris,) = ris_import(files["ris"].read_text(encoding="utf-8"))
        assert ris.get("title") == ref.csl().get("title"), key  # an untitled item (a periodical's issue) has none
        if ref.untitled_periodical_item:
            assert ris.get("publicationTitle") == ref.container, key
        if not ref.fields.get("pages"):
            assert "pages" not in ris, key
        (csl,) = json.loads(files["json"].read_text(encoding="utf-8"))
        assert csl["id"] == key
        assert re.search(r"@\w+\{" + re.escape(key) + ",", files["bib"].read_text(encoding="utf-8")), key
