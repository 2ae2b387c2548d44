"""The archive-scale numbers of issue 16 on the edition with one memo copied N times (``bench.copies``:
the memo with the most notes, today the Heritage memo).

For each N: cold and warm strict builds with the edition's hooks and as plain Material (ratios),
Pagefind's share of the hooks build, then in Chromium the online search (bytes and time to the
first result, served on 127.0.0.1) and the offline search (time to the first result from the
unzipped bundle over file://), and the ``mkdocs serve`` rebuild after editing one memo.

    python -m bench.archive [--sizes 100 300 1000] [--runs 3] [--builds 3] [--no-browser] [--no-serve]

Each build is timed ``--builds`` times and the median kept (a cold build: the project's
``.cache`` removed first): single builds on a shared machine vary by a second or more.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.builds import Build, build  # noqa: E402
from bench.copies import copy_edition  # noqa: E402
from bench.project import query_for, richest_memo  # noqa: E402
from bench.serve import serve_rebuild  # noqa: E402
from bench.tables import table  # noqa: E402


@dataclass
class Row:
    n: int
    hooks_cold: Build
    hooks_warm: Build
    plain_cold: Build
    plain_warm: Build
    pagefind_mb: float
    lunr_plain_mb: float
    online: dict | None = None
    offline: dict | None = None

    def cells(self) -> list[str]:
        hc, hw, pc, pw = self.hooks_cold, self.hooks_warm, self.plain_cold, self.plain_warm
        on, off = self.online or {}, self.offline or {}
        return [str(self.n), f"{hc.wall:.1f}", f"{hw.wall:.1f}", f"{pc.wall:.1f}", f"{pw.wall:.1f}",
                f"{hc.wall / pc.wall:.2f}", f"{hw.wall / pw.wall:.2f}", f"{hc.cpu / max(pc.cpu, 1e-9):.2f}",
                f"{hw.cpu / max(pw.cpu, 1e-9):.2f}", f"{hc.cpu:.1f}", f"{hw.cpu:.1f}", f"{pc.cpu:.1f}", f"{self.pagefind_mb:.1f}", f"{self.lunr_plain_mb:.1f}",
                f"{on['search_mb']:.2f}" if on else "-", f"{on['first_result_s']:.2f}" if on else "-", f"{on['in_page_s']:.2f}" if on else "-",
                f"{on['page_ready_s']:.2f}" if on else "-", f"{on['search_s']:.2f}" if on else "-",
                f"{off['first_result_s']:.2f}" if off else "-", f"{off['in_page_s']:.2f}" if off else "-", f"{off['search_s']:.2f}" if off else "-"]


HEAD = ["N", "hooks cold s", "hooks warm s", "plain cold s", "plain warm s", "ratio cold", "ratio warm",
        "CPU ratio cold", "CPU ratio warm", "CPU hooks cold s", "CPU hooks warm s", "CPU plain s", "pagefind MB", "plain lunr MB", "online search MB", "online 1st result s", "online 1st result, page clock s",
        "online page ready s", "online search s", "offline 1st result s", "offline 1st result, page clock s", "offline search s"]
NOTE = """edition/plain: wall time of `mkdocs build --strict` in a fresh interpreter (edition with its plugins, incl. Pagefind
indexing / plain Material with lunr), median of --builds; cold: the project without .cache, warm: built again (caches filled).
pagefind MB: the site's pagefind/ folder (the reader fetches only a few chunks of it); plain lunr MB: search_index.json
of the plain build. online: bytes of search data and time from opening a memo page (typing at DOMContentLoaded) to
the first result, 127.0.0.1 server (by the driver's clock, and by the page's own from navigation start), split into page
ready (DOMContentLoaded) and search (last key → first result);
offline: the same from the unzipped bundle over file:// (medians of the runs)."""


def folder_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.exists() else 0.0


def serve_row(n: int, project: Path) -> list[str]:
    """`mkdocs serve` on the built project (its caches filled): one memo edited, the rebuild timed."""
    memo = sorted((project / "docs" / "documents").glob("1*.md"))[0]
    r = serve_rebuild(project, memo)
    return [str(n), f"{r.get('first_build', 0):.1f}", f"{r.get('rebuild', 0):.1f}", f"{r.get('edit_to_built', 0):.1f}", str(r.get("error", ""))]


SERVE_HEAD = ["N", "first build s", "rebuild s (log)", "edit → built s", "error"]


def median_build(project: Path, hooks: bool, site: Path, builds: int, cold: bool) -> Build:
    """The median of ``builds`` builds (by wall time); cold ones start without the project's caches."""
    done = []
    for _ in range(builds):
        if cold:
            shutil.rmtree(project / ".cache", ignore_errors=True)
        done.append(build(project, hooks, site))
    failed = [b for b in done if not b.ok]
    return failed[0] if failed else sorted(done, key=lambda b: b.wall)[len(done) // 2]


def run(sizes: list[int], runs: int, browser: bool, query: str, work: Path, source: Path = ROOT,
        serve: bool = True, builds: int = 3) -> list[Row]:
    from bench import search_bench

    rows = []
    for n in sizes:
        project = copy_edition(work / f"copies-{n}", n, source=source)
        print(f"N={n}: building (hooks cold, warm; plain cold, warm)…", flush=True)
        hc = median_build(project, True, project / "site-hooks", builds, cold=True)
        hw = median_build(project, True, project / "site-hooks", builds, cold=False)
        pc = median_build(project, False, project / "site-plain", builds, cold=True)
        pw = median_build(project, False, project / "site-plain", builds, cold=False)
        for b, label in ((hc, "hooks cold"), (hw, "hooks warm"), (pc, "plain cold"), (pw, "plain warm")):
            if not b.ok:
                print(f"  {label} FAILED:\n{b.log_tail}", flush=True)
        row = Row(n, hc, hw, pc, pw, folder_mb(project / "site-hooks" / "pagefind"),
                  folder_mb(project / "site-plain" / "search" / "search_index.json"))
        if browser and hc.ok:
            row.online = search_bench.summary(search_bench.measure(project / "site-hooks", query, runs, offline=False))
            site = search_bench.offline_site(project, work / f"offline-{n}")
            row.offline = search_bench.summary(search_bench.measure(site, query, runs, offline=True))
        print(table(f"N={n}", HEAD, [row.cells()]), flush=True)
        if serve:
            print(table(f"mkdocs serve, N={n}: rebuild after editing one memo (plain full build: {pc.wall:.1f} s cold, {pw.wall:.1f} s warm)",
                        SERVE_HEAD, [serve_row(n, project)]), flush=True)
        rows.append(row)
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(work / f"offline-{n}", ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--runs", type=int, default=3, help="browser runs per measure (median)")
    parser.add_argument("--builds", type=int, default=3, help="builds per measure (median)")
    parser.add_argument("--query", default=None, help="default: the surname of the person the most documents name, among those the copied memo names (bench.project.query_for)")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-serve", action="store_true")
    parser.add_argument("--source", type=Path, default=ROOT, help="project to copy, e.g. a checkout of an older commit")
    args = parser.parse_args(argv)
    memo = richest_memo(args.source)
    args.query = args.query or query_for(memo, args.source)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="archive-bench-") as tmp:
        work = Path(tmp)
        rows = run(args.sizes, args.runs, not args.no_browser, args.query, work, args.source, not args.no_serve, args.builds)
        print(table(f"Archive scale: copies of {Path(memo).stem}", HEAD, [r.cells() for r in rows], NOTE), flush=True)
    print(f"\nTotal: {(time.perf_counter() - started) / 60:.1f} min")
    failed = [f"N={r.n}" for r in rows if not all(b.ok for b in (r.hooks_cold, r.hooks_warm, r.plain_cold, r.plain_warm))]
    if failed:  # a failed build takes a fraction of a second: its time is no measurement
        sys.exit(f"builds FAILED at {', '.join(failed)} (their log is printed above): the table's times are not measurements")


if __name__ == "__main__":
    main()
