"""Word-by-word comparison of a built memo page with its source text.

The normalisations below are the complete list published on the editorial-method page: they
remove layout only (list glyphs, note numbering, Markdown emphasis, line-end hyphenation, the
running heads a memo declares), never a word. Whatever differs after them is either marked (an
intervention in CriticMarkup, a misreading of the source ``[[tbe~>the]]``) or a transcription
error. The transcription is compared through its witness layer (``edition.reading``): the words
an editor struck and the source's readings of misread words, not the insertions or corrections.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, cast

from lxml import html

from .diagnostics import Diagnostic, Diagnostics
from .documents import Document, load_documents, split_front_matter
from .reading import markdown_witness, witness_pieces
from .source_lines import line_starting
from .yamldata import load_mapping

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPTS = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
# At the start of a line: a Markdown bullet, bullet glyphs, then a list or note number.
_LINE_START = re.compile(r"^[ \t]*+(?:[-*+][ \t]++)?+(?:[◆•▪●■◦]++[ \t]*+)*+(?:\d++[.)][ \t]++)?+", re.M)
_BLOCK_ID = re.compile(r"p\d+|fn:[\w-]+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$])")
# Emphasis as Markdown writes it: a run of one to three asterisks around text, closed by the same
# run. A lone '*' (a footnote star, "5 * 3") is a character of the source and stays.
_RUN = re.compile(r"\*+")
_ESCAPED = 0xE000  # escaped characters wait in the private use area while emphasis is taken out
# A word broken by a hyphen at a line end (or where the line end became a space): 'tech-' 'nology'.
# Not a dash ('--'), not a suspended compound ('pre- and post-war').
_BROKEN = re.compile(r"[^\W\d_][.\])”’\"']*-$")
_NOT_CONTINUED = frozenset({"and", "or", "nor", "to"})
RUNNING_HEADS = "running_heads"  # front matter: the lines the source repeats on its pages, as printed
PAGE_PLACEHOLDER = "{page}"  # in a running head: the page number that changes from page to page
_PAGE_NUMBER = r"(?:\d{1,4}|[ivxlcdm]{1,8}|[IVXLCDM]{1,8})"

NORMALISATIONS = [
    ("Markdown emphasis and escapes", "The source texts already mark bold and italics with asterisks and escape some characters with a backslash (\\$277); these are formatting, rendered as bold, italics and the plain character. An asterisk that marks nothing is a character of the source."),
    ("List glyphs", "Doubled bullets (◆◆) and list dashes at the start of a paragraph become list items; the glyphs are not words."),
    ("List and note numbers", "A number followed by '.' or ')' at the start of a paragraph (1) … 5), or a note's '1.') becomes the number of an ordered list item or of a note."),
    ("Superscript note numbers", "Superscript digits (¹ … ¹⁷) become note markers with the same numbers; the superscript in an acronym such as BMC³ is kept in the text but, being a digit, is left out of the word comparison."),
    ("White space", "Line breaks, page breaks and runs of spaces count as one space; paragraphs split by a page break are re-joined."),
    ("Line-end hyphenation", "A word the source breaks with a hyphen at the end of a line ('tech-' / 'nology'; also where the line end has become a space, 'tech- nology') is one word, written whole ('technology') or, a compound, with its hyphen ('well-known')."),
    ("Running heads", "Lines a document's source repeats on its pages (a header, a page number, a release stamp), declared once in the document's front matter (running_heads), are not part of the text; the transcription leaves them out."),
]


class Hyphenated(str):
    """A word the source breaks at a line end, as one word with its hyphen ('tech-nology'); the
    transcription may write it whole (``joined``, 'technology') or with the hyphen ('well-known')."""

    joined: str


def _strip_markdown(paragraph: str) -> str:
    paragraph = _without_emphasis(_ESCAPE.sub(lambda m: chr(_ESCAPED + ord(m.group(1))), paragraph))
    return "".join(chr(ord(c) - _ESCAPED) if _ESCAPED <= ord(c) < _ESCAPED + 128 else c for c in paragraph)


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _without_emphasis(text: str) -> str:
    """``text`` without the asterisks that mark emphasis, in one pass (a pattern that looked for
    each opening's closing run scanned the rest of the text from every unclosed ``*``).

    A run of one to three asterisks opens when it follows no letter or digit and precedes a
    character that is not a space; it closes when it follows a character that is not a space and
    precedes no letter or digit; a closing run pairs with the nearest open run of its length.
    Asterisks that pair with none are characters of the source and stay."""
    runs = list(_RUN.finditer(text))
    open_runs: dict[int, list[int]] = {1: [], 2: [], 3: []}
    paired: set[int] = set()
    for i, m in enumerate(runs):
        size = len(m.group())
        if size > 3:
            continue
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if before and not before.isspace() and not _word_char(after) and open_runs[size]:
            paired.update((open_runs[size].pop(), i))
        elif not _word_char(before) and after and not after.isspace():
            open_runs[size].append(i)
    if not paired:
        return text
    out, at = [], 0
    for i in sorted(paired):
        out.append(text[at:runs[i].start()])
        at = runs[i].end()
    out.append(text[at:])
    return "".join(out)


def _continues(word: str, nxt: str) -> bool:
    """Whether ``word`` and ``nxt`` are one word broken at a line end."""
    return bool(_BROKEN.search(word)) and nxt[:1].isalpha() and nxt.rstrip(".,;:)").lower() not in _NOT_CONTINUED


def _hyphenated(word: str, nxt: str) -> Hyphenated:
    joined = Hyphenated(word + nxt)
    joined.joined = word[:-1] + nxt
    return joined


def join_broken_words(words: list[str], starts: set[int] | None = None) -> tuple[list[str], set[int]]:
    """``words`` with each word broken at a line end made one (``Hyphenated``); ``starts`` (indexes
    of words that begin a paragraph) moved with them. Across a paragraph end only when the next
    paragraph begins in lower case (a page break in mid-word)."""
    starts = starts or set()
    out: list[str] = []
    out_starts: set[int] = set()
    i = 0
    while i < len(words):
        word = words[i]
        if i in starts:
            out_starts.add(len(out))
        if i + 1 < len(words) and _continues(word, words[i + 1]) and (i + 1 not in starts or words[i + 1][:1].islower()):
            out.append(_hyphenated(word, words[i + 1]))
            i += 2
            continue
        out.append(word)
        i += 1
    return out, out_starts


def _canonical(source: list[str], edition: list[str]) -> tuple[list[str], list[str]]:
    """Both sides with a broken word's whole form ('technology') read as its hyphenated one: the
    same mapping on both sides, so equal words stay equal."""
    forms = {w.joined: str(w) for side in (source, edition) for w in side if isinstance(w, Hyphenated)}
    if not forms:
        return source, edition
    return [forms.get(w, w) for w in source], [forms.get(w, w) for w in edition]


# -- running heads, compared away ---------------------------------------------------------------

def running_heads(memo_text: str) -> list[tuple[str, int]]:
    """The memo's declared running heads with the line of each in its file (front matter
    validated by ``edition.documents``: a value of another shape gives none here)."""
    yaml_text, _, _ = split_front_matter(memo_text)
    if yaml_text is None:
        return []
    item = load_mapping(yaml_text, "", Diagnostics(), first_line=2)
    heads = item.value.get(RUNNING_HEADS) if item else None
    if not isinstance(heads, list) or not all(isinstance(h, str) and h.strip() for h in heads):
        return []
    lines = memo_text.splitlines()
    start = item.line_of(RUNNING_HEADS) if item else 1
    out = []
    for head in heads:
        line = next((n for n in range(start, len(lines) + 1) if head.strip() in lines[n - 1]), start)
        out.append((head.strip(), line))
    return out


def head_pattern(head: str) -> re.Pattern[str]:
    """A running head as a pattern for a whole line of the source: white space loosely, the page
    number placeholder as any page number (digits or a Roman numeral)."""
    parts = [r"\s+".join(re.escape(w) for w in piece.split()) for piece in head.split(PAGE_PLACEHOLDER)]
    joined = (r"\s*" + _PAGE_NUMBER + r"\s*").join(parts)
    return re.compile(r"[ \t]*" + joined + r"[ \t]*")


def strip_running_heads(text: str, heads: list[str]) -> tuple[str, dict[str, int]]:
    """The source without the lines that are a declared running head; how often each was found."""
    patterns = [(h, head_pattern(h)) for h in heads]
    counts = dict.fromkeys(heads, 0)
    kept = []
    for line in text.split("\n"):
        head = next((h for h, p in patterns if line.strip() and p.fullmatch(line)), None)
        if head is None:
            kept.append(line)
        else:
            counts[head] += 1
    return "\n".join(kept), counts


def source_tokens(text: str, running: list[str] | None = None) -> list[str]:
    """Words of a source text after the published normalisations."""
    return source_paragraphs(text, running)[0]


def source_paragraphs(text: str, running: list[str] | None = None) -> tuple[list[str], set[int]]:
    """The words of a source text, and the positions of the words that start a paragraph;
    ``running``: the memo's running heads, whose lines are left out."""
    if running:
        text, _ = strip_running_heads(text, running)
    tokens: list[str] = []
    starts: set[int] = set()
    for para in re.split(r"\n\s*\n", text):
        para = _LINE_START.sub("", para)
        para = _strip_markdown(para)
        para = _SUPERSCRIPTS.sub("", para)
        starts.add(len(tokens))
        tokens.extend(para.split())
    return join_broken_words(tokens, starts)


def edition_tokens(page_html: str) -> list[str]:
    """Words of the transcription on a built memo page, without the edition's furniture."""
    return [word.text for word in edition_words(page_html)]


class Word(NamedTuple):
    text: str
    block: str | None  # the paragraph or note it stands in (p12, fn:3)
    witness: str | None = None  # for a word of a source reading: the whole reading ([[tbe~>the]]: 'tbe')


def edition_words(page_html: str) -> list[Word]:
    """Each word of the transcription's witness layer (``edition.reading``) with the paragraph or
    note it stands in (``p12``, ``fn:3``) and, for a source reading, that reading."""
    doc = html.document_fromstring(page_html)
    texts = cast(list[html.HtmlElement], doc.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " memo-text ")]'))
    if not texts:
        raise ValueError("no transcription (div.memo-text) on this page")
    blocks: dict[html.HtmlElement, str | None] = {}

    def block_of(el: html.HtmlElement) -> str | None:
        if el not in blocks:
            own = el.get("id") or ""
            parent = el.getparent()
            blocks[el] = own if _BLOCK_ID.fullmatch(own) else (block_of(parent) if parent is not None and parent is not texts[0] else None)
        return blocks[el]

    chars: list[str] = []
    owners: list[tuple[str | None, str | None]] = []
    for text, el, is_witness in witness_pieces(texts[0]):
        text = _SUPERSCRIPTS.sub("", text)
        chars.append(text)
        owners.extend([(block_of(el), el.get("data-witness") if is_witness else None)] * len(text))
    joined = "".join(chars)
    words = [Word(m.group(0), *owners[m.start()]) for m in re.finditer(r"\S+", joined)]
    out: list[Word] = []
    i = 0
    while i < len(words):
        w = words[i]
        if i + 1 < len(words) and words[i + 1].block == w.block and _continues(w.text, words[i + 1].text):
            out.append(Word(_hyphenated(w.text, words[i + 1].text), w.block, w.witness or words[i + 1].witness))
            i += 2
            continue
        out.append(w)
        i += 1
    return out


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
    source, edition = _canonical(source, edition)
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
    near: tuple[str, ...] = ()  # the transcription's words up to the difference, to find its line
    witness: str | None = None  # a source reading ([[tbe~>the]]) among the extra words: 'tbe'


def first_difference(source: list[str], words: list[Word] | list[tuple[str, str | None]], starts: set[int] | None = None) -> Difference | None:
    """The first place where words are missing, added or out of order; None when the text is faithful.

    ``starts`` (from ``source_paragraphs``) places words missing between two paragraphs: with the
    next one when they start a paragraph of the source, else with the one before."""
    words = [w if isinstance(w, Word) else Word(*w) for w in words]
    source, edition = _canonical(source, [w.text for w in words])
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
        block = words[at].block if words else None
        context = [w.text for w in words if w.block == block][:6] if block else edition[max(0, at - 5):at + 1]
        near = tuple(w.text for w in words[max(0, at - 3):at + 1] if w.block == block) if words else ()
        witness = next((w.witness for w in words[j1:j2] if w.witness is not None and w.text in fid.extra), None)
        return Difference(block, missing, extra, context, fid, near, witness)
    return Difference(None, [], [], [], fid)


ORDER_THRESHOLD = 0.9  # share of words that must stand in the source's order

# a label or target holds no "[" or "]": each candidate is scanned once (linear in the line)
_MD_NOISE = re.compile(r"\[\^[^\]\[]*\]:?|\]\((?:entity|when):[^)\]]*\)")


def _norm(word: str) -> str:
    return re.sub(r"[^\w]", "", word).lower()


def line_of_words(markdown: str, words: list[str], first_line: int = 1, near: tuple[str, ...] | list[str] = ()) -> int | None:
    """The line of ``markdown`` where the sequence ``words`` (as rendered) starts, matching loosely
    over the witness layer of the Markdown (what a deletion or a source reading keeps, not what an
    insertion adds); with ``near`` (the words up to a difference), the line where those end, looked
    for from there on: the faulty line of a paragraph written over several lines."""
    chars: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(markdown_witness(markdown).split("\n"), start=first_line):
        for token in _MD_NOISE.sub(" ", line).split():
            n = _norm(token)
            chars.append(n)
            lines.extend([number] * len(n))
    stream = "".join(chars)
    wanted = "".join(_norm(w) for w in words[:5])
    if not wanted:
        return None
    start = stream.find(wanted)
    if start == -1:
        return None
    tail = "".join(_norm(w) for w in near)
    end = stream.find(tail, start) if tail else -1
    return lines[end + len(tail) - 1] if end != -1 else lines[start]


def _listed(words: list[str], limit: int = 12) -> str:
    shown = ", ".join(f"'{w[:40]}'" for w in words[:limit])
    return shown + (f" and {len(words) - limit} more" if len(words) > limit else "")


def describe(diff: Difference, source_path: str) -> tuple[str, str]:
    """(message, hint) for a difference, naming the missing and the extra words."""
    where = f"paragraph {diff.block[1:]}" if diff.block and diff.block.startswith("p") else (f"note {diff.block[3:]}" if diff.block else "the text")
    if diff.witness is not None:
        has = f": the source has {_listed(diff.missing)}" if diff.missing else ""
        return (f"the source reading '{diff.witness[:40]}' of [[{diff.witness[:40]}~>…]] in {where} is not what {source_path} has there{has}",
                "copy the misread word exactly as the source gives it before '~>', the document's word after it: [[tbe~>the]]")
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
    return message, ("transcribe every word of the source, in order; mark an editorial change with CriticMarkup ({++ ++}, {-- --}, {~~ ~> ~~}) "
                     "and a misreading of the source with [[source reading~>edition reading]]")


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


def _field_line(text: str, field: str) -> int:
    return line_starting(text, f"{field}:") or 2


def memo_fidelity(root: Path, doc: Document, shown: str, memo_text: str, page_html: str, diags: Diagnostics) -> None:
    """One memo's built page against its source: the first paragraph that differs (with the
    missing and the extra words, or the source reading that is not the source's), and every
    declared running head that is not a line of the source. ``make check`` and the tests both
    call this."""
    if not doc.source:
        diags.error(shown, _field_line(memo_text, "source"), "memo names no source, so its transcription cannot be compared with it",
                    "put the plain-text source in sources/ and name it in 'source:', e.g. source: sources/004_memo.txt")
        return
    raw = (root / doc.source).read_text(encoding="utf-8", errors="replace")
    heads = running_heads(memo_text)
    _, found = strip_running_heads(raw, [h for h, _ in heads])
    for head, head_line in heads:
        if not found.get(head):
            diags.error(shown, head_line, f"running head '{head[:60]}' is not a line of {doc.source}",
                        f"copy the line as the source prints it (white space aside), with {PAGE_PLACEHOLDER} for a page number that changes; or remove it")
    source, starts = source_paragraphs(raw, [h for h, _ in heads])
    span = excerpt_span(source, doc.excerpt)
    if isinstance(span, str):
        diags.error(shown, _field_line(memo_text, "excerpt"), span, f"copy the words exactly as {doc.source} has them")
        return
    source, starts = source[span[0]:span[1]], {i - span[0] for i in starts}
    diff = first_difference(source, edition_words(page_html), starts)
    if diff is None:
        return
    _, body, body_line = split_front_matter(memo_text)
    line: int | None = None
    if diff.witness is not None:
        line = next((n for n, ln in enumerate(memo_text.splitlines(), start=1) if f"[[{diff.witness}~>" in " ".join(ln.split())), None)
    if line is None and diff.block and diff.block.startswith("fn:"):
        label = diff.block[3:]
        start = line_starting(memo_text, f"[^{label}]:")
        line = start and (line_of_words("\n".join(memo_text.splitlines()[start - 1:]), diff.context[:1], start, diff.near) or start)
    line = line or line_of_words(body.lstrip("\n"), diff.context, body_line, diff.near) or body_line
    message, hint = describe(diff, doc.source)
    diags.error(shown, line, message, hint)


def memos_fidelity(root: Path, docs_dir: Path, page_of: Callable[[Document], str | None], skip: Mapping[str, str] | None = None) -> tuple[list[Diagnostic], list[str]]:
    """Every memo's page (``page_of``: its built HTML, or None) against its source; a memo without a
    source is a problem too. Returns the problems and a note for each memo not compared (``skip``:
    shown path -> why; no page: not built)."""
    diags = Diagnostics()
    notes: list[str] = []
    for doc in load_documents(docs_dir, Diagnostics(), root):  # front-matter problems were reported by the build
        shown = (docs_dir / doc.path).relative_to(root).as_posix()
        text = (docs_dir / doc.path).read_text(encoding="utf-8")
        if skip and shown in skip:
            notes.append(f"{shown}: not compared with its source word by word: {skip[shown]}")
            continue
        page = page_of(doc) if doc.source else ""
        if page is None:
            notes.append(f"{shown}: not compared with its source word by word: the build did not process it")
            continue
        memo_fidelity(root, doc, shown, text, page, diags)
    return diags.errors, notes


def site_fidelity(root: Path, docs_dir: Path, site: Path) -> list[Diagnostic]:
    """Every memo of the built ``site`` against its source in ``sources/``."""
    def page_of(doc: Document) -> str | None:
        page = _memo_page(site, doc.slug)
        return page.read_text(encoding="utf-8") if page.is_file() else None

    return memos_fidelity(root, docs_dir, page_of)[0]
