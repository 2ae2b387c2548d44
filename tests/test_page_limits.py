"""Inputs on which Python-Markdown itself is quadratic stop with a message before it parses them."""

from __future__ import annotations

from edition.diagnostics import Diagnostics
from edition.page_source import MAX_UNCLOSED_BRACKETS, check_page

FRONT = "---\ntitle: A page\n---\n\n"


def _errors(body: str) -> list[tuple[int | None, str]]:
    diags = Diagnostics()
    check_page(FRONT + body, "docs/page.md", diags, is_document=False, document_valid=True)
    return [(e.line, e.message) for e in diags.errors]


def test_a_paragraph_of_unclosed_brackets_is_reported_at_its_first_bracket() -> None:
    body = "Words.\n\nA [link](x) and a note.[^1]\n\nText of the paragraph\nthen " + "[^" * (MAX_UNCLOSED_BRACKETS + 1) + "\n"
    (line, message), = _errors(body)
    assert line == FRONT.count("\n") + 6 and "never closed in one paragraph" in message, (line, message)


def test_brackets_that_close_are_escaped_or_are_in_other_paragraphs_pass() -> None:
    limit = MAX_UNCLOSED_BRACKETS
    assert _errors("Text " + "[a]" * (10 * limit)) == []
    assert _errors("Text " + "\\[" * (2 * limit)) == []
    assert _errors("\n\n".join(["[" * limit] * 3)) == []  # the limit is per paragraph, as Markdown's inline scan is
