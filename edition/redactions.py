"""Redaction gaps, exemption codes and page breaks as structured markers, not stray text.

A sanitized release marks withheld text with ``[redacted]`` and exemption codes such as
``25X1``; the edition keeps every one in its place as an element with a class and an
accessible label, numbered so the declassification page can link to each.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml.html import HtmlElement

from .htmltext import TIP, element, iter_slots, rewrite_spans
from .reading import SUMMARY_CLASS, WITNESS_ATTR, reading_text, witness_pieces

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
        """Return (kind, code, accessible name) for a matched marker.

        The name is short because a screen reader speaks it at every marker; the explanation
        of a code is one step away, on the declassification-markings page the marker links to.
        """
        if text == GAP:
            return "gap", GAP, "passage withheld"
        m = PAGE_BREAK.fullmatch(text)
        if m:
            return "page", m.group(1) or "", f"Page {m.group(1)} begins" if m.group(1) else "Page break"
        code = self.codes[text]
        return "exemption", code.code, f"exemption {code.code}"

    def explanation(self, code: str) -> str:
        """The one-line tooltip of an exemption marker (the full text is on the markings page)."""
        c = self.codes[code]
        return f"{c.code}: {c.expansion}" if c.expansion else c.code


MARKER_CLASSES = frozenset({"redaction", "page-break"})


def mark_redactions(root: HtmlElement, pattern: MarkerPattern, explained_at: Callable[[str], str] | None = None) -> list[HtmlElement]:
    """Replace every marker in the page's text by its element; return them in order.

    ``explained_at(code)`` is the link to a code's explanation; with it, exemption markers
    are links (focusable, one step from the explanation), without it plain notes.
    """
    made: list[HtmlElement] = []
    page_ids: set[str] = set()
    for slot in list(iter_slots(root, skip_classes=MARKER_CLASSES)):
        node, attr = slot
        text = getattr(node, attr) or ""
        spans = [(m.start(), m.end(), m.group(0)) for m in pattern.pattern.finditer(text)]
        if not spans:
            continue

        def make(matched: str, _payload: object) -> HtmlElement:
            kind, code, label = pattern.label(matched)
            if kind == "page":
                return page_break(code, label, page_ids)
            if kind == "exemption" and explained_at is not None:
                el = element("a", matched, class_=f"redaction redaction--{kind}", href=explained_at(code), aria_label=label)
                el.set(TIP, pattern.explanation(code))
            else:
                el = element("span", matched, class_=f"redaction redaction--{kind}", role="note", aria_label=label)
                if kind == "exemption":
                    el.set(TIP, pattern.explanation(code))
            el.set("data-code", code)
            return el

        made.extend(rewrite_spans(slot, spans, make))
    for i, el in enumerate((m for m in made if "redaction" in m.get("class", "")), start=1):
        el.set("id", f"r{i}")
    for block in root.iter("p"):
        # the cheap test first: only a paragraph holding a marker can be a marker line, so the
        # text of every other paragraph need not be gathered
        holds_marker = any(c.get("class", "").startswith(("redaction", "page-break")) for c in block)
        if holds_marker and not reading_text(block, also=MARKER_CLASSES).strip():
            block.set("class", "marker-line")
    collapse_marker_lines(root)
    return made


def page_break(number: str, label: str, ids: set[str]) -> HtmlElement:
    """An original page break where it falls in the text: "[Page N]" (a label the stylesheet sets
    in the margin, on screen and in print), named "Page N begins" for screen readers, and an
    anchor ``#page-N`` to cite or link the page (the first break of that number only)."""
    el = element("span", class_="page-break", role="doc-pagebreak", aria_label=label)
    el.set("data-page", number)
    if number and f"page-{number}" not in ids:
        el.set("id", f"page-{number}")
        ids.add(f"page-{number}")
    el.append(element("span", f"[Page {number}]" if number else "[Page break]", class_="page-break__label"))
    return el


def collapse_marker_lines(root: HtmlElement) -> None:
    """Consecutive marker lines (``25X1``, ``25X1``, ``[redacted]``) become one compact line:
    the markers keep their order and ids, the reader sees one line instead of a column of boxes."""
    for line in list(root.iter("p")):
        if line.get("class") != "marker-line" or line.getparent() is None:
            continue
        nxt = line.getnext()
        while nxt is not None and nxt.tag == "p" and nxt.get("class") == "marker-line" and not (line.tail or "").strip():
            last = line[-1] if len(line) else None
            if last is not None:
                last.tail = (last.tail or "") + " " + (nxt.text or "")
            else:
                line.text = (line.text or "") + " " + (nxt.text or "")
            for child in list(nxt):
                line.append(child)
            line.tail = nxt.tail
            nxt.getparent().remove(nxt)
            nxt = line.getnext()


def summarise_marker_lines(root: HtmlElement) -> dict[str, str]:
    """Each line of markers only (``25X1 25X1 [redacted]``, after ``collapse_marker_lines``) as one
    short editorial line in square brackets, as a printed edition gives it: each exemption code
    once with how many times the copy prints it, and the withheld passages counted, which the
    copy shows as lines of their own ("[25X1 ×2; 1 passage not declassified]"). Page breaks and
    editors' comments of the line follow it. The markers a line no longer shows are taken out;
    returns their ids with the id of the marker that stands for them (the markings page links
    there)."""
    merged: dict[str, str] = {}
    for line in list(root.iter("p")):
        if line.get("class") != "marker-line":
            continue
        markers = [c for c in line if "redaction" in (c.get("class") or "").split()]
        if not markers:
            continue
        rest = [c for c in line if c not in markers]
        copy = "".join(text for text, _, _ in witness_pieces(line))  # what the copy prints, for the check
        codes: dict[str, list[HtmlElement]] = {}
        gaps: list[HtmlElement] = []
        for m in markers:
            if "redaction--gap" in (m.get("class") or "").split():
                gaps.append(m)
            else:
                codes.setdefault(m.get("data-code") or m.text_content(), []).append(m)
        for child in list(line):
            line.remove(child)
        line.text = "["
        shown: list[HtmlElement] = []
        for group in codes.values():
            first = group[0]
            first.tail = f" ×{len(group)}" if len(group) > 1 else ""
            shown.append(first)
            merged.update((m.get("id") or "", first.get("id") or "") for m in group[1:])
        if gaps:
            gap = gaps[0]
            gap.text = f"{len(gaps)} passage{'s' if len(gaps) > 1 else ''} not declassified"
            gap.set("class", f"{gap.get('class')} redaction--passage")
            gap.set("aria-label", f"{len(gaps)} passage{'s' if len(gaps) > 1 else ''} withheld")
            gap.tail = ""
            shown.append(gap)
            merged.update((m.get("id") or "", gap.get("id") or "") for m in gaps[1:])
        for i, el in enumerate(shown):
            if i:
                shown[i - 1].tail = (shown[i - 1].tail or "") + ("; " if el in gaps else ", ")
            line.append(el)
        shown[-1].tail = (shown[-1].tail or "") + "]"
        for el in rest:
            el.tail = (" " + el.tail.strip()) if el.tail and el.tail.strip() else None
            line.append(el)
        line.set("class", f"marker-line {SUMMARY_CLASS}")
        line.set(WITNESS_ATTR, " ".join(copy.split()))
    return merged


def mark_sic_comments(root: HtmlElement) -> None:
    """An editor's comment that is a *sic* reads as "[sic …]", any other as "[Ed.: …]" (CSS)."""
    for el in root.iter("span"):
        cls = (el.get("class") or "").split()
        if "critic" in cls and "comment" in cls and (el.text or "").lstrip().lower().startswith("sic"):
            el.set("class", " ".join([*cls, "comment--sic"]))
