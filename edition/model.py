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
    terms: list[Mention] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)
