"""MkDocs hooks of the edition's online search: thin adapters over ``edition.search``.

Material's search box stays and Pagefind answers it: pages are excluded from Material's lunr
index (its plugin would otherwise re-parse every page, the largest cost of the build), each page
gets its filter tags, and Pagefind indexes the site after the build. For the offline bundle
(``EDITION_OFFLINE=true``) the index is also packaged to load from ``file://``.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from edition import search  # noqa: E402

log = logging.getLogger("mkdocs.plugins.edition.search")
_state: dict = {"offline": False, "notes": [], "serve": False}


def on_startup(command: str, dirty: bool) -> None:
    _state["serve"] = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    offline = config.plugins.get("material/offline")
    _state["offline"] = offline is not None and bool(offline.config.enabled)
    _state["notes"] = []
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    """`mkdocs serve`: a rebuild waits for the last build's indexing to end before MkDocs cleans
    the site folder (Pagefind would otherwise be writing into a folder being deleted and
    rewritten), and an indexing run not yet started is called off (its pages are about to be
    replaced)."""
    if _state["serve"]:
        _state["generation"] = _state.get("generation", 0) + 1
        with _indexing:
            pass


@event_priority(100)  # before Material's search plugin reads page.meta
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files) -> str:
    settings = page.meta.get("search")
    page.meta["search"] = {**(settings if isinstance(settings, dict) else {}), "exclude": True}
    return markdown


@event_priority(100)  # before Material's search plugin strips the data-search-* attributes
def on_page_context(context, page: Page, config: MkDocsConfig, nav):  # type: ignore[no-untyped-def]
    if page.content:
        page.content = search.mark_furniture(page.content)
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    facts = search.page_facts(page.file.src_uri, page.meta)
    if facts.kind == "memo":
        _state["notes"] += search.note_records(output, page.url, facts, page.title or "")
    return search.prepare_page(output, facts, page.title or "")


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    """Material's 404 page is a template, not a page: its search box needs the same worker."""
    return search.point_search_at_worker(output_content) if template_name.endswith(".html") else output_content


def on_post_build(config: MkDocsConfig) -> None:
    cache = None if os.environ.get("EDITION_CACHE") == "off" else Path(config.config_file_path).parent / ".cache" / "pagefind"
    if _state["serve"] and not _state["offline"]:
        # `mkdocs serve`: the page reloads at once; the search index follows a moment later
        _state["generation"] = generation = _state.get("generation", 0) + 1
        notes, site = list(_state["notes"]), Path(config.site_dir)
        threading.Thread(target=_index_quietly, args=(site, notes, cache, generation), name="pagefind", daemon=True).start()
        return
    try:
        if search.build_index(Path(config.site_dir), _state["notes"], cache):
            log.info("search index: the site's pages are unchanged, Pagefind's index reused")
        if _state["offline"]:
            search.package_for_file(Path(config.site_dir))
    except search.SearchIndexError as err:
        raise PluginError(str(err)) from err


_indexing = threading.Lock()  # one Pagefind run at a time over the served site


def _index_quietly(site: Path, notes: list, cache: Path | None, generation: int) -> None:
    """Index after a `mkdocs serve` rebuild; a run that a newer rebuild has overtaken does nothing
    (its pages are gone), and runs never overlap (they would write the same directories)."""
    with _indexing:
        if generation != _state.get("generation"):
            return
        try:
            search.build_index(site, notes, cache)
        except (search.SearchIndexError, OSError) as err:  # the next rebuild may have replaced the site meanwhile
            log.info("search index not rebuilt: %s", err)
