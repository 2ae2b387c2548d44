"""The source as a witness of the document: its misreadings recorded, its page furniture declared.

A source file is a *witness* of the document (the OCR of a scan, a web copy); the reading text is
the document. TEI's ``<choice><orig>…</orig><reg>…</reg></choice>`` is the model:

- a **misreading** of the witness (``tbe`` for ``the``, ``M1TI`` for ``MITI``) is written
  ``[[tbe~>the]]``: the source's reading, then the edition's. It renders as
  ``<span class="witness" data-witness="tbe">the</span>``: the reading text has the edition's
  reading, the source's is kept in the element (never as text: search, snippets and the register
  do not see it) and listed in the memo's "Transcription" apparatus; the reader may show it in
  place (the "Source readings" control). The word-by-word comparison compares the source's
  reading with the source.
- **running heads** (a header, a page number, a release stamp printed on every page) are declared
  once in the memo's front matter, ``running_heads:``, and compared away like line breaks
  (``edition.fidelity``); the apparatus lists them.

Editorial interventions on the author's words stay CriticMarkup and stay visible
(``edition.editorial``): the two kinds never share a syntax.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from lxml.html import HtmlElement
from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor

from .diagnostics import Diagnostics
from .fidelity import PAGE_PLACEHOLDER
from .htmltext import shorten
from .paragraphs import block_id_of, place_label
from .reading import PAGE_BREAK_MARKUP, WITNESS_ATTR, WITNESS_CLASS, WITNESS_MARKUP, is_witness_reading
from .render import choice_control

_OPENING = re.compile(r"(?<!\\)\[\[(?!\[)")
_SPACES = re.compile(r"\s+")
SYNTAX = "[[source reading~>edition reading]]"
UrlFor = Callable[[str], str]


@dataclass(frozen=True)
class SourceReading:
    """One misreading of the source, recorded where it stands: what the source reads, what the edition reads."""

    doc_path: str
    place: str | None  # the paragraph or note id (p12, fn:3), or a heading's id
    witness: str
    reading: str


# -- Markdown: the markup, and its mistakes --------------------------------------------------------

class _ReadingPattern(InlineProcessor):
    """``[[tbe~>the]]`` as ``<span class="witness" title="tbe">the</span>``: the title holds the
    source's reading until the memo is processed (it becomes ``data-witness`` there, after the
    contributor-markup allowlist, which refuses ``data-*`` attributes). The edition's reading is
    Markdown like the text around it (emphasis, a link)."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        el = etree.Element("span")
        el.set("class", WITNESS_CLASS)
        # white space is folded, not trimmed: 'Japan[[ 3~>]][^3]' keeps the source's '3' a word of its own
        el.set("title", _SPACES.sub(" ", self.unescape(m.group("witness"))))
        el.text = _SPACES.sub(" ", m.group("reading")).strip()
        return el, m.start(0), m.end(0)


class WitnessExtension(Extension):
    """The edition's witness markup for Python-Markdown; the edition plugin adds it to every build."""

    def extendMarkdown(self, md: Markdown) -> None:
        # after backslash escapes (180), before links (170, 160): '[[' is not read as a link
        md.inlinePatterns.register(_ReadingPattern(WITNESS_MARKUP.pattern, md), "edition-witness", 175)


MAX_REPORTED = 50  # broken marks reported from one file


def check_markup(body: str, first_line: int, shown: str, diags: Diagnostics) -> set[int]:
    """Every ``[[`` of a memo's Markdown opens a complete reading or a page break: an unclosed one
    would be printed as it stands, the source's reading in the reading text. Returns the lines
    reported (a word there is no undefined acronym: it is the unclosed mark's)."""
    reported: set[int] = set()
    line, counted = first_line, 0  # lines counted as the openings come, not from the start each time
    before = len(diags.items)
    for opening in _OPENING.finditer(body):
        at = opening.start()
        line += body.count("\n", counted, at)
        counted = at
        if len(diags.items) - before >= MAX_REPORTED:
            break  # a file of unclosed marks: the first ones say what to fix
        if PAGE_BREAK_MARKUP.match(body, at):
            continue
        if body.startswith("[[page-break", at):
            reported.add(line)
            diags.error(shown, line, "a page break is written [[page-break]] or [[page-break N]] with the page number that begins",
                        "write the number as digits, e.g. [[page-break 4]], or leave it out when the source does not show it")
            continue
        m = WITNESS_MARKUP.match(body, at)
        if m is None or re.search(r"\n[ \t]*\n", m.group(0)):
            reported.add(line)
            what = shorten(body[at:at + 80].split("\n")[0], 20, between_words=True)
            diags.error(shown, line, f"the reading of the source '{what}' is not closed with ']]'",
                        f"write a misreading of the source as {SYNTAX}, in one paragraph, e.g. [[tbe~>the]]")
        elif not m.group("witness").strip() and not m.group("reading").strip():
            reported.add(line)
            diags.error(shown, line, "a reading of the source with neither reading: '[[~>]]'",
                        f"write {SYNTAX}, or remove the mark")
    return reported


# -- the built page ---------------------------------------------------------------------------------

def mark_readings(root: HtmlElement) -> list[HtmlElement]:
    """The source's reading moved from ``title`` (where Markdown put it) into ``data-witness``:
    kept with the word, never shown as a tooltip or indexed as text."""
    made = []
    for el in root.iter("span"):
        cls = (el.get("class") or "").split()
        if WITNESS_CLASS in cls and el.get("title") is not None:
            el.set(WITNESS_ATTR, el.attrib.pop("title"))
            made.append(el)
    return made


def find_readings(root: HtmlElement, doc_path: str) -> list[SourceReading]:
    """Every recorded misreading of the source, in reading order, with the block it stands in."""
    found = []
    for el in root.iter("span"):
        if not is_witness_reading(el):
            continue
        place = block_id_of(el)
        if place is None:
            heading = next((h for h in (el, *el.iterancestors()) if h.tag in ("h1", "h2", "h3", "h4", "h5", "h6")), None)
            place = heading.get("id") if heading is not None else None
        found.append(SourceReading(doc_path, place, (el.get(WITNESS_ATTR) or "").strip(), _SPACES.sub(" ", el.text_content()).strip()))
    return found


_BLOCK = re.compile(r"p\d+|fn:.+|front-\d+|end-\d+")


def _place(place: str | None) -> str:
    """'¶12', 'n. 6', 'heading' (a reading in a heading is linked to the heading's anchor)."""
    if place is None:
        return "the text"
    return place_label(place) if _BLOCK.fullmatch(place) else "heading"


def transcription_section(readings: list[SourceReading], heads: list[str], url_for: UrlFor, doc_path: str) -> str:
    """The memo's "Transcription" apparatus: each misreading of the source (where, the source's
    reading, the edition's) and the running heads left out of the text. Empty without either."""
    if not readings and not heads:
        return ""
    parts = ['<section class="memo-transcription"><h2 id="transcription-apparatus">Transcription</h2>']
    if readings:
        rows = []
        for r in readings:
            where = escape(_place(r.place))
            if r.place:
                where = f'<a href="{escape(url_for(f"{doc_path}#{r.place}"))}">{where}</a>'
            witness = f"<q>{escape(r.witness)}</q>" if r.witness else "<em>nothing</em>"
            reading = f"<q>{escape(r.reading)}</q>" if r.reading else "<em>nothing</em>"
            rows.append(f"<tr><td>{where}</td><td>{witness}</td><td>{reading}</td></tr>")
        parts.append(
            "<p>Where the source misreads the document (an error of the scan or of its text recognition), the text gives "
            "the document's reading; the source's is listed here, and shown in place with <em>Source readings: Shown</em>.</p>"
            '<table class="transcription-readings"><thead><tr><th>Where</th><th>Source reads</th><th>Edition reads</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    if heads:
        items = "".join(f"<li><q>{escape(h.replace(PAGE_PLACEHOLDER, 'N'))}</q></li>" for h in heads)
        parts.append(f'<p>Printed on the pages of the source and left out of the text (running heads, page numbers, stamps):</p><ul class="running-heads">{items}</ul>')
    parts.append("</section>")
    return "".join(parts)


SHOW_LEVELS = (("hidden", "Hidden"), ("shown", "Shown"))


def witness_control() -> str:
    """The reader's switch that shows the source's readings in place, beside the annotation setting
    (edition.js keeps the choice like the annotation level)."""
    return choice_control("witness-control", "Source readings:", "Readings of the source shown in the text", "source-readings", SHOW_LEVELS, "hidden")


def transcription_counts(counts: list[tuple[str, int, int]], titles: dict[str, str], url_for: UrlFor) -> str:
    """The editorial-method page's count, per document, of the source's misreadings recorded and
    of the running heads left out: (doc path, readings, running heads) in the documents' order."""
    rows = [
        f'<tr><td><a href="{escape(url_for(f"{path}#transcription-apparatus"))}">{escape(titles.get(path, path))}</a></td>'
        f'<td>{readings}</td><td>{heads}</td></tr>'
        for path, readings, heads in counts if readings or heads
    ]
    if not rows:
        return "<p>No document of the edition records a misreading of its source or declares running heads.</p>"
    return ('<table class="transcription-counts"><thead><tr><th>Document</th><th>Misreadings of the source</th>'
            f"<th>Running heads left out</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
