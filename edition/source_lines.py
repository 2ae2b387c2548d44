"""Where a problem stands in a contributor's file: the one way the edition finds the line it names.

Every check reports ``path:line``; the line is found in the file as written, by what the problem
is about (a quoted needle, a word, a line's opening). One pass over the file's lines, whatever the
file's size.
"""

from __future__ import annotations

import re


def _body_lines(source: str, skip_front_matter: bool) -> list[tuple[int, str]]:
    lines = list(enumerate(source.splitlines(), start=1))
    if skip_front_matter and lines and lines[0][1].strip() == "---":
        end = next((i for i, (_, line) in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
        if end is not None:
            return lines[end + 1:]
    return lines


def lines_containing(source: str, needle: str, *, whole_word: bool = False, any_case: bool = True,
                     skip_front_matter: bool = False) -> list[int]:
    """Every line of ``source`` holding ``needle``: anywhere in the line (any case, by default), or
    as a whole word; with ``skip_front_matter`` not in the front matter."""
    if not needle:
        return []
    if whole_word:
        pattern = re.compile(r"(?<![\w])" + re.escape(needle) + r"(?![\w])", re.I if any_case else 0)
        return [n for n, line in _body_lines(source, skip_front_matter) if pattern.search(line)]
    low = needle.lower() if any_case else needle
    return [n for n, line in _body_lines(source, skip_front_matter) if low in (line.lower() if any_case else line)]


def line_containing(source: str, needle: str, **how: bool) -> int | None:
    """The first line ``lines_containing`` gives, or None."""
    found = lines_containing(source, needle, **how)
    return found[0] if found else None


def line_starting(source: str, prefix: str) -> int | None:
    """The first line of ``source`` that starts with ``prefix`` (a front-matter field, a note's definition)."""
    return next((n for n, line in enumerate(source.splitlines(), start=1) if line.startswith(prefix)), None)
