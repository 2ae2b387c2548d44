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


def metadata_card(doc: Document, citation: str = "", author_pages: dict[str, str] | None = None) -> str:
    """The header card of a memo page: what the document is, before its text.

    A ``details`` element, so a phone reader can fold it away and start with the text; the
    summary keeps title, date and issuer in view. ``author_pages`` links authors who are in
    the register to their page.
    """
    date = f'<time datetime="{doc.date.isoformat()}">{esc(format_partial_date((doc.date.year, doc.date.month, doc.date.day)))}</time>'
    rows: list[tuple[str, str]] = [
        ("Date", date),
        ("Author", _authors(doc, author_pages or {})),
        ("Issued by", esc(doc.issuing_body)),
        ("Document type", esc(doc.document_type)),
        ("Original classification", esc(doc.classification)),
        ("Release", esc(doc.release)),
        ("Archival source", esc(doc.archival_source) if doc.archival_source else "<em>Not known</em>"),
    ]
    if doc.identifier:
        rows.append(("Identifier", esc(doc.identifier)))
    pages = getattr(doc, "pages", None)
    rows.append(("Pages", esc(pages) if pages is not None else "<em>Not known</em>"))
    rows.append(("Citation key", f"<code>{esc(doc.bibkey)}</code>"))
    body = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    note = f'<p class="memo-card__note">{esc(doc.editor_note)}</p>' if doc.editor_note else ""
    return (
        f'<details class="memo-card" open aria-label="About this document" data-citation="{esc(citation)}">'
        f'<summary><span class="memo-card__title">{esc(doc.title)}</span> '
        f'<span class="memo-card__brief">{date}, {esc(doc.issuing_body)}</span></summary>'
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
    """The list of memos on the home page, in date order."""
    rows = "".join(
        f"<tr><td><time datetime=\"{d.date.isoformat()}\">{esc(d.date.isoformat())}</time></td>"
        f"<td>{link(url_for(d.path), d.title)}</td><td>{esc(d.issuing_body)}</td>"
        f"<td>{esc(d.document_type)}</td></tr>"
        for d in docs
    )
    return (
        '<table class="documents-list"><thead><tr><th>Date</th><th>Title</th><th>Issued by</th>'
        f"<th>Type</th></tr></thead><tbody>{rows}</tbody></table>"
    )


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
