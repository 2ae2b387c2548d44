"""Reading and rewriting the text of rendered HTML with a real parser (lxml).

Markers, tooltips and mention links are inserted into text nodes only, never by editing HTML
strings, so links, code and headings are never broken and every inserted value is escaped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Literal, TypeAlias

from lxml import html
from lxml.html import HtmlElement

Slot = tuple[HtmlElement, Literal["text", "tail"]]
Piece: TypeAlias = str | HtmlElement
Span: TypeAlias = tuple[int, int, object]

SKIP_TAGS = frozenset({"a", "code", "pre", "kbd", "script", "style", "abbr", "h1", "h2", "h3", "h4", "h5", "h6", "sup", "del", "ins"})


def parse_fragment(content: str) -> HtmlElement:
    """Wrap rendered page content in one ``div`` so it can be walked and re-serialised."""
    return html.fragment_fromstring(content or "", create_parent="div")


def serialise_children(root: HtmlElement) -> str:
    """The inner HTML of ``root``: one serialiser call for the whole page, not one per child.

    Serialising the wrapper and cutting off its tags also escapes ``root.text`` like every other
    text node (a child-by-child join would let a bare ``<`` or ``&`` before the first element through).
    """
    whole = html.tostring(root, encoding="unicode", with_tail=False)
    if not whole.endswith(f"</{root.tag}>"):
        return ""  # only a void element (no end tag) could get here, and it has no inner HTML
    return whole[whole.index(">") + 1 : -len(f"</{root.tag}>")]


def has_class(el: HtmlElement, name: str) -> bool:
    return name in (el.get("class") or "").split()


def skipped(el: HtmlElement, skip_tags: frozenset[str], skip_classes: frozenset[str]) -> bool:
    if not isinstance(el.tag, str):
        return True  # comments, processing instructions
    if el.tag in skip_tags:
        return True
    return bool(skip_classes.intersection((el.get("class") or "").split()))


def iter_slots(
    root: HtmlElement,
    skip_tags: frozenset[str] = SKIP_TAGS,
    skip_classes: frozenset[str] = frozenset(),
) -> Iterator[Slot]:
    """Text slots in document order, outside any skipped element (a skipped element's tail counts)."""
    stack: list[tuple[HtmlElement, bool]] = [(root, False)]
    # Iterative walk: (element, tail_pending)
    while stack:
        el, tail_only = stack.pop()
        if tail_only:
            if el.tail:
                yield (el, "tail")
            continue
        if el is not root:
            stack.append((el, True))
        if el is not root and skipped(el, skip_tags, skip_classes):
            continue
        if el.text:
            yield (el, "text")
        for child in reversed(list(el)):
            stack.append((child, False))


def slot_text(slot: Slot) -> str:
    node, attr = slot
    return getattr(node, attr) or ""


def replace_slot(slot: Slot, pieces: list[Piece]) -> None:
    """Replace a text slot by strings and new elements, keeping document order."""
    node, attr = slot
    first = ""
    rest = pieces
    if pieces and isinstance(pieces[0], str):
        first, rest = pieces[0], pieces[1:]
    setattr(node, attr, first or None)
    if attr == "text":
        parent, index = node, 0
    else:
        parent = node.getparent()
        index = parent.index(node) + 1
    last: HtmlElement | None = None
    for piece in rest:
        if isinstance(piece, str):
            assert last is not None
            last.tail = (last.tail or "") + piece
        else:
            piece.tail = None
            parent.insert(index, piece)
            index += 1
            last = piece


def rewrite_spans(slot: Slot, spans: Sequence[Span], make: Callable[[str, object], HtmlElement]) -> list[HtmlElement]:
    """Turn non-overlapping ``(start, end, payload)`` spans of a slot into elements."""
    text = slot_text(slot)
    pieces: list[Piece] = []
    made: list[HtmlElement] = []
    pos = 0
    for start, end, payload in spans:
        if start > pos:
            pieces.append(text[pos:start])
        el = make(text[start:end], payload)
        pieces.append(el)
        made.append(el)
        pos = end
    if pos < len(text):
        pieces.append(text[pos:])
    replace_slot(slot, pieces)
    return made


def all_slots(root: HtmlElement) -> Iterator[Slot]:
    """Every text slot under ``root`` in document order (the order of ``root.itertext()``)."""
    if root.text:
        yield root, "text"
    for child in root:
        if isinstance(child.tag, str):
            yield from all_slots(child)
        if child.tail:
            yield child, "tail"


Lifted = tuple[int, HtmlElement, str]  # (offset in the text of the block, element, white space taken from its tail)


def lift_out(root: HtmlElement, elements: list[HtmlElement]) -> list[Lifted]:
    """Take ``elements`` (a page break standing inside a name, say) out of ``root``'s text for a
    while: their tails join the text before them, with one space where there were two, so words
    around them read as one text ('Ministry of International ‖ Trade' as 'Ministry of
    International Trade'). ``put_back`` returns them to the same place in the text."""
    lifted: list[Lifted] = []
    for el in elements:
        parent = el.getparent()
        if parent is None:
            continue
        before = _text_before(root, el)
        tail, taken = el.tail or "", ""
        if before[-1:].isspace() and tail[:1].isspace():
            taken = tail[: len(tail) - len(tail.lstrip())]
            tail = tail[len(taken):]
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail or None
        else:
            parent.text = (parent.text or "") + tail or None
        parent.remove(el)
        el.tail = None
        lifted.append((len(before), el, taken))
    return lifted


def _text_before(root: HtmlElement, el: HtmlElement) -> str:
    parts = []
    for node, attr in all_slots(root):
        if node is el or el in node.iterancestors():
            break
        parts.append(getattr(node, attr) or "")
    return "".join(parts)


def put_back(root: HtmlElement, lifted: list[Lifted]) -> None:
    """Return elements taken out by ``lift_out`` to their places in ``root``'s text, however the
    text was wrapped in elements meanwhile (wrapping adds elements, never text). At the boundary
    of two text slots an element goes at the start of the second."""
    added = 0
    for offset, el, taken in lifted:
        at = offset + added
        target: tuple[Slot, int] = ((root, "text"), 0)
        pos = 0
        for slot in all_slots(root):
            size = len(slot_text(slot))
            if pos <= at < pos + size:
                target = (slot, at - pos)
                break
            if at == pos + size:
                target = (slot, size)
            pos += size
        (node, attr), k = target
        text = slot_text((node, attr))
        setattr(node, attr, text[:k] or None)
        el.tail = (taken + text[k:]) or None
        if attr == "text":
            node.insert(0, el)
        else:
            parent = node.getparent()
            parent.insert(parent.index(node) + 1, el)
        added += len("".join(el.itertext())) + len(taken)


# A mark's explanation (an acronym's expansion, a register entry's name and role, an exemption
# code's meaning): an accessible description, which the edition's one shared tooltip
# (docs/assets/edition.js) shows on hover, focus and tap, as text. Not ``title``: Material built a
# tooltip component per title at every page load (333 on the Heritage page, most of its blocking
# time on a phone) and inserts a title as HTML.
TIP = "aria-description"


def element(tag: str, text: str | None = None, **attrs: str) -> HtmlElement:
    """Build an element; text and attribute values are data and are escaped on output."""
    el = html.Element(tag)
    for key, value in attrs.items():
        el.set(key.rstrip("_").replace("_", "-"), value)
    if text is not None:
        el.text = text
    return el


def text_content(el: HtmlElement, skip_classes: frozenset[str] = frozenset()) -> str:
    """Visible text of an element, leaving out editorial furniture marked by class."""
    parts: list[str] = []

    def walk_all(node: HtmlElement) -> None:
        if not isinstance(node.tag, str) or skip_classes.intersection((node.get("class") or "").split()):
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk_all(child)
            if child.tail:
                parts.append(child.tail)

    walk_all(el)
    return "".join(parts)


# -- shortened text: one line, cut visibly with an ellipsis -----------------------------------

ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")
# A full stop ends a sentence unless it closes an abbreviation: 'U.S.', 'D.C.', 'Gregg A.', 'Dr.'.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|St|No|Jr|Sr|Inc|Ltd|Co|Corp|cf|pp|p|vs|op|cit|Gen|Adm|Sen|Rep)\.)[\"”’)\]]*$")


def shorten(value: object, limit: int = 80, *, between_words: bool = False) -> str:
    """``value`` on one line in at most ``limit`` characters, ending in '…' if cut.

    A value quoted in a message is cut where the room ends: the contributor needs to recognise
    the value, not read it. Text shown to readers (a tooltip, a short title) is cut
    ``between_words``, without the punctuation left hanging, unless that would waste more than
    two thirds of the room on one long word.
    """
    text = _SPACE.sub(" ", str(value)).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if between_words:
        space = cut.rfind(" ")
        if space > limit // 3:
            cut = cut[:space]
        cut = cut.rstrip(" ,;:–—-")
    return cut + ELLIPSIS


@functools.lru_cache(maxsize=256)
def sentence_bounds(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence of ``text``; abbreviations do not end a sentence. Kept for the
    paragraphs seen last: a paragraph with many mentions is split once, not once per mention."""
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[max(start, m.start() - 12): m.start() + len(m.group(0).rstrip())].rstrip()):
            continue
        bounds.append((start, m.start() + len(m.group(0).rstrip())))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return tuple(bounds)


def sentence_snippet(text: str, start: int, end: int, limit: int = 200) -> str:
    """The sentence of ``text`` that holds ``text[start:end]``; a longer one is cut around the
    mention at word boundaries, each cut marked with '…'."""
    s, e = next(((a, b) for a, b in sentence_bounds(text) if a <= start < b), (0, len(text)))
    left, right = s, max(e, end)
    if right - left > limit:
        room = max(0, limit - (end - start)) // 2
        left, right = max(s, start - room), min(right, end + room)
        if left > s:  # move forward to the next word start
            nxt = text.find(" ", left, start)
            left = nxt + 1 if nxt != -1 else left
        if right < e:  # move back to the previous word end
            prv = text.rfind(" ", end, right)
            right = prv if prv != -1 else right
    piece = _SPACE.sub(" ", text[left:right]).strip()
    return (ELLIPSIS if left > s else "") + piece + (ELLIPSIS if right < e else "")
