"""HTML for the parts of pages the edition writes itself; every value is escaped data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from .documents import Document
from .editorial import Intervention
from .fidelity import NORMALISATIONS
from .paragraphs import place_label
from .schema import format_partial_date

UrlFor = Callable[[str], str]  # docs path (+ optional #fragment) -> link relative to the current page


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def link(href: str, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return f'<a href="{esc(href)}"{extra}>{esc(text)}</a>'


def metadata_card(doc: Document, citation: str = "") -> str:
    """The header card of a memo page: what the document is, before its text."""
    rows: list[tuple[str, str]] = [
        ("Date", f'<time datetime="{doc.date.isoformat()}">{esc(format_partial_date((doc.date.year, doc.date.month, doc.date.day)))}</time>'),
        ("Author", esc("; ".join(doc.authors)) if doc.authors else "<em>Not named in the document</em>"),
        ("Issued by", esc(doc.issuing_body)),
        ("Document type", esc(doc.document_type)),
        ("Original classification", esc(doc.classification)),
        ("Release", esc(doc.release)),
        ("Archival source", esc(doc.archival_source) if doc.archival_source else "<em>Not known</em>"),
    ]
    if doc.identifier:
        rows.append(("Identifier", esc(doc.identifier)))
    rows.append(("Pages", esc(doc.pages)))
    rows.append(("Citation key", f"<code>{esc(doc.bibkey)}</code>"))
    body = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    note = f'<p class="memo-card__note">{esc(doc.editor_note)}</p>' if doc.editor_note else ""
    return (
        f'<section class="memo-card" aria-label="About this document" data-citation="{esc(citation)}">'
        f'<p class="memo-card__title">{esc(doc.title)}</p><dl>{body}</dl>{note}</section>'
    )


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
