"""A built edition as the browser tests read it: its pages by name, how a browser reaches them
(over HTTP with directory URLs, or from ``file://`` in the offline bundle), and what the built
pages say that the tests expect (which memos mark an acronym or name a person, a phrase of the
notes): read from the pages and the registers, so the tests follow the edition's data."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lxml import html as lxml_html

from tests.browser_support import ROOT


def norm(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Site:
    """A built edition and how a browser reaches it. Pages are named by their docs path without
    ``.md`` ("" for the home page, "glossary", "entities/cocom", "documents/1983-09-07-...")."""

    kind: str  # "http" (directory URLs) or "offline" (file://, .html URLs)
    root: Path
    base: str  # ends with "/"
    edition: str = "real"  # or "generated" (bench/generate.py)

    @property
    def directory_urls(self) -> bool:
        return self.kind == "http"

    def url(self, page: str) -> str:
        if self.directory_urls:
            return self.base + (f"{page}/" if page else "")
        return self.base + self.html_file(page).relative_to(self.root).as_posix()

    def html_file(self, page: str) -> Path:
        """The page's file: ``x/index.html`` with directory URLs; offline ``x.html``, or ``x/index.html``
        for a section index such as "documents" (from ``documents/index.md``)."""
        if not page:
            return self.root / "index.html"
        if self.directory_urls or (self.root / page / "index.html").is_file():
            return self.root / page / "index.html"
        return self.root / f"{page}.html"

    def tree(self, page: str) -> lxml_html.HtmlElement:
        path = self.html_file(page)
        assert path.is_file(), f"{self.kind}: page {page!r} was not built ({path})"
        return lxml_html.parse(str(path)).getroot()

    def page_of(self, url: str) -> str:
        """The page name of a URL of this site (query and fragment ignored)."""
        parts = urlsplit(url)
        prefix = urlsplit(self.base).path
        path = parts.path[len(prefix):] if parts.path.startswith(prefix) else parts.path
        if self.directory_urls:
            return path.removesuffix("index.html").strip("/")
        return "" if path == "index.html" else path.removesuffix(".html").removesuffix("/index")

    def memos(self) -> list[str]:
        if self.directory_urls:
            found = [p.parent for p in (self.root / "documents").glob("*/index.html")]
        else:
            found = [p.with_suffix("") for p in (self.root / "documents").glob("*.html")]
        pages = sorted(f"documents/{p.name}" for p in found if p.name[:4].isdigit())
        assert pages, f"{self.kind}: no memo pages in {self.root / 'documents'}"
        return pages

    def sampled_memos(self) -> list[str]:
        """Every memo of the real edition; every fourth of a generated one, whose memos all have the
        same shapes (a browser visit costs seconds on a busy 2-core machine; test_links, test_build and
        test_offline read every generated page)."""
        memos = self.memos()
        return memos if self.edition == "real" else memos[::4]


def marks_of(site: Site, memo: str, attribute: str) -> set[str]:
    """The values of ``attribute`` (``data-term`` or ``data-entity``) a memo marks: as a shown mark,
    or as a quiet one kept as data for the reader's "All" (edition/resting.py)."""
    tree = site.tree(memo)
    found = set(tree.xpath(f'//div[contains(@class,"memo-text")]//*/@{attribute}'))
    data = tree.xpath('//script[@id="edition-rest"]/text()')
    if data:
        found |= {shape[1].get(attribute) for shape in json.loads(data[0])["shapes"]} - {None}
    return found


@functools.cache
def _marks(site: Site, attribute: str) -> dict[str, frozenset[str]]:
    """``marks_of`` for every memo of the site, read once per run (the query helpers below share it)."""
    return {memo: frozenset(marks_of(site, memo, attribute)) for memo in site.memos()}


def most_marked(site: Site, attribute: str, values: set[str]) -> tuple[str, list[str]]:
    """Of ``values``, the one the most memos mark (the first by name among equals), and those memos:
    the query a reader of this edition would try first, whatever its data."""
    marked = _marks(site, attribute)
    by_value = {v: [m for m, found in marked.items() if v in found] for v in sorted(values)}
    value = max(by_value, key=lambda v: len(by_value[v]), default="")
    assert value and by_value[value], f"{site.kind}: no memo marks any of {len(values)} {attribute} values"
    return value, by_value[value]


def acronym_to_search(site: Site) -> tuple[str, str, list[str]]:
    """(acronym, its glossary anchor, the memos that use it) for the acronym of the acronym table
    that the most memos use."""
    rows = site.tree("acronyms").xpath('//article//table//tr[@id][td/a[contains(@href, "glossary")]]')
    names = {row.get("id"): norm(row.xpath("string(td[1])")) for row in rows}
    term, memos = most_marked(site, "data-term", set(names))
    return names[term], term, memos


def person_to_search(site: Site) -> tuple[str, str, list[str]]:
    """(register page, surname, the memos that name the person) for the person of the register the
    most memos name, searched by a one-word alias that is a word of their name ("Nakasone"; never a
    suffix such as "IV"). The register gives an alias to one entry only, so the surname is no other
    entry's alias; an event or a body named after the person may still hold it: their page must
    come first all the same. The real edition's register: ``site`` is the real edition."""
    from bench.project import one_word_alias
    from edition.diagnostics import Diagnostics
    from edition.entities import load_entities

    assert site.edition == "real", "the register read is the real edition's (data/entities.yml)"
    entities = load_entities(ROOT / "data/entities.yml", Diagnostics(), "data/entities.yml")
    surnames = {e.id: alias for e in entities.values() if e.type == "person" and (alias := one_word_alias(e))}
    entity, memos = most_marked(site, "data-entity", set(surnames))
    return f"entities/{entity}", surnames[entity], memos


def phrase_from_notes(site: Site) -> tuple[str, list[str]]:
    """Two capitalised words side by side (a publisher, a periodical: "Japan Times") in the notes of
    the most memos (the first in order among equals), and those memos."""
    found: dict[str, set[str]] = {}
    for memo in site.memos():
        for note in site.tree(memo).xpath('//div[contains(@class,"footnote")]//li'):
            for pair in re.findall(r"(?=\b([A-Z][a-z]{2,} [A-Z][a-z]{2,})\b)", norm(note.text_content())):
                found.setdefault(pair, set()).add(memo)
    phrase = max(sorted(found), key=lambda p: len(found[p]), default="")
    assert phrase, f"{site.kind}: no note of any memo has two capitalised words side by side"
    return phrase, sorted(found[phrase])
