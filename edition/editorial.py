"""Editorial interventions (CriticMarkup) found in the transcriptions, listed for readers.

Wording is never corrected silently: every insertion, deletion, substitution or editor's
comment is written as CriticMarkup in the memo, and the editorial-method page lists them all
from the rendered pages, so the list cannot fall out of step with the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from .htmltext import has_class, text_content
from .paragraphs import block_id_of

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Intervention:
    doc_path: str
    paragraph_id: str | None
    kind: str  # insertion | deletion | substitution | comment | highlight
    text: str


def _kind(el: HtmlElement) -> str | None:
    if el.tag == "ins" and has_class(el, "critic"):
        return "insertion"
    if el.tag == "del" and has_class(el, "critic"):
        return "deletion"
    if el.tag == "span" and has_class(el, "critic") and has_class(el, "comment"):
        return "comment"
    if el.tag == "mark" and has_class(el, "critic"):
        return "highlight"
    return None


def find_interventions(root: HtmlElement, doc_path: str) -> list[Intervention]:
    """Every intervention once. A substitution ``{~~old~>new~~}`` renders as a deletion directly
    followed by an insertion: it is one intervention ("old → new"), not two."""
    found = []
    paired: set[HtmlElement] = set()
    for el in root.iter("ins", "del", "span", "mark"):
        kind = _kind(el)
        if not kind or el in paired:
            continue
        text = _SPACES.sub(" ", text_content(el)).strip()
        following = el.getnext()
        if kind == "deletion" and not (el.tail or "") and following is not None and _kind(following) == "insertion":
            paired.add(following)
            kind, text = "substitution", f"{text} → {_SPACES.sub(' ', text_content(following)).strip()}"
        found.append(Intervention(doc_path, block_id_of(el), kind, text))
    return found
