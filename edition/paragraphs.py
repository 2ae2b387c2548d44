"""Numbered, citable paragraphs: every text block of a memo gets ``p1``, ``p2``, …

Numbers follow reading order of the transcription and skip headings, marker-only lines and
the notes, so a paragraph's number only changes if the transcription itself changes.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from .htmltext import element, has_class
from .model import Paragraph

# A citable block: a numbered paragraph (p12) or a note (fn:6).
_BLOCK_ID = re.compile(r"^(?:p\d+|fn:.+)$")


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


def number_paragraphs(root: HtmlElement, doc_path: str) -> list[tuple[Paragraph, HtmlElement]]:
    """Give each block an id, a visible permalink and a cite button; return them with their elements."""
    found: list[tuple[Paragraph, HtmlElement]] = []
    for number, target in enumerate(paragraph_blocks(root), start=1):
        pid = f"p{number}"
        target.set("id", pid)
        anchor = element("a", str(number), class_="para-anchor", href=f"#{pid}", title=f"Paragraph {number}: link to cite")
        button = element("button", "cite", type="button", class_="para-cite", title=f"Copy a citation of paragraph {number}")
        button.set("data-para", str(number))
        anchor.tail, button.tail = " ", target.text
        target.text = None
        target.insert(0, anchor)
        target.insert(1, button)
        found.append((Paragraph(doc_path, pid, number), target))
    return found


def block_id_of(el: HtmlElement) -> str | None:
    """The numbered paragraph or note that holds ``el`` (its id), if any."""
    return next((a.get("id") for a in el.iterancestors() if _BLOCK_ID.match(a.get("id") or "")), None)


def place_label(block_id: str) -> str:
    """How a reader cites a block: '¶12' for a paragraph, 'n. 6' for a note."""
    return f"n. {block_id[3:]}" if block_id.startswith("fn:") else f"¶{block_id[1:]}"
