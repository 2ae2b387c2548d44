"""The reading page on a phone, side by side: the edition (A) against plain Material (B).

Issue 25's table: the same docs/ Markdown built twice, by the edition as it is (A) and by plain
Material (B: ``bench.variants.plain_material_config`` without the edition's look), both served
from 127.0.0.1 with gzip, then measured in one run with the runs interleaved (A, B, A, B, …) so
that the machine's load falls on both alike; each figure is the median of its runs, and A/B is
the ratio of the medians.

- Lighthouse mobile (``bench.lighthouse``, 5 runs each): performance score, total blocking time,
  layout shift, DOM size, transfer, Material's bundle on the main thread, style and layout.
- Playwright at 375×740 with touch and 4× CPU (``bench.touch``, 7 runs each): load event, a tap
  on a note marker until its tooltip shows, and a search until its first result.

    python -m bench.phone [--page documents/<memo>/ ...] [--runs N] [--json out.json] [--tiny]
                          [--longer K] [--compare NAME=REV ...]

``--longer K`` also measures each page with its text written K times (``lengthen``), in the
browser only: how a page's cost grows with a memo's length.
``--compare NAME=REV`` adds the edition as it was at git revision REV (``git archive`` of this
repository, built from a copy like A) as a column of its own, measured in the same run,
interleaved with A and B: what one change pays, side by side, under the same load.
``--tiny`` runs each measure once on the first page: a test of the benchmark code, not a
measurement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import ExitStack
from copy import deepcopy
from dataclasses import asdict, dataclass, field
from itertools import takewhile
from pathlib import Path

from lxml import html as lxml_html

from bench import lighthouse, touch
from bench.lighthouse import Metric
from bench.project import PROJECT_PARTS, ROOT, by_apparatus, copy_project, query_for, richest_memo
from bench.static_server import serve
from bench.tables import table
from bench.variants import plain_material_config


def default_pages(source: Path = ROOT) -> list[str]:
    """The memo with the most notes and the one with the fewest (today the Heritage and the CIA
    memo, the pages issue 25 was measured on), as pages of the site."""
    memos = by_apparatus(source)
    return [m.removeprefix("docs/").removesuffix(".md") + "/" for m in memos[:1] + memos[1:][-1:]]


def default_query(page: str, source: Path = ROOT) -> str:
    """What a reader would type to find the page's memo (``bench.project.query_for``; today Nakasone)."""
    memo = f"docs/{page.strip('/')}.md"
    return query_for(memo if (source / memo).is_file() else richest_memo(source), source)

VARIANTS = {"A": "edition", "B": "plain Material"}
LIGHTHOUSE_RUNS, BROWSER_RUNS = 5, 7


def export_revision(rev: str, dest: Path, repo: Path = ROOT) -> Path:
    """The project as it was at git revision ``rev`` of ``repo`` (``git archive``), in ``dest``,
    with ``repo``'s npm packages (the citation processor) linked in."""
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", rev], capture_output=True, check=True, timeout=300).stdout
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    if (repo / "node_modules").is_dir() and not (dest / "node_modules").exists():
        (dest / "node_modules").symlink_to((repo / "node_modules").resolve(), target_is_directory=True)
    return dest


def _build(config: Path, project: Path, site: Path, name: str) -> Path:
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site)],
                          cwd=project, capture_output=True, text=True, timeout=1200,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if proc.returncode != 0:
        raise SystemExit(f"build {name} failed:\n{(proc.stderr + proc.stdout)[-3000:]}")
    return site


def build_variants(work: Path, source: Path = ROOT, compare: dict[str, str] | None = None) -> dict[str, Path]:
    """Build A (the edition's ``mkdocs.yml``) and B (plain Material) of one copy of ``source``, and
    the edition at each revision of ``compare`` (name -> git revision) from a copy of its own."""
    project = copy_project(work / "project", source)
    sites = {"A": _build(project / "mkdocs.yml", project, work / "site-A", "A (edition)"),
             "B": _build(plain_material_config(project, edition_look=False), project, work / "site-B", "B (plain Material)")}
    for name, rev in (compare or {}).items():
        # an older revision may keep its MkDocs adapters elsewhere (hooks/ before edition_plugin/)
        other = copy_project(work / f"project-{name}", export_revision(rev, work / f"export-{name}"), (*PROJECT_PARTS, "hooks"))
        sites[name] = _build(other / "mkdocs.yml", other, work / f"site-{name}", f"{name} ({rev})")
    return sites


def lengthen(site: Path, page: str, times: int) -> str:
    """Write beside ``page`` of ``site`` the same page with its text written ``times`` times, and
    return its path: one memo that long, the rest of the page as it is. The text is the edition's
    ``.memo-text`` (plain Material's article) up to its notes; the copies lose their ids."""
    doc = lxml_html.parse(str(site / page / "index.html")).getroot()
    text = (doc.find_class("memo-text") or doc.xpath("//article"))[0]
    blocks = list(takewhile(lambda block: "footnote" not in (block.get("class") or "").split(), text))
    at = len(blocks)
    for _ in range(times - 1):
        for block in blocks:
            copy = deepcopy(block)
            for el in copy.iter():
                if isinstance(el.tag, str):
                    el.attrib.pop("id", None)
            text.insert(at, copy)
            at += 1
    longer = f"{page.rstrip('/')}-x{times}/"
    (site / longer).mkdir(parents=True, exist_ok=True)
    (site / longer / "index.html").write_text(lxml_html.tostring(doc, doctype="<!doctype html>", encoding="unicode"), encoding="utf-8")
    return longer


def measure(sites: dict[str, Path], pages: list[str], lighthouse_runs: int, browser_runs: int, query: str,
            longer: list[str] | None = None) -> dict[str, dict[str, dict[str, list[float]]]]:
    """Every sample, interleaved A, B, A, B… (and every compared variant): ``samples[page][variant][metric key]``
    is a list of runs. The ``longer`` pages are measured in the browser only."""
    longer = longer or []
    samples: dict[str, dict[str, dict[str, list[float]]]] = {p: {v: {} for v in sites} for p in pages + longer}

    def add(page: str, variant: str, values: dict[str, float]) -> None:
        for key, value in values.items():
            samples[page][variant].setdefault(key, []).append(value)

    with ExitStack() as stack:
        bases = {variant: stack.enter_context(serve(site)) for variant, site in sites.items()}
        for page in pages:
            for run in range(lighthouse_runs):
                for variant, base in bases.items():
                    print(f"  lighthouse {run + 1}/{lighthouse_runs} {variant} {page}", flush=True)
                    add(page, variant, lighthouse.audit(base + page))
        with touch.phone() as browser:
            for page in pages + longer:
                for run in range(browser_runs):
                    for variant, base in bases.items():
                        print(f"  phone {run + 1}/{browser_runs} {variant} {page}", flush=True)
                        add(page, variant, touch.timings(browser, base + page, query))
    return samples


@dataclass(frozen=True)
class Row:
    """One metric of one page: the medians of A and B, and A/B (None where B's median is 0); then
    each compared variant's median and its ratio to B."""

    metric: str
    label: str
    unit: str
    a: float
    b: float
    ratio: float | None
    others: tuple[tuple[str, float, float | None], ...] = field(default=())

    def cells(self) -> list[str]:
        cells = [self.label, _value(self.a, self.unit), _value(self.b, self.unit), _ratio(self.ratio)]
        for _, value, ratio in self.others:
            cells += [_value(value, self.unit), _ratio(ratio)]
        return cells


def _ratio(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio:.2f}"


def rows(samples: dict[str, dict[str, list[float]]], metrics: list[Metric]) -> list[Row]:
    """The rows of one page, for each metric measured there (a page without notes has no tap)."""
    out = []
    others = [v for v in samples if v not in ("A", "B")]
    for metric in metrics:
        if metric.key not in samples["A"]:
            continue
        a, b = statistics.median(samples["A"][metric.key]), statistics.median(samples["B"][metric.key])
        extra = tuple((v, value, value / b if b else None) for v in others if metric.key in samples[v]
                      for value in [statistics.median(samples[v][metric.key])])
        out.append(Row(metric.key, metric.label, metric.unit, a, b, a / b if b else None, extra))
    return out


def _value(value: float, unit: str) -> str:
    if unit == "":
        return f"{value:.2f}" if value < 1 else f"{value:.0f}"
    return f"{value:,.0f} {unit}" if unit != "elements" else f"{value:,.0f}"


HEAD = ["", "A (edition)", "B (plain Material)", "A/B"]


def _head(page_rows: list[Row]) -> list[str]:
    names = [name for name, _, _ in page_rows[0].others] if page_rows else []
    return HEAD + [cell for name in names for cell in (name, f"{name}/B")]


def report(page: str, page_rows: list[Row], runs: str) -> str:
    """One page's table: the metrics as rows, A, B and A/B as columns (then any compared variant)."""
    return table(f"{page} ({runs})", _head(page_rows), [row.cells() for row in page_rows])


def markdown(page: str, page_rows: list[Row]) -> str:
    """The same table in Markdown, as bench/README.md keeps it."""
    head = _head(page_rows)
    lines = [f"| {page} | {' | '.join(head[1:])} |", "| --- |" + " ---: |" * (len(head) - 1)]
    return "\n".join([*lines, *(f"| {' | '.join(row.cells())} |" for row in page_rows)])


def _commit() -> str:
    proc = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty", "--abbrev=7"], capture_output=True, text=True)
    return proc.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.phone", description=__doc__.splitlines()[0])
    parser.add_argument("--page", action="append", default=None, help="a page of the site, e.g. documents/<memo>/ (repeatable; default: the memo with the most notes and the one with the fewest)")
    parser.add_argument("--runs", type=int, default=None, help=f"runs of each measure and variant (default {LIGHTHOUSE_RUNS} Lighthouse, {BROWSER_RUNS} Playwright)")
    parser.add_argument("--query", default=None, help="default: the surname of the person the most documents name, among those the first page's memo names (bench.project.query_for)")
    parser.add_argument("--json", type=Path, default=None, help="also write the table and every sample as JSON")
    parser.add_argument("--markdown", action="store_true", help="also print the tables in Markdown, for bench/README.md")
    parser.add_argument("--tiny", action="store_true", help="each measure once, first page only: tests the code, measures nothing")
    parser.add_argument("--longer", type=int, default=None, metavar="K", help="also measure each page with its text written K times, in the browser only")
    parser.add_argument("--compare", action="append", default=[], metavar="NAME=REV",
                        help="also measure the edition at git revision REV, as column NAME, in the same run (repeatable)")
    args = parser.parse_args(argv)
    pages = args.page or default_pages()[: 1 if args.tiny else None]
    args.query = args.query or default_query(pages[0])
    lighthouse_runs = browser_runs = 1 if args.tiny else args.runs
    lighthouse_runs, browser_runs = lighthouse_runs or LIGHTHOUSE_RUNS, browser_runs or BROWSER_RUNS
    compare = dict(item.split("=", 1) for item in args.compare if "=" in item)
    if len(compare) != len(args.compare) or {"A", "B"} & set(compare):
        parser.error("--compare takes NAME=REV, NAME neither A nor B")
    if why := lighthouse.missing():
        raise SystemExit(f"bench.phone: {why}")
    started = time.perf_counter()
    load_before = os.getloadavg()
    metrics = [*lighthouse.METRICS, *(Metric(m.key, m.label.format(query=args.query), m.unit) for m in touch.METRICS)]
    with tempfile.TemporaryDirectory(prefix="phone-bench-") as tmp:
        print("building A (edition) and B (plain Material)" + "".join(f", {n} ({r})" for n, r in compare.items()) + "…", flush=True)
        sites = build_variants(Path(tmp), compare=compare)
        longer = list(dict.fromkeys(lengthen(site, page, args.longer) for page in pages for site in sites.values())) if args.longer else []
        samples = measure(sites, pages, lighthouse_runs, browser_runs, args.query, longer)
    pages += longer
    runs = f"medians of {lighthouse_runs} Lighthouse and {browser_runs} Playwright runs each, interleaved"
    result = {
        "measured": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": _commit(),
        "compared": compare,
        "lighthouse": lighthouse.version(),
        "runs": {"lighthouse": lighthouse_runs, "playwright": browser_runs},
        "load_average": {"before": load_before, "after": os.getloadavg()},
    }
    tables = {page: rows(samples[page], metrics) for page in pages}
    for page, page_rows in tables.items():
        print(report(page, page_rows, runs), flush=True)
        if args.markdown:
            print("\n" + markdown(page, page_rows))
    print(f"\ncommit {result['commit']}, Lighthouse {result['lighthouse']}, load average {load_before[0]:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after; {(time.perf_counter() - started) / 60:.1f} min")
    if args.json:
        result["pages"] = {page: {"rows": [asdict(r) for r in tables[page]], "samples": samples[page]} for page in pages}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"JSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
