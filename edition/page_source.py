"""Every Markdown page's source checked before anything parses it: the one edge where a page enters.

MkDocs parses a page's front matter itself, and Material writes some of its values into
``<head>``: a YAML alias "bomb" would expand inside MkDocs' loader, and a nested value would
reach a template as whatever Python makes of it. So each page's text passes here first. Front
matter is read with the edition's own loader (no anchors or aliases, bounded size, no markup in
any text at any depth); a document's fields are validated by ``edition.documents``, any other
page may set only the few fields below, each of its type. A page whose front matter is refused
is reported with its line and handed to MkDocs without it, so nothing refused is ever parsed or
shown. Lists and quotes nested deeper than any document needs stop with a message instead of
exhausting Python's recursion in the Markdown parser.
"""

from __future__ import annotations

import re
from typing import Any

from .diagnostics import Diagnostics
from .documents import split_front_matter
from .schema import shown_value
from .yamldata import is_invalid, load_mapping

HIDE_CHOICES = frozenset({"navigation", "toc", "footer", "path", "feedback"})
MAX_NESTING = 40  # levels of lists or block quotes: far beyond any document, far below Markdown's recursion limit
# '[' never closed in one paragraph: Python-Markdown's link and note patterns scan from each one to
# the paragraph's end (quadratic: 8,000 of them cost it 25 s, 100,000 would take hours). A real
# paragraph has a handful at most (a slip, a bracket of the source).
MAX_UNCLOSED_BRACKETS = 200
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t])")


def _field_ok(name: str, value: Any) -> bool:
    if name in ("title", "description"):
        return isinstance(value, str) and bool(value.strip())
    if name == "search":
        return isinstance(value, dict) and set(value) <= {"boost", "exclude"} and all(
            (k == "boost" and isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 10)
            or (k == "exclude" and isinstance(v, bool)) for k, v in value.items())
    if name == "hide":
        return isinstance(value, list) and all(isinstance(v, str) and v in HIDE_CHOICES for v in value)
    return False


PAGE_FIELDS = {
    "title": "a text",
    "description": "a text",
    "search": "a mapping with 'boost' (a number from 0 to 10) and/or 'exclude' (true or false)",
    "hide": f"a list of: {', '.join(sorted(HIDE_CHOICES))}",
}


def check_page(text: str, shown: str, diags: Diagnostics, is_document: bool, document_valid: bool) -> str:
    """The text MkDocs may read for the page at ``shown``: ``text`` itself, or without its front
    matter when the front matter is refused (every problem reported to ``diags`` with its line)."""
    yaml_text, body, body_line = split_front_matter(text)
    markdown = body.lstrip("\n")
    if not _nesting_ok(markdown, body_line, shown, diags) or not _brackets_ok(markdown, body_line, shown, diags):
        text = body = text[: len(text) - len(body)]  # the front matter alone: the parser would not return
    if yaml_text is None:
        return text
    if is_document:  # validated field by field when the documents were loaded (and reported there)
        return text if document_valid else body
    item = load_mapping(yaml_text, shown, diags, first_line=2)
    if item is None:
        return body
    ok = True
    for key, value in item.value.items():
        if is_invalid(value):
            ok = False
        elif key not in PAGE_FIELDS:
            diags.error(shown, item.line_of(key), f"unknown front-matter field '{key[:40]}' for a page",
                        f"a page's front matter may set: {', '.join(PAGE_FIELDS)}")
            ok = False
        elif not _field_ok(key, value):
            diags.error(shown, item.line_of(key), f"front-matter field '{key}' must be {PAGE_FIELDS[key]}, not {shown_value(value)}",
                        "fix the value's type")
            ok = False
    return text if ok else body


def _nesting_ok(body: str, first_line: int, shown: str, diags: Diagnostics) -> bool:
    """Whether no list or block quote nests past ``MAX_NESTING`` levels (Markdown's parser would
    recurse past Python's limit on them); the first line that does is reported."""
    for number, line in enumerate(body.split("\n"), start=first_line):
        if _depth(line) > MAX_NESTING:
            diags.error(shown, number, f"lists or quotes nested more than {MAX_NESTING} levels deep", f"nest at most {MAX_NESTING} levels")
            return False
    return True


def _brackets_ok(body: str, first_line: int, shown: str, diags: Diagnostics) -> bool:
    """Whether no paragraph leaves more than ``MAX_UNCLOSED_BRACKETS`` '[' unclosed (a backslash
    escapes one); the line of the first unclosed '[' of a paragraph that does is reported. Only a
    paragraph with that many '[' at all is read character by character."""
    number = first_line
    for paragraph in re.split(r"(\n[ \t]*\n)", body):
        if paragraph.count("[") > MAX_UNCLOSED_BRACKETS:
            unclosed = _unclosed(paragraph)
            if len(unclosed) > MAX_UNCLOSED_BRACKETS:
                diags.error(shown, number + paragraph.count("\n", 0, unclosed[0]), f"more than {MAX_UNCLOSED_BRACKETS} '[' never closed in one paragraph",
                            "close each '[' with ']' (a link, a note marker, an editor's bracket) or write a bracket of the source as '\\['")
                return False
        number += paragraph.count("\n")
    return True


def _unclosed(text: str) -> list[int]:
    """Where each '[' of ``text`` that no ']' closes stands (a backslash escapes either)."""
    opened: list[int] = []
    escaped = False
    for at, c in enumerate(text):
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == "[":
            opened.append(at)
        elif c == "]" and opened:
            opened.pop()
    return opened


def _depth(line: str) -> int:
    """How deep a line nests: quote marks and list markers at its start, and the indentation
    before a list marker (four columns a level, as Python-Markdown nests); a line of plain text or spaces nests nothing.
    One pass over the line's start, no pattern that could backtrack."""
    depth = at = 0
    while True:
        start = at
        while at < len(line) and line[at] in " \t":
            at += 1
        if at < len(line) and line[at] == ">":
            depth += 1
            at += 1
            continue
        marker = _LIST_MARKER.match(line, at)
        if marker is None:
            return depth
        depth += 1 + (len(line[start:at].expandtabs(4))) // 4
        at = marker.end()
