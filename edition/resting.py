"""Quiet mentions as plain text, with what the reader's "All" needs to draw them again.

``annotate.restrain`` decides which marks a reader sees by default; the others (a repeated
mention, a place, every mark in the notes) used to stay in the page as links drawn as plain text.
On the Heritage page that was 348 marks and 504 elements, a third of the page's DOM, styled, laid
out and (as links) mounted by Material's script on every load, for a reader who never asks to see
them. So they are written as the plain text they look like, and the page carries, as data, where
each one stands and the element it was: a JSON block (``type="application/json"``, never run)
that ``docs/assets/edition.js`` reads when the reader chooses "All", to put every quiet mark back
where it was, link, acronym and explanation included, and to take them out again for "Essential".

Where a mark stands is its place in its block's text (a numbered paragraph, an unnumbered block, a
note: the element with the block's id), counted in UTF-16 code units as a browser counts a
string, over every text node of the block but those of the controls the page's script adds. Putting a mark back leaves that text unchanged, so the
places hold whatever else the reader restored first. A quiet mark that holds anything but text
and other marks (an original page break inside a name) stays an element, drawn as plain text by
the stylesheet as before; so does one outside any block.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from .annotate import REPEAT as QUIET  # the class restrain() gives a mark not shown by default
from .htmltext import element
from .paragraphs import block_id_of

SCRIPT_ID = "edition-rest"  # the id of the data block edition.js reads
MARK_TAGS = frozenset({"a", "abbr"})
# Controls the page's script makes and keeps in a block (a paragraph's number and cite button):
# not part of the text the places are counted in, in the page or in edition.js (CONTROLS).
CONTROLS = frozenset({"para-anchor", "para-cite"})

Tree = list  # ["a", {attributes}, child, …]: a child is a string or a tree


@dataclass
class RestingMarks:
    """Every quiet mark written as text: its element once per distinct shape (``shapes``), and per
    block ``[start, end, shape, …]`` in the block's text (UTF-16 code units)."""

    shapes: list[Tree] = field(default_factory=list)
    blocks: dict[str, list[int]] = field(default_factory=dict)
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def add(self, block: str, start: int, end: int, shape: Tree) -> None:
        key = json.dumps(shape, ensure_ascii=False, separators=(",", ":"))
        number = self._index.setdefault(key, len(self.shapes))
        if number == len(self.shapes):
            self.shapes.append(shape)
        self.blocks.setdefault(block, []).extend((start, end, number))

    def __len__(self) -> int:
        return sum(len(places) for places in self.blocks.values()) // 3

    def script(self) -> str:
        """The data block of the page ('' when no mark rests). JSON is data, never markup: every
        '<', '>' and '&' is written as a \\u escape, so no value can close the element."""
        if not self.blocks:
            return ""
        data = json.dumps({"shapes": self.shapes, "blocks": self.blocks}, ensure_ascii=False, separators=(",", ":"))
        data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return f'<script type="application/json" id="{SCRIPT_ID}">{data}</script>'


def utf16_len(text: str) -> int:
    """The length of ``text`` as a browser counts it (UTF-16 code units)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _is_quiet(el: HtmlElement) -> bool:
    return isinstance(el.tag, str) and el.tag in MARK_TAGS and QUIET in (el.get("class") or "").split()


def _shape(el: HtmlElement) -> Tree | None:
    """The mark as a tree of tags, attributes and text; None if it holds anything but marks and text."""
    tree: Tree = [el.tag, dict(el.attrib)]
    if el.text:
        tree.append(el.text)
    for child in el:
        if not isinstance(child.tag, str) or child.tag not in MARK_TAGS:
            return None
        inner = _shape(child)
        if inner is None:
            return None
        tree.append(inner)
        if child.tail:
            tree.append(child.tail)
    return tree


def _unwrap(el: HtmlElement) -> None:
    """Replace ``el`` by its text, in place."""
    text = el.text_content()
    parent = el.getparent()
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text + (el.tail or "")
    else:
        parent.text = (parent.text or "") + text + (el.tail or "")
    parent.remove(el)


def rest_as_text(root: HtmlElement) -> RestingMarks:
    """Write every quiet mark of ``root`` (class ``mark-rest``, from ``annotate.restrain``) as plain
    text, and return where each stood and what it was."""
    found = RestingMarks()
    blocks: dict[str, HtmlElement] = {}
    for el in root.iter("a", "abbr"):
        if not _is_quiet(el) or any(_is_quiet(a) for a in el.iterancestors("a", "abbr")):
            continue
        block_id = block_id_of(el)
        if block_id and _shape(el) is not None:
            blocks.setdefault(block_id, next(a for a in el.iterancestors() if a.get("id") == block_id))
    for block_id, block in blocks.items():
        quiet = _quiet_places(block)
        for start, end, el in quiet:
            shape = _shape(el)
            assert shape is not None
            found.add(block_id, start, end, shape)
            _unwrap(el)
    return found


def _quiet_places(block: HtmlElement) -> list[tuple[int, int, HtmlElement]]:
    """(start, end, element) of every quiet mark of ``block`` that can be written as text, its
    place counted in the block's text as edition.js counts it (controls left out)."""
    found: list[tuple[int, int, HtmlElement]] = []
    position = 0

    def walk(node: HtmlElement) -> None:
        nonlocal position
        if node is not block and _is_quiet(node) and _shape(node) is not None:
            length = utf16_len(node.text_content())
            found.append((position, position + length, node))
            position += length
            return
        position += utf16_len(node.text or "")
        for child in node:
            if isinstance(child.tag, str) and not CONTROLS & set((child.get("class") or "").split()):
                walk(child)
            position += utf16_len(child.tail or "")

    walk(block)
    return found


def restore(shape: Tree) -> HtmlElement:
    """The element a shape stands for (what edition.js builds; here for the tests)."""
    tag, attrs, *children = shape
    el = element(tag)
    for name, value in attrs.items():
        el.set(name, value)
    last: HtmlElement | None = None
    for child in children:
        if isinstance(child, str):
            if last is None:
                el.text = (el.text or "") + child
            else:
                last.tail = (last.tail or "") + child
        else:
            last = restore(child)
            el.append(last)
    return el
