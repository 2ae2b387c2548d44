"""Numbered, citable paragraphs: every body paragraph of a memo gets ``p1``, ``p2``, …

Numbers follow reading order of the transcription and skip headings, marker-only lines and
the notes, so a paragraph's number only changes if the transcription itself changes. The
furniture around the text of a letter is not numbered, as in a printed edition: what stands
before the document's title (letterhead, date line) and blocks of short lines (an address, a
signature). Those blocks still get an anchor (``front-1``, ``end-1``) so mentions in them can
be linked, but no number in the margin.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from .htmltext import has_class
from .model import Paragraph
from .reading import reading_text

# A citable block: a numbered paragraph (p12), a note (fn:6), an unnumbered block (front-1, end-2).
_BLOCK_ID = re.compile(r"^(?:p\d+|fn:.+|front-\d+|end-\d+)$")
SHORT_LINE = 60  # characters: longer lines are prose, not an address or a signature


def _in_notes(el: HtmlElement) -> bool:
    return any(has_class(a, "footnote") for a in el.iterancestors("div"))


def paragraph_blocks(root: HtmlElement) -> list[HtmlElement]:
    """Text blocks in reading order: paragraphs, and list items that are not wrappers of paragraphs."""
    blocks = []
    for el in root.iter("p", "li"):
        if _in_notes(el) or has_class(el, "marker-line"):
            continue
        if el.tag == "li" and el.find("p") is not None:
            continue  # a loose list item: its paragraphs are numbered instead
        blocks.append(el)
    return blocks


def is_line_block(el: HtmlElement) -> bool:
    """A paragraph of short lines broken by hand (an address, a signature block)."""
    if el.tag != "p" or el.find("br") is None:
        return False
    lines = reading_text(el).split("\n")  # a page label or an editor's comment is no part of a line
    return len(lines) > 1 and all(len(line.strip()) <= SHORT_LINE for line in lines)


def _before_title(root: HtmlElement) -> set[HtmlElement]:
    """Top-level blocks that stand before the document's own title (its first ``h1``)."""
    if root.find(".//h1") is None:
        return set()
    out: set[HtmlElement] = set()
    for child in root:
        if child.tag == "h1" or child.find(".//h1") is not None:
            break
        out.add(child)
        out.update(child.iterdescendants())
    return out


def _page_number(el: HtmlElement) -> int | None:
    number = el.get("data-page") or ""
    return int(number) if number.isdigit() else None


def original_pages(root: HtmlElement, blocks: list[HtmlElement]) -> dict[HtmlElement, tuple[int | None, int | None]]:
    """The pages of the original each block begins and ends on, where the page breaks marked in the
    text (``span.page-break[data-page]``) let them be known: the text before a first break marked
    "page N" is on page N - 1; after a break with no number, the page is not known until the next
    numbered one."""
    breaks = [el for el in root.iter("span") if has_class(el, "page-break")]
    if not breaks:
        return {}
    first = _page_number(breaks[0])
    current = first - 1 if first and first > 1 else None
    wanted = set(blocks)
    out: dict[HtmlElement, tuple[int | None, int | None]] = {}
    for el in root.iter():
        if el in wanted:
            end = current
            for inner in el.iter("span"):
                if has_class(inner, "page-break"):
                    end = _page_number(inner)
            out[el] = (current, end)
        elif el.tag == "span" and has_class(el, "page-break"):
            current = _page_number(el)
    return out


def page_locator(pages: tuple[int | None, int | None] = (None, None)) -> str:
    """The original's page of a paragraph, where it is known: "p. 2", or "pp. 1–2" for a paragraph a
    page break runs through; "" when the edition does not know it."""
    start, end = pages
    if start is None:
        return ""
    if end is not None and end != start:
        return f"pp. {start}–{end}"
    return f"p. {start}"


def cite_label(number: int, pages: tuple[int | None, int | None] = (None, None)) -> str:
    """How a paragraph is cited: "para. 5", with the original page where it is known ("p. 2, para. 5",
    "pp. 1–2, para. 5" for a paragraph a page break runs through). The page is the original's, the
    paragraph number the edition's: a citation puts each after the work it belongs to."""
    page = page_locator(pages)
    return f"{page}, para. {number}" if page else f"para. {number}"


PARA_NUMBER = "data-para"  # a numbered block's number, drawn in the margin by the stylesheet
CITE_LABEL = "data-cite-label"  # how a block is cited ("p. 2, para. 5", "n. 6"): its cite button's label
CITE_LOCATOR = "data-cite-locator"  # the original's locator a citation puts after the work ("p. 2", "n. 6")
CITE_EDITION_LOCATOR = "data-cite-edition-locator"  # the edition's, put after the edition ("para. 5")


def number_paragraphs(root: HtmlElement, doc_path: str) -> list[tuple[Paragraph, HtmlElement]]:
    """Give each body paragraph an id, its number and its cite label; return every text block
    with its element (unnumbered blocks with number 0).

    The page carries no control per paragraph: the stylesheet draws the number in the margin
    from ``data-para``, and edition.js makes the number's link and the cite button (with the
    block's ``data-cite-*`` attributes) when the reader points at the paragraph, taps it, uses
    the keyboard or arrives at its anchor. 61 links and 64 buttons on the Heritage page were a
    tenth of its DOM, there for every reader and used by few."""
    found: list[tuple[Paragraph, HtmlElement]] = []
    front = _before_title(root)
    targets = paragraph_blocks(root)
    pages = original_pages(root, targets)
    number = unnumbered_front = unnumbered_end = 0
    for target in targets:
        if target in front or is_line_block(target):
            if target in front:
                unnumbered_front += 1
                pid = f"front-{unnumbered_front}"
            else:
                unnumbered_end += 1
                pid = f"end-{unnumbered_end}"
            target.set("id", pid)
            target.set("class", ((target.get("class") or "") + " unnumbered").strip())
            found.append((Paragraph(doc_path, pid, 0), target))
            continue
        number += 1
        pid = f"p{number}"
        target.set("id", pid)
        target.set(PARA_NUMBER, str(number))
        target.set(CITE_LABEL, cite_label(number, pages.get(target, (None, None))))
        target.set(CITE_LOCATOR, page_locator(pages.get(target, (None, None))))  # the original's
        target.set(CITE_EDITION_LOCATOR, f"para. {number}")  # the edition's
        found.append((Paragraph(doc_path, pid, number), target))
    return found


def block_id_of(el: HtmlElement) -> str | None:
    """The numbered paragraph, note or unnumbered block that holds ``el`` (its id), if any."""
    return next((a.get("id") for a in el.iterancestors() if _BLOCK_ID.match(a.get("id") or "")), None)


def place_label(block_id: str) -> str:
    """How a reader cites a block: '¶12' for a paragraph, 'n. 6' for a note."""
    if block_id.startswith("fn:"):
        return f"n. {block_id[3:]}"
    if block_id.startswith("front-"):
        return "heading"
    if block_id.startswith("end-"):
        return "closing lines"
    return f"¶{block_id[1:]}"
