"""What a reader's search costs, measured in Chromium: bytes of search data and time to the first result.

Online: the built site served on 127.0.0.1; offline: the unzipped bundle opened from ``file://``.
Each run opens a memo page in a fresh browser context (nothing cached), types the query as soon as
the page is interactive (DOMContentLoaded) and stops the clock when Material's result list shows
its first item. Two clocks: the driver's (from ``page.goto`` until Playwright sees the item, so
with its round trips to the browser) and the page's own (``performance.now()`` at the first item:
navigation start to result, what the reader sees). Search data = every response for the search machinery since the page was opened
(Material's lunr index and worker, or Pagefind's script, WebAssembly, index chunks and fragments).

    python -m bench.search_bench --copies 100 [--query WORD] [--runs 3] [--offline]

The copies are of the memo with the most notes, the query by default the surname of the person the
most documents name among those it names (``bench.project``: today the Heritage memo and Nakasone).
"""

from __future__ import annotations

import argparse
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

from bench.project import query_for, richest_memo  # noqa: E402

TIMEOUT_MS = 300_000
SEARCH_PARTS = ("/search/", "/pagefind/", "/assets/search/", "/workers/search.")


@dataclass(frozen=True)
class SearchTiming:
    first_result: float  # seconds from page.goto() to Playwright seeing the first result (the driver's clock)
    in_page: float  # seconds from navigation start to the first result item, by the page's own clock
    page_ready: float  # seconds from navigation start to DOMContentLoaded (the page, not the search)
    search: float  # seconds from the last key of the query to the first result item (the search itself)
    search_bytes: int  # response bytes of the search machinery (online only; 0 from file://)
    requests: int
    results: int


def memo_url(base: str, site: Path, offline: bool) -> str:
    if offline:
        pages = sorted(p for p in (site / "documents").glob("*.html") if p.name[:4].isdigit())
        return pages[0].as_uri()
    pages = sorted(p.parent.name for p in (site / "documents").glob("*/index.html") if p.parent.name[:4].isdigit())
    return f"{base}documents/{pages[0]}/"


def time_first_result(browser, url: str, query: str) -> SearchTiming:  # type: ignore[no-untyped-def]
    from tests.browser_support import recorded_context

    with recorded_context(browser) as (context, recorder):
        sizes: list[int] = []

        def finished(request) -> None:  # type: ignore[no-untyped-def]
            if any(part in request.url for part in SEARCH_PARTS):
                try:
                    s = request.sizes()
                    sizes.append(int(s.get("responseBodySize", 0)) + int(s.get("responseHeadersSize", 0)))
                except Exception:  # file:// responses have no sizes
                    sizes.append(0)

        context.on("requestfinished", finished)
        context.add_init_script(_CLOCK)
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        box = page.locator("input.md-search__input")
        box.click()
        box.fill(query)
        box.press("End")
        page.wait_for_selector(".md-search-result__item", timeout=TIMEOUT_MS)
        first = time.perf_counter() - start
        page.wait_for_timeout(300)  # let the requests of this query finish before counting them
        count = page.locator(".md-search-result__item").count()
        clock = page.evaluate("window.__benchClock")
        recorder.assert_local(f"search benchmark {url}")
        return SearchTiming(first, clock["result"] / 1000, (clock["dcl"] or 0) / 1000, (clock["result"] - clock["keyup"]) / 1000,
                            sum(sizes), len(sizes), count)


# In the page: when DOMContentLoaded fired, when the query's last key went up and when the first
# result item appeared (ms since navigation start), so the time is split between page and search.
_CLOCK = """window.__benchClock = {dcl: null, keyup: null, result: null};
document.addEventListener('DOMContentLoaded', () => { window.__benchClock.dcl = performance.now(); });
document.addEventListener('keyup', () => { window.__benchClock.keyup = performance.now(); }, true);
new MutationObserver(() => {
  if (window.__benchClock.result === null && document.querySelector('.md-search-result__item')) window.__benchClock.result = performance.now();
}).observe(document, {subtree: true, childList: true});"""


def measure(site: Path, query: str, runs: int, offline: bool) -> list[SearchTiming]:
    from tests.browser_support import chromium, serve_directory

    with chromium() as browser:
        if offline:
            return [time_first_result(browser, memo_url("", site, True), query) for _ in range(runs)]
        with serve_directory(site) as base:
            return [time_first_result(browser, memo_url(base, site, False), query) for _ in range(runs)]


def summary(timings: list[SearchTiming]) -> dict[str, float]:
    return {
        "first_result_s": statistics.median(t.first_result for t in timings),
        "in_page_s": statistics.median(t.in_page for t in timings),
        "page_ready_s": statistics.median(t.page_ready for t in timings),
        "search_s": statistics.median(t.search for t in timings),
        "search_mb": statistics.median(t.search_bytes for t in timings) / 1e6,
        "requests": statistics.median(t.requests for t in timings),
        "results": timings[-1].results,
    }


def offline_site(project: Path, work: Path) -> Path:
    from edition.offline import ZIP_ROOT, make_bundle

    bundle = make_bundle(work / "bundle", project)
    with zipfile.ZipFile(bundle.zip_path) as zf:
        zf.extractall(work / "unzipped")
    return work / "unzipped" / ZIP_ROOT


def main(argv: list[str] | None = None) -> int:
    from bench.copies import copy_edition
    from tests.conftest import run_build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="copies of the memo with the most notes (default 100)")
    parser.add_argument("--query", default=None, help="default: the surname of the person the most documents name, among those the copied memo names (bench.project.query_for)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--offline", action="store_true", help="also measure the offline bundle from file://")
    parser.add_argument("--source", type=Path, default=ROOT, help="project to copy (default: this repository)")
    args = parser.parse_args(argv)
    args.query = args.query or query_for(richest_memo(args.source), args.source)
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        work = Path(tmp)
        project = copy_edition(work / "project", args.copies, source=args.source)
        result = run_build(project, work / "site")
        if not result.ok:
            print(result.output[-3000:])
            return 1
        online = summary(measure(work / "site", args.query, args.runs, offline=False))
        print(f"N={args.copies} online  {args.query!r}: first result {online['first_result_s']:.2f} s "
              f"(page's clock {online['in_page_s']:.2f} s; page ready {online['page_ready_s']:.2f} s, search {online['search_s']:.2f} s), "
              f"search data {online['search_mb']:.2f} MB in {online['requests']:.0f} requests, {online['results']} results")
        if args.offline:
            site = offline_site(project, work / "offline")
            off = summary(measure(site, args.query, args.runs, offline=True))
            print(f"N={args.copies} offline {args.query!r}: first result {off['first_result_s']:.2f} s "
              f"(page's clock {off['in_page_s']:.2f} s; page ready {off['page_ready_s']:.2f} s, search {off['search_s']:.2f} s, {off['results']} results)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
