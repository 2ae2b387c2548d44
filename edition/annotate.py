"""One pass over each memo paragraph: tooltips for terms, links for entities, unknown acronyms.

Terms and entities share one automaton, so every text node is scanned once whatever the size
of the registries; what the automaton leaves uncovered is checked for acronym-like tokens
that nobody has defined.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import cast

from lxml.html import HtmlElement

from .entities import Entity
from .glossary import Term
from .htmltext import SKIP_TAGS, TIP, Slot, element, iter_slots, lift_out, put_back, rewrite_spans, shorten, slot_text
from .matching import Match, Matcher, Target
from .model import Mention
from .paragraphs import block_id_of
from .reading import DELETION_TAGS, INSERTION_TAGS, NOT_READING_CLASSES, reading_slots

UrlFor = Callable[[str], str]
PIN_PREFIX = "entity:"

NO_MENTION = "-"
# Marked where the reading text (``edition.reading``) has them: an insertion or correction and the
# edition's reading of a misread word are annotated like any other words, a deletion is not.
# Besides: words already marked (links, acronyms, markers, 'no mention'), headings, code, note calls.
SKIP_CLASSES = NOT_READING_CLASSES | {"no-mention", "redaction"}
ANNOTATION_SKIP_TAGS = (SKIP_TAGS - INSERTION_TAGS) | DELETION_TAGS
_TOKEN = re.compile(r"[A-Za-z0-9&/.\-⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_DOTTED = re.compile(r"^(?:[A-Z]\.){2,}$")
_TWO_CAPITALS = re.compile(r"[A-Z][^A-Z]*[A-Z]")  # cheap test before the token is looked at
_DASHES = re.compile(r"--+")
_SEPARATORS = re.compile(r"[-/]")


@dataclass
class Found:
    terms: list[Mention] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)
    unknown_acronyms: list[tuple[str, str]] = field(default_factory=list)  # (token, paragraph id)
    unknown_pins: list[tuple[str, str]] = field(default_factory=list)  # (id, words)


def build_matcher(terms: Iterable[Term], entities: Iterable[Entity]) -> Matcher:
    m = Matcher()
    for t in terms:
        if t.kind == "exemption":
            continue  # exemption codes are markers, handled before matching
        for form in t.forms:
            m.add(form, Target("term", t.key), case_sensitive=t.kind == "acronym" or any(c.isupper() for c in form[1:]))
    for e in entities:
        for form in e.forms:
            m.add(form, Target("entity", e.id), case_sensitive=True)
    return m.build()


def looks_like_acronym(token: str) -> bool:
    upper = sum(c.isupper() for c in token)
    lower = sum(c.islower() for c in token)
    return upper >= 2 and upper >= lower


def unknown_acronyms(text: str, known: set[str]) -> list[str]:
    """Acronym-like tokens of ``text`` that are neither registered nor ignored."""
    return [token for _, token in acronym_candidates(text, known)]


def acronym_candidates(text: str, known: set[str]) -> list[tuple[int, str]]:
    """(position, token) of each acronym-like token of ``text`` that is neither registered nor ignored."""
    out: list[tuple[int, str]] = []
    for m in _TOKEN.finditer(text):
        if not _TWO_CAPITALS.search(m.group(0)):
            continue
        for part in _DASHES.split(m.group(0)):
            token = part.strip("-/")
            if not token:
                continue
            out.extend((m.start(), bad) for bad in _check_token(token, known))
    return out


# -- typography is not an acronym --------------------------------------------------------------

_WORD = re.compile(r"[^\s—–]+")
_DATELINE_AFTER = re.compile(r"\s*(?:,\s*[A-Z][a-z]{2,}\.?\s+\d{1,2}(?:,\s*\d{4})?\s*)?(?:—|–|--|-\s)")
LEAD_IN_MIN_LETTERS = 4  # a lead-in of capitals has a word this long: 'PROF. HAJIME', not 'US JDA'


def _letters(word: str) -> str:
    return "".join(c for c in word if c.isalpha())


def _in_capitals(word: str) -> bool:
    letters = _letters(word)
    return len(letters) >= 2 and letters.isupper()


def typographic_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` (a block's reading text) is set in capitals as typography, not as acronyms:

    - a line in which more than half of the words (of two letters or more) are in capitals: a
      headline, a header ("ARTICLE APPEARED ON PAGE 9"), a stamp, cable text;
    - the words in capitals that open the block up to the first word that is not: a lead-in when
      there are two or more and one has four letters or more ("PROF. HAJIME Sakai"), a dateline
      when one is followed by a dash, or by a date and a dash ("TOKYO —", "TOKYO, Oct. 3 —").

    A registered term or name in these spans is still marked; only the check for undefined
    acronyms passes over them."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        words = [w for w in _WORD.findall(line) if len(_letters(w)) >= 2]
        if words and 2 * sum(_in_capitals(w) for w in words) > len(words):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    run = []
    for m in _WORD.finditer(text):
        if not _letters(m.group(0)):
            continue
        if not _in_capitals(m.group(0)):
            break
        run.append(m)
    if len(run) >= 2 and any(len(_letters(m.group(0))) >= LEAD_IN_MIN_LETTERS for m in run):
        spans.append((run[0].start(), run[-1].end()))
    elif len(run) == 1 and _DATELINE_AFTER.match(text, run[0].end()):
        spans.append((run[0].start(), run[0].end()))
    return spans


def _check_token(token: str, known: set[str]) -> list[str]:
    if token in known or token.rstrip(".") in known:
        return []
    parts = [p for p in _SEPARATORS.split(token) if p]
    if len(parts) > 1:  # 'U.S.-Japan', 'NATO-led': each part on its own
        return [bad for p in parts for bad in _check_token(p, known)]
    if not _DOTTED.match(token):
        token = token.rstrip(".")
    return [token] if looks_like_acronym(token) else []


def _snippet(text: str, start: int, end: int, width: int = 70) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    return (prefix + text[left:right] + suffix).replace("\n", " ")


class Annotator:
    def __init__(self, terms: dict[str, Term], entities: dict[str, Entity], known_tokens: set[str]):
        self.terms = terms
        self.entities = entities
        self.matcher = build_matcher(terms.values(), entities.values())
        # Acronyms inside an entity's name ('FY' in 'FY 1987 Defense Authorization Act') are still
        # indexed and expanded in the name's description: a second automaton, run only over the
        # few words already matched.
        self.acronyms_only = build_matcher((t for t in terms.values() if t.kind == "acronym"), ())
        self.known = known_tokens | {f for t in terms.values() for f in t.forms} | {f for e in entities.values() for f in e.forms}

    def _make(self, url_for: UrlFor) -> Callable[[str, object], HtmlElement]:
        """One element per match, one explanation per element (the tooltip shows the one of the
        element that holds focus or the pointer, so nested explanations would overlap)."""

        urls: dict[str, str] = {}  # a register entry's address, worked out once per memo, not once per mention

        def make(text: str, payload: object) -> HtmlElement:
            match, nested, titled = cast("tuple[Match, list[Match], bool]", payload)
            term = next((self.terms[t.id] for t in match.targets if t.kind == "term"), None)
            entity_id = next((t.id for t in match.targets if t.kind == "entity"), None)
            if entity_id is None and term is not None and term.entity in self.entities:
                entity_id = term.entity
            if entity_id is None:
                assert term is not None
                # focusable, so keyboard users get the expansion too
                abbr = element("abbr", text, class_="term", tabindex="0")
                abbr.set(TIP, term.tooltip)
                abbr.set("data-term", term.key)
                return abbr
            ent = self.entities[entity_id]
            href = urls.get(ent.page)
            if href is None:
                href = urls[ent.page] = url_for(ent.page)
            link = element("a", text, href=href, class_=f"entity entity--{ent.type}")
            link.set("data-entity", ent.id)
            if term is not None:
                # an acronym that names a register entry ("COCOM"): one element, the link, with the
                # acronym's expansion and key (an <abbr> around it was one more element per mark
                # for no reader: the expansion is its description)
                link.set("class", f"{link.get('class')} term")
                link.set("data-term", term.key)
                link.set(TIP, term.tooltip)
                return link
            if titled or nested:
                link.set(TIP, self._description(ent, nested))  # once per paragraph: the explanation is the same for every mention
            return link

        return make

    def _description(self, ent: Entity, nested: list[Match]) -> str:
        """A register entry's explanation on its link, with the acronyms inside the linked words
        expanded ('FY' in 'FY 1987 Defense Authorization Act', 'SDI' in a pin's 'framework agreement
        for SDI participation'): the link is one element, so the acronym has no tooltip of its own."""
        title = f"{ent.name}: {ent.role or shorten(ent.description, 120, between_words=True)}"
        if not nested:
            return title
        return f"{title} ({'; '.join(f'{n.text}: {self.terms[n.targets[0].id].tooltip}' for n in nested)})"

    def apply_pins(self, root: HtmlElement, doc_path: str, url_for: UrlFor, found: Found) -> None:
        """``[words](entity:id)`` pins a mention; ``[words](entity:-)`` marks words as no mention."""
        for a in list(root.iter("a")):
            href = a.get("href") or ""
            if not href.startswith(PIN_PREFIX):
                continue
            target = href[len(PIN_PREFIX):]
            words = a.text_content()
            if target == NO_MENTION:
                a.tag = "span"
                a.attrib.clear()
                a.set("class", "no-mention")
                continue
            ent = self.entities.get(target)
            if ent is None:
                found.unknown_pins.append((target, words))
                a.tag = "span"
                a.attrib.clear()
                continue
            a.set("href", url_for(ent.page))
            a.set("class", f"entity entity--{ent.type}")
            a.set("data-entity", ent.id)
            nested = self.acronyms_only.find(words)  # indexed and explained as in a matched name
            a.set(TIP, self._description(ent, nested))
            pid = block_id_of(a)
            if pid:
                found.entities.append(Mention(doc_path, pid, ent.id, words, words))
                found.terms.extend(Mention(doc_path, pid, n.targets[0].id, n.text, words) for n in nested)

    def annotate(self, doc_path: str, blocks: list[tuple[str, HtmlElement]], url_for: UrlFor, found: Found) -> None:
        make = self._make(url_for)
        for pid, block in blocks:
            titled: set[str] = set()
            # an original page break may fall inside a name: out of the text while names are found
            lifted = lift_out(block, [el for el in block.iter("span") if "page-break" in (el.get("class") or "").split()])
            slots = list(iter_slots(block, skip_tags=ANNOTATION_SKIP_TAGS, skip_classes=SKIP_CLASSES))
            where, typography = _typography(block, slots)

            def check(text: str, start: int, at: int | None, pid: str = pid, typography: list[tuple[int, int]] = typography) -> None:
                for pos, token in acronym_candidates(text, self.known):
                    if at is None or not any(a <= at + start + pos < b for a, b in typography):
                        found.unknown_acronyms.append((token, pid))

            for slot in slots:
                text = slot_text(slot)
                at = where.get((id(slot[0]), slot[1]))
                matches = self.matcher.find(text)
                payloads: list[tuple[int, int, object]] = []
                covered = 0
                for m in matches:
                    check(text[covered:m.start], covered, at)
                    covered = m.end
                    context = _snippet(text, m.start, m.end)
                    for t in m.targets:
                        bucket = found.terms if t.kind == "term" else found.entities
                        bucket.append(Mention(doc_path, pid, t.id, m.text, context))
                    term = next((self.terms[t.id] for t in m.targets if t.kind == "term"), None)
                    if term and term.entity in self.entities and not any(t.kind == "entity" for t in m.targets):
                        found.entities.append(Mention(doc_path, pid, term.entity, m.text, context))
                    nested = self.acronyms_only.find(m.text) if term is None else []
                    found.terms.extend(Mention(doc_path, pid, n.targets[0].id, n.text, context) for n in nested)
                    first = next((t.id for t in m.targets if t.kind == "entity"), None) not in titled
                    titled.update(t.id for t in m.targets if t.kind == "entity")
                    payloads.append((m.start, m.end, (m, nested, first)))
                check(text[covered:], covered, at)
                if payloads:
                    rewrite_spans(slot, payloads, make)
            put_back(block, lifted)


def _typography(block: HtmlElement, slots: list[Slot]) -> tuple[dict[tuple[int, str], int], list[tuple[int, int]]]:
    """Where each slot starts in the block's reading text, and the spans of that text set in
    capitals as typography (``typographic_spans``): lines and lead-ins are read over the whole
    block, links and notes included, not slot by slot."""
    where: dict[tuple[int, str], int] = {}
    parts: list[str] = []
    pos = 0
    wanted = {(id(node), attr) for node, attr in slots}
    for node, attr in reading_slots(block):
        text = getattr(node, attr) or ""
        if (id(node), attr) in wanted:
            where[(id(node), attr)] = pos
        parts.append(text)
        pos += len(text)
    return where, typographic_spans("".join(parts))



# -- restraint: which marks the reader sees ------------------------------------------------------

REPEAT = "mark-rest"  # a mention not shown as a mark by default: plain text until the reader asks for all (edition.resting)
UNMARKED_TYPES = frozenset({"place"})  # places need no gloss in running text; the register keeps them
SECTION_TAGS = frozenset({"h1", "h2"})


def _mark_target(el: HtmlElement) -> str:
    """What a mark stands for: the register entry it links to if any (an acronym wrapping a
    link to its organisation counts as that organisation), else its glossary term. So "the
    Strategic Defense Initiative (SDI)" is marked once, not twice."""
    for node in (el, *el.iterdescendants("a")):
        if node.get("data-entity"):
            return f"entity:{node.get('data-entity')}"
    return f"term:{el.get('data-term')}"


def _is_mark(el: HtmlElement) -> bool:
    cls = (el.get("class") or "").split()
    return (el.tag == "a" and "entity" in cls) or (el.tag == "abbr" and "term" in cls)


def restrain(root: HtmlElement, entities: dict[str, Entity]) -> tuple[int, int]:
    """Decide which of a memo's marks are shown by default ("essential" annotations).

    Every mention is kept in the indexes (register, glossary, search); the ones not shown by
    default get the class ``mark-rest`` here, and ``edition.resting`` then writes them as the
    plain text they look like, with the data the reader's "All" needs to draw them again.
    Shown: the first mention of each entity or term in a section of the text (between
    second-level headings), except places. Not shown by default: later mentions in the
    same section, places and their acronyms ("U.S.", "D.C.": no reader needs them expanded
    at every section), every mention in the notes (they cite works; their titles are not
    annotated text) and in the letterhead, date line and signature (unnumbered blocks).
    Returns (marks shown, marks kept quiet).
    """
    seen: set[str] = set()
    shown = quiet = 0
    in_notes: set[HtmlElement] = set(root.xpath(
        './/div[contains(concat(" ", normalize-space(@class), " "), " footnote ")]//*'
        ' | .//*[contains(concat(" ", normalize-space(@class), " "), " unnumbered ")]//*'))
    for el in root.iter("a", "abbr", *SECTION_TAGS):  # marks and section headings, in document order
        if el.tag in SECTION_TAGS:
            seen.clear()
            continue
        if not _is_mark(el) or any(_is_mark(a) for a in el.iterancestors("a", "abbr")):
            continue
        key = _mark_target(el)
        entity = entities.get(key.removeprefix("entity:"))
        quiet_type = entity is not None and entity.type in UNMARKED_TYPES  # a place's acronym too ("U.S.")
        first = key not in seen
        seen.add(key)
        if el in in_notes or quiet_type or not first:
            el.set("class", f"{el.get('class')} {REPEAT}")
            if el.tag == "a" and not el.get("data-term"):
                # a register entry's description is shown where it is marked by default; a
                # quiet mention still links to the entry (an acronym keeps its expansion)
                el.attrib.pop(TIP, None)
            quiet += 1
        else:
            shown += 1
    return shown, quiet
