"""HTML for the parts of pages the edition writes itself; every value is escaped data."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html import escape

from .dates import format_partial_date
from .documents import Document
from .editorial import Intervention
from .fidelity import NORMALISATIONS
from .paragraphs import place_label

UrlFor = Callable[[str], str]  # docs path (+ optional #fragment) -> link relative to the current page


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def link(href: str, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return f'<a href="{esc(href)}"{extra}>{esc(text)}</a>'


def _authors(doc: Document, author_pages: dict[str, str]) -> str:
    if not doc.authors:
        return "<em>Not named in the document</em>"
    return "; ".join(link(author_pages[a], a, class_="memo-card__author") if a in author_pages else esc(a) for a in doc.authors)


def card_rows(doc: Document, author_pages: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, HTML value) of each line of the card, in order: what every document has, then the
    fields of its type with the type's own labels (data/document-types.yml), then where the copy
    comes from. A required field with no value reads "Not known"; an optional one is left out."""
    date = f'<time datetime="{doc.date.isoformat()}">{esc(format_partial_date(doc.date))}</time>'
    rows: list[tuple[str, str]] = [("Date", date), ("Author", _authors(doc, author_pages or {})), ("Document type", esc(doc.kind_label))]
    for f in doc.doctype.fields:
        if f.name == "document_type":
            continue  # the document's own designation is its 'Document type' above
        shown = f.shown(doc.values.get(f.name))
        if shown is not None:
            rows.append((f.label, esc(shown)))
        elif f.required:
            rows.append((f.label, NOT_KNOWN))
    if doc.part:
        rows.append(("Excerpt", esc(doc.part)))
    if doc.release:
        rows.append(("Release", esc(doc.release)))
    if doc.release_date:
        rows.append(("Release date", esc(format_partial_date(doc.release_date))))
    rows.append(("Archival source", esc(doc.archival_source) if doc.archival_source else NOT_KNOWN))
    if doc.identifier:
        rows.append(("Identifier", esc(doc.identifier)))
    return rows


NOT_KNOWN = "<em>Not known</em>"
# The card's lines that every document has, whatever its type (a type's own lines come from data/document-types.yml).
COMMON_LABELS = ("Date", "Author", "Document type", "Excerpt", "Release", "Release date", "Archival source", "Identifier")


def metadata_card(doc: Document, author_pages: dict[str, str] | None = None) -> str:
    """The header card of a document page: what the document is, before its text.

    A ``details`` element, so a phone reader can fold it away and start with the text; the
    summary keeps title, date, who issued or carried it and, for an excerpt, which part in view.
    It is written folded, as a phone shows it: folding it by script after the page was drawn
    moved the text ~500 px up (a layout shift of 0.36). On a wide screen the stylesheet draws it
    open from the first paint and edition.js then opens it (nothing moves); print opens it.
    ``author_pages`` links authors who are in the register to their page. The citation key is
    the "Cite this document" section's (a label for reference managers, not for readers of the
    card or of a printout).
    """
    date = f'<time datetime="{doc.date.isoformat()}">{esc(format_partial_date(doc.date))}</time>'
    body = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in card_rows(doc, author_pages))
    note = f'<p class="memo-card__note">{esc(doc.editor_note)}</p>' if doc.editor_note else ""
    part = f"; excerpt: {esc(doc.part)}" if doc.part else ""
    return (
        f'<details class="memo-card memo-card--{esc(doc.doctype.id)}" aria-label="About this document">'
        f'<summary><span class="memo-card__title">{esc(doc.title)}</span> '
        f'<span class="memo-card__brief">{date}, {esc(doc.brief)}{part}</span></summary>'
        f"<dl>{body}</dl>{note}</details>"
    )


ANNOTATION_LEVELS = (("essential", "Essential"), ("all", "All"), ("none", "None"))


def choice_control(name: str, label: str, purpose: str, attribute: str, options: tuple[tuple[str, str], ...], default: str) -> str:
    """A reader's setting as a group of buttons, one pressed (edition.js runs it and keeps the
    choice in localStorage). Buttons, so it works with the keyboard."""
    buttons = "".join(
        f'<button type="button" class="{name}__option" data-{attribute}="{value}" '
        f'aria-pressed="{"true" if value == default else "false"}">{text}</button>'
        for value, text in options
    )
    return (
        f'<div class="{name}" role="group" aria-label="{esc(purpose)}" data-search-exclude>'
        f'<span class="{name}__label" aria-hidden="true">{esc(label)}</span>{buttons}</div>'
    )


def annotation_control() -> str:
    """The reader's switch between essential, all and no annotation marks."""
    return choice_control("annotation-control", "Annotations:", "Annotations shown in the text", "annotations", ANNOTATION_LEVELS, "essential")


_TABLE = re.compile(r"<table\s[^>]*\bclass=.*?</table>", re.S)  # Material wraps class-less tables itself


def wrap_tables(html: str) -> str:
    """Material's own scrolling table wrapper around the edition's tables: Material adds it by
    script only to tables without a class, and a table that cannot scroll breaks words on a phone."""
    return _TABLE.sub(lambda m: f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">{m.group(0)}</div></div>', html)


def documents_table(docs: Iterable[Document], url_for: UrlFor) -> str:
    """The list of documents on the home and Documents pages, in date order; an excerpt says so."""
    rows = "".join(
        f"<tr><td><time datetime=\"{d.date.isoformat()}\">{esc(d.date.isoformat())}</time></td>"
        f"<td>{link(url_for(d.path), d.title)}"
        + (f'<br><small class="documents-list__excerpt">Excerpt: {esc(d.part)}</small>' if d.part else "")
        + f"</td><td>{esc(d.brief)}</td><td>{esc(d.kind_label)}</td></tr>"
        for d in docs
    )
    return (
        '<table class="documents-list"><thead><tr><th>Date</th><th>Title</th><th>From</th>'
        f"<th>Type</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def transcription_extent(docs: Iterable[Document]) -> str:
    """Whether the edition gives every document in full, said only as far as it is true."""
    listed = list(docs)
    parts = [d for d in listed if d.part]
    if not listed:
        return "<p>The edition has no document yet.</p>"
    if not parts:
        whole = {1: "The document is", 2: "Both documents are"}.get(len(listed), f"All {len(listed)} documents are")
        return f"<p>{whole} transcribed in full from the copy the edition names.</p>"
    if len(parts) == len(listed):
        return "<p>Each document is given in part: the list says which part of it is transcribed.</p>"
    in_full = len(listed) - len(parts)
    excerpts = "one is an excerpt" if len(parts) == 1 else f"{len(parts)} are excerpts"
    return (f"<p>Of the {len(listed)} documents, {in_full} {'is' if in_full == 1 else 'are'} transcribed in full and {excerpts}: "
            "the list says which part of each excerpt is given.</p>")


def interventions_table(items: Iterable[Intervention], docs: dict[str, Document], url_for: UrlFor) -> str:
    rows = []
    for it in items:
        doc = docs.get(it.doc_path)
        title = doc.title if doc else it.doc_path
        where = it.paragraph_id or ""
        href = url_for(it.doc_path + (f"#{where}" if where else ""))
        place = f"{title}, {place_label(where)}" if where else title
        rows.append(f"<tr><td>{link(href, place)}</td><td>{esc(it.kind)}</td><td>{esc(it.text)}</td></tr>")
    if not rows:
        return "<p>No interventions.</p>"
    return (
        '<table class="interventions"><thead><tr><th>Where</th><th>Kind</th><th>Text</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def normalisations_list() -> str:
    items = "".join(f"<li><strong>{esc(name)}.</strong> {esc(text)}</li>" for name, text in NORMALISATIONS)
    return f'<ol class="normalisations">{items}</ol>'
