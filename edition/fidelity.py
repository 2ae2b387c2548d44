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
from pathlib import Path

from lxml import html

from .diagnostics import Diagnostic, Diagnostics
from .documents import load_documents, split_front_matter

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPTS = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
# At the start of a line: a Markdown bullet, bullet glyphs, then a list or note number.
_LINE_START = re.compile(r"^[ \t]*+(?:[-*+][ \t]++)?+(?:[◆•▪●■◦]++[ \t]*+)*+(?:\d++[.)][ \t]++)?+", re.M)
_BLOCK_ID = re.compile(r"p\d+|fn:[\w-]+")
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
    return source_paragraphs(text)[0]


def source_paragraphs(text: str) -> tuple[list[str], set[int]]:
    """The words of a source text, and the positions of the words that start a paragraph."""
    tokens: list[str] = []
    starts: set[int] = set()
    for para in re.split(r"\n\s*\n", text):
        para = _LINE_START.sub("", para)
        para = _strip_markdown(para)
        para = _SUPERSCRIPTS.sub("", para)
        starts.add(len(tokens))
        tokens.extend(para.split())
    return tokens, starts


def edition_tokens(page_html: str) -> list[str]:
    """Words of the transcription on a built memo page, without the edition's furniture."""
    return [word for word, _ in edition_words(page_html)]


def edition_words(page_html: str) -> list[tuple[str, str | None]]:
    """Each word of the transcription with the id of the paragraph or note it stands in (``p12``, ``fn:3``)."""
    doc = html.document_fromstring(page_html)
    texts = doc.find_class("memo-text")
    if not texts:
        raise ValueError("no transcription (div.memo-text) on this page")
    critic_inserts = [el for el in texts[0].iter("ins") if "critic" in (el.get("class") or "")]
    for el in critic_inserts:
        el.drop_tree()  # an editorial insertion is not a source word
    parts: list[tuple[str, str | None]] = []

    def walk(node: html.HtmlElement, block: str | None) -> None:
        if not isinstance(node.tag, str) or EDITORIAL_CLASSES.intersection((node.get("class") or "").split()):
            return
        own = node.get("id") or ""
        if _BLOCK_ID.fullmatch(own):
            block = own
        if node.text:
            parts.append((node.text, block))
        for child in node:
            walk(child, block)
            if child.tail:
                parts.append((child.tail, block))

    walk(texts[0], None)
    text = "".join(_SUPERSCRIPTS.sub("", t) for t, _ in parts)
    owners: list[str | None] = []
    for t, block in parts:
        owners.extend([block] * len(_SUPERSCRIPTS.sub("", t)))
    return [(m.group(0), owners[m.start()]) for m in re.finditer(r"\S+", text)]


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


@dataclass(frozen=True)
class Difference:
    """Where a transcription first departs from its source, for a message a contributor can act on."""

    block: str | None  # paragraph or note id on the built page
    missing: list[str]  # source words not in the transcription there
    extra: list[str]  # transcription words not in the source there
    context: list[str]  # the first words of that paragraph or note, to find it in the memo file
    fidelity: Fidelity


def first_difference(source: list[str], words: list[tuple[str, str | None]], starts: set[int] | None = None) -> Difference | None:
    """The first place where words are missing, added or out of order; None when the text is faithful.

    ``starts`` (from ``source_paragraphs``) places words missing between two paragraphs: with the
    next one when they start a paragraph of the source, else with the one before."""
    edition = [w for w, _ in words]
    fid = compare(source, edition)
    if fid.faithful and fid.order > ORDER_THRESHOLD:
        return None
    matcher = difflib.SequenceMatcher(a=source, b=edition, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        missing = [w for w in source[i1:i2] if w in fid.missing] if not fid.faithful else source[i1:i2]
        extra = [w for w in edition[j1:j2] if w in fid.extra] if not fid.faithful else edition[j1:j2]
        if not missing and not extra:
            continue
        deleted_after = j2 == j1 and j1 > 0 and not (starts and i1 in starts)
        at = min(j1 - 1 if deleted_after else j1, len(words) - 1)  # words deleted: where they would stand
        block = words[at][1] if words else None
        context = [w for w, b in words if b == block][:6] if block else edition[max(0, at - 5):at + 1]
        return Difference(block, missing, extra, context, fid)
    return Difference(None, [], [], [], fid)


ORDER_THRESHOLD = 0.9  # share of words that must stand in the source's order

# Each alternative's body excludes its own opening, so no part of a line is scanned twice
_MD_NOISE = re.compile(r"\[\^[^\]\[]*\]:?|\{>>(?:(?!\{>>|<<\}).)*<<\}|\]\(entity:[^)\]]*\)|\[\[page-break[^\]\[]*\]\]")


def _norm(word: str) -> str:
    return re.sub(r"[^\w]", "", word).lower()


def line_of_words(markdown: str, words: list[str], first_line: int = 1) -> int | None:
    """The line of ``markdown`` where the sequence ``words`` (as rendered) starts, matching loosely."""
    wanted = [n for n in map(_norm, words) if n][:5]
    if not wanted:
        return None
    stream: list[tuple[str, int]] = []
    for number, line in enumerate(markdown.splitlines(), start=first_line):
        for token in _MD_NOISE.sub(" ", line).split():
            n = _norm(token)
            if n:
                stream.append((n, number))
    tokens = [t for t, _ in stream]
    for i in range(len(tokens) - len(wanted) + 1):
        if tokens[i:i + len(wanted)] == wanted:
            return stream[i][1]
    return None


def _listed(words: list[str], limit: int = 12) -> str:
    shown = ", ".join(f"'{w[:40]}'" for w in words[:limit])
    return shown + (f" and {len(words) - limit} more" if len(words) > limit else "")


def describe(diff: Difference, source_path: str) -> tuple[str, str]:
    """(message, hint) for a difference, naming the missing and the extra words."""
    where = f"paragraph {diff.block[1:]}" if diff.block and diff.block.startswith("p") else (f"note {diff.block[3:]}" if diff.block else "the text")
    parts = []
    if diff.missing:
        parts.append(f"missing {_listed(diff.missing)}")
    if diff.extra:
        parts.append(f"not in the source {_listed(diff.extra)}")
    total = sum(diff.fidelity.missing.values()) + sum(diff.fidelity.extra.values())
    if parts:
        message = f"the transcription differs from {source_path} in {where}: " + "; ".join(parts)
        if total > len(diff.missing) + len(diff.extra):
            message += f" ({total} differing words in all)"
    else:
        message = f"the words of {source_path} are out of order: only {diff.fidelity.order:.0%} in sequence"
    return message, "transcribe every word of the source, in order; mark an editorial change with CriticMarkup ({++ ++}, {-- --}, {~~ ~> ~~})"


def excerpt_span(tokens: list[str], excerpt: dict[str, str] | None) -> tuple[int, int] | str:
    """Where the excerpted part lies in a source's words: (start, end), or why it cannot be found.

    An excerpt names its first and last words as the source has them (``from``, ``to``); the
    transcription is compared with that part only, so every word of it must still be there."""
    if not excerpt:
        return 0, len(tokens)
    first, last = source_tokens(excerpt["from"]), source_tokens(excerpt["to"])

    def find(words: list[str], start: int) -> int | None:
        return next((i for i in range(start, len(tokens) - len(words) + 1) if tokens[i:i + len(words)] == words), None)

    begin = find(first, 0)
    if begin is None:
        return f"the excerpt's first words '{excerpt['from'][:60]}' are not in the source"
    stop = find(last, begin)
    if stop is None:
        return f"the excerpt's last words '{excerpt['to'][:60]}' are not in the source after its first words"
    return begin, stop + len(last)


# -- the check over a built site -----------------------------------------------------------------

def _memo_page(site: Path, slug: str) -> Path:
    directory = site / "documents" / slug / "index.html"
    return directory if directory.is_file() else site / "documents" / f"{slug}.html"


def site_fidelity(root: Path, docs_dir: Path, site: Path) -> list[Diagnostic]:
    """Every memo of the built ``site`` against its source in ``sources/``: the first paragraph that
    differs, with the missing and the extra words; a memo without a source is a problem too."""
    diags = Diagnostics()
    for doc in load_documents(docs_dir, Diagnostics(), root):  # front-matter problems were reported by the build
        shown = (docs_dir / doc.path).relative_to(root).as_posix()
        text = (docs_dir / doc.path).read_text(encoding="utf-8")
        if not doc.source:
            line = next((n for n, ln in enumerate(text.splitlines(), start=1) if ln.startswith("source:")), 2)
            diags.error(shown, line, "memo names no source, so its transcription cannot be compared with it",
                        "put the plain-text source in sources/ and name it in 'source:', e.g. source: sources/004_memo.txt")
            continue
        page = _memo_page(site, doc.slug)
        if not page.is_file():
            continue
        source, starts = source_paragraphs((root / doc.source).read_text(encoding="utf-8", errors="replace"))
        span = excerpt_span(source, doc.excerpt)
        if isinstance(span, str):
            line = next((n for n, ln in enumerate(text.splitlines(), start=1) if ln.startswith("excerpt:")), 2)
            diags.error(shown, line, span, f"copy the words exactly as {doc.source} has them")
            continue
        source, starts = source[span[0]:span[1]], {i - span[0] for i in starts}
        diff = first_difference(source, edition_words(page.read_text(encoding="utf-8")), starts)
        if diff is None:
            continue
        _, body, body_line = split_front_matter(text)
        line = None
        if diff.block and diff.block.startswith("fn:"):
            label = diff.block[3:]
            line = next((n for n, ln in enumerate(text.splitlines(), start=1) if ln.startswith(f"[^{label}]:")), None)
        line = line or line_of_words(body.lstrip("\n"), diff.context, body_line) or body_line
        message, hint = describe(diff, doc.source)
        diags.error(shown, line, message, hint)
    return diags.errors
