"""One synthetic memo: front matter, sections of prose with mentions, notes, and its source text."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import TYPE_CHECKING

import yaml

from bench.synth.records import Memo, RefSpec, TermSpec, Zipf, names_work
from bench.synth.vocabulary import (
    ENTITY_RATE,
    FILLER,
    ISSUERS,
    MONTHS,
    NOTES_PER_MEMO,
    TERM_RATE,
    US_RATE,
    WORDS_PER_MEMO,
    WORDS_PER_PAGE,
)

if TYPE_CHECKING:
    from bench.synth.registries import Synth


_CITE_KEY = re.compile(r"\s*\[@[^\]]*\]$")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _source_text(blocks: list[str], notes: list[str]) -> str:
    """The plain text a transcriber would have received: notes numbered at the end with superscript
    markers in the text, no Markdown headings, no editor's comments, page breaks or citation keys."""
    out = []
    for block in blocks:
        if block.startswith("[[page-break"):
            continue
        block = re.sub(r"\s*\{>>.*?<<\}", "", block)
        block = re.sub(r"\[\^(\d+)\]", lambda m: m.group(1).translate(_SUPERSCRIPT), block)
        out.append(re.sub(r"^#+ ", "", block))
    out.append("\n".join(f"{i}. {_CITE_KEY.sub('', n)}" for i, n in enumerate(notes, start=1)))
    return "\n\n".join(out) + "\n"


class MemoWriter:
    """One memo: front matter, sections of paragraphs with mentions, numbered notes at the end."""

    def __init__(self, synth: Synth, index: int):
        self.s = synth
        self.rng = random.Random(f"{synth.rng.random()}-{index}")
        self.index = index
        n = synth.n_memos
        # "home" records are mentioned (cited) here for sure, so every record occurs somewhere
        own_ents = [e for i, e in enumerate(synth.entities[synth._fixed_entities:]) if i % n == index]
        own_terms = [t for i, t in enumerate(synth.term_rank) if i % n == index]
        own_refs = [r for i, r in enumerate(synth.refs) if i % n == index]
        ent_zipf = Zipf(synth.entity_rank, self.rng, 1.0)
        term_zipf = Zipf(synth.term_rank, self.rng, 1.0)
        self.cast = Zipf(list(dict.fromkeys(synth.entity_rank[:2] + own_ents + ent_zipf.draw(40))), self.rng, 0.9)
        self.term_cast = Zipf(list(dict.fromkeys(own_terms + term_zipf.draw(25))), self.rng, 0.9)
        self.works = list(dict.fromkeys(own_refs + synth.ref_rank.draw(self.rng.randint(6, 11))))
        self.pending = own_ents + own_terms  # mentioned first, at the front of the text
        self.introduced: set[str] = set()
        self.words = 0

    # -- prose ----------------------------------------------------------------------------

    def term_mention(self) -> str:
        t = self.s.terms[0] if self.rng.random() < US_RATE / (US_RATE + TERM_RATE) else self.term_cast.one()
        return self._say_term(t)

    def _say_term(self, t: TermSpec) -> str:
        if t.kind == "acronym" and t.term not in self.introduced and t.expansion and t.term != "U.S.":
            self.introduced.add(t.term)
            return f"{t.expansion} ({t.term})"
        return t.term

    def entity_mention(self) -> str:
        e = self.cast.one()
        return self.rng.choice(e.forms) if e.aliases and self.rng.random() < 0.5 else e.name

    def sentence(self, n_words: int) -> str:
        parts: list[str] = []
        count = 0
        while count < n_words:
            if self.pending and self.rng.random() < 0.15:
                item = self.pending.pop()
                said = self._say_term(item) if isinstance(item, TermSpec) else item.name
            else:
                r = self.rng.random()
                if r < TERM_RATE + US_RATE:
                    said = self.term_mention()
                elif r < TERM_RATE + US_RATE + ENTITY_RATE:
                    said = self.entity_mention()
                else:
                    said = self.rng.choice(FILLER)
            parts.append(said)
            count += len(said.split())
            if self.rng.random() < 0.06 and count < n_words - 2:
                parts[-1] += ","
        text = " ".join(parts)
        self.words += count
        return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")  # "U.S." ends a sentence itself

    def paragraph(self, lo: int = 45, hi: int = 130) -> str:
        target = self.rng.randint(lo, hi)
        out: list[str] = []
        n = 0
        while n < target:
            k = self.rng.randint(12, 30)
            out.append(self.sentence(k))
            n += k
        return " ".join(out)

    # -- the document -----------------------------------------------------------------------

    def write(self) -> Memo:
        s, rng = self.s, self.rng
        issuer, doc_type, sanitized = rng.choice(ISSUERS)
        date = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randint(0, 18 * 365))
        title = s.title_words(rng.randint(4, 9))
        authors = [] if sanitized else [f"{g} {f}" for g, f in (s._person() for _ in range(rng.choice((1, 1, 2))))]
        stem = self.s.slug(title)[:48].strip("-")
        file_name = f"{date.isoformat()}-{stem}-{self.index:04d}.md"
        bibkey = f"memo{date.year}{self.index:04d}{stem.split('-')[0]}"

        blocks: list[str] = []  # Markdown blocks of the body, in order
        target = rng.randint(*WORDS_PER_MEMO)
        page = 1
        words_on_page = 0
        if sanitized:
            blocks.append("Directorate of Intelligence  \n" + f"{date.day} {MONTHS[date.month - 1]} {date.year}")
        else:
            blocks.append(f"{MONTHS[date.month - 1]} {date.day}, {date.year}")
        blocks.append(f"# {title}")
        if sanitized:
            blocks.append("25X1")
        paragraphs: list[tuple[int, int]] = []  # (index in ``blocks``, length of its prose): note markers go there
        section = 0
        while self.words < target:
            if section == 0 or rng.random() < 0.22:
                blocks.append(f"## {s.title_words(rng.randint(1, 4))}")
                section += 1
            elif rng.random() < 0.2:
                blocks.append(f"### {s.title_words(rng.randint(2, 5))}")
            shape = rng.random()
            if shape < 0.1:
                items = [f"- {self.paragraph(12, 35)}" for _ in range(rng.randint(3, 5))]
                blocks.append("\n".join(items))
            elif shape < 0.16:
                items = [f"{k}. **{s.title_words(rng.randint(2, 4))}** {self.paragraph(10, 30)}" for k in range(1, rng.randint(3, 6))]
                blocks.append("\n".join(items))
            else:
                text = self.paragraph()
                paragraphs.append((len(blocks), len(text)))
                if sanitized and rng.random() < 0.25:
                    text += " [redacted]"
                if rng.random() < 0.04:
                    text += " {>>" + s.sentence_plain(rng.randint(8, 16)) + "<<}"
                if rng.random() < 0.03:
                    text += f" The work reached Phase {rng.choice(('II', 'III'))} in {rng.randint(1975, 1992)}."
                blocks.append(text)
                if sanitized and rng.random() < 0.35:
                    blocks.append(rng.choice(("25X1", "25X1", "25X1 25X1", "25X1 [redacted]")))
            words_on_page += len(blocks[-1].split())
            if words_on_page > WORDS_PER_PAGE and paragraphs and paragraphs[-1][0] == len(blocks) - 1:
                page += 1
                words_on_page = 0
                if sanitized:
                    blocks.append(f"[[page-break {page}]]")
        while self.pending:  # a short memo: name what is left in one closing paragraph
            text = self.paragraph(20, 40)
            paragraphs.append((len(blocks), len(text)))
            blocks.append(text)
        if not sanitized:
            blocks.append(f"Prepared for {issuer} by  \n" + ("  \n".join(authors) if authors else "the staff"))

        notes = self._notes(rng.randint(*NOTES_PER_MEMO))
        spots = sorted(rng.sample(paragraphs, min(len(notes), len(paragraphs))))
        for label, (where, prose_end) in enumerate(spots, start=1):
            blocks[where] = _add_marker(blocks[where], prose_end, f"[^{label}]", rng)
        notes = notes[: len(spots)]
        front = {
            "title": title,
            "date": date,
            "authors": authors,
            "issuing_body": issuer,
            "document_type": doc_type,
            "classification": "Secret (sanitized copy; withheld passages marked 25X1)" if sanitized else rng.choice(("Unclassified (published)", "Confidential", "Limited official use")),
            "release": "Sanitized copy approved for release; passages withheld under exemption 25X1 shown as [redacted]" if sanitized else "Public document",
            "archival_source": rng.choice((None, "CIA Records Search Tool (CREST), National Archives at College Park", "National Archives, Record Group 59")),
            "identifier": f"CIA-RDP{rng.randint(80, 99)}T{rng.randint(10000, 99999)}R{rng.randint(10**11, 10**12 - 1)}-{rng.randint(0, 9)}" if sanitized else None,
            "transcribed_from": "ocr",  # the synthetic sources stand for the OCR text of scans
            "pages": page,
            "bibkey": bibkey,
            "source": f"sources/{self.index:03d}_{bibkey}.txt",
        }
        if rng.random() < 0.1:
            front["editor_note"] = s.sentence_plain(rng.randint(10, 20))
        fm = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=200)
        note_lines = [f"[^{i}]: {text}" for i, text in enumerate(notes, start=1)]
        text = f"---\n{fm}---\n\n" + "\n\n".join(blocks) + "\n\n" + "\n".join(note_lines) + "\n"
        # an organisation is one name without commas (reference managers split at commas): the office
        # that wrote the memo is the author, the bodies above it the institution
        parent, _, office = issuer.rpartition(", ")
        own = RefSpec(bibkey, "techreport", title, date.year, date.month, date.day,
                      persons=[tuple(a.split(" ", 1)) for a in authors],  # type: ignore[misc]
                      corporate=None if authors else office, container=parent or office, city="Washington")
        bib = own.bibtex().replace("\n}", f",\n  type        = {{{doc_type}}},\n  pagetotal   = {{{page}}}\n}}")
        return Memo(file_name, text, bib, self.words + sum(len(n.split()) for n in notes), str(front["source"]), _source_text(blocks, notes))

    def _notes(self, count: int) -> list[str]:
        """Note wordings, resolvable by the edition: full citations with markers, Ibid., op. cit."""
        rng = self.rng
        out: list[str] = []
        cited: list[RefSpec] = []  # works cited so far, in order (what the resolver knows)
        previous: RefSpec | None = None
        works = list(self.works)
        for _ in range(count):
            r = rng.random()
            if previous is not None and r < 0.13:
                loc = self._locator()
                out.append("*Ibid.*" + (f", {loc}." if loc else ""))
                cited.append(previous)
                continue
            if cited and r < 0.25:
                made = self._op_cit(cited, previous)
                if made is not None:
                    out.append(made[0])
                    cited.append(made[1])
                    previous = made[1]
                    continue
            work = works.pop(0) if works else rng.choice(self.works)
            loc = self._locator()
            out.append(_full_note(work, loc) + (f" [@{work.key}, {loc}]" if loc else f" [@{work.key}]"))
            cited.append(work)
            previous = work
        return out

    def _op_cit(self, cited: list[RefSpec], previous: RefSpec | None) -> tuple[str, RefSpec] | None:
        """An "op. cit." note for an earlier work that its title names unambiguously, as the resolver needs."""
        earlier = [w for w in dict.fromkeys(reversed(cited)) if w is not previous]
        self.rng.shuffle(earlier)
        known = list(dict.fromkeys(cited))
        for w in earlier:
            if [c for c in known if names_work(w.title, c)] == [w]:
                return f"*{w.title}*, *op. cit.*, {self._locator() or 'p. 1'}.", w
        return None

    def _locator(self) -> str | None:
        r = self.rng.random()
        if r < 0.55:
            return f"p. {self.rng.randint(1, 400)}"
        if r < 0.85:
            a = self.rng.randint(1, 300)
            return f"pp. {a}-{a + self.rng.randint(1, 12)}"
        if r < 0.9:
            return f"Table {self.rng.choice('ABCD')}"
        return None


def _full_note(w: RefSpec, loc: str | None) -> str:
    """A note's wording in the memos' own style (Chicago-like), without the citation marker."""
    who = w.corporate or " and ".join(f"{g} {f}" for g, f in w.persons)
    when = f"{MONTHS[w.month - 1]} {w.day}, {w.year}" if w.month and w.day else (f"{MONTHS[w.month - 1]} {w.year}" if w.month else str(w.year))
    tail = f", {loc}." if loc else "."
    if w.entry_type == "article":
        return f"{who}, \"{w.title},\" *{w.container}*, {when}{tail}"
    if w.entry_type == "book":
        return f"{who}, *{w.title}* ({w.city}: {w.container}, {w.year}){tail}"
    if w.entry_type == "techreport":
        return f"{who}, *{w.title}* ({w.city}: {w.container}, {when}){tail}"
    return f"*{w.title}*, testimony of {who}, {when}{tail}"


def _add_marker(block: str, prose_end: int, marker: str, rng: random.Random) -> str:
    """Put a note marker after one sentence of the paragraph's prose: the last one, or an earlier one."""
    ends = [m.end() for m in re.finditer(r"\.(?= [A-Z])", block[:prose_end])]
    at = prose_end if not ends or rng.random() < 0.5 else rng.choice(ends)
    return block[:at] + marker + block[at:]

