"""Build-time, memory and size benchmarks of the edition at N = 100, 500, 1,000 memos, and micro-benchmarks.

The issue this answers: does the edition stay cheap as it grows from two memos to a thousand?
For each N a synthetic edition (``bench.generate``) is built twice in fresh subprocesses, once
with the edition's hooks and once as plain Material (same Markdown, ``mkdocs.yml`` without
``hooks:``), so the table shows what the edition itself costs on top of MkDocs. Then one
``mkdocs serve`` rebuild after editing a memo, and micro-benchmarks of the core's hot paths.

Run: ``python -m bench.run`` (about 5 minutes on 2 cores), ``--sizes 100 500``, ``--quick``
(N = 20, 50: a smoke run), ``--breakdown 1000`` (where one hooks build spends its time, by phase),
``--profile 500`` (pyinstrument report of one hooks build). Everything is printed as plain
tables; nothing is asserted: the numbers are for people to read, see bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .generate import REPO, Synth, generate_edition

PYTHON = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}

# Runs inside the measured subprocess: the build, then its own peak RSS (getrusage of itself, so
# no other process's memory is counted) written as JSON to the path given first.
_WRAPPER = """
import json, resource, runpy, sys, time
out, args = sys.argv[1], sys.argv[2:]
sys.argv = ["mkdocs", *args]
start = time.perf_counter()
code = 0
try:
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
ru = resource.getrusage(resource.RUSAGE_SELF)
rc = resource.getrusage(resource.RUSAGE_CHILDREN)  # e.g. the Pagefind indexer the hooks run
with open(out, "w") as fh:
    json.dump({"code": code, "seconds": time.perf_counter() - start, "maxrss_kb": ru.ru_maxrss,
               "user": ru.ru_utime + rc.ru_utime, "sys": ru.ru_stime + rc.ru_stime}, fh)
"""


@dataclass
class Build:
    ok: bool
    wall: float  # seconds, whole subprocess (interpreter start, imports, build)
    inner: float  # seconds inside the build command
    cpu: float  # user + system seconds of the build process: less sensitive than wall time to a busy machine
    maxrss_mb: float
    log_tail: str


@dataclass
class SiteSize:
    total_bytes: int
    files: int
    memo_page_bytes: float  # average size of a memo's index.html
    memo_article_bytes: float  # average size of its <article> element: the memo's own HTML
    search_bytes: int


# -- building ----------------------------------------------------------------------------------

def plain_config(project: Path) -> Path:
    """``mkdocs.yml`` without the edition's plugins, and without nav entries for pages only they generate.

    Edited as text, so every other setting (theme, extensions, ``!ENV`` tags) stays byte for byte
    what the edition uses: the only difference between the two builds is the edition's own work.
    """
    docs = project / "docs"
    out: list[str] = []
    in_hooks = False
    in_nav = False
    in_plugin = False  # the lines of one of the edition's own plugin entries (``- edition:``)
    for line in (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        top = bool(line) and not line[0].isspace() and not line.startswith("-")
        if top:
            in_hooks = line.startswith("hooks:")
            in_nav = line.startswith("nav:")
        if in_hooks:
            continue
        entry = re.match(r"^(\s*)-\s*(\S+?):?\s*(#.*)?$", line)
        if entry:
            in_plugin = entry.group(2) in ("edition", "edition-search")
        elif in_plugin and not (line.startswith("      ") or not line.strip()):
            in_plugin = False
        if in_plugin or line.strip().startswith("custom_dir:"):  # plain: Material's own templates too
            continue
        if in_nav:
            m = re.match(r"^\s*-\s*(?:[^:]+:\s*)?(\S+\.md)\s*$", line)
            if m and not (docs / m.group(1)).exists():
                continue
        out.append(line)
    # drop nav sections left without children ("- Register:" followed by a line no deeper than it)
    cleaned: list[str] = []
    for i, line in enumerate(out):
        m = re.match(r"^(\s*)-\s*[^:]+:\s*$", line)
        if m:
            nxt = out[i + 1] if i + 1 < len(out) else ""
            if len(nxt) - len(nxt.lstrip()) <= len(m.group(1)):
                continue
        cleaned.append(line)
    path = project / "mkdocs-plain.yml"
    path.write_text("\n".join(cleaned) + "\n", encoding="utf-8")
    return path


def build(project: Path, hooks: bool, site: Path) -> Build:
    """One strict build in a fresh interpreter; wall time measured outside, peak RSS inside."""
    config = project / "mkdocs.yml" if hooks else plain_config(project)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        stats_path = Path(fh.name)
    cmd = [PYTHON, "-c", _WRAPPER, str(stats_path), "build", "--strict", "-q", "-f", str(config), "-d", str(site)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=project, env=ENV, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - start
    try:
        stats = json.loads(stats_path.read_text() or "{}")
    except (OSError, json.JSONDecodeError):
        stats = {}
    stats_path.unlink(missing_ok=True)
    ok = proc.returncode == 0 and stats.get("code") == 0
    tail = "\n".join((proc.stderr + proc.stdout).strip().splitlines()[-15:])
    cpu = float(stats.get("user", 0)) + float(stats.get("sys", 0))
    return Build(ok, wall, float(stats.get("seconds", wall)), cpu, stats.get("maxrss_kb", 0) / 1024, tail)


def site_size(site: Path, memo_names: Sequence[str]) -> SiteSize:
    total = files = 0
    for path in site.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            files += 1
    pages = articles = 0
    count = 0
    for name in memo_names:
        page = site / "documents" / Path(name).stem / "index.html"
        if not page.exists():
            continue
        data = page.read_bytes()
        a, b = data.find(b"<article"), data.find(b"</article>")
        pages += len(data)
        articles += (b + len(b"</article>") - a) if a >= 0 and b > a else 0
        count += 1
    search = site / "search" / "search_index.json"
    return SiteSize(total, files, pages / max(count, 1), articles / max(count, 1), search.stat().st_size if search.exists() else 0)


# -- mkdocs serve ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_rebuild(project: Path, memo: Path, timeout: float = 900) -> dict[str, float | str]:
    """Start ``mkdocs serve``, wait for the first build, edit one memo, time the rebuild from its log."""
    port = _free_port()
    cmd = [PYTHON, "-m", "mkdocs", "serve", "--strict", "-a", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")]
    # a session of its own: stopping it stops its background Pagefind run too (terminating only the
    # server left the indexer running on, an orphan that skewed the next measurements)
    proc = subprocess.Popen(cmd, cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    log: list[str] = []  # the whole serve log, for the error message

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line.rstrip())
            lines.put((time.perf_counter(), line.rstrip()))

    threading.Thread(target=pump, daemon=True).start()

    def wait_for(pattern: str, limit: float) -> tuple[float, str] | None:
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            try:
                stamp, line = lines.get(timeout=0.5)
            except queue.Empty:
                if proc.poll() is not None and lines.empty():
                    return None
                continue
            if re.search(pattern, line):
                return stamp, line
        return None

    original = memo.read_text(encoding="utf-8")
    result: dict[str, float | str] = {}
    start = time.perf_counter()
    try:
        first = wait_for(r"Documentation built in", timeout)
        served = wait_for(r"Serving on", 60) if first else None
        if not served:
            return {"error": "mkdocs serve did not finish its first build"}
        result["first_build"] = float(re.search(r"built in ([\d.]+)", first[1]).group(1))  # type: ignore[union-attr,index]
        result["first_wall"] = first[0] - start
        time.sleep(1.0)  # let the file watcher settle before the edit
        edited = original.replace("\n# ", "\nThe editors added this sentence to time a rebuild.\n\n# ", 1)
        t0 = time.perf_counter()
        memo.write_text(edited, encoding="utf-8")
        detected = wait_for(r"Detected file changes", 60)
        # a failed rebuild logs an error and serves on: stop at it instead of waiting out the timeout
        built = wait_for(r"Documentation built in|ERROR|Aborted", timeout) if detected else None
        if not built or "Documentation built in" not in built[1]:
            tail = " | ".join(line for line in log[-12:] if line.strip())
            return {**result, "error": f"no rebuild seen in the serve log: {tail}"}
        reload_seen = wait_for(r"Reloading browsers", 30)
        result["rebuild"] = float(re.search(r"built in ([\d.]+)", built[1]).group(1))  # type: ignore[union-attr]
        result["edit_to_built"] = built[0] - t0
        result["edit_to_reload"] = (reload_seen[0] if reload_seen else built[0]) - t0
        return result
    finally:
        _stop_group(proc)  # first: restoring the memo would start a rebuild
        memo.write_text(original, encoding="utf-8")


def _stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM to the server and everything it started (its group), SIGKILL if it does not stop."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):  # whatever of the group outlived the SIGTERM
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=15)


# -- micro-benchmarks --------------------------------------------------------------------------

def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _body_paragraphs(text: str) -> list[str]:
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


# -- output ------------------------------------------------------------------------------------

def table(title: str, head: Sequence[str], rows: Sequence[Sequence[str]], note: str = "") -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    line = "  ".join("-" * w for w in widths)
    fmt = lambda r: "  ".join(str(x).rjust(w) for x, w in zip(r, widths, strict=True))  # noqa: E731
    out = [f"\n{title}", line, fmt(head), line, *map(fmt, rows), line]
    if note:
        out.append(note)
    return "\n".join(out)


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
        gen_s, _ = _timed(lambda n=n, project=project: generate_edition(project, n, **registry))
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
    rows = [["hooks/plain build time ≤ 1.15", f"N={last.n}", f"{last.ratio:.2f} (CPU {last.cpu_ratio:.2f})", yes(last.ratio <= 1.15)]]
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


# Runs inside the build process: wraps the main phases with timers (no profiler, so no overhead
# that distorts C-heavy against Python-heavy code), runs the build, prints the totals as JSON.
_BREAKDOWN = r"""
import json, runpy, sys, time
from collections import defaultdict
sys.path.insert(0, ".")
totals = defaultdict(float)
calls = defaultdict(int)
missing = []

def kind_of(args, kwargs):
    # memo, entity page or other page: the Page among the call arguments tells
    for value in (*args, *kwargs.values()):
        uri = getattr(getattr(value, "file", None), "src_uri", None)
        if isinstance(uri, str):
            return "memos" if uri.startswith("documents/") and not uri.endswith("index.md") else ("entity pages" if uri.startswith("entities/") else "other pages")
    return None

def timed(owner, name, label, split=False):
    # a phase whose function was renamed or moved is left out of the table, not a crash
    original = getattr(owner, name, None)
    if original is None:
        missing.append(f"{getattr(owner, '__name__', owner)}.{name}")
        return
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            totals[label] += spent
            calls[label] += 1
            kind = kind_of(args, kwargs) if split else None
            if kind:
                totals[f"{label}: {kind}"] += spent
                calls[f"{label}: {kind}"] += 1
    setattr(owner, name, wrapper)

import mkdocs.commands.build as build
import mkdocs.structure.pages as pages
from material.plugins.search.plugin import SearchPlugin
import edition.edition as ed, edition.annotate as an, edition.citeproc as bib, edition.apparatus as app
timed(build, "build", "total mkdocs build")
timed(pages.Page, "render", "Markdown to HTML (all pages)", split=True)
timed(build, "_build_page", "template + write (all pages)", split=True)
timed(SearchPlugin, "on_page_context", "  search plugin: index each page", split=True)
timed(SearchPlugin, "on_post_build", "search plugin: write index")
timed(ed.Edition, "load", "edition: load registries, library, front matter")
timed(ed.Edition, "prepare_markdown", "edition: notes out of the Markdown")
timed(ed.Edition, "process_memo", "edition: process memo pages (all below)")
timed(an.Annotator, "annotate", "  annotate terms and entities")
timed(an, "unknown_acronyms", "    of which: unknown-acronym check")
timed(ed, "mark_redactions", "  redaction markers")
timed(ed, "number_paragraphs", "  numbered paragraphs")
timed(ed, "serialise_children", "  serialise HTML")
timed(app, "annotate_footnotes", "  references in the notes")
timed(app, "works_cited", "  works cited")
timed(app, "cite_this", "  cite this document")
timed(bib.Formatter, "_call", "citeproc-js batch, one Node run (started by edition: load, in the background)")
timed(ed.Edition, "fill_placeholders", "edition: generated pages (on_env)")
timed(ed.gen, "entity_page", "  entity pages")
timed(ed.gen, "glossary_page", "  glossary page")
sys.argv = ["mkdocs", *sys.argv[1:]]
try:
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    if exc.code not in (0, None):
        raise
if missing:
    print("breakdown: not timed (renamed or moved): " + ", ".join(missing), file=sys.stderr)
print("BREAKDOWN " + json.dumps({k: [totals[k], calls[k]] for k in totals}))
"""


def breakdown(n: int, workdir: Path) -> list[list[str]]:
    """Time of each phase of one hooks build of an N-memo edition (inclusive times; nested rows indented)."""
    project = workdir / f"edition-{n}"
    if not (project / "mkdocs.yml").exists():
        generate_edition(project, n)
    # memos processed in this process (EDITION_WORKERS=1): worker processes would time them out of sight
    proc = subprocess.run([PYTHON, "-c", _BREAKDOWN, "build", "--strict", "-q", "-d", str(project / "site-breakdown")],
                          cwd=project, env={**ENV, "EDITION_WORKERS": "1"}, capture_output=True, text=True, timeout=3600)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BREAKDOWN ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"breakdown build failed:\n{proc.stderr[-3000:]}")
    shutil.rmtree(project / "site-breakdown", ignore_errors=True)
    data = json.loads(line[len("BREAKDOWN "):])
    total = data["total mkdocs build"][0]
    kinds = ("memos", "entity pages", "other pages")
    md = ["Markdown to HTML (all pages)", *(f"Markdown to HTML (all pages): {k}" for k in kinds)]
    tpl = ["template + write (all pages)", *(f"template + write (all pages): {k}" for k in kinds)]
    search = ["  search plugin: index each page", *(f"  search plugin: index each page: {k}" for k in kinds)]
    order = ["total mkdocs build", "edition: load registries, library, front matter",
             "citeproc-js batch, one Node run (started by edition: load, in the background)", "edition: notes out of the Markdown",
             *md, "edition: process memo pages (all below)", "  annotate terms and entities",
             "    of which: unknown-acronym check", "  redaction markers", "  numbered paragraphs", "  serialise HTML",
             "  references in the notes", "  works cited", "  cite this document",
             "edition: generated pages (on_env)", "  entity pages", "  glossary page", *tpl, *search, "search plugin: write index"]
    return [[label.replace(": memos", ", of it memos").replace(": entity pages", ", of it entity pages").replace(": other pages", ", of it other pages"),
             f"{data[label][0]:.1f}", f"{100 * data[label][0] / total:.0f}%", f"{data[label][0] / n * 1000:.1f}", f"{data[label][1]:,}"]
            for label in order if label in data]


def profile(n: int, workdir: Path) -> Path:
    """A pyinstrument profile of one hooks build of an N-memo edition: printed as text, saved as HTML too."""
    project = workdir / f"edition-{n}"
    if not (project / "mkdocs.yml").exists():
        generate_edition(project, n)
    session = workdir / f"profile-{n}.pyisession"
    subprocess.run([PYTHON, "-m", "pyinstrument", "-r", "pyisession", "-o", str(session),
                    "-m", "mkdocs", "build", "--strict", "-q", "-d", str(project / "site-profile")],
                   cwd=project, env={**ENV, "EDITION_WORKERS": "1"}, check=True, timeout=3600)  # in one process: the profiler sees no child
    html = session.with_suffix(".html")
    subprocess.run([PYTHON, "-m", "pyinstrument", "--load", str(session), "-r", "html", "-o", str(html)], env=ENV, check=True)
    text = subprocess.run([PYTHON, "-m", "pyinstrument", "--load", str(session), "-r", "text", "--show-all",
                           "-p", "processor_options.filter_threshold=0.01"], env=ENV, check=True, capture_output=True, text=True)
    print(text.stdout)
    print(f"HTML report: {html}")
    return html


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmarks of the edition's build at growing sizes.")
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="numbers of memos (default 100 500 1000)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: N = 20, 50 and small micro-benchmarks")
    parser.add_argument("--workdir", type=Path, default=None, help="where editions are generated (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the generated editions and sites")
    parser.add_argument("--terms", type=int, default=None, help="glossary size of every generated edition (default 50 + 2N)")
    parser.add_argument("--entities", type=int, default=None, help="register size of every generated edition (default 100 + 5N)")
    parser.add_argument("--refs", type=int, default=None, help="works in the library of every generated edition (default 20 + 4N)")
    parser.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve rebuild")
    parser.add_argument("--no-micro", action="store_true", help="skip the micro-benchmarks")
    parser.add_argument("--profile", type=int, metavar="N", default=None, help="only profile one hooks build of N memos with pyinstrument")
    parser.add_argument("--breakdown", type=int, metavar="N", default=None, help="only time the phases of one hooks build of N memos")
    parser.add_argument("--tiny", action="store_true",
                        help="run every part at a tiny size (N = 3, micro-benchmarks on 3 pages): a test of the benchmark code, not a measurement")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([3] if args.tiny else [20, 50] if args.quick else [100, 500, 1000])
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="edition-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    started = time.perf_counter()
    try:
        if args.profile:
            profile(args.profile, workdir)
            return
        if args.breakdown:
            print(table(f"Where one hooks build of N={args.breakdown} spends its time (inclusive; indented rows are part of the row above)",
                        ["phase", "seconds", "share", "ms/memo", "calls"], breakdown(args.breakdown, workdir)))
            return
        print(f"Editions are generated under {workdir}", flush=True)
        registry = {"n_terms": args.terms, "n_entities": args.entities, "n_refs": args.refs}
        results, projects = run_sizes(sizes, workdir, args.keep, registry)
        print(table("Builds (strict, one fresh process each)", BUILD_HEAD, [r.row() for r in results], BUILD_NOTE), flush=True)
        print(table("Targets of the issue", ["target", "where", "measured", "verdict"], targets(results)), flush=True)

        if not args.no_serve:
            n = sizes[0]
            project = projects[n]
            memo = sorted((project / "docs" / "documents").glob("1*.md"))[0]
            r = serve_rebuild(project, memo)
            if "error" in r:
                print(f"\nmkdocs serve, N={n}: {r['error']}")
            else:
                print(table(f"mkdocs serve, N={n}: rebuild after editing one memo", ["first build s", "rebuild s (log)", "edit → built s", "edit → reload s"],
                            [[f"{r['first_build']:.1f}", f"{r['rebuild']:.1f}", f"{r['edit_to_built']:.1f}", f"{r['edit_to_reload']:.1f}"]],
                            "rebuild s: what mkdocs logs ('Documentation built in'); edit → built: from saving the file to that line."), flush=True)

        if not args.no_micro:
            pages_n = 3 if args.tiny else 50 if args.quick else 500
            bib_n = 50 if args.tiny else 1000 if args.quick else 10_000
            print(table("(a) BibTeX: parse_library (bibtexparser, LaTeX decoding, index)", ["entries", "text MB", "seconds", "µs/entry", "parsed", "errors"],
                        micro_bibtex(bib_n)), flush=True)
            synth = Synth(pages_n, seed=3, n_terms=60 if args.tiny else 2000, n_entities=120 if args.tiny else 5000)
            memos = synth.memos()
            pages = [_body_paragraphs(m.text) for m in memos]
            print(table("(b) Matcher: one automaton, every paragraph of every page", ["terms", "build ms", "pages", "ms/page", "matches/page"],
                        micro_matcher(synth, pages, [20, 60, 200] if args.tiny else [200, 2000, 20000]),
                        "The 200-term registry is a subset of the 2,000 (fewer matches); the 20,000 adds terms that never occur."), flush=True)
            print(table("(c) Annotator: terms + entities + unknown-acronym check over rendered memos",
                        ["entities", "terms", "YAML load s", "init ms", "pages", "seconds", "ms/page", "mentions/page", "unknown acronyms"],
                        micro_annotator(synth, memos, workdir)), flush=True)
        print(f"\nTotal benchmark time: {(time.perf_counter() - started) / 60:.1f} min")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
