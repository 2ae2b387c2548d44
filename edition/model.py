"""The things of the domain, as plain records shared by every module of the core."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A citable paragraph of a memo: ``id`` is its anchor (``p12``), stable across builds."""

    doc_path: str
    id: str
    number: int


@dataclass(frozen=True, slots=True)
class Marker:
    """A redaction or exemption marking of the declassified copy, kept as data."""

    doc_path: str
    id: str
    kind: str  # "exemption" | "gap"
    code: str
    paragraph_id: str | None
    before: str = ""  # the words of the text just before the marking, so a list can say where it is
    after_paragraph: str | None = None  # for a marking between paragraphs: the paragraph it follows


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a glossary term or entity in a memo paragraph."""

    doc_path: str
    paragraph_id: str
    target: str  # term key or entity id
    text: str  # the words as written
    context: str  # a short snippet around it


@dataclass
class PageIndex:
    """Everything found on one memo page, gathered once during rendering."""

    doc_path: str
    markers: list[Marker] = field(default_factory=list)
    dated: list[DatedMark] = field(default_factory=list)
    years: list[tuple[str, int, str]] = field(default_factory=list)  # (paragraph id, year, paragraph text)
    dateline: str | None = None
    terms: list[Mention] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DatedMark:
    """A date marked in a memo's text (``[in 1981](when:1981 "…")``): a row of the chronology."""

    doc_path: str
    paragraph_id: str
    date: tuple[int, int, int]
    label: str  # what happened, as the mark's title gives it, else the marked words
    words: str
