"""Online search with Pagefind: what each page tells the index, and the index built after the site.

Material's lunr search fetches the whole index (15.7 MB at 300 memos) before the first result,
and its plugin re-parses every page during the build. Online, the edition indexes the built site
with Pagefind instead (a chunked index: a query fetches the few chunks it needs) and answers
Material's search box through a worker of its own (``docs/assets/search/pagefind-worker.js``).
The offline bundle keeps Material's lunr search: Pagefind fetches its chunks with ``fetch()``,
which Chromium refuses from ``file://``.

Nothing here knows MkDocs: the hooks (``hooks/search_hooks.py``) pass paths, titles and HTML.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .documents import is_memo

WORKER = "assets/search/pagefind-worker.js"  # docs path of the edition's search worker
PAGEFIND_DIR = "pagefind"  # where the index goes in the site
# Furniture kept out of the index, the same rule as for Material's search (``data-search-exclude``
# on occurrence lists and other apparatus), plus Material's permalink marks and page chrome.
EXCLUDE_SELECTORS = ("[data-search-exclude]", ".headerlink", ".md-source-file", ".md-content__button")
ROOT_SELECTOR = "article.md-content__inner"
ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">')
MATERIAL_WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")

GLOSSARY_PAGES = frozenset({"glossary.md", "acronyms.md", "markings.md"})


class SearchIndexError(Exception):
    """Pagefind could not index the built site."""


@dataclass(frozen=True)
class SearchFacts:
    """What a page contributes to the search filters."""

    kind: str  # memo, glossary, register, page
    document: str | None = None  # memo slug (file name without .md)
    year: str | None = None

    def tags(self, title: str) -> str:
        """Empty hidden elements Pagefind reads as this page's filters and title (every value escaped).

        They go inside the indexed ``<article>``: Pagefind ignores filters outside its root element.
        """
        tags = [("filter", "kind", self.kind), ("meta", "title", title)]
        if self.document:
            tags.append(("filter", "document", self.document))
        if self.year:
            tags.append(("filter", "year", self.year))
        return "".join(f'<span hidden data-pagefind-{what}="{name}:{html.escape(value)}"></span>' for what, name, value in tags)


def page_facts(src_uri: str, meta: dict) -> SearchFacts:
    """The kind of a page from its docs path; a memo's year from its front matter ``date``."""
    if is_memo(src_uri):
        date = str(meta.get("date") or "")
        return SearchFacts("memo", Path(src_uri).stem, date[:4] if re.match(r"\d{4}", date) else None)
    if src_uri.startswith("entities/"):
        return SearchFacts("register")
    if src_uri in GLOSSARY_PAGES:
        return SearchFacts("glossary")
    return SearchFacts("page")


def prepare_page(output: str, facts: SearchFacts, title: str) -> str:
    """The built page with its filter tags in its article and Material's search pointed at our worker."""
    output = ARTICLE.sub(lambda m: m.group(0) + facts.tags(title), output, count=1)
    return MATERIAL_WORKER.sub(WORKER, output, count=1)


def pagefind_command(site_dir: Path) -> list[str]:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", PAGEFIND_DIR,
           "--root-selector", ROOT_SELECTOR, "--force-language", "en", "--quiet"]
    for selector in EXCLUDE_SELECTORS:
        cmd += ["--exclude-selectors", selector]
    return cmd


def build_index(site_dir: Path) -> None:
    """Run Pagefind (the PyPI ``pagefind[bin]`` binary) over the built site."""
    proc = subprocess.run(pagefind_command(site_dir), capture_output=True, text=True, timeout=3600, check=False)
    if proc.returncode != 0 or not (site_dir / PAGEFIND_DIR / "pagefind.js").is_file():
        raise SearchIndexError(f"pagefind failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
