"""Finding every registered term and entity name in a text in one pass.

An Aho-Corasick automaton (pyahocorasick) holds every written form at once, so the cost of
scanning a page grows with the page, not with the number of terms: a loop over terms, or a
regex alternation that Python tries branch by branch, would grow with both.

Names are matched as written (proper nouns are case-sensitive: "Abe" is not "abe"), but the
common words of a name of several words may be written in either case: "Reagan administration"
is the register's "Reagan Administration", and because the longest name wins it is not the
person "Reagan". A third automaton holds those names case-folded; a hit counts only where the
name's first word and every word that is not a plain capitalised word ("FY", "U.S.", "McDonnell")
are written exactly as registered.
"""

from __future__ import annotations

import re
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


_WORD = re.compile(r"\w+(?:[.'’]\w+)*\.?")


def _common(word: str) -> bool:
    """A word a name may write in either case: a plain capitalised or lowercase word ('Administration',
    'of'), not an acronym, an initial, a word with inner capitals or digits."""
    return word.isalpha() and len(word) > 1 and word[1:].islower()


def _loose_form(form: str) -> bool:
    """A case-sensitive name of several words with a common word after its first: it gets the case-folded pass."""
    words = _WORD.findall(form)
    return len(words) > 1 and any(_common(w) for w in words[1:])


def _same_name(form: str, written: str) -> bool:
    """``written`` (the text, as long as ``form`` once folded) is ``form`` with only its common words in another case."""
    if len(form) != len(written):
        return False
    first = True
    for m in _WORD.finditer(form):
        word, seen = m.group(0), written[m.start():m.end()]
        if word != seen and (first or not _common(word) or word.casefold() != seen.casefold()):
            return False
        first = False
    rest_form, rest_seen = _WORD.sub("", form), _WORD.sub("", written)  # spaces and punctuation between the words
    return rest_form == rest_seen


class Matcher:
    """Leftmost-longest, word-bounded matching of many forms; case-sensitive or not per form."""

    def __init__(self) -> None:
        self._exact: dict[str, list[Target]] = {}
        self._folded: dict[str, list[Target]] = {}
        self._loose: dict[str, dict[str, list[Target]]] = {}  # folded form -> {form as registered: targets}
        self._automata: tuple[ahocorasick.Automaton | None, ...] = (None, None, None)

    def add(self, form: str, target: Target, case_sensitive: bool = True) -> None:
        table = self._exact if case_sensitive else self._folded
        key = form if case_sensitive else form.casefold()
        if key and target not in table.setdefault(key, []):
            table[key].append(target)
        if case_sensitive and _loose_form(form):
            loose = self._loose.setdefault(form.casefold(), {}).setdefault(form, [])
            if target not in loose:
                loose.append(target)

    def build(self) -> Matcher:
        def automaton(table: dict[str, object]) -> ahocorasick.Automaton | None:
            if not table:
                return None
            a = ahocorasick.Automaton()
            for form, targets in table.items():
                a.add_word(form, (form, targets))
            a.make_automaton()
            return a

        self._automata = (automaton({k: tuple(v) for k, v in self._exact.items()}),
                          automaton({k: tuple(v) for k, v in self._folded.items()}),
                          automaton(dict(self._loose)))
        return self

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches, leftmost first and longest at each position; at one place, a
        name written exactly as registered before one whose common words are in another case."""
        candidates: list[tuple[int, int, int, tuple[Target, ...]]] = []
        exact, folded, loose = self._automata
        folded_text = ""
        if folded is not None or loose is not None:
            folded_text = text.casefold()
            if len(folded_text) != len(text):
                folded_text = "".join(c.casefold() if len(c.casefold()) == 1 else c for c in text)
        for rank, automaton, haystack in ((0, exact, text), (0, folded, folded_text), (1, loose, folded_text)):
            if automaton is None:
                continue
            for end_index, (form, found) in automaton.iter(haystack):
                start, end = end_index - len(form) + 1, end_index + 1
                if _is_word_char(form[0]) and start > 0 and _is_word_char(text[start - 1]):
                    continue
                if _is_word_char(form[-1]) and end < len(text) and _is_word_char(text[end]):
                    continue
                if rank == 1:
                    written = text[start:end]
                    found = tuple(t for name, targets in found.items() if written != name and _same_name(name, written) for t in targets)
                    if not found:
                        continue
                candidates.append((start, end, rank, found))
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0]), c[2]))
        out: list[Match] = []
        pos, last_rank = 0, 0
        for start, end, rank, targets in candidates:
            if start < pos:
                if out and out[-1].start == start and out[-1].end == end and rank == last_rank:
                    merged = tuple(dict.fromkeys(out[-1].targets + targets))
                    out[-1] = Match(start, end, text[start:end], merged)
                continue
            out.append(Match(start, end, text[start:end], targets))
            pos, last_rank = end, rank
        return out
