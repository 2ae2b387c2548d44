"""The ``edition-search`` MkDocs plugin: Material's search box answered by Pagefind (``edition.search``).

Material's search box stays and Pagefind answers it: pages are excluded from Material's lunr
index (its plugin would otherwise re-parse every page, the largest cost of the build), each page
gets its filter tags, and Pagefind indexes the site after the build. For the offline bundle
(the offline plugin enabled) the index is also packaged to load from ``file://``.
"""

from __future__ import annotations

import logging
import threading
from html import unescape
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from edition import search
from edition.cache_files import tracked_machine_folders

log = logging.getLogger("mkdocs.plugins.edition.search")


class SearchConfig(base.Config):
    cache = c.Type(bool, default=True)  # keep the last index in .cache/pagefind and reuse it when no page changed


class SearchPlugin(BasePlugin[SearchConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serve = False
        self.offline = False
        self.records: list[search.DocumentRecord] = []
        self.generation = 0
        self.indexing = threading.Lock()  # one Pagefind run at a time over the served site

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serve = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        offline = config.plugins.get("material/offline")
        self.offline = offline is not None and bool(offline.config.enabled)
        self.records = []
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """`mkdocs serve`: a rebuild waits for the last build's indexing to end before MkDocs cleans
        the site folder (Pagefind would otherwise be writing into a folder being deleted and
        rewritten), and an indexing run not yet started is called off (its pages are about to be
        replaced)."""
        if self.serve:
            self.generation += 1
            with self.indexing:
                pass

    @event_priority(100)  # before Material's search plugin reads page.meta
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        settings = page.meta.get("search")
        page.meta["search"] = {**(settings if isinstance(settings, dict) else {}), "exclude": True}
        return markdown

    @event_priority(100)  # before Material's search plugin strips the data-search-* attributes
    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if page.content:
            page.content = search.mark_furniture(page.content)
        # the template writes the page's weight, filters and title into its article (overrides/main.html)
        page.edition_search = search.page_facts(page.file.src_uri, dict(page.meta))  # type: ignore[attr-defined]
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        facts = getattr(page, "edition_search", None)
        if facts is not None and facts.kind == "document":
            record = search.document_record(output, page.url, facts, unescape(page.title or ""))
            if record is not None:
                self.records.append(record)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        root = Path(config.config_file_path).parent
        kept = self.config.cache and ".cache" not in tracked_machine_folders(root)
        cache = root / ".cache" / "pagefind" if kept else None
        if self.serve and not self.offline:
            # `mkdocs serve`: the page reloads at once; the search index follows a moment later
            self.generation += 1
            records, site = list(self.records), Path(config.site_dir)
            threading.Thread(target=self._index_quietly, args=(site, records, cache, self.generation), name="pagefind", daemon=True).start()
            return
        try:
            if search.build_index(Path(config.site_dir), self.records, cache):
                log.info("search index: the site's pages are unchanged, Pagefind's index reused")
            if self.offline:
                search.package_for_file(Path(config.site_dir))
        except search.SearchIndexError as err:
            raise PluginError(str(err)) from err

    def _index_quietly(self, site: Path, records: list[search.DocumentRecord], cache: Path | None, generation: int) -> None:
        """Index after a `mkdocs serve` rebuild; a run that a newer rebuild has overtaken does nothing
        (its pages are gone), and runs never overlap (they would write the same directories)."""
        with self.indexing:
            if generation != self.generation:
                return
            try:
                search.build_index(site, records, cache)
            except (search.SearchIndexError, OSError) as err:  # the next rebuild may have replaced the site meanwhile
                log.info("search index not rebuilt: %s", err)
