"""The reading text of a transcription: one definition for every text the edition derives from it.

A transcription holds three layers in one place, as TEI's ``<choice>`` does:

- the **reading text**, what the author wrote: the plain text, an editor's insertion or
  correction (``ins``), and the edition's reading of a word the source misreads (the text of
  ``span.witness``);
- the **witness** only, what the source file has and the document has not: words an editor
  struck (``del``) and the source's misreading of a word (``span.witness``'s ``data-witness``, an
  attribute, never text);
- the **edition's own words** around them: furniture (paragraph numbers, cite controls, page
  labels, note calls, permalinks) and editors' comments ("[Ed.: …]").

Register and glossary mentions, the acronym check, snippets, the chronology's years, the
markings' context and the search index read the reading text through ``reading_text`` and
``outside_reading``; the word-by-word comparison with the source reads the witness layer through
``witness_pieces``. The same layers of the Markdown file (``markdown_reading``,
``markdown_witness``) serve what is read before rendering. Nothing else lists these classes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

# What the edition adds around the text: never a word of the document or of its source.
FURNITURE = frozenset({"para-anchor", "para-cite", "page-break", "footnote-ref", "footnote-backref", "headerlink",
                       "note-reference"})
# An editor's comment (CriticMarkup ``{>>…<<}``, shown as "[Ed.: …]"): the edition's words, searchable
# as such, but neither the document's nor the source's.
EDITORIAL = frozenset({"comment"})
NOT_READING_CLASSES = FURNITURE | EDITORIAL
DELETION_TAGS = frozenset({"del"})  # the source's words an editor struck: witness only
INSERTION_TAGS = frozenset({"ins"})  # an editor's words supplied to the document: reading text only
NOT_TEXT_TAGS = frozenset({"script", "style", "template"})
WITNESS_CLASS = "witness"  # span.witness: its text is the edition's reading, the source's in WITNESS_ATTR
WITNESS_ATTR = "data-witness"
# A line of the copy's markers given as one editorial line ("[25X1 ×3]", edition.redactions): its
# text is the editor's summary, the line as the copy prints it is in WITNESS_ATTR.
SUMMARY_CLASS = "marker-line--summary"


def classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split()) if isinstance(el.tag, str) else set()


def outside_reading(el: HtmlElement, also: frozenset[str] = frozenset()) -> bool:
    """Whether ``el`` (with everything in it) is no part of the reading text: furniture, an
    editor's comment, a deletion; ``also``: classes a consumer leaves out for its own purpose."""
    if not isinstance(el.tag, str):
        return True  # a comment or processing instruction
    if el.tag in DELETION_TAGS or el.tag in NOT_TEXT_TAGS:
        return True
    return bool(classes(el) & (NOT_READING_CLASSES | also))


def in_reading_text(el: HtmlElement) -> bool:
    """Whether ``el`` stands inside the reading text (neither it nor an ancestor is left out)."""
    return not any(outside_reading(node) for node in (el, *el.iterancestors()))


def reading_slots(el: HtmlElement, also: frozenset[str] = frozenset()) -> Iterator[tuple[HtmlElement, str]]:
    """The text slots (element, "text" or "tail") of ``el``'s reading text, in document order."""
    if outside_reading(el, also):
        return
    if el.text:
        yield el, "text"
    for child in el:
        yield from reading_slots(child, also)
        if child.tail:
            yield child, "tail"  # the text after a left-out element is the text's again


def reading_text(el: HtmlElement, also: frozenset[str] = frozenset()) -> str:
    """The reading text of ``el``: what the author wrote, as the edition reads it."""
    return "".join(getattr(node, attr) or "" for node, attr in reading_slots(el, also))


def reading_words(el: HtmlElement, also: frozenset[str] = frozenset()) -> str:
    """``reading_text`` on one line, its white space folded: the form snippets and indexes keep."""
    return " ".join(reading_text(el, also).split())


def is_witness_reading(el: HtmlElement) -> bool:
    return isinstance(el.tag, str) and WITNESS_CLASS in classes(el) and el.get(WITNESS_ATTR) is not None


def witness_pieces(el: HtmlElement) -> Iterator[tuple[str, HtmlElement, bool]]:
    """The witness layer of ``el`` in document order: (text, element it stands in, whether it is a
    misreading kept in ``data-witness``). Insertions, comments and furniture are left out;
    deletions are in; a ``span.witness`` gives its source reading instead of its text."""
    if not isinstance(el.tag, str) or el.tag in INSERTION_TAGS or el.tag in NOT_TEXT_TAGS or classes(el) & NOT_READING_CLASSES:
        return
    if is_witness_reading(el):
        yield el.get(WITNESS_ATTR) or "", el, True
        return
    if SUMMARY_CLASS in classes(el) and el.get(WITNESS_ATTR) is not None:
        yield el.get(WITNESS_ATTR) or "", el, False
        return
    if el.text:
        yield el.text, el, False
    for child in el:
        yield from witness_pieces(child)
        if child.tail:
            yield child.tail, el, False


# -- the same layers in a Markdown file, before rendering -----------------------------------------

# CriticMarkup and the witness markup, as Markdown: each kind keeps one side in each layer.
WITNESS_MARKUP = re.compile(r"\[\[(?!page-break\b)(?P<witness>(?:\\.|[^\[\]\\])*?)~>(?P<reading>(?:\\.|[^\[\]\\])*?)\]\]", re.S)
PAGE_BREAK_MARKUP = re.compile(r"\[\[page-break(?: (\d+))?\]\]")
# Each mark's text may not hold another opening of the same mark (CriticMarkup does not nest): a
# scan from an unclosed opening stops at the next one, so no part of a file is scanned twice over.
_CRITIC = re.compile(r"\{~~(?P<old>(?:(?!\{~~|~>).)*)~>(?P<new>(?:(?!\{~~|~~\}).)*)~~\}"
                     r"|\{--(?P<deleted>(?:(?!\{--|--\}).)*)--\}|\{\+\+(?P<inserted>(?:(?!\{\+\+|\+\+\}).)*)\+\+\}"
                     r"|\{>>(?P<comment>(?:(?!\{>>|<<\}).)*)<<\}|\{==(?P<marked>(?:(?!\{==|==\}).)*)==\}", re.S)
_LAYERS = re.compile(f"{_CRITIC.pattern}|{WITNESS_MARKUP.pattern}|{PAGE_BREAK_MARKUP.pattern}", re.S)


def _layer(markdown: str, witness: bool) -> str:
    def keep(m: re.Match[str]) -> str:
        g = m.groupdict()
        if g["old"] is not None:  # {~~old~>new~~}
            kept = g["old"] if witness else g["new"]
        elif g["witness"] is not None:  # [[source reading~>edition reading]]
            kept = g["witness"] if witness else g["reading"]
        elif g["deleted"] is not None:  # {--…--}
            kept = g["deleted"] if witness else ""
        elif g["inserted"] is not None:  # {++…++}
            kept = "" if witness else g["inserted"]
        else:  # a highlight is in both, a comment and a page break in neither
            kept = g["marked"] or ""
        return kept + "\n" * (m.group(0).count("\n") - kept.count("\n"))  # the lines after keep their numbers

    return _LAYERS.sub(keep, markdown)


def markdown_reading(markdown: str) -> str:
    """The reading text of a memo's Markdown (insertions, corrections and edition readings in;
    deletions, source readings, comments and page breaks out), line for line."""
    return _layer(markdown, witness=False)


def markdown_witness(markdown: str) -> str:
    """The witness layer of a memo's Markdown (what the source file should have), line for line."""
    return _layer(markdown, witness=True)
