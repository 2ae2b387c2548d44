"""The built site read as a reader reads it: the apparatus must never lead nowhere or misquote.

``make check`` runs these over the pages of the build it has just made (after the word-by-word
comparison of ``edition.fidelity``), and the tests run the same functions over their builds, so
the check and the tests give one verdict on any content. Each finding names the input a
contributor can change (the document, the register entry, the glossary code) with its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html
from lxml.html import HtmlElement

from .diagnostics import Diagnostic, Diagnostics
from .documents import Document, load_documents
from .entities import Entity, load_entities
from .glossary import Term, load_glossary
from .htmltext import TIP
from .reading import NOT_READING_CLASSES

ELLIPSIS = "…"
ENTITIES = "data/entities.yml"
GLOSSARY = "data/glossary.yml"


class BuiltSite:
    """One built site and the project it was built from, each page parsed once."""

    def __init__(self, root: Path, site: Path) -> None:
        self.root, self.site = root, site
        self._pages: dict[str, HtmlElement] = {}
        self.documents: dict[str, Document] = {d.slug: d for d in load_documents(root / "docs", Diagnostics(), root)}
        self.entities: dict[str, Entity] = load_entities(root / ENTITIES, Diagnostics(), ENTITIES)

    def page(self, rel: str) -> HtmlElement:
        if rel not in self._pages:
            self._pages[rel] = html.parse(str(self.site / rel)).getroot()
        return self._pages[rel]

    def memo(self, slug: str) -> HtmlElement:
        return self.page(f"documents/{slug}/index.html")

    def shown(self, slug: str) -> str:
        return f"docs/{self.documents[slug].path}" if slug in self.documents else f"docs/documents/{slug}.md"

    def leads_into_memo(self, links: list[HtmlElement], page_rel: str) -> bool:
        for a in links:
            place = memo_place(a.get("href") or "", page_rel)
            if place and place[0] in self.documents and self.memo(place[0]).get_element_by_id(place[1], None) is not None:
                return True
        return False

    def register_pages(self) -> list[str]:
        """The register's entry pages (not its index or category pages), as site paths."""
        return sorted(p.relative_to(self.site).as_posix() for p in (self.site / "entities").glob("*/index.html")
                      if p.parent.name in self.entities)


def text_of(el: HtmlElement, skip: frozenset[str] = NOT_READING_CLASSES) -> str:
    """The words of an element, without the edition's furniture and comments (``edition.reading``)."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if not isinstance(node.tag, str) or skip.intersection((node.get("class") or "").split()):
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(el)
    return " ".join("".join(parts).split())


def memo_place(href: str, page_rel: str) -> tuple[str, str] | None:
    """(slug, anchor) if ``href`` on page ``page_rel`` points at a paragraph or note of a document."""
    parts = urlsplit(href)
    if parts.scheme or not parts.fragment:
        return None
    target = (Path(page_rel).parent / unquote(parts.path)).as_posix() if parts.path else page_rel
    m = re.search(r"documents/(\d{4}-\d{2}-\d{2}-[^/]+)/?(?:index\.html)?$", _normalise(target))
    if not m or not re.match(r"^(p\d+|fn:.+|front-\d+|end-\d+)$", parts.fragment):
        return None
    return m.group(1), parts.fragment


def _normalise(path: str) -> str:
    out: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return "/".join(out)


def _line_with(path: Path, words: str) -> int | None:
    """The first line of a file whose words (Markdown links and emphasis taken out) hold the first words of ``words``."""
    head = " ".join(words.split()[:4])
    if not head or not path.is_file():
        return None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if head in " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)|[*_]|\{[-+~>]{2}|[-+~<]{2}\}", r"\1", line).split()):
            return n
    return None


# -- the checks --------------------------------------------------------------------------------


def chronology_rows_leading_nowhere(root: Path, site: Path) -> list[Diagnostic]:
    """A chronology row must lead to a paragraph or note of a document that gives it."""
    s = BuiltSite(root, site)
    diags = Diagnostics()
    for row in s.page("chronology/index.html").xpath('//table[contains(@class, "chronology")]/tbody/tr'):
        if s.leads_into_memo(row.xpath(".//a[@href]"), "chronology/index.html"):
            continue
        what = " ".join(text_of(row).split()[:12])
        target = urlsplit((row.xpath("./td[2]//a/@href") or [""])[0]).path.rstrip("/").removesuffix("/index.html").removesuffix(".html")
        name = target.rsplit("/", 1)[-1]
        if name in s.documents:
            shown = s.shown(name)
            doc = s.documents[name]
            text = (root / shown).read_text(encoding="utf-8").splitlines()
            title_line = next((n for n, ln in enumerate(text, start=1) if n >= doc.body_line and ln.startswith("# ")), doc.body_line)
            diags.error(shown, title_line,
                        f"the chronology row of this document ('{what}') leads to no paragraph: no line before its title gives its date",
                        "write the date as the document prints it, with its year, in a line before the '# title' heading (the dateline)")
        elif name in s.entities:
            ent = s.entities[name]
            diags.error(ent.path, ent.line, f"the chronology row '{what}' leads to no paragraph of a document",
                        f"pin the words that mean it in a document with [words](entity:{ent.id})")
        else:
            diags.error("chronology", None, f"the chronology row '{what}' leads to no paragraph of a document", "mark the date in the text it comes from")
    return diags.items


def register_pages_leading_nowhere(root: Path, site: Path) -> list[Diagnostic]:
    """A register page must list at least one place in a document."""
    s = BuiltSite(root, site)
    diags = Diagnostics()
    for rel in s.register_pages():
        if not s.leads_into_memo(s.page(rel).xpath('//ul[contains(@class, "occurrences")]//a[@href]'), rel):
            ent = s.entities[Path(rel).parent.name]
            diags.error(ent.path, ent.line, f"the register page of '{ent.name}' lists no place in a document",
                        f"its name may sit where mentions are not looked for (a heading, a link): pin the mention with [words](entity:{ent.id})")
    return diags.items


def tooltips_cut_mid_word(root: Path, site: Path) -> list[Diagnostic]:
    """Entity tooltips ('Name: role or description'): a shortened description ends with '…' after a whole word."""
    s = BuiltSite(root, site)
    diags = Diagnostics()
    seen: set[str] = set()
    for slug in s.documents:
        for a in s.memo(slug).xpath(f'//a[@data-entity][@{TIP}]'):
            ent = s.entities.get(a.get("data-entity") or "")
            title = a.get(TIP) or ""
            if ent is None or ent.id in seen or not title.startswith(ent.name + ": "):
                continue
            rest = title[len(ent.name) + 2:]
            full = " ".join(ent.description.split())
            if any(whole and rest.startswith(whole) for whole in (ent.role or "", full)):
                continue
            shown = re.sub(r"(?<=…) \(.*\)$", "", rest)  # expansions of acronyms in the name follow the description
            stem = shown[:-1].rstrip()
            if not shown.endswith(ELLIPSIS):
                problem = "is cut without '…'"
            elif not full.startswith(stem) or (len(full) > len(stem) and full[len(stem)].isalnum()):
                problem = "is cut inside a word"
            else:
                continue
            seen.add(ent.id)
            diags.error(ent.path, ent.line, f"the tooltip of '{ent.name}' ({title!r}) {problem}", "give the entry a 'role', or a description whose first words say what it is")
    return diags.items


def snippets_cut_mid_word(root: Path, site: Path) -> list[Diagnostic]:
    """Each quoted snippet on the glossary and register pages is whole words of the paragraph it links to."""
    s = BuiltSite(root, site)
    diags = Diagnostics()
    for rel in ["glossary/index.html", *s.register_pages()]:
        for li in s.page(rel).xpath('//ul[contains(@class, "occurrences")]/li[q]'):
            q = " ".join(li.find("q").text_content().split())
            place = memo_place(li.find("a").get("href") or "", rel)
            if place is None or place[0] not in s.documents:
                continue
            para = s.memo(place[0]).get_element_by_id(place[1], None)
            text = text_of(para) if para is not None else ""
            inner = q.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS).strip()
            at = text.find(inner)
            end = at + len(inner)
            if at == -1:
                problem = "is not in the paragraph it links to"
            elif (at > 0 and text[at - 1].isalnum() and inner[:1].isalnum()) or (end < len(text) and text[end].isalnum() and inner[-1:].isalnum()):
                problem = "is cut inside a word"
            elif (at > 0 and not q.startswith(ELLIPSIS) and not re.search(r"[.!?][\"”’)]*\s*$", text[:at])) or (
                    end < len(text) and not q.endswith(ELLIPSIS) and not re.match(r"[\"”’)\]]*(\s|$)", text[end:]) and inner[-1:] not in ".!?"):
                problem = "is shortened without '…'"
            else:
                continue
            shown = s.shown(place[0])
            diags.error(shown, _line_with(root / shown, text), f"the snippet {q!r} on {Path(rel).parent.as_posix()}/ {problem} (¶ {place[1]})",
                        "the paragraph's text may hold markup the snippet cannot quote: check the transcription's marks there")
    return diags.items


def marking_counts_disagree(root: Path, site: Path) -> list[Diagnostic]:
    """For each exemption code: the documents' markers, the markings page and the acronyms page give one number."""
    s = BuiltSite(root, site)
    terms: list[Term] = load_glossary(root / GLOSSARY, Diagnostics(), GLOSSARY)
    acronyms, markings = s.page("acronyms/index.html"), s.page("markings/index.html")
    diags = Diagnostics()
    for t in (t for t in terms if t.kind == "exemption"):
        # a line of markers shows each code once with its count ("25X1 ×3"), as the markings page lists each place
        in_memos = sum(_times(el) for slug in s.documents for el in s.memo(slug).xpath(f'//*[@data-code="{t.term}"]'))
        row = acronyms.get_element_by_id(t.key, None)
        on_acronyms = sum(int(n) for n in re.findall(r"\((\d+)\)", row.xpath("td")[-1].text_content())) if row is not None else 0
        entry = markings.get_element_by_id(t.key, None)
        section = entry.getparent() if entry is not None else None
        m = re.search(r"In the edition: (\d+) markings?", section.text_content()) if section is not None else None
        on_markings = int(m.group(1)) if m else 0
        listed = sum(_times(code) for code in markings.xpath('//ol[contains(@class, "marker-list")]/li/code') if code.text == t.term)
        if len({in_memos, on_acronyms, on_markings, listed}) != 1:
            diags.error(t.path, t.line, f"exemption code {t.term} is counted differently: documents {in_memos}, acronyms page {on_acronyms}, "
                        f"markings page {on_markings}, listed {listed}", "a marking may stand where the edition does not look for it (a heading, a note)")
    return diags.items


def _times(el: HtmlElement) -> int:
    """How many markings an element stands for: one, or the count after it (" ×3")."""
    m = re.match(r"\s*×(\d+)", el.tail or "")
    return int(m.group(1)) if m else 1


SiteCheck = Callable[[Path, Path], list[Diagnostic]]
CHECKS: tuple[SiteCheck, ...] = (chronology_rows_leading_nowhere, register_pages_leading_nowhere, tooltips_cut_mid_word,
                                 snippets_cut_mid_word, marking_counts_disagree)


def site_checks(root: Path, site: Path) -> list[Diagnostic]:
    """Every check of this module over one build."""
    return [d for check in CHECKS for d in check(root, site)]
