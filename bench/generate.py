"""A synthetic edition of N memos, complete and valid, for measuring builds at sizes we do not have yet.

The edition has two real memos and must grow to hundreds; performance problems at that size have
to be found now. ``generate_edition`` writes a full project (the real ``mkdocs.yml``, hooks, core,
theme overrides and hand-written pages, copied from this repository) with generated memos,
registries and BibTeX library whose densities follow the Heritage backgrounder: about 15 notes per
memo (some "Ibid.", some "op. cit.", the rest ``[@key, p. N]``), about 40 term and 83 entity
mentions per 1,000 words, ``25X1``/``[redacted]`` markings in the sanitized CIA-style memos.

Everything written is valid for a strict build: generated prose uses only lowercase or
Capitalised words, so the only acronym-like tokens are the registered acronyms; every ``op. cit.``
is checked to name exactly one earlier work, as the note resolver requires.

Command line: ``python -m bench.generate DEST N [--seed S]``.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import re
import shutil
import string
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

import yaml

REPO = Path(__file__).resolve().parents[1]
T = TypeVar("T")
MARKER_FILE = ".bench-edition"  # written into every generated project, so it can be safely regenerated

# Rates tuned so that built memo pages show the Heritage backgrounder's densities: per 1,000 visible
# words 38 term and 82 entity mentions (Heritage, same code: 42 and 83).
TERM_RATE = 0.033  # chance that a word slot becomes a glossary term (plus "U.S." below)
US_RATE = 0.016  # "U.S.": the most frequent acronym of the real memos, a term linked to an entity
ENTITY_RATE = 0.088  # chance that a word slot becomes an entity mention (names are 1-4 words)
NOTES_PER_MEMO = (13, 17)
WORDS_PER_MEMO = (1250, 2100)  # body; notes add about 200 more
WORDS_PER_PAGE = 450  # of the original typescript, for page breaks and the ``pages`` field

# -- vocabularies ------------------------------------------------------------------------------

def _w(text: str) -> list[str]:
    """Word lists are written as running text: easier to read and extend than list literals."""
    return text.split()

# Filler prose: lowercase words only, in the register of the memos. Function words are repeated
# so that their share of the text is roughly what it is in English prose.
_FUNCTION = _w(
    "the the the the the the of of of of and and and to to to in in in a a that for for is on with as by its has "
    "be this are from not but or have which their will more would been also its than such these other"
)
_CONTENT = _w(
    "defense technology cooperation security industrial export policy officials government programs transfer "
    "transfers military research development agreement agreements controls trade relations industry interest "
    "concern support request requests approval licensing procedures companies firms equipment systems capabilities "
    "production procurement exchange exchanges commercial strategic economic political domestic foreign allied "
    "bilateral joint review framework arrangements measures restrictions progress position approach proposal "
    "issue issues question questions report reports study studies assessment estimate analysis evidence sources "
    "pressure criticism response reaction decision decisions effort efforts initiative steps discussions "
    "negotiations talks meetings visits delegations ministry agency office staff budget funding appropriations "
    "contracts contractors suppliers markets sales components materials machinery tools electronics optics "
    "sensors computers software communications aircraft missiles ships submarines satellites radar engines "
    "alliance allies partners counterparts administration cabinet legislature committee leadership bureaucracy "
    "enforcement violations investigation penalties licences diversion leakage acquisition collection espionage "
    "officers visas travel embassy consulate mission representatives delegates observers experts engineers "
    "scientists managers executives shareholders subsidiaries affiliates licensees recent current future "
    "important major significant limited considerable substantial modest gradual rapid cautious active formal "
    "informal public private official unofficial senior junior technical scientific advanced sensitive critical "
    "possible likely unlikely clear uncertain difficult effective necessary sufficient broader narrower stronger "
    "weaker greater smaller higher lower earlier later continued increased reduced improved tightened relaxed "
    "expanded limited proposed approved rejected delayed concluded signed announced reported noted stated argued "
    "emphasized warned suggested recommended indicated confirmed denied acknowledged considered reviewed "
    "discussed raised pressed sought offered accepted declined allowed permitted prohibited restricted "
    "encouraged discouraged promoted protected exploited underscored reflected affected involved covered "
    "governed handled managed directed coordinated monitored tracked identified assessed examined "
    "year years months period decade time stage phase level degree extent scope range share volume value "
    "cost costs price prices balance deficit surplus growth decline competition competitors advantage risk risks "
    "benefit benefits opportunity opportunities precedent precedents principle principles guidelines rules "
    "channel channels basis framework terms conditions provisions exceptions category categories list lists "
    "region area sector field market network community circles side sides view views attitude attitudes"
)
FILLER = _FUNCTION * 3 + _CONTENT
CAPITALISED = sorted({w.capitalize() for w in _CONTENT if len(w) > 3})

# Technical vocabulary for the glossary's lowercase terms; kept apart from the filler so that a term
# occurs only where the generator puts it.
_TECH_ADJ = _w(
    "phased millimetric electro-optical inertial cryogenic composite ceramic gallium fibre-optic laser-guided "
    "infrared ultraviolet acoustic seismic hypersonic supersonic stealthy hardened miniaturized rad-tolerant "
    "tactical anti-armour counter-battery over-the-horizon look-down multimode dual-use heavy-lift vertical "
    "unmanned remote high-power low-noise wideband narrowband synthetic-aperture frequency-agile jam-resistant"
)
_TECH_NOUN = _w(
    "array seeker gyroscope radome airframe turbofan propellant warhead fuze datalink transponder waveguide "
    "magnetron klystron photodiode wafer substrate lattice alloy coating sonar hydrophone periscope torpedo "
    "decoy jammer emitter receiver antenna processor interferometer rangefinder designator tracker launcher "
    "canister booster sustainer nozzle actuator servo bearing gearbox lathe milling-machine propeller "
    "hull-form rotorcraft drone sensor-fusion fire-control guidance telemetry encryption"
)
assert not set(_TECH_ADJ + _TECH_NOUN) & set(FILLER), "technical terms must not be filler words"

# Capitalised words for acronym expansions and committee names, by initial.
_EXPANSION_WORDS = _w(
    "Advanced Allied Armaments Assessment Board Bureau Bilateral Command Committee Council Cooperation Center "
    "Control Defense Development Directorate Electronic Engineering Equipment Export Forum Federation Group "
    "General Industrial Industry Intelligence International Initiative Joint Japanese Liaison Logistics "
    "Maritime Military Mutual Naval National Office Operations Ordnance Pacific Planning Policy Procurement "
    "Program Production Research Review Regional Security Strategic Systems Technical Technology Task Trade "
    "Unified Underwater Vehicle Weapons Working"
)
_BY_INITIAL: dict[str, list[str]] = {}
for _word in _EXPANSION_WORDS:
    _BY_INITIAL.setdefault(_word[0], []).append(_word)
ACRONYM_LETTERS = "".join(sorted(_BY_INITIAL))

_SYLLABLES = _w(
    "ka ki ku ko sa shi su se so ta to tsu na ni no ha hi fu ho ma mi mo ya yo ra ri ro wa da do ga go ba be "
    "zu ji ke ne mu nu"
)
_EN_PREFIX = _w("Ash Brad Carl Dal Elling Fair Gold Hal Hart Kirk Lang Mar Nor Pem Ross Stan Thorn Wal Whit Win Har Brook Ches Dun")
_EN_SUFFIX = _w("by croft dale field ford ham hurst ley ton well wood worth mont stead wick more burn ridge")
_JA_GIVEN = _w("Hiroshi Kenji Takeo Yoshio Masao Ichiro Shigeru Tadashi Noboru Kazuo Akira Susumu Toshio Yukio Haruki Makoto")
_EN_GIVEN = _w("Richard William James Robert Charles Donald George Thomas Frank Edward Paul Lawrence Walter Harold Ruth Helen")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
_BIB_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_CITIES = ["Tokyo", "Washington", "New York", "Boston", "London", "Osaka", "Santa Monica", "Stanford", "Ithaca"]
_PUBLISHERS = [
    "The Japan Times, Ltd.", "Government Printing Office", "Westview Press", "Pergamon Press", "Columbia University Press",
    "Lexington Books", "Praeger", "Kodansha International", "Brookings Institution", "Cornell University Press",
]
_JOURNAL_STEMS = ["Defense", "Aviation", "Pacific", "Asian", "Strategic", "Foreign", "Armed Forces", "Naval", "Trade", "Economic"]
_JOURNAL_TAILS = ["Review", "Quarterly", "Journal", "Affairs", "Week", "Survey", "Monthly", "Report", "Digest", "Bulletin"]

ISSUERS: list[tuple[str, str, bool]] = [  # (issuing body, document type, sanitized release with 25X1 markings)
    ("Central Intelligence Agency, Directorate of Intelligence, Office of East Asian Analysis", "Intelligence memorandum", True),
    ("Central Intelligence Agency, Directorate of Intelligence, Office of Global Issues", "Research paper", True),
    ("Central Intelligence Agency, National Intelligence Council", "Intelligence assessment", True),
    ("The Heritage Foundation", "Backgrounder (policy paper)", False),
    ("Department of State, Bureau of Intelligence and Research", "Intelligence brief", False),
    ("Department of Defense, Office of the Under Secretary for Policy", "Memorandum", False),
    ("Department of Commerce, International Trade Administration", "Staff study", False),
    ("National Security Council", "Memorandum for the Assistant to the President", False),
]


# -- registry records ------------------------------------------------------------------------------

@dataclass(eq=False)  # identity: records are drawn into sets and dict keys
class TermSpec:
    term: str
    kind: str  # acronym | term | exemption
    definition: str
    expansion: str | None = None
    entity: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # legal_basis / withholds of exemption codes

    def as_yaml(self) -> dict[str, object]:
        out: dict[str, object] = {"term": self.term, "kind": self.kind}
        if self.expansion:
            out["expansion"] = self.expansion
        out["definition"] = self.definition
        if self.entity:
            out["entity"] = self.entity
        out.update(self.extra)
        return out


@dataclass(eq=False)  # identity: records are drawn into sets and dict keys
class EntitySpec:
    id: str
    name: str
    type: str
    description: str
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    date: str | None = None
    related: list[str] = field(default_factory=list)

    @property
    def forms(self) -> list[str]:
        return [self.name, *self.aliases]

    def as_yaml(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "name": self.name, "type": self.type}
        if self.aliases:
            out["aliases"] = list(self.aliases)
        out["description"] = self.description
        if self.role:
            out["role"] = self.role
        if self.date:
            out["date"] = self.date
        if self.related:
            out["related"] = list(self.related)
        return out


@dataclass(eq=False)  # identity: records are drawn into sets and dict keys
class RefSpec:
    key: str
    entry_type: str  # book | article | techreport | misc
    title: str
    year: int
    month: int
    day: int
    persons: list[tuple[str, str]] = field(default_factory=list)  # (given, family)
    corporate: str | None = None
    container: str = ""  # journal, publisher or institution
    city: str = ""

    def names_text(self) -> list[str]:
        """What ``Reference.names_text`` will hold for this entry (author names, title, container)."""
        out = [self.corporate] if self.corporate else [f for _, f in self.persons]
        out.append(self.title)
        if self.container and self.entry_type in ("article", "techreport"):
            out.append(self.container)
        return out

    def bibtex(self) -> str:
        f: list[tuple[str, str]] = []
        if self.corporate:
            f.append(("author", "{" + self.corporate + "}"))
        elif self.persons:
            f.append(("author", " and ".join(f"{fam}, {giv}" for giv, fam in self.persons)))
        f.append(("title", self.title))
        if self.entry_type == "article":
            f.append(("journal", self.container))
        elif self.entry_type == "book":
            f += [("publisher", self.container), ("address", self.city)]
        elif self.entry_type == "techreport":
            f += [("institution", self.container), ("address", self.city)]
        elif self.entry_type == "misc":  # congressional testimony, as bib/ writes it
            f += [("entrysubtype", "testimony"), ("howpublished", "testimony to the Senate Armed Services Committee")]
        f.append(("year", str(self.year)))
        if self.month:
            f.append(("month", _BIB_MONTHS[self.month - 1]))
        if self.day:
            f.append(("date", f"{self.year:04d}-{self.month:02d}-{self.day:02d}"))
        width = max(len(k) for k, _ in f)
        body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" if k != "month" else f"  {k.ljust(width)} = {v}" for k, v in f)
        return f"@{self.entry_type}{{{self.key},\n{body}\n}}\n"


@dataclass
class Memo:
    file_name: str
    text: str
    bib: str  # the memo's own BibTeX entry
    words: int
    source_name: str = ""  # sources/NNN_key.txt, named in the memo's ``source:``
    source: str = ""  # the text "as received" that the memo transcribes, for the fidelity check


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


def _plain(text: str) -> str:
    """Same normalisation as the note resolver's: lowercase words joined by single spaces."""
    return " ".join(re.findall(r"[A-Za-z0-9]+", text.lower()))


def _names(phrase: str, ref: RefSpec) -> bool:
    """Whether the resolver would take ``phrase`` (before "op. cit.") to name ``ref``."""
    words = _plain(phrase)
    if not words:
        return False
    return any(cand and (words in cand or cand in words) for cand in map(_plain, ref.names_text()))


class Zipf(Generic[T]):
    """Draw items with probability proportional to 1/rank: a few are everywhere, most are rare."""

    def __init__(self, items: Sequence[T], rng: random.Random, exponent: float = 1.0):
        self.items = list(items)
        self.rng = rng
        self.cum = list(itertools.accumulate(1.0 / (r + 1) ** exponent for r in range(len(self.items))))

    def draw(self, k: int = 1) -> list[T]:
        if not self.items:
            return []
        return self.rng.choices(self.items, cum_weights=self.cum, k=k)

    def one(self) -> T:
        return self.items[bisect.bisect(self.cum, self.rng.random() * self.cum[-1])]


# -- the synthesiser ---------------------------------------------------------------------------

class Synth:
    """All generated content of one edition; deterministic for a given seed and sizes."""

    def __init__(self, n_memos: int, seed: int = 0, n_terms: int | None = None, n_entities: int | None = None, n_refs: int | None = None):
        self.rng = random.Random(seed)
        self.n_memos = n_memos
        self.n_terms = n_terms if n_terms is not None else 50 + 2 * n_memos
        self.n_entities = n_entities if n_entities is not None else 100 + 5 * n_memos
        self.n_refs = n_refs if n_refs is not None else 20 + 4 * n_memos
        self._forms: set[str] = set()  # every matchable form so far, casefolded: no two records share one
        self._roots: set[str] = set()
        self.entities: list[EntitySpec] = []
        self.terms: list[TermSpec] = []
        self.refs: list[RefSpec] = []
        self.ignore = [
            {"token": "II", "reason": "Roman numeral (\"Phase II\" of a programme)."},
            {"token": "III", "reason": "Roman numeral (\"Phase III\" of a programme)."},
        ]
        self._build_registries()
        self._build_library()

    # -- names ------------------------------------------------------------------------------

    def _claim(self, *forms: str) -> bool:
        folded = [f.casefold() for f in forms]
        if any(f in self._forms for f in folded) or len(set(folded)) != len(folded):
            return False
        self._forms.update(folded)
        return True

    def root(self) -> str:
        """A new Capitalised name (Japanese-like or English-like) not used anywhere yet."""
        for _ in range(1000):
            if self.rng.random() < 0.6:
                word = "".join(self.rng.choices(_SYLLABLES, k=self.rng.choice((2, 3, 3, 4)))).capitalize()
            else:
                word = self.rng.choice(_EN_PREFIX) + self.rng.choice(_EN_SUFFIX)
                if self.rng.random() < 0.5:
                    word = word + self.rng.choice(("s", "er", "e", "in", "an"))
            if word.casefold() not in self._forms and word not in self._roots and word.lower() not in FILLER:
                self._roots.add(word)
                return word
        raise RuntimeError("ran out of names")

    def words(self, n: int) -> str:
        return " ".join(self.rng.choice(FILLER) for _ in range(n))

    def sentence_plain(self, n: int) -> str:
        text = self.words(n)
        return text[0].upper() + text[1:] + "."

    def title_words(self, n: int) -> str:
        small = {"of", "and", "in", "the", "for", "on", "with", "to"}
        out = []
        for i in range(n):
            w = self.rng.choice(CAPITALISED) if i in (0, n - 1) or self.rng.random() < 0.7 else self.rng.choice(sorted(small))
            out.append(w)
        return " ".join(out)

    @staticmethod
    def slug(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

    # -- registries -------------------------------------------------------------------------

    def _add_entity(self, ent: EntitySpec) -> EntitySpec:
        base = ent.id
        n = 2
        while ent.id in self._entity_ids:
            ent.id = f"{base}-{n}"
            n += 1
        self._entity_ids.add(ent.id)
        self.entities.append(ent)
        return ent

    def _entity(self, typ: str) -> EntitySpec:
        rng = self.rng
        desc = " ".join(self.sentence_plain(rng.randint(12, 22)) for _ in range(rng.randint(1, 2)))
        year = rng.randint(1950, 1992)
        while True:
            if typ == "person":
                family = self.root()
                given = rng.choice(_JA_GIVEN if family[-1] in "aeiou" else _EN_GIVEN)
                title = rng.choice(("Minister", "Director", "Ambassador", "Secretary", "Chairman", "Deputy Director"))
                name, aliases = f"{given} {family}", [family, f"{title} {family}"]
                role = f"{title}, {self.title_words(rng.randint(2, 4))} ({year}–{year + rng.randint(1, 6)})"
                date = None
            elif typ == "organisation":
                r = self.root()
                name = f"{r} {rng.choice(('Heavy Industries', 'Electric Company', 'Precision Instruments', 'Research Institute', 'Trading Company', 'Shipbuilding', 'Aerospace Corporation', 'Council', 'Association'))}"
                aliases, role, date = ([r] if rng.random() < 0.5 else []), None, None
            elif typ == "programme":
                r = self.root()
                name = rng.choice((f"Project {r}", f"{r} Missile Program", f"{r} Radar Program", f"{r} Fighter Program"))
                aliases, role, date = [], None, f"{year}"
            elif typ == "agreement":
                r = self.root()
                name = rng.choice((f"{r} Accord", f"{r} Memorandum of Understanding", f"{r} Exchange of Notes", f"{r} Agreement"))
                aliases, role, date = [], None, f"{year}-{rng.randint(1, 12):02d}"
            elif typ == "place":
                r = self.root()
                name = rng.choice((r, f"{r} Prefecture", f"Port {r}", f"{r} Bay"))
                aliases, role, date = [], None, None
            else:  # event
                r = self.root()
                name = rng.choice((f"{r} Conference", f"{r} Incident", f"{r} Talks", f"{r} Summit"))
                aliases, role, date = [], None, f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if self._claim(name, *aliases):
                break
        return self._add_entity(EntitySpec(self.slug(name), name, typ, desc, aliases, role, date))

    def _acronym(self, linked: bool) -> TermSpec:
        rng = self.rng
        while True:
            letters = "".join(rng.choices(ACRONYM_LETTERS, k=rng.choice((3, 3, 4, 4, 5))))
            words = [rng.choice(_BY_INITIAL[c]) for c in letters]
            if len(set(words)) != len(words):
                continue
            expansion = " ".join(words)
            if letters in ("II", "III") or not self._claim(letters, expansion):
                continue
            break
        definition = " ".join(self.sentence_plain(rng.randint(14, 26)) for _ in range(rng.randint(1, 3)))
        term = TermSpec(letters, "acronym", definition, expansion=expansion)
        if linked:
            typ = rng.choice(("organisation", "organisation", "programme"))
            ent = self._add_entity(EntitySpec(self.slug(expansion), expansion, typ, self.sentence_plain(rng.randint(12, 20)),
                                              date=f"{rng.randint(1950, 1990)}" if typ == "programme" else None))
            term.entity = ent.id
        return term

    def _lower_term(self) -> TermSpec:
        rng = self.rng
        for _ in range(1000):
            k = 2 if rng.random() < 0.8 else 3
            words = [*rng.sample(_TECH_ADJ, k - 1), rng.choice(_TECH_NOUN)]
            form = " ".join(words)
            if self._claim(form):
                definition = " ".join(self.sentence_plain(rng.randint(14, 26)) for _ in range(rng.randint(1, 2)))
                return TermSpec(form, "term", definition)
        return self._acronym(False)  # the technical phrases are used up: more acronyms instead

    def _build_registries(self) -> None:
        self._entity_ids: set[str] = set()
        fixed = [
            EntitySpec("united-states", "United States", "place", "The United States of America.", ["U.S."]),
            EntitySpec("japan", "Japan", "place", "East Asian state allied to the United States under the 1960 security treaty."),
            EntitySpec("tokyo", "Tokyo", "place", "Capital of Japan, often standing for the Japanese government."),
            EntitySpec("washington", "Washington", "place", "Capital of the United States, often standing for the U.S. government."),
            EntitySpec("soviet-union", "Soviet Union", "place", "The Union of Soviet Socialist Republics.", ["Soviets"]),
        ]
        for ent in fixed:
            self._claim(*ent.forms)
            self._add_entity(ent)
        self._fixed_entities = len(fixed)
        us = TermSpec("U.S.", "acronym", "Abbreviation of United States (of America).", expansion="United States", entity="united-states")
        self.terms.append(us)
        self.exemptions = [t for t in _repo_exemption_codes()]
        for t in self.exemptions:
            self._claim(t.term)
        n_acronyms = max(1, int(self.n_terms * 0.7))
        n_linked = min(n_acronyms // 3, max(0, self.n_entities - len(fixed)) // 3)
        for i in range(n_acronyms):
            self.terms.append(self._acronym(linked=i < n_linked))
        for _ in range(self.n_terms - n_acronyms - 1):
            self.terms.append(self._lower_term())
        remaining = max(0, self.n_entities - len(self.entities))
        kinds = ["person"] * 40 + ["organisation"] * 20 + ["programme"] * 12 + ["agreement"] * 10 + ["place"] * 8 + ["event"] * 10
        for i in range(remaining):
            self._entity(kinds[i % len(kinds)])
        ids = [e.id for e in self.entities]
        for ent in self.entities[len(fixed):]:
            if self.rng.random() < 0.4:
                ent.related = sorted({i for i in self.rng.sample(ids, self.rng.randint(1, 3)) if i != ent.id})
        # ranks: the few fixed entities first (Japan, the United States... are everywhere), the rest shuffled
        self.term_rank = [t for t in self.terms if t.term != "U.S."]
        self.rng.shuffle(self.term_rank)
        self.entity_rank = self.entities[: len(fixed)] + self.rng.sample(self.entities[len(fixed):], len(self.entities) - len(fixed))

    def _person(self) -> tuple[str, str]:
        family = self.root()
        return (self.rng.choice(_JA_GIVEN if family[-1] in "aeiou" else _EN_GIVEN), family)

    def make_ref(self, key_seen: set[str], titles_seen: set[str]) -> RefSpec:
        rng = self.rng
        typ = rng.choices(("book", "article", "techreport", "misc"), weights=(35, 35, 20, 10))[0]
        year = rng.randint(1960, 1992)
        while True:
            title = self.title_words(rng.randint(3, 8))
            if rng.random() < 0.5:
                title += f": {self.title_words(rng.randint(2, 5))}"
            if _plain(title) not in titles_seen:
                titles_seen.add(_plain(title))
                break
        ref = RefSpec("", typ, title, year, rng.randint(1, 12) if typ in ("article", "misc") or rng.random() < 0.3 else 0, 0)
        if typ == "article":
            ref.container = f"{rng.choice(_JOURNAL_STEMS)} {rng.choice(_JOURNAL_TAILS)}"
            ref.day = rng.randint(1, 28) if rng.random() < 0.5 else 0
        elif typ == "book":
            ref.container, ref.city = rng.choice(_PUBLISHERS), rng.choice(_CITIES)
        elif typ == "techreport":
            ref.container, ref.city = rng.choice(ISSUERS)[0].split(",")[0], rng.choice(("Washington", "Tokyo", "Santa Monica"))
        else:
            ref.day = rng.randint(1, 28)
        if typ == "techreport" or rng.random() < 0.15:
            ref.corporate = ref.container if typ == "techreport" else f"{self.root()} {rng.choice(('Research Institute', 'Foundation', 'Council'))}"
        else:
            ref.persons = [self._person() for _ in range(rng.choice((1, 1, 1, 2)))]
        first = self.slug(ref.corporate.split()[0] if ref.corporate else ref.persons[0][1]).replace("-", "")
        word = next((w for w in self.slug(title).split("-") if len(w) > 3), "work")
        key = f"{first}{year}{word}"
        n = 1
        while key in key_seen:
            n += 1
            key = f"{first}{year}{word}{string.ascii_lowercase[n % 26]}{n // 26 or ''}"
        key_seen.add(key)
        ref.key = key
        return ref

    def _build_library(self) -> None:
        keys: set[str] = set()
        titles: set[str] = set()
        self.refs = [self.make_ref(keys, titles) for _ in range(self.n_refs)]
        self._keys, self._titles = keys, titles
        self.ref_rank = Zipf(self.refs, self.rng, 0.8)

    def bibtex_library(self, n: int) -> str:
        """A BibTeX text of ``n`` further works (for the parser micro-benchmark)."""
        return "\n".join(self.make_ref(self._keys, self._titles).bibtex() for _ in range(n))

    # -- memos --------------------------------------------------------------------------------

    def memo(self, index: int) -> Memo:
        return _MemoWriter(self, index).write()

    def memos(self) -> list[Memo]:
        return [self.memo(i) for i in range(self.n_memos)]

    def glossary_yaml(self) -> str:
        head = "# Synthetic glossary of a generated benchmark edition (bench/generate.py).\n"
        items = [t.as_yaml() for t in self.terms] + [t.as_yaml() for t in self.exemptions]
        return head + yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=110)

    def entities_yaml(self) -> str:
        head = "# Synthetic register of a generated benchmark edition (bench/generate.py).\n"
        return head + yaml.safe_dump([e.as_yaml() for e in self.entities], sort_keys=False, allow_unicode=True, width=110)

    def ignore_yaml(self) -> str:
        return "# Tokens that look like acronyms but are not.\n" + yaml.safe_dump(self.ignore, sort_keys=False, allow_unicode=True)


class _MemoWriter:
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
            blocks.append("Directorate of Intelligence  \n" + f"{date.day} {_MONTHS[date.month - 1]} {date.year}")
        else:
            blocks.append(f"{_MONTHS[date.month - 1]} {date.day}, {date.year}")
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
            if [c for c in known if _names(w.title, c)] == [w]:
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
    when = f"{_MONTHS[w.month - 1]} {w.day}, {w.year}" if w.month and w.day else (f"{_MONTHS[w.month - 1]} {w.year}" if w.month else str(w.year))
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


def _repo_exemption_codes() -> list[TermSpec]:
    """The real exemption codes (``25X1``…) with their real legal basis: the build needs them for markers."""
    items = yaml.safe_load((REPO / "data" / "glossary.yml").read_text(encoding="utf-8")) or []
    out = []
    for it in items:
        if it.get("kind") == "exemption":
            extra = {k: it[k] for k in ("legal_basis", "withholds") if k in it}
            out.append(TermSpec(str(it["term"]), "exemption", it["definition"], expansion=it.get("expansion"), extra=extra))
    if not any(t.term == "25X1" for t in out):
        raise RuntimeError("data/glossary.yml has no 25X1 exemption entry to copy")
    return out


# -- the project on disk ---------------------------------------------------------------------

def _copy_project_files(dest: Path, is_memo: Callable[[str], bool]) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copy2(REPO / "pyproject.toml", dest / "pyproject.toml")
    for name in ("edition", "edition_plugin", "overrides"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name, ignore=ignore)
    if (REPO / "node_modules").is_dir():  # the npm packages a build runs (citeproc-js): shared, not copied
        (dest / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    docs = REPO / "docs"
    for src in docs.rglob("*"):
        rel = src.relative_to(docs).as_posix()
        if src.is_dir() or "__pycache__" in rel or is_memo(rel):
            continue
        out = dest / "docs" / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, out)


def _prepare(dest: Path) -> None:
    if dest.exists() and any(dest.iterdir()):
        if not (dest / MARKER_FILE).exists():
            raise FileExistsError(f"{dest} is not empty and was not made by bench.generate; refusing to overwrite it")
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MARKER_FILE).write_text("generated by bench/generate.py; safe to delete\n", encoding="utf-8")


def _import_core() -> None:
    """Let ``edition`` be imported from this repository whatever the working directory."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def generate_edition(dest: Path, n_memos: int, seed: int = 0, n_terms: int | None = None,
                     n_entities: int | None = None, n_refs: int | None = None) -> Path:
    """Write a complete synthetic edition of ``n_memos`` memos at ``dest`` and return ``dest``.

    Registries default to sizes that grow with the edition (terms 50 + 2N, entities 100 + 5N,
    works 20 + 4N), so that at N = 1,000 they are the size a real edition of that scope would have.
    """
    _import_core()
    from edition.documents import is_memo  # the repository's own rule for what a memo is

    dest = Path(dest).resolve()
    synth = Synth(n_memos, seed, n_terms, n_entities, n_refs)
    memos = synth.memos()
    _prepare(dest)
    _copy_project_files(dest, is_memo)
    (dest / "docs" / "documents").mkdir(parents=True, exist_ok=True)
    (dest / "sources").mkdir(exist_ok=True)
    for memo in memos:
        (dest / "docs" / "documents" / memo.file_name).write_text(memo.text, encoding="utf-8")
        (dest / memo.source_name).write_text(memo.source, encoding="utf-8")
    (dest / "data").mkdir(exist_ok=True)
    (dest / "data" / "glossary.yml").write_text(synth.glossary_yaml(), encoding="utf-8")
    (dest / "data" / "entities.yml").write_text(synth.entities_yaml(), encoding="utf-8")
    (dest / "data" / "acronym-ignore.yml").write_text(synth.ignore_yaml(), encoding="utf-8")
    shutil.copy2(REPO / "data" / "document-types.yml", dest / "data" / "document-types.yml")  # the generated memos are memoranda
    (dest / "bib").mkdir(exist_ok=True)
    (dest / "bib" / "edition.bib").write_text("% The memos of the generated edition.\n\n" + "\n".join(m.bib for m in memos), encoding="utf-8")
    (dest / "bib" / "references.bib").write_text("% Works cited in the generated memos.\n\n" + "\n".join(r.bibtex() for r in synth.refs), encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic edition of N memos for benchmarks.")
    parser.add_argument("dest", type=Path)
    parser.add_argument("n", type=int, help="number of memos")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--terms", type=int, default=None, help="glossary size (default 50 + 2N)")
    parser.add_argument("--entities", type=int, default=None, help="register size (default 100 + 5N)")
    parser.add_argument("--refs", type=int, default=None, help="works in the library (default 20 + 4N)")
    args = parser.parse_args(argv)
    out = generate_edition(args.dest, args.n, args.seed, args.terms, args.entities, args.refs)
    print(f"wrote a synthetic edition of {args.n} memos to {out}")


if __name__ == "__main__":
    main()
