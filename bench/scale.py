"""Builds at growing N: each synthetic edition built with the hooks and as plain Material, and the
issue's targets (ratio, growth, memory, page weight) checked against what was measured."""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.builds import Build, SiteSize, build, site_size
from bench.generate import generate_edition


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f}"


def _kb(n: float) -> str:
    return f"{n / 1e3:.0f}"


@dataclass
class SizeResult:
    n: int
    hooks: Build
    plain: Build
    site: SiteSize  # hooks build
    plain_site: SiteSize

    @property
    def ratio(self) -> float:
        return self.hooks.wall / self.plain.wall

    @property
    def cpu_ratio(self) -> float:
        return self.hooks.cpu / max(self.plain.cpu, 1e-9)

    def row(self) -> list[str]:
        n, h, p, hs, ps = self.n, self.hooks, self.plain, self.site, self.plain_site
        return [
            str(n), f"{h.wall:.1f}", f"{p.wall:.1f}", f"{self.ratio:.2f}", f"{self.cpu_ratio:.2f}",
            f"{h.wall / n * 1000:.0f}", f"{(h.wall - p.wall) / n * 1000:.0f}",
            f"{h.maxrss_mb:.0f}", f"{p.maxrss_mb:.0f}", _mb(hs.total_bytes), _mb(ps.total_bytes), str(hs.files),
            _kb(hs.memo_page_bytes), _kb(hs.memo_article_bytes), f"{hs.memo_page_bytes / max(hs.memo_article_bytes, 1):.2f}",
            _mb(hs.search_bytes), _mb(ps.search_bytes),
        ]


def run_sizes(sizes: Sequence[int], workdir: Path, keep: bool, registry: dict[str, int | None]) -> tuple[list[SizeResult], dict[int, Path]]:
    results: list[SizeResult] = []
    projects: dict[int, Path] = {}
    for n in sizes:
        project = workdir / f"edition-{n}"
        start = time.perf_counter()
        generate_edition(project, n, **registry)
        gen_s = time.perf_counter() - start
        memo_names = sorted(p.name for p in (project / "docs" / "documents").glob("*.md") if p.name != "index.md")
        print(f"N={n}: generated in {gen_s:.1f}s; building with hooks…", flush=True)
        hooked = build(project, True, project / "site-hooks")
        print(f"N={n}: hooks build {hooked.wall:.1f}s ({'ok' if hooked.ok else 'FAILED'}); building plain…", flush=True)
        plain = build(project, False, project / "site-plain")
        print(f"N={n}: plain build {plain.wall:.1f}s ({'ok' if plain.ok else 'FAILED'})", flush=True)
        for b, label in ((hooked, "hooks"), (plain, "plain")):
            if not b.ok:
                print(f"  {label} build FAILED; last lines of its log:\n{b.log_tail}", flush=True)
        results.append(SizeResult(n, hooked, plain, site_size(project / "site-hooks", memo_names), site_size(project / "site-plain", memo_names)))
        projects[n] = project
        if not keep:
            for site in ("site-hooks", "site-plain"):
                shutil.rmtree(project / site, ignore_errors=True)
    return results, projects


def targets(results: list[SizeResult]) -> list[list[str]]:
    """The issue's targets, each with the measured value and whether it is met."""
    if not results:
        return []
    first, last = results[0], results[-1]
    yes = lambda ok: "met" if ok else "NOT MET"  # noqa: E731
    rows = [["edition/plain build time ≤ 1.15", f"N={last.n}", f"{last.ratio:.2f} (CPU {last.cpu_ratio:.2f})", yes(last.ratio <= 1.15)]]
    if len(results) > 1:
        growth = last.ratio / first.ratio
        rows.append(["ratio not growing with N", f"N={first.n} → {last.n}",
                     f"{first.ratio:.2f} → {last.ratio:.2f} (CPU {first.cpu_ratio:.2f} → {last.cpu_ratio:.2f})", yes(growth <= 1.05)])
        per = [r.hooks.wall / r.n * 1000 for r in results]
        rows.append(["no quadratic step: hooks ms/memo flat", f"N={first.n} → {last.n}", " → ".join(f"{x:.0f}" for x in per), yes(per[-1] <= 1.25 * min(per))])
        slopes = [(b.hooks.maxrss_mb - a.hooks.maxrss_mb) / (b.n - a.n) for a, b in itertools.pairwise(results)]
        rows.append(["peak memory at most linear: MB per extra memo", "between sizes", " → ".join(f"{x:.2f}" for x in slopes),
                     yes(all(x <= 1.25 * slopes[0] for x in slopes))])
    page_ratio = last.site.memo_page_bytes / max(last.site.memo_article_bytes, 1)
    rows.append(["memo page bytes ≤ 2 × the memo's own HTML", f"N={last.n}", f"{page_ratio:.2f}", yes(page_ratio <= 2)])
    return rows


BUILD_HEAD = ["N", "hooks s", "plain s", "ratio", "CPU ratio", "ms/memo", "+ms/memo", "RSS hooks MB", "RSS plain MB",
              "site MB", "plain MB", "files", "memo page KB", "article KB", "page/art", "search MB", "plain search MB"]
BUILD_NOTE = """hooks s / plain s: wall time of a strict build in a fresh interpreter, with the edition's hooks / as plain Material.
ratio: hooks s / plain s; CPU ratio: the same with user+system CPU seconds (steadier when the machine is busy).
ms/memo: hooks time per memo; +ms/memo: what the edition adds per memo over plain Material.
RSS: peak resident memory of the build process. site MB: everything written (hooks build; plain build beside it).
memo page KB: average memo index.html; article KB: its <article> (the memo's own HTML); page/art: their ratio.
search MB: site/search/search_index.json of each build."""
