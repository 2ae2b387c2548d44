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
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from .documents import Document
from .entities import Entity
from .htmltext import has_class
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
