"""Online search with Pagefind: what each page tells the index, and the index built after the site.

Material's lunr search fetches the whole index (15.7 MB at 300 memos) before the first result,
and its plugin re-parses every page during the build. Online, the edition indexes the built site
with Pagefind instead (a chunked index: a query fetches the few chunks it needs) and answers
Material's search box through a worker of its own (``docs/assets/search/pagefind-worker.js``).
The offline bundle uses the same index: Chromium refuses ``fetch()`` and module scripts from
``file://``, so ``package_for_file`` adds a classic-script copy of Pagefind's loader and wraps each
index file in a small script; the worker loads those with ``<script>`` tags (which ``file://``
allows) and hands Pagefind the bytes through its own ``fetch``.

Nothing here knows MkDocs: the plugin (``edition_plugin/search.py``) passes paths, titles and HTML.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from copy import deepcopy as copy_element
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html
from lxml.html import HtmlElement

from .cache_files import sign, verify
from .documents import is_memo
from .reading import reading_words

WORKER = "assets/search/pagefind-worker.js"  # docs path of the edition's search worker
PAGEFIND_DIR = "pagefind"  # where the index goes in the site
NOTES_DIR = "pagefind-records"  # the documents' records (records_pages), only while the indexer runs
NOTE_HEADING = "§"  # each passage's heading in those pages (the search worker strips it from excerpts)
# Furniture kept out of the index, the same rule as for Material's search (``data-search-exclude``
# on occurrence lists and other apparatus), plus Material's permalink marks and page chrome.
EXCLUDE_SELECTORS = ("[data-search-exclude]", ".headerlink", ".md-source-file", ".md-content__button")
ROOT_SELECTOR = "article.md-content__inner"

GLOSSARY_PAGES = frozenset({"glossary.md", "acronyms.md", "markings.md"})


class SearchIndexError(Exception):
    """Pagefind could not index the built site."""


@dataclass(frozen=True)
class SearchFacts:
    """What a page contributes to the search filters."""

    kind: str  # document, note, glossary, register, page (the search box's kind: filter)
    document: str | None = None  # the document's slug (file name without .md)
    year: str | None = None
    weight: float | None = None  # a page's ``search: boost`` front matter, as Pagefind's weight (0–10)

    def article_attributes(self) -> str:
        """What Pagefind reads on the page's ``<article>``: ``data-pagefind-body`` (the page is
        indexed) and its weight when set. A document's page has neither: it is indexed through
        its record (``document_record``), one sub-result per paragraph and note, and Pagefind
        leaves out every page without ``data-pagefind-body`` once one page has it."""
        if self.kind == "document":
            return ""
        return " data-pagefind-body" + (f' data-pagefind-weight="{self.weight:g}"' if self.weight is not None else "")

    def tags(self, title: str) -> str:
        """Empty hidden elements Pagefind reads as this page's filters and title (every value escaped).

        They go inside the indexed ``<article>``: Pagefind ignores filters outside its root element.
        A document's page has none (its record carries them).
        """
        if self.kind == "document":
            return ""
        tags = [("filter", "kind", self.kind), ("meta", "title", title)]
        if self.document:
            tags.append(("filter", "document", self.document))
        if self.year:
            tags.append(("filter", "year", self.year))
        return _spans(tags)


def _spans(tags: list[tuple[str, str, str]]) -> str:
    """Pagefind filters and metadata as empty hidden elements, the value in an attribute of its own
    (``name[data-value]``), so a value may hold any character, a colon or a comma included."""
    return "".join(f'<span hidden data-pagefind-{what}="{name}[data-value]" data-value="{html.escape(value)}"></span>'
                   for what, name, value in tags)


def page_facts(src_uri: str, meta: dict) -> SearchFacts:
    """The kind of a page from its docs path; a memo's year from its front matter ``date``; the
    page's ``search: boost`` (Material's per-page ranking setting) kept as Pagefind's weight."""
    settings = meta.get("search")
    boost = settings.get("boost") if isinstance(settings, dict) else None
    weight = min(max(float(boost), 0.0), 10.0) if isinstance(boost, int | float) and not isinstance(boost, bool) else None
    if is_memo(src_uri):
        date = str(meta.get("date") or "")
        return SearchFacts("document", Path(src_uri).stem, date[:4] if re.match(r"\d{4}", date) else None, weight)
    if src_uri.startswith("entities/"):
        return SearchFacts("register", weight=weight)
    if src_uri in GLOSSARY_PAGES:
        return SearchFacts("glossary", weight=weight)
    return SearchFacts("page", weight=weight)


_EXCLUDED = re.compile(r'data-search-exclude(?:="[^"]*")?(?=[\s/>])')  # (a lookbehind would make it 10 × slower)


def mark_furniture(content: str) -> str:
    """``data-pagefind-ignore`` beside every ``data-search-exclude``: Material's search plugin
    strips the latter (when it has a value, as Markdown writes it) before the page is written."""
    out, last = [], 0
    for m in _EXCLUDED.finditer(content):
        inside_tag = content.rfind("<", 0, m.start()) > content.rfind(">", 0, m.start())
        if inside_tag and content[m.start() - 1].isspace():  # an attribute, not text
            out += [content[last:m.end()], " data-pagefind-ignore"]
            last = m.end()
    return "".join(out) + content[last:] if out else content


@dataclass(frozen=True)
class NoteRecord:
    """One note of a memo, a search result of its own (kind ``note``)."""

    url: str  # site-absolute, with the note's anchor: /documents/<slug>/#fn:3
    text: str
    facts: SearchFacts
    memo_title: str

    @property
    def number(self) -> str:
        """The note's number as the memo gives it (its footnote label: ``fn:3`` → "3")."""
        return self.url.split("#fn:", 1)[1]

    def filters(self) -> dict[str, list[str]]:
        filters = {"kind": ["note"]}
        if self.facts.document:
            filters["document"] = [self.facts.document]
        if self.facts.year:
            filters["year"] = [self.facts.year]
        return filters


@dataclass(frozen=True)
class Passage:
    """One sub-result of a document's record: a section heading (its words), or a block (a
    numbered paragraph, an unnumbered block, a note) under a heading that is a sign."""

    anchor: str  # the element's id on the document's page: p12, front-1, fn:3, a heading's id
    text: str
    heading: bool = False
    after: str = ""  # words of the text outside any block that follow it (a table's cells)


@dataclass(frozen=True)
class DocumentRecord:
    """What the search index holds of one document: its card, then its passages in the order of
    the page, each under a heading that carries the passage's anchor."""

    url: str  # site-absolute: /documents/<slug>/
    title: str
    facts: SearchFacts
    summary: str  # the card's words (title, date, author, source): before the first passage
    passages: tuple[Passage, ...]

    def filters(self) -> dict[str, list[str]]:
        """``kind:document``, and ``kind:note`` too when it has notes (the worker then lists only them)."""
        kinds = ["document"] + (["note"] if any(p.anchor.startswith("fn:") for p in self.passages) else [])
        filters = {"kind": kinds}
        if self.facts.document:
            filters["document"] = [self.facts.document]
        if self.facts.year:
            filters["year"] = [self.facts.year]
        return filters


def records_pages(records: list[DocumentRecord]) -> list[str]:
    """The documents as small HTML pages for the indexer, one per document, in place of its page.

    Pagefind makes a sub-result of every heading with an id, its excerpt taken from the words up
    to the next heading: so each paragraph and each note stands under a heading that carries its
    anchor (``<h3 id="p12">§</h3>``), and a result for words of a paragraph opens that paragraph
    (``#p12``), one for words of a note opens the note, under the document's own title (the
    page's ``meta.url`` and title). The heading is a sign, not a word: Pagefind needs text in it
    to make a sub-result, and a number there would be found by a search for that number in every
    document. Section headings keep their words. The text is the reading text
    (``edition.reading``): no editor's comment glued into an excerpt, no furniture.

    One page per document: one per note or paragraph would make the indexer's work grow with
    them (1,700 note pages of their own at 100 memos took Pagefind 2.6 s instead of 1.6 s).
    """
    pages = []
    for record in records:
        spans = [("meta", "url", record.url), ("meta", "title", record.title)]
        spans += [("filter", key, value) for key, values in record.filters().items() for value in values]
        body = [f"<p>{html.escape(record.summary)}</p>"] if record.summary else []
        for passage in record.passages:
            anchor = html.escape(passage.anchor)
            if passage.heading:
                body.append(f'<h2 id="{anchor}">{html.escape(passage.text)}</h2>')
            else:
                body.append(f'<h3 id="{anchor}">{NOTE_HEADING}</h3><p>{html.escape(passage.text)}</p>')
            if passage.after:
                body.append(f"<p>{html.escape(passage.after)}</p>")
        pages.append('<!doctype html><html lang="en"><body><article class="md-content__inner" data-pagefind-body>'
                     f'{_spans(spans)}{"".join(body)}</article></body></html>\n')
    return pages


_BLOCK_ID = re.compile(r"^(?:p\d+|front-\d+|end-\d+)$")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LEFT_OUT = ('.//*[@data-pagefind-ignore or @data-search-exclude or contains(concat(" ", @class, " "), " headerlink ")'
             ' or self::script or self::template]')


def _own_words(block: HtmlElement) -> str:
    """A block's reading text without the blocks inside it (a list item's own list), which are
    passages of their own."""
    inner = [el for el in block.iterdescendants() if _BLOCK_ID.match(el.get("id") or "")]
    if not inner:
        return reading_words(block)
    copy = copy_element(block)
    for el in list(copy.iterdescendants()):
        if _BLOCK_ID.match(el.get("id") or "") and el.getparent() is not None:
            el.drop_tree()
    return reading_words(copy)


def _holds_passages(el: HtmlElement) -> bool:
    return any(_BLOCK_ID.match(d.get("id") or "") or (d.tag in _HEADINGS and d.get("id")) for d in el.iterdescendants())


def _passages(el: HtmlElement, out: list[Passage], inside_block: bool = False) -> None:
    """The passages of ``el``'s children in the order of the page; words outside any block (a
    table, a line of markers) join the passage before them. ``inside_block``: ``el`` is a block
    whose own words are taken already; only the blocks inside it (a list item's list) are wanted."""
    for child in el:
        if not isinstance(child.tag, str) or "footnote" in (child.get("class") or "").split():
            continue
        if child.tag in _HEADINGS and child.get("id"):
            out.append(Passage(child.get("id"), reading_words(child), heading=True))
        elif _BLOCK_ID.match(child.get("id") or ""):
            out.append(Passage(child.get("id"), _own_words(child)))
            _passages(child, out, inside_block=True)
        elif _holds_passages(child):
            _passages(child, out, inside_block)
        elif inside_block or "marker-line" in (child.get("class") or "").split():
            continue  # a line of the released copy's markers only: the markings page lists each one
        elif words := reading_words(child):
            if out:
                out[-1] = Passage(out[-1].anchor, out[-1].text, out[-1].heading, f"{out[-1].after} {words}".strip())
            else:
                out.append(Passage(child.get("id") or "", words))


def document_record(output: str, page_url: str, facts: SearchFacts, title: str) -> DocumentRecord | None:
    """A built document page as its search record: the card's words, then every heading, block
    and note of its text as passages (reading text only: furniture, editors' comments and what
    the page keeps out of search are left out)."""
    start = output.find('<article class="md-content__inner')
    end = output.find("</article>", start)
    if start < 0 or end < 0:
        return None
    article = lxml_html.fragment_fromstring(output[start:end + len("</article>")])
    for skip in article.xpath(_LEFT_OUT):
        skip.drop_tree()
    card = article.xpath('.//*[contains(concat(" ", @class, " "), " memo-card ")]')
    summary = " ".join(" ".join(card[0].xpath(".//summary//text() | .//dd//text()")).split()) if card else ""
    passages: list[Passage] = []
    text = article.xpath('.//div[@class="memo-text"]')
    if text:
        _passages(text[0], passages)
    passages = [p for p in passages if p.text and p.anchor]
    passages += [Passage(n.url.split("#", 1)[1], n.text) for n in note_records(output, page_url, facts, title)]
    return DocumentRecord(f"/{page_url}", title, facts, summary, tuple(passages))


def note_records(output: str, page_url: str, facts: SearchFacts, title: str) -> list[NoteRecord]:
    """The notes of a built memo page (``div.footnote > ol > li[id^=fn:]``), as plain text."""
    start = output.find('<div class="footnote">')
    if start < 0:
        return []
    end = output.find("</article>", start)
    root = lxml_html.fragment_fromstring(output[start:end if end > 0 else None], create_parent="div")
    records = []
    for li in root.xpath('.//div[@class="footnote"]/ol/li[starts-with(@id, "fn:")]'):
        # furniture the memo page keeps out of its index too: the back link, "Works cited", '#', 'cite'
        for skip in li.xpath('.//*[@data-pagefind-ignore or @data-search-exclude or contains(concat(" ", @class, " "), " footnote-backref ")]'):
            skip.drop_tree()
        text = " ".join(li.text_content().split())
        if text:
            records.append(NoteRecord(f"/{page_url}#{li.get('id')}", text, facts, title))
    return records


def pagefind_command(site_dir: Path) -> list[str]:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", PAGEFIND_DIR,
           "--root-selector", ROOT_SELECTOR, "--force-language", "en", "--quiet"]
    for selector in EXCLUDE_SELECTORS:
        cmd += ["--exclude-selectors", selector]
    return cmd


def input_digest(site_dir: Path, notes_html: list[str]) -> str:
    """Everything Pagefind reads: every HTML file of the site, the notes' pages, its version and options."""
    from importlib import metadata

    h = hashlib.sha256(" ".join(pagefind_command(Path("."))[1:]).encode())  # not the interpreter's path (python, python3)
    for package in ("pagefind", "pagefind_bin"):
        try:
            h.update(f"{package}={metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package}=-\0".encode())
    for path in sorted(site_dir.rglob("*.html"), key=lambda p: p.relative_to(site_dir).as_posix()):
        rel = path.relative_to(site_dir).as_posix()
        if not rel.startswith((PAGEFIND_DIR + "/", NOTES_DIR + "/")):
            h.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    for page in notes_html:
        h.update(page.encode())
    return h.hexdigest()


# in a cached index: every file's SHA-256, signed with this machine's key (a committed index would
# be published to readers), checked before the index is reused
MANIFEST = "manifest.json"


def _manifest(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file() and p.name != MANIFEST}


def _link_or_copy(src: str, dst: str) -> None:
    """A hard link where the file system allows one (keeping or reusing an index costs no copy),
    else a copy. Nothing writes into an index file after Pagefind (the file:// packaging adds
    files beside them) and a rebuild deletes the folder first; the manifest would catch it if not."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _reuse(kept: Path, out: Path) -> bool:
    """Copy a cached index into the site if every file is there with the bytes it was stored with."""
    try:
        payload = verify(f"pagefind/{kept.name}", (kept / MANIFEST).read_bytes())  # signed by this machine
        expected = json.loads(payload) if payload is not None else None
        if isinstance(expected, dict) and expected:
            shutil.copytree(kept, out, ignore=shutil.ignore_patterns(MANIFEST), copy_function=_link_or_copy)
            if _manifest(out) == expected:  # checked on the copy: whatever happened to the cache meanwhile
                return True
    except (OSError, ValueError):
        pass
    shutil.rmtree(out, ignore_errors=True)
    return False


def _store(out: Path, cache_dir: Path, digest: str) -> None:
    """Keep the index of this build, and only it: staged in a directory of its own, then renamed
    into place (atomic), so a concurrent build reads a whole index or none."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".stage-", dir=cache_dir))
        try:
            shutil.copytree(out, stage / "index", copy_function=_link_or_copy)  # nothing rewrites an index file in place
            (stage / "index" / MANIFEST).write_bytes(sign(f"pagefind/{digest}", json.dumps(_manifest(stage / "index")).encode()))
            for old in cache_dir.iterdir():
                if old != stage and not old.name.startswith(".stage-"):
                    gone = cache_dir / f".gone-{old.name}-{os.getpid()}-{threading.get_ident()}"
                    old.rename(gone)
                    shutil.rmtree(gone, ignore_errors=True)
            (stage / "index").rename(cache_dir / digest)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _pagefind_env() -> dict[str, str]:
    """The environment without PAGEFIND_* settings: Pagefind reads its options from those, and the
    index must depend only on the command line (which the digest covers)."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}


def build_index(site_dir: Path, records: list[DocumentRecord], cache_dir: Path | None = None) -> bool:
    """Index the built site and the documents' records with Pagefind (the PyPI ``pagefind[bin]`` binary).

    The records are written as pages under ``NOTES_DIR`` for the indexer (``records_pages``),
    removed after it: one indexer run over files is fast, where the Python API's per-record calls took
    0.1 s each. With ``cache_dir``, the index of the last build is kept there under the digest of
    everything the indexer read (with a manifest of its files' checksums), and copied instead of
    indexing again when that input has not changed and the copy is whole.
    Returns True when the index came from the cache.
    """
    out = site_dir / PAGEFIND_DIR
    shutil.rmtree(out, ignore_errors=True)
    notes_html = records_pages(records)
    digest = input_digest(site_dir, notes_html) if cache_dir is not None else ""
    if cache_dir is not None and _reuse(cache_dir / digest, out):
        return True
    # Pagefind reads a pagefind.yml/.toml/.json in its working directory: run it in an empty one
    with tempfile.TemporaryDirectory(prefix="pagefind-") as work:
        stubs = site_dir / NOTES_DIR  # a fixed name: the pages' paths are in the index (reproducible builds)
        shutil.rmtree(stubs, ignore_errors=True)
        stubs.mkdir()
        try:
            for i, page in enumerate(notes_html):
                (stubs / f"{i:06d}.html").write_text(page, encoding="utf-8")
            proc = subprocess.run(pagefind_command(site_dir), capture_output=True, text=True, timeout=3600,
                                  check=False, cwd=work, env=_pagefind_env())
        finally:
            shutil.rmtree(stubs, ignore_errors=True)
    if proc.returncode != 0 or not (out / "pagefind-entry.json").is_file():
        raise SearchIndexError(f"pagefind failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    if cache_dir is not None:
        _store(out, cache_dir, digest)
    return False


# Files Pagefind's loader fetches: its entry, metadata, WebAssembly, index, filter and fragment chunks.
_FETCHED = re.compile(r"(?:pagefind-entry\.json|.*\.pf_meta|wasm\..*\.pagefind|.*\.pf_(?:index|filter|fragment))$")
_EXPORT = re.compile(r"export\s*\{([^}]*)\};?\s*$")


def package_for_file(site_dir: Path) -> int:
    """Make the Pagefind bundle loadable from ``file://``; returns the number of files wrapped.

    ``pagefind.js`` (an ES module) becomes ``pagefind.classic.js``, which sets ``self.__pagefind``;
    every fetched file ``F`` gets ``F.js``, which stores its bytes (base64) under its path in
    ``self.__pagefindFiles``. Fails loudly if Pagefind's loader no longer has the expected shape.
    """
    out = site_dir / PAGEFIND_DIR
    loader = (out / "pagefind.js").read_text(encoding="utf-8")
    exports = _EXPORT.search(loader)
    if not exports or "import.meta.url" not in loader:
        raise SearchIndexError("pagefind.js has an unexpected shape: cannot make its file:// copy")
    names = ",".join(name.strip() for name in exports.group(1).split(","))
    body = loader[: exports.start()].replace("import.meta.url", "self.__pagefindScript")
    (out / "pagefind.classic.js").write_text(f"(()=>{{{body}\nself.__pagefind={{{names}}};}})();\n", encoding="utf-8")
    count = 0
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and _FETCHED.fullmatch(rel):
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            path.with_name(path.name + ".js").write_text(
                f"(self.__pagefindFiles||(self.__pagefindFiles={{}}))[{json.dumps(rel)}]={json.dumps(data)};\n", encoding="utf-8")
            count += 1
    return count
