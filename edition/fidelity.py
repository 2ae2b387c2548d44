"""Word-by-word comparison of a built memo page with its source text.

The normalisations below are the complete list published on the editorial-method page: they
remove layout only (list glyphs, note numbering, Markdown emphasis), never a word. Whatever
differs after them is either a marked intervention or a transcription error.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from lxml import html

from .htmltext import text_content

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPTS = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
# At the start of a line: a Markdown bullet, bullet glyphs, then a list or note number.
_LINE_START = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?(?:[◆•▪●■◦]+[ \t]*)*(?:\d+[.)][ \t]+)?", re.M)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$])")

# Editorial furniture on a built page: never words of the source.
EDITORIAL_CLASSES = frozenset({
    "para-anchor", "page-break", "footnote-ref", "footnote-backref", "comment", "note-reference",
    "para-cite", "headerlink",
})

NORMALISATIONS = [
    ("Markdown emphasis and escapes", "The source texts already mark bold and italics with asterisks and escape some characters with a backslash (\\$277); these are formatting, rendered as bold, italics and the plain character."),
    ("List glyphs", "Doubled bullets (◆◆) and list dashes at the start of a paragraph become list items; the glyphs are not words."),
    ("List and note numbers", "A number followed by '.' or ')' at the start of a paragraph (1) … 5), or a note's '1.') becomes the number of an ordered list item or of a note."),
    ("Superscript note numbers", "Superscript digits (¹ … ¹⁷) become note markers with the same numbers; the superscript in an acronym such as BMC³ is kept in the text but, being a digit, is left out of the word comparison."),
    ("White space", "Line breaks, page breaks and runs of spaces count as one space; paragraphs split by a page break are re-joined."),
]


def _strip_markdown(paragraph: str) -> str:
    paragraph = _ESCAPE.sub(r"\1", paragraph)
    return paragraph.replace("**", "").replace("*", "")


def source_tokens(text: str) -> list[str]:
    """Words of a source text after the published normalisations."""
    tokens: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = _LINE_START.sub("", para)
        para = _strip_markdown(para)
        para = _SUPERSCRIPTS.sub("", para)
        tokens.extend(para.split())
    return tokens


def edition_tokens(page_html: str) -> list[str]:
    """Words of the transcription on a built memo page, without the edition's furniture."""
    doc = html.document_fromstring(page_html)
    texts = doc.find_class("memo-text")
    if not texts:
        raise ValueError("no transcription (div.memo-text) on this page")
    critic_inserts = [el for el in texts[0].iter("ins") if "critic" in (el.get("class") or "")]
    for el in critic_inserts:
        el.drop_tree()  # an editorial insertion is not a source word
    text = text_content(texts[0], skip_classes=EDITORIAL_CLASSES)
    return _SUPERSCRIPTS.sub("", text).split()


@dataclass(frozen=True)
class Fidelity:
    missing: Counter[str]  # source words not in the edition
    extra: Counter[str]  # edition words not in the source
    order: float  # share of words in the same order (1.0 = identical order)

    @property
    def faithful(self) -> bool:
        return not self.missing and not self.extra

    def explain(self) -> str:
        parts = []
        if self.missing:
            parts.append("missing from the edition: " + ", ".join(f"{w!r}×{n}" for w, n in self.missing.most_common(20)))
        if self.extra:
            parts.append("not in the source: " + ", ".join(f"{w!r}×{n}" for w, n in self.extra.most_common(20)))
        return "; ".join(parts) or "faithful"


def compare(source: list[str], edition: list[str]) -> Fidelity:
    src, ed = Counter(source), Counter(edition)
    matcher = difflib.SequenceMatcher(a=source, b=edition, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    order = same / max(len(source), 1)
    return Fidelity(src - ed, ed - src, order)
