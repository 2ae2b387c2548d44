"""The scholarly apparatus around a memo: resolved references in its notes, its works cited,
its "cite this document" box, and the site-wide bibliography with links back to every note."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from lxml import html as lxml_html
from lxml.html import HtmlElement

from .bibliography import Formatter, Library
from .documents import Document
from .notes import ResolvedNote
from .render import esc, link

UrlFor = Callable[[str], str]


def ref_anchor(key: str) -> str:
    return f"ref-{key}"


def note_anchor(label: str) -> str:
    return f"fn:{label}"


def annotate_footnotes(root: HtmlElement, notes: list[ResolvedNote], fmt: Formatter) -> None:
    """Add the full formatted reference after each note's original wording (shown in the popover too)."""
    by_label = {n.note.label: n for n in notes}
    for li in root.iter("li"):
        label = (li.get("id") or "").removeprefix("fn:")
        rn = by_label.get(label) if (li.get("id") or "").startswith("fn:") else None
        if rn is None or rn.key is None or rn.key not in fmt.library:
            continue
        how = {"ibid": "Ibid. = ", "op. cit.": "op. cit. = "}.get(rn.how, "")
        ref_html = fmt.note_with_locator(rn.key, rn.locator)
        span = lxml_html.fragment_fromstring(
            f'<span class="note-reference"><span class="note-reference__how">{esc(how)}</span>'
            f'<a href="#{esc(ref_anchor(rn.key))}" class="note-reference__work">{ref_html}</a></span>'
        )
        target = li.find("p") if li.find("p") is not None else li
        backref = next((a for a in target.iter("a") if "footnote-backref" in (a.get("class") or "")), None)
        if backref is not None:
            backref.addprevious(span)
            span.tail, backref.tail = " ", backref.tail
        else:
            target.append(span)


def works_cited(notes: list[ResolvedNote], fmt: Formatter, bibliography_url: str) -> str:
    """A memo's own bibliography: each work once, with links to the notes that cite it."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for rn in notes:
        if rn.key and rn.key in fmt.library:
            by_key[rn.key].append(rn.note.label)
    if not by_key:
        return ""
    order = sorted(by_key, key=lambda k: _sort_key(fmt.library, k))
    items = []
    for key in order:
        backs = ", ".join(f'<a href="#{esc(note_anchor(lbl))}">n.&nbsp;{esc(lbl)}</a>' for lbl in by_key[key])
        items.append(
            f'<li id="{esc(ref_anchor(key))}">{fmt.get(key)} <span class="cited-in">Cited in {backs}. '
            f'{link(bibliography_url + "#" + ref_anchor(key), "In the bibliography")}</span></li>'
        )
    return f'<section class="works-cited"><h2 id="works-cited">Works cited</h2><ul>{"".join(items)}</ul></section>'


def _sort_key(library: Library, key: str) -> tuple[str, str, str]:
    ref = library.references[key]
    first = ref.authors[0].sort_key if ref.authors else ref.fields.get("journal", ref.title)
    return (first.lower(), str(ref.year or ""), ref.title.lower())


def cite_this(doc: Document, fmt: Formatter, downloads: dict[str, str]) -> str:
    """'Cite this document': Chicago forms and the three downloads of the document's own entry."""
    if doc.bibkey not in fmt.library:
        return ""
    note = fmt.get(doc.bibkey, "note")
    bib = fmt.get(doc.bibkey, "bibliography")
    links = " · ".join(
        f'<a href="{esc(href)}" download>{esc(label)}</a>' for label, href in downloads.items()
    )
    return (
        '<section class="cite-this"><h2 id="cite-this-document">Cite this document</h2>'
        f'<p><strong>Note:</strong> {note}</p><p><strong>Bibliography:</strong> {bib}</p>'
        f'<p><strong>Download the reference:</strong> {links}</p>'
        "<p>To cite a paragraph, add its number (¶) to the citation, e.g. “para. 3”; each paragraph "
        "number links to the paragraph, and the <em>cite</em> button beside it copies the citation.</p>"
        "</section>"
    )


def bibliography_page(
    library: Library, fmt: Formatter, notes_by_doc: dict[str, list[ResolvedNote]],
    documents: dict[str, Document], url_for: UrlFor,
) -> str:
    """Every work in the library, with links back to each note citing it, across documents."""
    citing: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for doc_path, notes in notes_by_doc.items():
        for rn in notes:
            if rn.key:
                citing[rn.key].append((doc_path, rn.note.label))
    own = {d.bibkey: d for d in documents.values()}
    items = []
    for key in sorted(library.references, key=lambda k: _sort_key(library, k)):
        parts = []
        if key in own:
            parts.append(f"The edition’s {link(url_for(own[key].path), 'transcription')} of this document.")
        if citing.get(key):
            backs = ", ".join(
                link(url_for(f"{dp}#{note_anchor(lbl)}"), f"{documents[dp].title if dp in documents else dp}, n. {lbl}")
                for dp, lbl in citing[key]
            )
            parts.append(f"Cited in {backs}.")
        extra = f' <span class="cited-in">{" ".join(parts)}</span>' if parts else ""
        items.append(f'<li id="{esc(ref_anchor(key))}">{fmt.get(key)}{extra}</li>')
    return f'<ul class="bibliography">{"".join(items)}</ul>'


def meta_tags(tags: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f'<meta name="{esc(n)}" content="{esc(v)}">' for n, v in tags)
