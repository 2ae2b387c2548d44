"""Redaction gaps, exemption codes and page breaks as structured markers, not stray text.

A sanitized release marks withheld text with ``[redacted]`` and exemption codes such as
``25X1``; the edition keeps every one in its place as an element with a class and an
accessible label, numbered so the declassification page can link to each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from .htmltext import element, iter_slots, rewrite_spans, text_content

GAP = "[redacted]"
PAGE_BREAK = re.compile(r"\[\[page-break(?: (\d+))?\]\]")


@dataclass(frozen=True)
class ExemptionCode:
    code: str
    expansion: str
    withholds: str


class MarkerPattern:
    """One combined pattern for gaps, page breaks and every registered exemption code."""

    def __init__(self, codes: list[ExemptionCode]):
        self.codes = {c.code: c for c in codes}
        alternatives = [re.escape(GAP), PAGE_BREAK.pattern]
        if codes:
            names = sorted(self.codes, key=len, reverse=True)
            alternatives.append(r"(?<![\w])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])")
        self.pattern = re.compile("|".join(alternatives))

    def label(self, text: str) -> tuple[str, str, str]:
        """Return (kind, code, accessible label) for a matched marker."""
        if text == GAP:
            return "gap", GAP, "Redacted: text withheld in the declassified copy"
        m = PAGE_BREAK.fullmatch(text)
        if m:
            return "page", m.group(1) or "", f"Page break in the original{f', page {m.group(1)} begins' if m.group(1) else ''}"
        code = self.codes[text]
        return "exemption", code.code, f"Exemption marking {code.code}: {code.expansion}. Withholds {code.withholds}"


MARKER_CLASSES = frozenset({"redaction", "page-break"})
_NOT_TEXT = MARKER_CLASSES | {"critic", "comment"}


def mark_redactions(root: HtmlElement, pattern: MarkerPattern) -> list[HtmlElement]:
    """Replace every marker in the page's text by its element; return them in order."""
    made: list[HtmlElement] = []
    for slot in list(iter_slots(root, skip_classes=MARKER_CLASSES)):
        node, attr = slot
        text = getattr(node, attr) or ""
        spans = [(m.start(), m.end(), m.group(0)) for m in pattern.pattern.finditer(text)]
        if not spans:
            continue

        def make(matched: str, _payload: object) -> HtmlElement:
            kind, code, label = pattern.label(matched)
            if kind == "page":
                return element("span", "‖", class_="page-break", role="separator", aria_label=label, title=label)
            el = element(
                "span", matched, class_=f"redaction redaction--{kind}", role="note",
                aria_label=label, title=label,
            )
            el.set("data-code", code)
            return el

        made.extend(rewrite_spans(slot, spans, make))
    for i, el in enumerate((m for m in made if "redaction" in m.get("class", "")), start=1):
        el.set("id", f"r{i}")
    for block in root.iter("p"):
        # the cheap test first: only a paragraph holding a marker can be a marker line, so the
        # text of every other paragraph need not be gathered
        holds_marker = any(c.get("class", "").startswith(("redaction", "page-break")) for c in block)
        if holds_marker and not text_content(block, skip_classes=_NOT_TEXT).strip():
            block.set("class", "marker-line")
    return made
