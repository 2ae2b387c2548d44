"""The registry records and the memo of a synthetic edition, as they are written to disk.

Each record knows its own YAML or BibTeX form, so the generator never formats a registry by hand.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bench.synth.vocabulary import BIB_MONTHS

T = TypeVar("T")

@dataclass(eq=False)  # identity: records are drawn into sets and dict keys
class TermSpec:
    term: str
    kind: str  # acronym | term | exemption
    definition: str
    expansion: str | None = None
    entity: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # legal_basis / withholds of exemption codes

    def as_yaml(self) -> dict[str, object]:
        out: dict[str, object] = {"term": self.term, "kind": self.kind}
        if self.expansion:
            out["expansion"] = self.expansion
        out["definition"] = self.definition
        if self.entity:
            out["entity"] = self.entity
        out.update(self.extra)
        return out


@dataclass(eq=False)  # identity: records are drawn into sets and dict keys
class EntitySpec:
    id: str
    name: str
    type: str
    description: str
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    date: str | None = None
    related: list[str] = field(default_factory=list)

    @property
    def forms(self) -> list[str]:
        return [self.name, *self.aliases]

    def as_yaml(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "name": self.name, "type": self.type}
        if self.aliases:
            out["aliases"] = list(self.aliases)
        out["description"] = self.description
        if self.role:
            out["role"] = self.role
        if self.date:
            out["date"] = self.date
        if self.related:
            out["related"] = list(self.related)
        return out


@dataclass(eq=False)  # identity: records are drawn into sets and dict keys
class RefSpec:
    key: str
    entry_type: str  # book | article | techreport | misc
    title: str
    year: int
    month: int
    day: int
    persons: list[tuple[str, str]] = field(default_factory=list)  # (given, family)
    corporate: str | None = None
    container: str = ""  # journal, publisher or institution
    city: str = ""

    def names_text(self) -> list[str]:
        """What ``Reference.names_text`` will hold for this entry (author names, title, container)."""
        out = [self.corporate] if self.corporate else [f for _, f in self.persons]
        out.append(self.title)
        if self.container and self.entry_type in ("article", "techreport"):
            out.append(self.container)
        return out

    def bibtex(self) -> str:
        f: list[tuple[str, str]] = []
        if self.corporate:
            f.append(("author", "{" + self.corporate + "}"))
        elif self.persons:
            f.append(("author", " and ".join(f"{fam}, {giv}" for giv, fam in self.persons)))
        f.append(("title", self.title))
        if self.entry_type == "article":
            f.append(("journal", self.container))
        elif self.entry_type == "book":
            f += [("publisher", self.container), ("address", self.city)]
        elif self.entry_type == "techreport":
            f += [("institution", self.container), ("address", self.city)]
        elif self.entry_type == "misc":  # congressional testimony, as bib/ writes it
            f += [("entrysubtype", "testimony"), ("howpublished", "testimony to the Senate Armed Services Committee")]
        f.append(("year", str(self.year)))
        if self.month:
            f.append(("month", BIB_MONTHS[self.month - 1]))
        if self.day:
            f.append(("date", f"{self.year:04d}-{self.month:02d}-{self.day:02d}"))
        width = max(len(k) for k, _ in f)
        body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" if k != "month" else f"  {k.ljust(width)} = {v}" for k, v in f)
        return f"@{self.entry_type}{{{self.key},\n{body}\n}}\n"


@dataclass
class Memo:
    file_name: str
    text: str
    bib: str  # the memo's own BibTeX entry
    words: int
    source_name: str = ""  # sources/NNN_key.txt, named in the memo's ``source:``
    source: str = ""  # the text "as received" that the memo transcribes, for the fidelity check




def plain_words(text: str) -> str:
    """Same normalisation as the note resolver's: lowercase words joined by single spaces."""
    return " ".join(re.findall(r"[A-Za-z0-9]+", text.lower()))


def names_work(phrase: str, ref: RefSpec) -> bool:
    """Whether the resolver would take ``phrase`` (before "op. cit.") to name ``ref``."""
    words = plain_words(phrase)
    if not words:
        return False
    return any(cand and (words in cand or cand in words) for cand in map(plain_words, ref.names_text()))


class Zipf(Generic[T]):
    """Draw items with probability proportional to 1/rank: a few are everywhere, most are rare."""

    def __init__(self, items: Sequence[T], rng: random.Random, exponent: float = 1.0):
        self.items = list(items)
        self.rng = rng
        self.cum = list(itertools.accumulate(1.0 / (r + 1) ** exponent for r in range(len(self.items))))

    def draw(self, k: int = 1) -> list[T]:
        if not self.items:
            return []
        return self.rng.choices(self.items, cum_weights=self.cum, k=k)

    def one(self) -> T:
        return self.items[bisect.bisect(self.cum, self.rng.random() * self.cum[-1])]

