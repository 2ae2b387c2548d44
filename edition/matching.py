"""Finding every registered term and entity name in a text in one pass.

An Aho-Corasick automaton (pyahocorasick) holds every written form at once, so the cost of
scanning a page grows with the page, not with the number of terms: a loop over terms, or a
regex alternation that Python tries branch by branch, would grow with both.
"""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick


@dataclass(frozen=True)
class Target:
    kind: str  # "term" | "entity"
    id: str


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    targets: tuple[Target, ...]


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Matcher:
    """Leftmost-longest, word-bounded matching of many forms; case-sensitive or not per form."""

    def __init__(self) -> None:
        self._exact: dict[str, list[Target]] = {}
        self._folded: dict[str, list[Target]] = {}
        self._automata: tuple[ahocorasick.Automaton | None, ahocorasick.Automaton | None] = (None, None)

    def add(self, form: str, target: Target, case_sensitive: bool = True) -> None:
        table = self._exact if case_sensitive else self._folded
        key = form if case_sensitive else form.casefold()
        if key and target not in table.setdefault(key, []):
            table[key].append(target)

    def build(self) -> Matcher:
        def automaton(table: dict[str, list[Target]]) -> ahocorasick.Automaton | None:
            if not table:
                return None
            a = ahocorasick.Automaton()
            for form, targets in table.items():
                a.add_word(form, (form, tuple(targets)))
            a.make_automaton()
            return a

        self._automata = (automaton(self._exact), automaton(self._folded))
        return self

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches, leftmost first and longest at each position."""
        candidates: list[tuple[int, int, tuple[Target, ...]]] = []
        exact, folded = self._automata
        for automaton, haystack in ((exact, text), (folded, text.casefold() if folded else "")):
            if automaton is None:
                continue
            if len(haystack) != len(text):
                haystack = "".join(c.casefold() if len(c.casefold()) == 1 else c for c in text)
            for end_index, (form, targets) in automaton.iter(haystack):
                start, end = end_index - len(form) + 1, end_index + 1
                if _is_word_char(form[0]) and start > 0 and _is_word_char(text[start - 1]):
                    continue
                if _is_word_char(form[-1]) and end < len(text) and _is_word_char(text[end]):
                    continue
                candidates.append((start, end, targets))
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        out: list[Match] = []
        pos = 0
        for start, end, targets in candidates:
            if start < pos:
                if out and out[-1].start == start and out[-1].end == end:
                    merged = tuple(dict.fromkeys(out[-1].targets + targets))
                    out[-1] = Match(start, end, text[start:end], merged)
                continue
            out.append(Match(start, end, text[start:end], targets))
            pos = end
        return out
