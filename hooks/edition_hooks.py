"""MkDocs hooks of the edition: thin adapters from MkDocs events to the ``edition`` core.

Order of work in one build: ``on_config`` loads registries and front matter once;
``on_page_content`` processes each memo; ``on_env`` (after every page is rendered) fills the
cross-page placeholders and stops the build if any input had a problem.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from edition.documents import is_memo  # noqa: E402
from edition.edition import Edition  # noqa: E402
from edition.memo_cache import CachedEdition, MemoCache  # noqa: E402

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
    # per-memo results kept across builds (edition/memo_cache.py); EDITION_CACHE=off for none
    settings = f"{config.use_directory_urls}|{config.site_url}"
    cache = None if os.environ.get("EDITION_CACHE") == "off" else MemoCache.open(Path(config.config_file_path).parent, settings)
    _state["memos"] = CachedEdition(cache)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    ed = _edition()
    for path, content in ed.generated_pages().items():
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=content))
    for path, content in ed.downloads().items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    ed = _edition()
    if not is_memo(page.file.src_uri):
        return markdown
    # an attribute, not page.meta: front matter must never be able to inject into <head>
    page.edition_head = ed.head_for(page.file.src_uri, page.canonical_url)  # type: ignore[attr-defined]
    source = (Path(page.file.abs_src_path).read_bytes() if page.file.abs_src_path else b"") + b"\0" + markdown.encode()
    return _state["memos"].prepare_markdown(ed, page.file.src_uri, source, markdown, files)  # type: ignore[attr-defined]


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    ed = _edition()
    if is_memo(page.file.src_uri):
        return _state["memos"].process_memo(ed, page, html, _url_for(files, page), files)  # type: ignore[attr-defined]
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


def on_post_build(config: MkDocsConfig) -> None:
    log.info(_state["memos"].summary())  # type: ignore[attr-defined]
    _state["memos"].save()  # type: ignore[attr-defined]


def _report(ed: Edition) -> None:
    for d in ed.diags.warnings:
        log.info(str(d))
    errors = ed.diags.errors
    for d in errors:
        log.error(str(d))
    if errors:
        raise PluginError(f"The edition has {len(errors)} problem(s), listed above; fix them and build again.")
