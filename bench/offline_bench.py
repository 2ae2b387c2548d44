"""Benchmark of the offline bundle: its size, its search index, and how long a reader waits from
opening a memo page from ``file://`` to seeing search results.

    python -m bench.offline_bench [--query COCOM] [--runs 3] [--memos 500] [--seed 0] [--skip-large]

Measured for today's edition and for a generated edition of ``--memos`` memos (``bench.generate``;
skipped with a message when that module is not there yet). Each run opens the page in a fresh
browser context (nothing cached), so every run loads the search index anew; the median is reported.
Nothing leaves the machine: Debian's Chromium opens local files only, and any other request fails
the run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from edition.offline import ZIP_ROOT, Bundle, human_size, make_bundle  # noqa: E402

TIMEOUT_MS = 900_000  # a large index takes long to load in the browser: measure it, do not give up early


@dataclass(frozen=True)
class Timing:
    loaded: float  # seconds from navigation start to the page's load event
    results: float  # ... to the first results for the query on screen (typed as soon as the page loaded)
    after_typing: float  # from typing the query to the results
    result_count: int


@dataclass(frozen=True)
class Measurement:
    label: str
    memos: int
    build_seconds: float
    bundle: Bundle
    query: str
    timings: list[Timing]
    pagefind_bytes: int = 0  # the site's pagefind/ folder: the index search reads (Material's own is empty)


def memo_page(site: Path) -> Path:
    memos = sorted(p for p in (site / "documents").glob("*.html") if p.name[:4].isdigit())
    if not memos:
        raise SystemExit(f"no memo page in {site / 'documents'}")
    return memos[0]


def pick_query(site: Path, project: Path, wanted: str) -> str:
    """``wanted`` if the search index has it, else the first registered acronym that it has (a
    generated edition has made-up acronyms)."""
    import yaml
    from lxml import html as lxml_html

    # what search can find: the memo pages' text (Pagefind indexes the pages themselves; the lunr
    # index, where there is one, is read too)
    lunr = site / "search" / "search_index.json"
    parts = [lunr.read_text(encoding="utf-8")] if lunr.is_file() else []
    parts += [lxml_html.parse(str(p)).getroot().text_content() for p in sorted((site / "documents").rglob("*.html"))]
    text = "\n".join(parts).casefold()

    def indexed(word: str) -> bool:
        return re.search(rf"(?<![\w.]){re.escape(word.casefold())}(?![\w])", text) is not None

    if indexed(wanted):
        return wanted
    glossary = project / "data" / "glossary.yml"
    terms = yaml.safe_load(glossary.read_text(encoding="utf-8")) if glossary.is_file() else []
    for entry in terms or []:
        term = str(entry.get("term", ""))
        if entry.get("kind") == "acronym" and term.isalpha() and indexed(term):
            return term
    raise SystemExit(f"{wanted!r} is not in the memo pages of {site}, and no registered acronym is either")


def time_search(site: Path, query: str, runs: int) -> list[Timing]:
    """Open a memo from file:// and search, ``runs`` times, each in a fresh browser context."""
    from tests.browser_support import chromium, recorded_context

    url = memo_page(site).as_uri()
    term = query.split()[0].lower()
    timings = []
    with chromium() as browser:
        for _ in range(runs):
            with recorded_context(browser) as (context, recorder):
                page = context.new_page()
                start = time.perf_counter()
                page.goto(url, wait_until="load")
                loaded = time.perf_counter() - start
                box = page.locator("input.md-search__input")
                typed = time.perf_counter()
                box.click()
                box.fill(query)
                box.press("End")
                page.wait_for_function(
                    """term => /no matching/i.test(document.querySelector('.md-search-result__meta')?.textContent || '') ||
                              Array.from(document.querySelectorAll('.md-search-result__item a.md-search-result__link'))
                                  .some(a => new URL(a.href).searchParams.get('h')?.toLowerCase().includes(term))""",
                    arg=term, timeout=TIMEOUT_MS)
                results = time.perf_counter() - start
                count = page.locator(".md-search-result__item").count()
                recorder.assert_local(f"benchmark page {url}")
                timings.append(Timing(loaded, results, results - (typed - start), count))
    return timings


def measure(label: str, project: Path, work: Path, query: str, runs: int, memos: int) -> Measurement:
    start = time.perf_counter()
    bundle = make_bundle(work / "out", project)
    build_seconds = time.perf_counter() - start
    unzipped = work / "unzipped"
    with zipfile.ZipFile(bundle.zip_path) as zf:
        zf.extractall(unzipped)
    site = unzipped / ZIP_ROOT
    used = pick_query(site, project, query)
    pagefind = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    return Measurement(label, memos, build_seconds, bundle, used, time_search(site, used, runs), pagefind)


def count_memos(project: Path) -> int:
    return sum(1 for p in (project / "docs" / "documents").glob("*.md") if p.name[:4].isdigit())


def report(m: Measurement) -> None:
    med = statistics.median
    t = m.timings
    print(f"\n{m.label}: {m.memos} memos")
    print(f"  build + check + zip:   {m.build_seconds:.1f} s")
    print(f"  bundle (zip):          {human_size(m.bundle.zip_bytes)} ({m.bundle.zip_bytes} bytes)")
    print(f"  site (unzipped):       {human_size(m.bundle.site_bytes)} in {m.bundle.files} files")
    print(f"  search index:          {human_size(m.pagefind_bytes)} in pagefind/ (Material's own index: {m.bundle.search_index_bytes} bytes)")
    print(f"  open memo from file:// to results for {m.query!r} (median of {len(t)}):")
    print(f"    page loaded          {med(x.loaded for x in t) * 1000:8.0f} ms")
    print(f"    results shown        {med(x.results for x in t) * 1000:8.0f} ms  (runs: "
          + ", ".join(f"{x.results * 1000:.0f}" for x in t) + f" ms; {t[-1].result_count} results rendered)")
    print(f"    of which after typing {med(x.after_typing for x in t) * 1000:7.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.offline_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="COCOM")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memos", type=int, default=500, help="size of the generated edition (default: 500)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-large", action="store_true", help="measure today's edition only")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="offline-bench-") as tmp:
        work = Path(tmp)
        report(measure("today's edition", ROOT, work / "today", args.query, args.runs, count_memos(ROOT)))
        if args.skip_large:
            return 0
        try:
            from bench.generate import generate_edition  # written separately; may not exist yet
        except ImportError as err:
            print(f"\ngenerated edition: skipped ({err}); bench/generate.py with generate_edition(dest, n_memos, seed) is needed")
            return 0
        start = time.perf_counter()
        project = generate_edition(work / "generated", args.memos, seed=args.seed)
        print(f"\n(generated {args.memos} memos in {time.perf_counter() - start:.1f} s)")
        report(measure(f"generated edition (seed {args.seed})", project, work / "large", args.query, args.runs,
                       count_memos(project)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
