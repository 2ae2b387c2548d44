"""MkDocs hooks of the edition: thin adapters from MkDocs events to the ``edition`` core.

Order of work in one build: ``on_config`` loads registries and front matter once (and starts
formatting the citations in the background); ``on_page_content`` takes each memo from the cache or
keeps it for later; ``on_env`` (after every page is rendered) processes the memos the cache did not
hold (in worker processes when there are cores and memos enough), fills the cross-page
placeholders and stops the build if any input had a problem.
"""

from __future__ import annotations

import gzip
import logging
import os
import subprocess
import sys
from pathlib import Path

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from edition import csp  # noqa: E402
from edition.apparatus import EditionSettings  # noqa: E402
from edition.documents import is_memo  # noqa: E402
from edition.edition import Edition  # noqa: E402
from edition.inputs import outside  # noqa: E402
from edition.memo_cache import CachedEdition, MemoCache, ResultStore  # noqa: E402
from edition.navigation import NavGroup, group_documents  # noqa: E402
from edition.sanitize import url_scheme  # noqa: E402

SHIM = "assets/vendor/iframe-worker/shim.js"

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


_command: dict[str, str] = {}


def on_startup(command: str, dirty: bool) -> None:
    _command["name"] = command  # `serve` injects an inline live-reload script: see edition.csp


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _state.clear()
    root = Path(config.config_file_path).resolve().parent  # `-f mkdocs.yml` is relative
    _fix_build_date(root)
    # SITE_URL (set by the Pages workflow) wins over mkdocs.yml: canonical links, sitemap, citations
    site_url = os.environ.get("SITE_URL", "").strip()
    if site_url:
        config.site_url = site_url.rstrip("/") + "/"
    config_path = root / Path(config.config_file_path).name
    settings = EditionSettings.from_config(
        config.site_name, config.site_url, config.extra,
        config_path.read_text(encoding="utf-8") if config_path.is_file() else "", root,
    )
    # per-memo results kept across builds (edition/memo_cache.py); EDITION_CACHE=off for none
    # the settings a memo page prints (version, accessed date, editors, canonical URL) are part of the key
    cache_settings = f"{config.use_directory_urls}|{config.site_url}|{settings!r}"
    cache = None if os.environ.get("EDITION_CACHE") == "off" else MemoCache.open(root, cache_settings, config_path)
    # and what the last build made from all of them: generated pages, each page's policy
    memos = _state["memos"] = CachedEdition(cache, ResultStore.open(root, cache.key_prefix) if cache else None)
    _state["edition"] = Edition.load(root, Path(config.docs_dir).resolve(), settings, remember=memos.remembered)
    scripts = [str(getattr(js, "path", js)) for js in config.extra_javascript]
    for problem in csp.outside_features(scripts, [str(c) for c in config.extra_css], config.theme.get("font")):
        _edition().diags.error("mkdocs.yml", None, problem, "ship the file in docs/assets/ instead: no request leaves the reader's machine")
    if not any(isinstance(e, _AddressCheck) for e in config.markdown_extensions):
        config.markdown_extensions.append(_AddressCheck())
    return config


class _MalformedAddresses(Treeprocessor):
    """Takes out an address Python cannot parse (``http://[a]/x``) before MkDocs' link rewriting crashes on it."""

    def run(self, root):
        for el in root.iter():
            for attr in ("href", "src"):
                value = el.get(attr)
                if value is not None and url_scheme(value) == "malformed":
                    el.set(attr, "#")  # MkDocs expects every link to keep an address
                    page = _state.get("page")
                    if isinstance(page, str):
                        _edition().report_address(page, value)


class _AddressCheck(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_MalformedAddresses(md), "edition-malformed-addresses", 1)  # before MkDocs' (0)


def _fix_build_date(root: Path) -> None:
    """Rebuilds are byte-identical on any day: the build date (sitemap, gzip header) is fixed.

    ``SOURCE_DATE_EPOCH`` when the builder sets it (MkDocs honours it); otherwise the time of the
    checked-out commit, and without git a fixed date.
    """
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        return
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    os.environ["SOURCE_DATE_EPOCH"] = out if out.isdigit() else "315532800"  # 1980-01-01, as the offline zip


def on_files(files: Files, config: MkDocsConfig) -> Files:
    ed = _edition()
    for file in list(files):  # contributors' files only (the theme's live elsewhere); reported by Edition.load
        src = Path(file.abs_src_path) if file.abs_src_path else None
        if (src and src.is_relative_to(config.docs_dir) and outside(src, ed.root)) or file.src_uri in ed.unreadable:
            files.remove(file)
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
                memos.append((doc.date, file.page))
        # a long list goes into sections (edition/navigation.py): with navigation.prune only the
        # current section's documents are written into each page, which stays small at any size
        _attach(documents, group_documents(memos, NAV_LIMIT))
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


NAV_LIMIT = 20  # entries of one section of the documents' navigation (edition/navigation.py)


def _attach(parent, entries: list) -> None:  # type: ignore[no-untyped-def]
    for entry in entries:
        if isinstance(entry, NavGroup):
            section = Section(entry.title, [])
            _attach(section, entry.children)
            entry = section
        entry.parent = parent
        parent.children.append(entry)


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
    _state["page"] = page.file.src_uri
    if not is_memo(page.file.src_uri):
        ed.check_page_meta(page.file.src_uri, page.meta)
        return markdown
    # an attribute, not page.meta: front matter must never be able to inject into <head>
    page.edition_head = ed.head_for(page.file.src_uri, page.canonical_url)  # type: ignore[attr-defined]
    source = (Path(page.file.abs_src_path).read_bytes() if page.file.abs_src_path else b"") + b"\0" + markdown.encode()
    return _state["memos"].prepare_markdown(ed, page.file.src_uri, source, markdown, files)  # type: ignore[attr-defined]


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    ed = _edition()
    html = ed.sanitize_page(page.file.src_uri, html)  # every page: contributor markup never becomes active
    if is_memo(page.file.src_uri):
        html = _state["memos"].process_memo(ed, page, html, _url_for(files, page), files)  # type: ignore[attr-defined]
    return html


@event_priority(-100)  # last: the policy hashes the page as it is written, after every other hook
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _with_csp(output, page.file.src_uri, config)


@event_priority(-100)  # last, as for pages: after the search hook points the 404 page at its worker
def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    return _with_csp(output_content, template_name, config) if template_name.endswith(".html") else output_content


def _with_csp(output: str, name: str, config: MkDocsConfig) -> str:
    if "shim" not in _state:
        shim = Path(config.docs_dir) / SHIM
        _state["shim"] = shim.read_text(encoding="utf-8") if shim.is_file() else None
    memos: CachedEdition = _state["memos"]  # type: ignore[assignment]

    def policy(page: str, shim: str | None) -> str:  # a page unchanged since the last build keeps its policy
        return memos.remembered("csp", (page, shim or ""), lambda: csp.policy_for(page, shim))

    filled = csp.fill(output, _state["shim"], preview=_command.get("name") == "serve", policy=policy)  # type: ignore[arg-type]
    if filled is None:
        raise PluginError(f"{name}: the page has no Content-Security-Policy placeholder (overrides/main.html, block site_meta)")
    return filled


def on_post_build(config: MkDocsConfig) -> None:
    """sitemap.xml.gz again, with the gzip header's time fixed (MkDocs writes the time of the build)."""
    sitemap = Path(config.site_dir) / "sitemap.xml"
    if sitemap.is_file():
        with open(sitemap.with_suffix(".xml.gz"), "wb") as raw, gzip.GzipFile("sitemap.xml", "wb", fileobj=raw, mtime=int(os.environ.get("SOURCE_DATE_EPOCH", "0"))) as gz:
            gz.write(sitemap.read_bytes())
    log.info(_state["memos"].summary())  # type: ignore[attr-defined]
    _state["memos"].save()  # type: ignore[attr-defined]


def on_env(env, config: MkDocsConfig, files: Files):
    ed = _edition()
    ed.formatter.wait()  # the citations started at load: collected before anything can stop the build
    memos: CachedEdition = _state["memos"]  # type: ignore[assignment]
    memos.process_pending(ed)  # every page is rendered: the memos the cache lacked, now, side by side
    if memos.workers:
        log.info(f"memos processed in {memos.workers} worker processes")
    ed.finish()
    if ed.diags.errors:
        _report(ed)  # stop before rendering indexes from inputs known to be broken
    for file in files.documentation_pages():
        page = file.page
        if page is not None and page.content and "<!-- edition:" in page.content:
            content = page.content  # a generated block gathers from every memo: its key covers them all
            page.content = memos.remembered("page", (file.src_uri, content), lambda p=page, c=content: ed.fill_placeholders(c, _url_for(files, p)), memos_of=ed)
    ed.formatter.save()
    _report(ed)
    return env


def on_build_error(error: Exception) -> None:
    """A failed build leaves no citation process behind (`mkdocs serve` goes on to the next)."""
    ed = _state.get("edition")
    if isinstance(ed, Edition):
        try:
            ed.formatter.wait()
        except Exception:  # the build's own error is the one to show
            log.debug("citations not collected after the failed build", exc_info=True)


def _report(ed: Edition) -> None:
    for d in ed.diags.warnings:
        log.info(str(d))
    errors = ed.diags.errors
    for d in errors:
        log.error(str(d))
    if errors:
        raise PluginError(f"The edition has {len(errors)} problem(s), listed above; fix them and build again.")
