"""Numbered, citable paragraphs: every text block of a memo gets ``p1``, ``p2``, …

Numbers follow reading order of the transcription and skip headings, marker-only lines and
the notes, so a paragraph's number only changes if the transcription itself changes.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from .htmltext import element, has_class, text_content
from .model import Paragraph

FURNITURE = frozenset({"para-anchor", "redaction", "page-break", "footnote-ref", "critic", "comment", "footnote-backref"})
_SPACES = re.compile(r"\s+")


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
    """Give each block an id and a visible permalink; return the paragraphs with their elements."""
    found: list[tuple[Paragraph, HtmlElement]] = []
    for el in paragraph_blocks(root):
        target = el
        number = len(found) + 1
        pid = f"p{number}"
        target.set("id", pid)
        text = _SPACES.sub(" ", text_content(target, FURNITURE)).strip()
        anchor = element("a", str(number), class_="para-anchor", href=f"#{pid}", title=f"Paragraph {number}: link to cite")
        anchor.tail = target.text
        target.text = None
        target.insert(0, anchor)
        found.append((Paragraph(doc_path, pid, number, text), target))
    return found
