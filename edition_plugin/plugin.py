"""The ``edition`` MkDocs plugin: memos turned into the edition's pages, generated pages added.

Order of work in one build: ``on_config`` loads registries and front matter once (and starts
formatting the citations in the background); ``on_page_markdown`` prepares each memo (or finds it
in the cache); ``on_page_content`` keeps each rendered memo for later; ``on_env`` (after every
page is rendered) processes the memos the cache did not hold (in worker processes when there are
cores and memos enough), fills the cross-page placeholders, stops the build if any input had a
problem, and gives the templates the Content-Security-Policy (written first in each page's head).
"""

from __future__ import annotations

import gzip
import logging
import os
import subprocess
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache
from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler

from edition import csp, site_files
from edition.apparatus import EditionSettings
from edition.documents import is_memo
from edition.edition import Edition
from edition.inputs import outside
from edition.memo_cache import MemoCache, MemoRun, ResultStore, files_key
from edition.sanitize import text_only, url_scheme
from edition.witness import WitnessExtension

from .adapters import add_cite_to_toc, attach_documents, attach_register_pages, published_url, rendered_page, restore_rendered, url_for_page

SHIM = "assets/vendor/iframe-worker/shim.js"
NOT_CHECKED = "not checked: "  # a check the edition could not run, and why (read by edition_plugin.check)
log = logging.getLogger("mkdocs.plugins.edition")


class EditionConfig(base.Config):
    """The plugin's options in mkdocs.yml (``plugins: - edition: …``)."""

    cache = c.Type(bool, default=True)  # keep each memo's results in .cache/ between builds
    workers = c.Type(int, default=0)  # worker processes for memos: 0 one per core (from 8 memos), 1 none
    # The edition as a citable work ("Cite this document", the About page); unset is a warning
    editors = c.ListOfItems(c.Type(str), default=[])
    publisher = c.Optional(c.Type(str))
    version = c.Optional(c.Type(str))  # a release tag or commit; unset: the checkout's `git describe`
    licence = c.Optional(c.Type(str))
    repository = c.Optional(c.Type(str))


class EditionPlugin(BasePlugin[EditionConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.files_key = ""
        self.edition: Edition | None = None
        self.memos: MemoRun | None = None
        self.current_page: str | None = None

    @property
    def ed(self) -> Edition:
        assert self.edition is not None, "the edition is loaded in on_config"
        return self.edition

    @property
    def run(self) -> MemoRun:
        assert self.memos is not None, "the memos are set up in on_config"
        return self.memos

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command  # `serve` injects an inline live-reload script: see edition.csp

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).resolve().parent  # `-f mkdocs.yml` is relative
        epoch = _builder_epoch()  # before MkDocs is given a stand-in date: the edition's date is never that
        _fix_build_date(root)
        config_path = root / Path(config.config_file_path).name
        options = {k: self.config[k] for k in ("editors", "publisher", "version", "licence", "repository")}
        settings = EditionSettings.from_config(
            config.site_name, config.site_url or None, {"edition": options},
            config_path.read_text(encoding="utf-8") if config_path.is_file() else "", root, epoch,
        )
        # the settings a memo page prints (version, editors, canonical URL) are part of the key
        cache_settings = f"{config.use_directory_urls}|{config.site_url}|{settings!r}"
        cache = MemoCache.open(root, cache_settings, config_path) if self.config.cache else None
        self.memos = MemoRun(cache, ResultStore.open(cache.files, cache.key_prefix) if cache else None, self.config.workers)
        self.edition = Edition.load(root, Path(config.docs_dir).resolve(), settings, remember=self.memos.remembered)
        scripts = [str(getattr(js, "path", js)) for js in config.extra_javascript]
        for problem in csp.outside_features(scripts, [str(s) for s in config.extra_css], config.theme.get("font")):
            self.ed.diags.error("mkdocs.yml", None, problem, "ship the file in docs/assets/ instead: no request leaves the reader's machine")
        offline = config.plugins.get("material/offline")
        if offline is None or not offline.config.enabled:
            # online the shim does nothing (it stands in for Worker under file:// only), yet it is a
            # script every page would fetch and run in <head> before drawing anything; mkdocs.yml
            # lists it so that Material's offline plugin never adds its CDN copy
            config.extra["polyfills"] = [p for p in config.extra.get("polyfills", []) if str(p) != SHIM]
        if not any(isinstance(e, _AddressCheck) for e in config.markdown_extensions):
            config.markdown_extensions.append(_AddressCheck(self))
        if not any(isinstance(e, WitnessExtension) for e in config.markdown_extensions):
            config.markdown_extensions.append(WitnessExtension())  # [[tbe~>the]]: a misreading of the source
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        ed = self.ed
        for file in list(files):  # contributors' files only (the theme's live elsewhere)
            src = Path(file.abs_src_path) if file.abs_src_path else None
            if src is None or not src.is_relative_to(config.docs_dir):
                continue
            why = site_files.refused(file.src_uri)
            if why is not None:
                ed.diags.error(f"docs/{file.src_uri}", None, f"file is not published: {why}",
                               "write pages in Markdown; a new script or style sheet is a change to the edition's code (edition/site_files.py)")
            if why is not None or outside(src, ed.root) or src.is_symlink() or file.src_uri in ed.unreadable:
                files.remove(file)  # symlinks and unreadable files are reported by Edition.load
        for path, content in ed.generated_pages().items():
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=content))
        for path, content in ed.downloads().items():
            files.append(File.generated(config, path, content=content))
        self.files_key = files_key([f.src_uri for f in files])
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Documents join the navigation in date order, the register its categories that have entries."""
        attach_register_pages(nav, self.ed, files)
        attach_documents(nav, self.ed, files)  # last: it links every page of the navigation to the next
        return nav

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """Every page's text passes the edition's checks before MkDocs parses it (its front matter
        above all): what is refused is reported and never parsed (``edition.page_source``)."""
        if page.file.abs_src_path is None:
            return None  # a generated page: the edition wrote it
        return self.ed.page_source(page.file.src_uri)

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        """Every page's canonical link is its published address: the offline bundle's pages are
        ``.html`` files, but what it cites, links as canonical and lists in its sitemap is the
        site as published (``use_directory_urls``: ``…/documents/<slug>/``)."""
        if config.site_url and not config.use_directory_urls:
            page.canonical_url = published_url(config.site_url, page.file.src_uri)
        return page

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        ed = self.ed
        self.current_page = page.file.src_uri
        if not is_memo(page.file.src_uri):
            return markdown
        # an attribute, not page.meta: front matter must never be able to inject into <head>
        page.edition_head = ed.head_for(page.file.src_uri, page.canonical_url)  # type: ignore[attr-defined]
        source = (Path(page.file.abs_src_path).read_bytes() if page.file.abs_src_path else b"") + b"\0" + markdown.encode()
        return self.run.prepare(ed.context, page.file.src_uri, source, markdown, self.files_key)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        ed = self.ed
        html = ed.sanitize_page(page.file.src_uri, html)  # every page: contributor markup never becomes active
        _title_as_text(page)
        if not is_memo(page.file.src_uri):
            return html
        entry = self.run.hit(page.file.src_uri)
        if entry is not None:  # stored only from a build without warnings: its checks passed then
            restore_rendered(page, entry.page, files)
            ed.add(entry.result)
            add_cite_to_toc(page)
            return entry.result.html

        def deliver(done: str, page: Page = page) -> None:
            page.content = done

        self.run.queue(page.file.src_uri, html, url_for_page(files, page), rendered_page(page), deliver)
        add_cite_to_toc(page)
        return html

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        # The theme's templates compiled once per machine, not at every build (a sixth of a small
        # build's time): Jinja's own cache, in its per-user folder outside every checkout (Jinja
        # checks its owner and mode), since compiled templates are code and a pull request's files
        # are only data. A template whose source changed is compiled again. No usable folder
        # (not writable, or not this user's alone): templates are compiled as before.
        try:
            env.bytecode_cache = FileSystemBytecodeCache()
        except (OSError, RuntimeError) as exc:
            log.debug(f"templates compiled at each build: {exc}")
        ed = self.ed
        ed.formatter.wait()  # the citations started at load: collected before anything can stop the build
        self.run.process_pending(ed)  # every page is rendered: the memos the cache lacked, now, side by side
        if self.run.workers:
            log.info(f"memos processed in {self.run.workers} worker processes")
        ed.finish()
        if ed.diags.errors:
            _report(ed)  # stop before rendering indexes from inputs known to be broken
        for file in files.documentation_pages():
            page = file.page
            if page is not None and page.content and "<!-- edition:" in page.content:
                content = page.content  # a generated block gathers from every memo: its key covers them all

                def fill(p: Page = page, c: str = content) -> str:
                    return ed.fill_placeholders(c, url_for_page(files, p))

                page.content = self.run.remembered("page", (file.src_uri, content), fill, memos_of=ed)
        ed.formatter.save()
        _report(ed)
        shim_file = Path(config.docs_dir) / SHIM  # its frame's script is allowed only where pages load it
        loaded = SHIM in [str(p) for p in config.extra.get("polyfills", [])]
        shim = shim_file.read_text(encoding="utf-8") if loaded and shim_file.is_file() else None
        preview = self.command == "serve"  # `mkdocs serve` injects an inline live-reload script

        def edition_csp(worker_url: str) -> str:  # overrides/main.html: the policy, first in <head>
            return csp.policy(shim, worker_url, preview)

        env.globals["edition_csp"] = edition_csp
        return env

    def on_template_context(self, context: Any, *, template_name: str, config: MkDocsConfig) -> Any:
        """The 404 page of the offline bundle with relative addresses. MkDocs writes it with the
        site's root as its base ("/assets/…"), so that a host can serve it at any depth; from
        file:// that root is the disk's, and the page came unstyled with 8 failed requests. In
        the bundle it sits at the site's root, so "." is its base."""
        offline = config.plugins.get("material/offline")
        if template_name == "404.html" and offline is not None and offline.config.enabled:
            context["base_url"] = "."
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """sitemap.xml.gz again, with the gzip header's time fixed (MkDocs writes the time of the build)."""
        sitemap = Path(config.site_dir) / "sitemap.xml"
        if sitemap.is_file():
            with open(sitemap.with_suffix(".xml.gz"), "wb") as raw, gzip.GzipFile("sitemap.xml", "wb", fileobj=raw, mtime=int(os.environ.get("SOURCE_DATE_EPOCH", "0"))) as gz:
                gz.write(sitemap.read_bytes())
        log.info(self.run.summary())
        self.run.save(clean=not _warned())

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves no citation process behind (`mkdocs serve` goes on to the next)."""
        if self.edition is not None:
            try:
                self.edition.formatter.wait()
            except Exception:  # the build's own error is the one to show
                log.debug("citations not collected after the failed build", exc_info=True)

    def report_address(self, value: str) -> None:
        if self.current_page is not None:
            self.ed.report_address(self.current_page, value)


def _title_as_text(page: Page) -> None:
    """The page's title as escaped text: Material writes it as HTML into the navigation, the
    header, the breadcrumbs and the search index, and the first heading or the front matter
    it comes from is the contributor's."""
    if isinstance(page.meta.get("title"), str):
        page.meta["title"] = escape(page.meta["title"], quote=False)  # front matter: plain text
    elif page._title_from_render:
        page._title_from_render = text_only(page._title_from_render)  # a heading: rendered HTML


def _warned() -> bool:
    """Whether this build logged a warning (MkDocs' own counter): then nothing is cached."""
    for handler in logging.getLogger("mkdocs").handlers:
        if isinstance(handler, CountHandler) and any(level >= logging.WARNING for level in handler.counts):
            return True
    return False


class _MalformedAddresses(Treeprocessor):
    """Takes out an address Python cannot parse (``http://[a]/x``) before MkDocs' link rewriting crashes on it."""

    def __init__(self, md: Markdown, plugin: EditionPlugin) -> None:
        super().__init__(md)
        self.plugin = plugin

    def run(self, root):
        for el in root.iter():
            for attr in ("href", "src"):
                value = el.get(attr)
                if value is not None and url_scheme(value) == "malformed":
                    el.set(attr, "#")  # MkDocs expects every link to keep an address
                    self.plugin.report_address(value)


class _AddressCheck(Extension):
    def __init__(self, plugin: EditionPlugin) -> None:
        super().__init__()
        self.plugin = plugin

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_MalformedAddresses(md, self.plugin), "edition-malformed-addresses", 1)  # before MkDocs' (0)


_OWN_EPOCH: list[str] = []  # the SOURCE_DATE_EPOCH this process set itself (`mkdocs serve` configures again)


def _builder_epoch() -> str | None:
    """``SOURCE_DATE_EPOCH`` as whoever started the build set it; None when unset or when it is
    the stand-in ``_fix_build_date`` set for an earlier build of this process."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return value if value.isdigit() and value not in _OWN_EPOCH else None


def _fix_build_date(root: Path) -> None:
    """Rebuilds are byte-identical on any day: the build date (sitemap, gzip header) is fixed.

    ``SOURCE_DATE_EPOCH`` when the builder sets it (MkDocs honours it); otherwise the time of the
    checked-out commit, and without git a fixed date. Only MkDocs and the gzip header see the
    stand-in: the edition's own date (``EditionSettings.date``) is taken before it is set.
    """
    if _builder_epoch() is not None:
        return
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    value = out if out.isdigit() else "315532800"  # 1980-01-01, as the offline zip
    os.environ["SOURCE_DATE_EPOCH"] = value
    _OWN_EPOCH.append(value)


def _report(ed: Edition) -> None:
    for d in ed.diags.warnings:
        log.info(str(d))
    for reason in ed.not_checked:
        log.info(NOT_CHECKED + reason)
    errors = ed.diags.errors
    for d in errors:
        log.error(str(d))
    if errors:
        raise PluginError(f"The edition has {len(errors)} problem(s), listed above; fix them and build again.")
