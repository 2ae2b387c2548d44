"""MkDocs' objects turned into the core's plain values and back: links, rendered pages, navigation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils import get_relative_url

from edition.edition import Edition
from edition.memo_cache import RenderedPage, TocEntry
from edition.navigation import NavGroup, group_documents

NAV_LIMIT = 20  # entries of one section of the documents' navigation (edition/navigation.py)


def url_for_page(files: Files, page: Page) -> Callable[[str], str]:
    """Links from ``page`` to a docs path, relative, with any ``#fragment`` kept."""
    seen: dict[str, str] = {}

    def url_for(target: str) -> str:
        path, _, fragment = target.partition("#")
        rel = seen.get(path)
        if rel is None:
            file = files.get_file_from_path(path)
            url = file.url if file else path
            rel = get_relative_url(url, page.url) if url != page.url else "./"
            seen[path] = rel = "./" if rel in ("", ".") else rel
        return rel + (f"#{fragment}" if fragment else "")

    return url_for


def published_url(site_url: str, src_uri: str) -> str:
    """The address of the page made from ``src_uri`` on the published site, directory style
    ('documents/x.md' -> '<site>/documents/x/', 'index.md' -> '<site>/'), whatever this build's URLs."""
    path = src_uri[: -len(".md")] if src_uri.endswith(".md") else src_uri
    stem = path.rsplit("/", 1)[-1]
    if stem in ("index", "README"):
        path = path[: -len(stem)]
    elif path:
        path += "/"
    return site_url.rstrip("/") + "/" + path.lstrip("/")


CITE_ANCHOR = "cite-this-document"  # edition.apparatus.cite_this's heading


def add_cite_to_toc(page: Page) -> None:
    """A "Cite" entry at the end of a document's table of contents, leading to "Cite this document";
    once, however often the page is processed. Material lists the children of a first heading of
    level 1 (the document's title) as the page's contents, so the entry goes among them."""
    items = list(page.toc)
    level = items[0].children if items and items[0].level == 1 else page.toc.items
    if not any(link.id == CITE_ANCHOR for link in level):
        level.append(AnchorLink("Cite", CITE_ANCHOR, 2))


# -- what Markdown rendering gave a page, kept with a memo's cache entry ------------------------

def _toc_entries(links: list[AnchorLink]) -> tuple[TocEntry, ...]:
    return tuple(TocEntry(a.id, a.title, a.level, _toc_entries(a.children)) for a in links)


def _anchor_links(entries: tuple[TocEntry, ...]) -> list[AnchorLink]:
    out = []
    for e in entries:
        link = AnchorLink(e.title, e.id, e.level)
        link.children = _anchor_links(e.children)
        out.append(link)
    return out


def rendered_page(page: Page) -> RenderedPage:
    return RenderedPage(
        title=page._title_from_render,  # MkDocs keeps the rendered title here; a hit skips rendering
        toc=_toc_entries(list(page.toc)),
        anchors=tuple(sorted(page.present_anchor_ids or ())),
        anchor_links={f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()},
    )


def restore_rendered(page: Page, rendered: RenderedPage, files: Files) -> None:
    """Put back what rendering would have given the page: MkDocs validates anchors after all pages."""
    page.toc = TableOfContents(_anchor_links(rendered.toc))
    page._title_from_render = rendered.title
    page.present_anchor_ids = set(rendered.anchors)
    links = {files.get_file_from_path(src): dict(anchors) for src, anchors in rendered.anchor_links.items()}
    page.links_to_anchors = {f: a for f, a in links.items() if f is not None}


# -- navigation ------------------------------------------------------------------------------

def attach_documents(nav: Navigation, ed: Edition, files: Files) -> None:
    """Memo pages join the navigation under the section that holds the documents index, in date
    order (from their front matter, not a hand-kept list), so the current one is highlighted and
    previous/next lead from document to document; a long list goes into sections
    (``edition.navigation``): with ``navigation.prune`` only the current section's documents are
    written into each page, which stays small at any size."""
    sections = {_index_path(item): item for item in _sections(nav.items)}
    documents = sections.get("documents/index.md")
    if documents is not None:
        listed = {p.file.src_uri for p in _walk(documents.children) if isinstance(p, Page)}
        memos = []
        for doc in sorted(ed.documents.values(), key=lambda d: (d.date, d.path)):
            file = files.get_file_from_path(doc.path)
            if file is not None and file.page is not None and doc.path not in listed:
                memos.append((doc.date, file.page))
        _attach(documents, group_documents(memos, NAV_LIMIT))
    nav.pages = [item for item in _walk(nav.items) if isinstance(item, Page)]
    for before, page, after in zip([None, *nav.pages[:-1]], nav.pages, [*nav.pages[1:], None], strict=True):
        page.previous_page, page.next_page = before, after


def attach_register_pages(nav: Navigation, ed: Edition, files: Files) -> None:
    """The register's category pages join its section, in the register's order, only for the
    categories that have an entry (an empty "Laws and statutes" would lead nowhere); entry pages
    get the section as parent, so the navigation and the breadcrumbs lead back to the index."""
    sections = {_index_path(item): item for item in _sections(nav.items)}
    register = sections.get("entities/index.md")
    if register is None:
        return
    listed = {p.file.src_uri for p in _walk(register.children) if isinstance(p, Page)}
    for typ in ed.register_types():
        file = files.get_file_from_path(f"entities/{typ}.md")
        if file is not None and file.page is not None and file.src_uri not in listed:
            file.page.parent = register
            register.children.append(file.page)
    for ent in ed.entities.values():
        file = files.get_file_from_path(ent.page)
        if file is not None and file.page is not None and file.page.parent is None:
            file.page.parent = register


def _attach(parent: Any, entries: list[Any]) -> None:
    for entry in entries:
        if isinstance(entry, NavGroup):
            section = Section(entry.title, [])
            _attach(section, entry.children)
            entry = section
        entry.parent = parent
        parent.children.append(entry)


def _walk(items: list[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        if getattr(item, "children", None):
            yield from _walk(item.children)


def _sections(items: list[Any]) -> list[Section]:
    return [item for item in _walk(items) if isinstance(item, Section)]


def _index_path(section: Section) -> str | None:
    """The docs path of a section's index page (its first child, with navigation.indexes)."""
    first = section.children[0] if section.children else None
    return first.file.src_uri if isinstance(first, Page) else None
