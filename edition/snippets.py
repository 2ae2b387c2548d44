"""Where a mention or a marking stands, in words: the sentence that holds it, the words before it.

Snippets are taken from the whole paragraph (not from one text node), so they run across
links, notes and editorial marks and are cut only between sentences or words.
"""

from __future__ import annotations

import dataclasses
import re

from lxml.html import HtmlElement

from .htmltext import ELLIPSIS, sentence_snippet
from .model import Mention
from .reading import DELETION_TAGS, FURNITURE, in_reading_text, reading_words

_PARAGRAPH_ID = re.compile(r"^p\d+$")


def block_texts(blocks: list[tuple[str, HtmlElement]]) -> dict[str, str]:
    """Each block's reading text (``edition.reading``), by block id: taken once per memo, for the
    mentions' sentences and the years of the chronology alike."""
    return {pid: reading_words(el) for pid, el in blocks}


def with_sentences(mentions: list[Mention], texts: dict[str, str]) -> list[Mention]:
    """The mentions, each with the sentence that holds it as its context (up to ~200 characters);
    ``texts`` from ``block_texts``."""
    cursor: dict[tuple[str, str, str], int] = {}
    out: list[Mention] = []
    for m in mentions:
        text = texts.get(m.paragraph_id)
        words = " ".join(m.text.split())
        key = (m.paragraph_id, words, m.target)
        at = text.find(words, cursor.get(key, 0)) if text else -1
        if at == -1 and text:
            at = text.find(words)
        if at == -1 or text is None:
            out.append(m)
            continue
        cursor[key] = at + len(words)
        out.append(dataclasses.replace(m, context=sentence_snippet(text, at, at + len(words))))
    return out


def words_before(el: HtmlElement, count: int = 8) -> str:
    """The last words of the text before ``el``: the document's words only (no earlier marking,
    which the markings page lists as a count of its place, not as a string of "25X1 [redacted]"),
    furniture left out."""
    words: list[str] = []
    for t in reversed(el.xpath("preceding::text()[position() <= 60]")):
        owner = t.getparent()
        if owner is None:
            continue
        holder = owner.getparent() if t.is_tail else owner
        if holder is None or not in_reading_text(holder) or any("redaction" in (a.get("class") or "").split() for a in (holder, *holder.iterancestors())):
            continue
        words[:0] = t.split()
        if len(words) >= count:
            break
    if not words:
        return ""
    return (ELLIPSIS if len(words) > count else "") + " ".join(words[-count:])


def paragraph_before(el: HtmlElement) -> str | None:
    """The id of the numbered paragraph that precedes ``el`` (for markings between paragraphs)."""
    found = el.xpath("preceding::*[starts-with(@id, 'p') and string(number(substring(@id, 2))) != 'NaN'][1]")
    return found[0].get("id") if found and _PARAGRAPH_ID.match(found[0].get("id")) else None


# -- what the search index leaves out ---------------------------------------------------------

LABELLED_LISTS = frozenset({"memo-card", "entity-facts"})  # their terms are labels ('Date', 'Type'), not text
# Apparatus sections of a memo page: lists and labels that other pages index entry by entry.
SEARCH_EXCLUDED_SECTIONS = frozenset({"memo-entities", "memo-acronyms", "works-cited", "cite-this", "memo-transcription"})


def exclude_from_search(root: HtmlElement) -> None:
    """Mark furniture (paragraph numbers, cite buttons, page breaks, labels), the source's words an
    editor struck and apparatus sections with Material's ``data-search-exclude``, so the index holds
    the reading text (``edition.reading``; an editor's note too, as text of the edition) and
    nothing else. A misreading of the source is an attribute, never indexed."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        classes = set((el.get("class") or "").split())
        if el.tag == "button" or el.tag in DELETION_TAGS or classes & FURNITURE or (el.tag == "dt" and _labels(el)):
            el.set("data-search-exclude", "")
        elif el.tag in ("section", "details") and classes & SEARCH_EXCLUDED_SECTIONS:
            el.set("data-search-exclude", "")
            for h in el.iter("h2", "h3"):  # no empty result for the section's heading either
                h.set("data-search-exclude", "")


def _labels(dt: HtmlElement) -> bool:
    return any(LABELLED_LISTS & set((a.get("class") or "").split()) for a in dt.iterancestors())
