"""Micro-benchmarks of the core's hot paths: BibTeX parsing, the term matcher, the annotator.

Each isolates one function over generated data of a chosen size, so that its cost per item can be
watched as the registries grow, apart from the rest of a build.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.synth import Synth
from bench.tables import table


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def body_paragraphs(text: str) -> list[str]:
    body = text.split("\n---\n", 1)[1] if text.startswith("---") else text
    return [p for p in re.split(r"\n\s*\n", body) if p.strip() and not p.startswith("#")]


def micro_bibtex(n: int) -> list[list[str]]:
    """(a) bibtexparser + the edition's decoding and indexing, for a library of ``n`` entries."""
    from edition.bibtex import parse_library
    from edition.diagnostics import Diagnostics

    text = Synth(1, seed=7, n_terms=5, n_entities=10, n_refs=1).bibtex_library(n)
    diags = Diagnostics()
    seconds, lib = _timed(lambda: parse_library(text, "bench.bib", diags))
    return [[f"{n:,}", f"{len(text) / 1e6:.1f}", f"{seconds:.2f}", f"{seconds / n * 1e6:.0f}", str(len(lib)), str(len(diags.errors))]]  # type: ignore[arg-type]


def micro_matcher(synth: Synth, pages: list[list[str]], sizes: Sequence[int]) -> list[list[str]]:
    """(b) one Aho-Corasick pass per text: the cost per page must not grow with the number of terms."""
    from edition.matching import Matcher, Target

    used = [t for t in synth.terms if t.kind != "exemption"]
    used_forms = {t.term.casefold() for t in used}
    extra_needed = max(sizes) - len(used)
    extras = []
    if extra_needed > 0:
        other = Synth(1, seed=99, n_terms=extra_needed + extra_needed // 5 + 100, n_entities=10, n_refs=1)
        extras = [t for t in other.terms if t.kind != "exemption" and t.term.casefold() not in used_forms][:extra_needed]
    pool = used + extras
    rows = []
    for size in sizes:
        registry = pool[:size]
        m = Matcher()
        build_s, _ = _timed(lambda r=registry, m=m: [m.add(t.term, Target("term", t.term), case_sensitive=t.kind == "acronym") for t in r] and m.build())
        def run(m: Matcher = m) -> int:
            return sum(len(m.find(para)) for page in pages for para in page)

        best = float("inf")
        for _ in range(3):  # best of three: the automaton is fast enough for noise to matter
            gc.collect()
            seconds, matches = _timed(run)
            best = min(best, seconds)
        seconds = best
        matches = int(matches)  # type: ignore[call-overload]
        rows.append([f"{size:,}", f"{build_s * 1000:.0f}", f"{len(pages)}", f"{seconds / len(pages) * 1000:.2f}", f"{matches / len(pages):.0f}"])
    return rows


def micro_annotator(synth: Synth, memos: list, workdir: Path) -> list[list[str]]:
    """(c) the annotator over rendered memo HTML with a register of thousands of entities."""
    import markdown

    from edition.annotate import Annotator, Found
    from edition.diagnostics import Diagnostics
    from edition.entities import load_entities
    from edition.glossary import load_glossary, load_ignore_list
    from edition.htmltext import parse_fragment
    from edition.notes import extract_notes
    from edition.paragraphs import number_paragraphs
    from edition.redactions import ExemptionCode, MarkerPattern, mark_redactions

    data = workdir / "micro-data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "glossary.yml").write_text(synth.glossary_yaml(), encoding="utf-8")
    (data / "entities.yml").write_text(synth.entities_yaml(), encoding="utf-8")
    (data / "ignore.yml").write_text(synth.ignore_yaml(), encoding="utf-8")
    diags = Diagnostics()
    load_s, (terms, entities) = _timed(lambda: (load_glossary(data / "glossary.yml", diags, "g"), load_entities(data / "entities.yml", diags, "e")))  # type: ignore[misc]
    ignore = load_ignore_list(data / "ignore.yml", diags, "i")
    if diags.errors:  # a registry the edition refuses would be measured empty: say so instead
        raise RuntimeError(f"(c) the generated registries do not load: {diags.errors[0]}")
    init_s, annotator = _timed(lambda: Annotator({t.key: t for t in terms}, entities, ignore))
    codes = [ExemptionCode(t.term, t.expansion or "", t.withholds or "") for t in terms if t.kind == "exemption"]
    markers = MarkerPattern(codes)
    exts = ["attr_list", "md_in_html", "def_list", "tables", "footnotes", "admonition", "toc", "pymdownx.critic"]
    roots = []
    for memo in memos:
        body = memo.text.split("\n---\n", 1)[1]
        cleaned, _, _ = extract_notes(body, memo.file_name, memo.file_name, 1, Diagnostics())
        root = parse_fragment(markdown.markdown(cleaned, extensions=exts))
        mark_redactions(root, markers)
        numbered = number_paragraphs(root, memo.file_name)
        blocks = [(p.id, el) for p, el in numbered]
        blocks += [(li.get("id"), li) for li in root.iter("li") if (li.get("id") or "").startswith("fn:")]
        roots.append((memo.file_name, blocks))
    found = Found()

    def run() -> None:
        for name, blocks in roots:
            annotator.annotate(name, blocks, lambda p: p, found)  # type: ignore[union-attr]

    seconds, _ = _timed(run)
    n = len(roots)
    return [[f"{len(entities):,}", f"{len(terms):,}", f"{load_s:.2f}", f"{init_s * 1000:.0f}", str(n), f"{seconds:.2f}",
             f"{seconds / n * 1000:.1f}", f"{(len(found.terms) + len(found.entities)) / n:.0f}", str(len(set(found.unknown_acronyms)))]]


# Sizes of each run: (pages, BibTeX entries, terms, entities, matcher registries)
# 2,500 entities: the largest round register under the edition's 1 MiB limit for a YAML registry
# (edition/yamldata.py MAX_YAML_CHARS; 5,000 generated entities are 1.7 MB and were loaded as none)
SIZES = {"tiny": (3, 50, 60, 120, [20, 60, 200]), "quick": (50, 1000, 2000, 2500, [200, 2000, 20000]),
         "full": (500, 10_000, 2000, 2500, [200, 2000, 20000])}


def print_micro(size: str, workdir: Path) -> None:
    """Run (a), (b) and (c) at ``size`` ("tiny", "quick" or "full") and print their tables."""
    pages_n, bib_n, n_terms, n_entities, registries = SIZES[size]
    print(table("(a) BibTeX: parse_library (bibtexparser, LaTeX decoding, index)", ["entries", "text MB", "seconds", "µs/entry", "parsed", "errors"],
                micro_bibtex(bib_n)), flush=True)
    synth = Synth(pages_n, seed=3, n_terms=n_terms, n_entities=n_entities)
    memos = synth.memos()
    pages = [body_paragraphs(m.text) for m in memos]
    print(table("(b) Matcher: one automaton, every paragraph of every page", ["terms", "build ms", "pages", "ms/page", "matches/page"],
                micro_matcher(synth, pages, registries),
                "The 200-term registry is a subset of the 2,000 (fewer matches); the 20,000 adds terms that never occur."), flush=True)
    print(table("(c) Annotator: terms + entities + unknown-acronym check over rendered memos",
                ["entities", "terms", "YAML load s", "init ms", "pages", "seconds", "ms/page", "mentions/page", "unknown acronyms"],
                micro_annotator(synth, memos, workdir)), flush=True)
