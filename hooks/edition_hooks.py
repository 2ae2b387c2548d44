"""MkDocs hooks of the edition: thin adapters from MkDocs events to the ``edition`` core.

Order of work in one build: ``on_config`` loads registries and front matter once;
``on_page_content`` processes each memo; ``on_env`` (after every page is rendered) fills the
cross-page placeholders and stops the build if any input had a problem.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from edition.documents import is_memo  # noqa: E402
from edition.edition import Edition  # noqa: E402

log = logging.getLogger("mkdocs.plugins.edition")
_state: dict[str, object] = {}


def _edition() -> Edition:
    return _state["edition"]  # type: ignore[return-value]


def _url_for(files: Files, page: Page):
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


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _state.clear()
    docs_dir = Path(config.docs_dir)
    _state["edition"] = Edition.load(Path(config.config_file_path).parent, docs_dir)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    ed = _edition()
    for path, content in ed.generated_pages().items():
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=content))
    for path, content in ed.downloads().items():
        files.append(File.generated(config, path, content=content))
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Memo pages join the navigation under the section that holds the documents index, in
    date order (from their front matter, not a hand-kept list), so the current one is
    highlighted and previous/next lead from document to document. Register pages that are
    not in the navigation get the register's section as parent, so the navigation and the
    breadcrumbs lead back to the register's index."""
    ed = _edition()
    sections = {_index_path(item): item for item in _sections(nav.items)}
    documents = sections.get("documents/index.md")
    if documents is not None:
        listed = {p.file.src_uri for p in _walk(documents.children) if isinstance(p, Page)}
        memos = []
        for doc in sorted(ed.documents.values(), key=lambda d: (d.date, d.path)):
            file = files.get_file_from_path(doc.path)
            if file is not None and file.page is not None and doc.path not in listed:
                memos.append((doc.date.year, file.page))
        if len(memos) > NAV_FLAT_LIMIT:
            # A long list goes by year: with navigation.prune only the current year's documents
            # are written into each page, so pages do not grow with the size of the edition.
            by_year: dict[int, list[Page]] = {}
            for year, page in memos:
                by_year.setdefault(year, []).append(page)
            for year, pages in by_year.items():
                section = Section(str(year), pages)
                section.parent = documents
                for page in pages:
                    page.parent = section
                documents.children.append(section)
        else:
            for _, page in memos:
                page.parent = documents
                documents.children.append(page)
    register = sections.get("entities/index.md")
    if register is not None:
        for ent in ed.entities.values():
            file = files.get_file_from_path(ent.page)
            if file is not None and file.page is not None and file.page.parent is None:
                file.page.parent = register
    nav.pages = [item for item in _walk(nav.items) if isinstance(item, Page)]
    for before, page, after in zip([None, *nav.pages[:-1]], nav.pages, [*nav.pages[1:], None], strict=True):
        page.previous_page, page.next_page = before, after
    return nav


NAV_FLAT_LIMIT = 20  # documents listed one by one in the navigation; more are grouped by year


def _walk(items):
    for item in items:
        yield item
        if getattr(item, "children", None):
            yield from _walk(item.children)


def _sections(items) -> list[Section]:
    return [item for item in _walk(items) if isinstance(item, Section)]


def _index_path(section: Section) -> str | None:
    """The docs path of a section's index page (its first child, with navigation.indexes)."""
    first = section.children[0] if section.children else None
    return first.file.src_uri if isinstance(first, Page) else None


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    ed = _edition()
    if not is_memo(page.file.src_uri):
        return markdown
    # an attribute, not page.meta: front matter must never be able to inject into <head>
    page.edition_head = ed.head_for(page.file.src_uri, page.canonical_url)  # type: ignore[attr-defined]
    return ed.prepare_markdown(page.file.src_uri, markdown)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    ed = _edition()
    if is_memo(page.file.src_uri):
        return ed.process_memo(page.file.src_uri, html, _url_for(files, page))
    return html


def on_env(env, config: MkDocsConfig, files: Files):
    ed = _edition()
    ed.finish()
    if ed.diags.errors:
        _report(ed)  # stop before rendering indexes from inputs known to be broken
    for file in files.documentation_pages():
        page = file.page
        if page is not None and page.content and "<!-- edition:" in page.content:
            page.content = ed.fill_placeholders(page.content, _url_for(files, page))
    ed.formatter.save()
    _report(ed)
    return env


def _report(ed: Edition) -> None:
    for d in ed.diags.warnings:
        log.info(str(d))
    errors = ed.diags.errors
    for d in errors:
        log.error(str(d))
    if errors:
        raise PluginError(f"The edition has {len(errors)} problem(s), listed above; fix them and build again.")
