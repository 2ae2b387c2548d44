"""The synthesiser: registries, library and memos of one edition, deterministic for a seed and sizes."""

from __future__ import annotations

import random
import re
import string

import yaml

from bench.project import ROOT
from bench.synth.memo import MemoWriter
from bench.synth.records import EntitySpec, Memo, RefSpec, TermSpec, Zipf, plain_words
from bench.synth.vocabulary import (
    ACRONYM_LETTERS,
    BY_INITIAL,
    CAPITALISED,
    CITIES,
    EN_GIVEN,
    EN_PREFIX,
    EN_SUFFIX,
    FILLER,
    ISSUERS,
    JA_GIVEN,
    JOURNAL_STEMS,
    JOURNAL_TAILS,
    PUBLISHERS,
    SYLLABLES,
    TECH_ADJ,
    TECH_NOUN,
)


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
                word = "".join(self.rng.choices(SYLLABLES, k=self.rng.choice((2, 3, 3, 4)))).capitalize()
            else:
                word = self.rng.choice(EN_PREFIX) + self.rng.choice(EN_SUFFIX)
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
                given = rng.choice(JA_GIVEN if family[-1] in "aeiou" else EN_GIVEN)
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
            words = [rng.choice(BY_INITIAL[c]) for c in letters]
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
            words = [*rng.sample(TECH_ADJ, k - 1), rng.choice(TECH_NOUN)]
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
        self.exemptions = [t for t in repo_exemption_codes()]
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
        return (self.rng.choice(JA_GIVEN if family[-1] in "aeiou" else EN_GIVEN), family)

    def make_ref(self, key_seen: set[str], titles_seen: set[str]) -> RefSpec:
        rng = self.rng
        typ = rng.choices(("book", "article", "techreport", "misc"), weights=(35, 35, 20, 10))[0]
        year = rng.randint(1960, 1992)
        while True:
            title = self.title_words(rng.randint(3, 8))
            if rng.random() < 0.5:
                title += f": {self.title_words(rng.randint(2, 5))}"
            if plain_words(title) not in titles_seen:
                titles_seen.add(plain_words(title))
                break
        ref = RefSpec("", typ, title, year, rng.randint(1, 12) if typ in ("article", "misc") or rng.random() < 0.3 else 0, 0)
        if typ == "article":
            ref.container = f"{rng.choice(JOURNAL_STEMS)} {rng.choice(JOURNAL_TAILS)}"
            ref.day = rng.randint(1, 28) if rng.random() < 0.5 else 0
        elif typ == "book":
            ref.container, ref.city = rng.choice(PUBLISHERS), rng.choice(CITIES)
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
        return MemoWriter(self, index).write()

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


def repo_exemption_codes() -> list[TermSpec]:
    """The real exemption codes (``25X1``…) with their real legal basis: the build needs them for markers."""
    items = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8")) or []
    out = []
    for it in items:
        if it.get("kind") == "exemption":
            extra = {k: it[k] for k in ("legal_basis", "withholds") if k in it}
            out.append(TermSpec(str(it["term"]), "exemption", it["definition"], expansion=it.get("expansion"), extra=extra))
    if not any(t.term == "25X1" for t in out):
        raise RuntimeError("data/glossary.yml has no 25X1 exemption entry to copy")
    return out
