"""The chronology, read from the texts: registered dates, dates marked in the transcription, years.

Three sources give a row: a dated event, agreement or programme of the register (linked to
every place that mentions it); a date mark in a memo, ``[in 1981](when:1981 "What happened")``
(linked to its paragraph); and each document of the edition (linked to its dateline). Every
year written in a memo's body text must be accounted for: inside a registered name or a mark,
or in a paragraph that a row with that year already leads to. ``[prior to 1945](when:-)`` marks
a year that is not an event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from .dates import MONTH_NAMES, format_partial_date
from .diagnostics import Diagnostic, Diagnostics
from .documents import Document
from .entities import Entity
from .htmltext import has_class, sentence_bounds
from .model import DatedMark, Mention
from .paragraphs import block_id_of
from .reading import reading_text
from .schema import parse_partial_date

WHEN_PREFIX = "when:"
NOT_AN_EVENT = "-"
CHRONOLOGY_TYPES = ("event", "agreement", "law", "programme")  # dated things that happen, not dated bodies
# A year of the 17th to 21st century standing alone: not '1960s', not '20505', not '$1987'.
YEAR = re.compile(r"(?<![\w$€£.,/-])(1[6-9]\d\d|20\d\d)(?![\w])")
_DIGITS = re.compile(r"\d")
# Besides what is not reading text (``edition.reading``): words whose years are accounted for
# otherwise (a date mark, a 'not an event' mark, a register name or pin). years_in_text looks for a
# figure in the whole reading text before it takes these (fewer) words.
MARKED = frozenset({"dated", "not-event", "entity", "no-mention"})

Place = tuple[str, str]  # (doc path, paragraph or note id)


@dataclass
class Row:
    date: tuple[int, int, int]
    what: str
    kind: str
    url: str  # docs path of the page the "what" links to (entity page, memo, or paragraph)
    places: list[Place] = field(default_factory=list)
    end: tuple[int, int, int] | None = None

    def years(self) -> set[int]:
        return {self.date[0]} | ({self.end[0]} if self.end else set())


@dataclass(frozen=True)
class BadMark:
    doc_path: str
    target: str
    words: str


def apply_date_marks(root: HtmlElement, doc_path: str) -> tuple[list[DatedMark], list[BadMark]]:
    """Turn ``[words](when:YYYY[-MM[-DD]] "label")`` links into ``<time>`` marks; ``when:-`` into a plain span."""
    marks: list[DatedMark] = []
    bad: list[BadMark] = []
    for a in list(root.iter("a")):
        href = a.get("href") or ""
        if not href.startswith(WHEN_PREFIX):
            continue
        target = href[len(WHEN_PREFIX):]
        words = " ".join(a.text_content().split())
        label = (a.get("title") or "").strip()
        a.attrib.clear()
        if target == NOT_AN_EVENT:
            a.tag = "span"
            a.set("class", "not-event")
            continue
        date = parse_partial_date(target)
        if date is None:
            a.tag = "span"
            bad.append(BadMark(doc_path, target, words))
            continue
        a.tag = "time"
        a.set("class", "dated")
        a.set("datetime", target)
        pid = block_id_of(a)
        if pid:
            marks.append(DatedMark(doc_path, pid, date, label or words, words))
    return marks, bad


def years_in_text(blocks: list[tuple[str, HtmlElement]], texts: dict[str, str]) -> list[tuple[str, int, str]]:
    """(paragraph id, year, paragraph text) for each year written in the body text, outside marks
    and names; ``texts``: each block's words (``snippets.block_texts``)."""
    out: list[tuple[str, int, str]] = []
    for pid, el in blocks:
        if not pid.startswith("p"):
            continue  # notes cite works by their dates; those are not events
        if not _DIGITS.search(texts.get(pid, "")):
            continue  # no figure at all: no year (the body text is a part of these words)
        years = [int(m.group(1)) for m in YEAR.finditer(reading_text(el, also=MARKED))]
        out.extend((pid, year, texts[pid]) for year in years)
    return out


def dateline_place(root: HtmlElement, doc: Document, blocks: list[tuple[str, HtmlElement]]) -> str | None:
    """The paragraph before the document's title heading that gives its date (the dateline), if any."""
    heading = next(iter(root.iter("h1")), None)
    ids = {id(el) for el in heading.itersiblings(preceding=True)} if heading is not None else None
    for pid, el in blocks:
        if ids is not None and id(el) not in ids and not any(id(a) in ids for a in el.iterancestors()):
            break
        if str(doc.date.year) in reading_text(el, also=MARKED):
            return pid
    return None


def chronology_rows(
    entities: dict[str, Entity], docs: dict[str, Document], by_entity: dict[str, list[Mention]],
    marks: list[DatedMark], datelines: dict[str, str | None], type_label: dict[str, str],
) -> list[Row]:
    """Every row, in date order; an entity row only if some document mentions the entity."""
    rows: list[Row] = []
    for e in entities.values():
        if e.date is None or e.type not in CHRONOLOGY_TYPES:
            continue
        places = list(dict.fromkeys((m.doc_path, m.paragraph_id) for m in by_entity.get(e.id, [])))
        if places:
            rows.append(Row(e.date, e.name, type_label[e.type], e.page, places, e.end_date))
    by_event: dict[tuple[tuple[int, int, int], str], Row] = {}
    for mk in marks:  # the same event marked in several places (same date and words) is one row
        row = by_event.get((mk.date, mk.label.casefold()))
        if row is None:
            row = by_event[(mk.date, mk.label.casefold())] = Row(mk.date, mk.label, "Dated in the text", f"{mk.doc_path}#{mk.paragraph_id}")
            rows.append(row)
        if (mk.doc_path, mk.paragraph_id) not in row.places:
            row.places.append((mk.doc_path, mk.paragraph_id))
    for d in docs.values():
        pid = datelines.get(d.path)
        rows.append(Row((d.date.year, d.date.month, d.date.day), d.title, "Document of the edition", d.path,
                        [(d.path, pid)] if pid else []))
    rows.sort(key=lambda r: (r.date, r.kind != "Document of the edition", r.what.casefold()))
    return rows


def uncovered_years(rows: list[Row], found: dict[str, list[tuple[str, int, str]]]) -> list[tuple[str, str, int, str]]:
    """(doc path, paragraph id, year, paragraph text) of each year no row leads to from its paragraph."""
    covered: set[tuple[str, str, int]] = set()
    for r in rows:
        for doc_path, pid in r.places:
            for y in r.years():
                covered.add((doc_path, pid, y))
    return [(doc_path, pid, year, text) for doc_path, items in found.items() for pid, year, text in items
            if (doc_path, pid, year) not in covered]


def is_dated_mark(el: HtmlElement) -> bool:
    return el.tag == "time" and has_class(el, "dated")


# -- marks whose date the words contradict ------------------------------------------------------

# A month's name (capitalised: "may" is a verb), with an optional day before or after it, and the
# year that may follow: "July", "7 September 1983", "October 1982", "January 14, 1983".
_NAMED_DATE = re.compile(
    r"(?<![\w-])(?:\d{1,2}\s+)?(" + "|".join(MONTH_NAMES) + r")\b(?:\s+\d{1,2}(?!\d))?,?(?:\s+(1[6-9]\d\d|20\d\d)(?!\w))?")
_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})


@dataclass(frozen=True)
class Contradiction:
    """A date mark or pin whose words name a month or year its date does not have."""

    paragraph_id: str | None
    target: str  # the link's target as written: when:1983-07, entity:soviet-expulsion-1983
    words: str
    date: str  # the mark's or entity's date, as the edition writes it
    named: str  # what the words say


def named_dates(text: str) -> list[tuple[int | None, int | None]]:
    """(year, month) of each date a text names: 'in July' (None, 7), 'October 1982' (1982, 10), '1985' (1985, None)."""
    out: list[tuple[int | None, int | None]] = []
    taken: list[tuple[int, int]] = []
    for m in _NAMED_DATE.finditer(text):
        out.append((int(m.group(2)) if m.group(2) else None, MONTH_NAMES.index(m.group(1)) + 1))
        taken.append(m.span())
    for m in YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            out.append((int(m.group(1)), None))
    return out


def _agrees(named: tuple[int | None, int | None], date: tuple[int, int, int], end: tuple[int, int, int] | None) -> bool:
    """Whether a named year or month can be the date (or fall within date … end)."""
    year, month = named
    first = (date[0], date[1] or 1)
    last = (end[0], end[1] or 12) if end else (date[0], date[1] or 12)
    if year is not None and month is not None:
        return first <= (year, month) <= last
    if year is not None:
        return first[0] <= year <= last[0]
    if not date[1] or (end and (end[0], end[1]) != (date[0], date[1])):
        return True  # a month alone cannot contradict a date known to the year only, or a span of months
    return month == date[1]


def _flatten(block: HtmlElement, target: HtmlElement) -> tuple[str, tuple[int, int], list[int], list[tuple[int, int]]]:
    """The block's words without its editorial comments; where ``target`` is in them, where each
    comment stood, and where the other links are (their dates are theirs, not this mark's)."""
    parts: list[str] = []
    pos = 0
    span = (0, 0)
    comments: list[int] = []
    links: list[tuple[int, int]] = []

    def walk(node: HtmlElement) -> None:
        nonlocal pos, span
        if has_class(node, "critic") and has_class(node, "comment"):
            comments.append(pos)
            return
        start = pos
        for piece in [node.text, *((child, child.tail) for child in node)]:
            if isinstance(piece, tuple):
                walk(piece[0])
                piece = piece[1]
            if piece:
                parts.append(piece)
                pos += len(piece)
        if node is target:
            span = (start, pos)
        elif node.tag == "a" or has_class(node, "not-event"):
            links.append((start, pos))

    walk(block)
    return "".join(parts), span, comments, links


def date_contradictions(root: HtmlElement, entities: dict[str, Entity]) -> list[Contradiction]:
    """Date marks (``when:``) and pins of dated register entries (``entity:``) whose words name a
    month or year that their date is not: a chronology row would lead the reader to a paragraph
    that says otherwise. The words of the mark are read; when they name no date, the rest of the
    sentence is. Not a contradiction: an editor's comment in that sentence, or right after it,
    already tells the reader (the author's own date is kept, as the text is)."""
    found: list[Contradiction] = []
    for a in root.iter("a"):
        href = a.get("href") or ""
        if href.startswith(WHEN_PREFIX):
            date, end = parse_partial_date(href[len(WHEN_PREFIX):]), None
        elif href.startswith("entity:") and (ent := entities.get(href[len("entity:"):])) is not None and ent.type in CHRONOLOGY_TYPES:
            date, end = ent.date, ent.end_date
        else:
            continue
        if date is None:
            continue
        block = next((b for b in a.iterancestors() if b.tag in _BLOCKS), None)
        if block is None:
            continue
        text, (start, stop), comments, links = _flatten(block, a)
        s, e = next(((x, y) for x, y in sentence_bounds(text) if x <= start < y), (0, len(text)))
        named = named_dates(text[start:stop])
        if not named:  # the rest of the sentence, without the dates of other links
            chars = list(text[s:e])
            for lx, ly in links:
                chars[max(lx, s) - s:max(min(ly, e) - s, 0)] = " " * max(min(ly, e) - max(lx, s), 0)
            named = named_dates("".join(chars))
        if not named or any(_agrees(n, date, end) for n in named) or any(s <= c <= e + 3 for c in comments):
            continue
        said = ", ".join(format_partial_date((y or 0, m or 0)) if y else MONTH_NAMES[(m or 1) - 1] for y, m in named)
        when = format_partial_date(date) + (f" – {format_partial_date(end)}" if end else "")
        found.append(Contradiction(block_id_of(a), href, " ".join(a.text_content().split()), when, said))
    return found


def contradiction_problems(found: list[Contradiction], shown: str, source: Callable[[], str]) -> list[Diagnostic]:
    """Each contradiction as a warning at the line of the memo file that holds its mark."""
    if not found:
        return []
    text = source()
    lines = text.splitlines()
    diags = Diagnostics()
    for c in found:
        needle = f"]({c.target}"
        line = next((n for n, ln in enumerate(lines, start=1) if needle in ln and c.words.split()[0] in ln), None) or \
            next((n for n, ln in enumerate(lines, start=1) if needle in ln), None)
        kind = "date mark" if c.target.startswith(WHEN_PREFIX) else "pin"
        where = f" (¶{c.paragraph_id[1:]})" if c.paragraph_id and c.paragraph_id[1:].isdigit() else ""
        diags.warning(shown, line, f"the {kind} '{c.words}'{where} is dated {c.date}, but its words say {c.named}",
                      f"give the date the words give ({WHEN_PREFIX}YYYY-MM), pin the entry the words mean, or, when the author's date is wrong, "
                      "say so in an editor's comment right after the words: {>>…<<}")
    return diags.items
