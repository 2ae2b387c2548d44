"""Hostile inputs against plain Material: a pull request must not buy hours of build time.

Each case puts one input that once made the edition's work grow with the square of its size into
a copy of the project (issue 23: ``{>>`` 66,000 times, a note with 200,000 spaces, a BibTeX field
of ``}`` and 100,000 newlines, and the like), then builds it with the edition and as plain
Material (``bench.variants``, the edition's look left out too), in fresh interpreters. The edition
may refuse such an input (a ``make check`` message) or build it; either way its time is what
counts, as a ratio to plain Material's on the same input, and the time at twice the size shows
whether the work grows linearly (about 2×) or with the square (about 4×).

    python -m bench.adversarial                 # the issue's sizes, 3 builds each (medians)
    python -m bench.adversarial --scale 0.01    # a smoke run (what tests/test_bench.py runs)
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.builds import ENV, PYTHON
from bench.project import copy_project, richest_memo
from bench.variants import plain_material_config


def _append_to_memo(text: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / richest_memo(project)
        path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")
    return apply


def _note_with_spaces(n: int) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / richest_memo(project)
        path.write_text(path.read_text(encoding="utf-8") + "\nWords.[^99]\n\n[^99]: A note" + " " * n + "x\n", encoding="utf-8")
    return apply


def _bib_field(n: int) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        path = project / "bib" / "references.bib"
        path.write_text(path.read_text(encoding="utf-8") + "\n@misc{hostile,\n  title = {x}" + "}" + "\n" * n + "}\n", encoding="utf-8")
    return apply


# name -> (the input at the size, scaled by s)
CASES: dict[str, Callable[[float], Callable[[Path], None]]] = {
    "'{>>' × 66,000 (an editor's comment opened, never closed)": lambda s: _append_to_memo("{>>" * int(66_000 * s)),
    "a note with 200,000 spaces": lambda s: _note_with_spaces(int(200_000 * s)),
    "a BibTeX field of '}' and 100,000 newlines": lambda s: _bib_field(int(100_000 * s)),
    "'[^' × 100,000 (note markers never closed)": lambda s: _append_to_memo("[^" * int(100_000 * s)),
    "'](entity:' × 30,000 (pins never closed)": lambda s: _append_to_memo("](entity:" * int(30_000 * s)),
    "'- ' list markers 100,000 deep on one line": lambda s: _append_to_memo("- " * int(100_000 * s) + "x"),
}


@dataclass
class Timing:
    seconds: float
    outcome: str  # "built", or the first problem the build reported


def _build(project: Path, config: Path, site: Path, limit: float = 7200) -> Timing:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        stats = Path(fh.name)
    start = time.perf_counter()
    try:
        proc = subprocess.run([PYTHON, "-m", "bench.measured_build", str(stats), "build", "-q", "-f", str(config), "-d", str(site)],
                              cwd=project, env={**ENV, "EDITION_CACHE": "off"}, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:  # Python-Markdown itself is quadratic on some inputs: plain Material too
        stats.unlink(missing_ok=True)
        return Timing(limit, f"stopped after {limit:g} s")
    wall = time.perf_counter() - start
    try:  # the measured build reports MkDocs' exit code in its figures, and itself exits 0
        code = json.loads(stats.read_text(encoding="utf-8") or "{}").get("code", proc.returncode)
    except (OSError, ValueError):
        code = proc.returncode or 1
    stats.unlink(missing_ok=True)
    errors = [line.removeprefix("ERROR").strip(" -") for line in (proc.stdout + proc.stderr).splitlines()
              if line.startswith("ERROR") and "problem(s)" not in line]
    return Timing(wall, "built" if code == 0 and proc.returncode == 0 else ("refused: " + errors[0][:110] if errors else "failed"))


def measure(name: str, scale: float, runs: int, work: Path, plain_limit: float, with_plain: bool = True) -> dict[str, object]:
    """The edition's build of the hostile input and (``with_plain``) plain Material's, interleaved;
    plain Material is given up on after ``plain_limit`` seconds (then measured once: "> limit")."""
    project = copy_project(work / "project")
    CASES[name](scale)(project)
    plain = plain_material_config(project, edition_look=False)
    edition: list[Timing] = []
    material: list[Timing] = []
    for _ in range(runs):  # interleaved: a busy moment of the machine falls on both
        edition.append(_build(project, project / "mkdocs.yml", work / "site-edition"))
        if with_plain and not any(t.outcome.startswith("stopped") for t in material):
            material.append(_build(project, plain, work / "site-plain", plain_limit))
    shutil.rmtree(work / "project", ignore_errors=True)
    e = statistics.median(t.seconds for t in edition)
    row: dict[str, object] = {"case": name, "scale": scale, "edition_s": round(e, 2), "edition_outcome": edition[0].outcome}
    if material:
        p = statistics.median(t.seconds for t in material)
        stopped = material[-1].outcome.startswith("stopped")
        row.update(plain_s=f"> {p:g}" if stopped else round(p, 2), ratio=f"< {e / p:.2f}" if stopped else round(e / p, 2))
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="size of each input, as a share of the issue's")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-double", action="store_true", help="skip the builds at twice the size")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--plain-limit", type=float, default=300, help="seconds after which plain Material's build is given up")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="edition-adversarial-") as tmp:
        for name in CASES:
            row = measure(name, args.scale, args.runs, Path(tmp), args.plain_limit)
            if not args.no_double:  # the edition's growth: plain Material is not built again
                twice = measure(name, args.scale * 2, args.runs, Path(tmp), args.plain_limit, with_plain=False)
                row["edition_s_at_2x"] = twice["edition_s"]
                row["growth_at_2x"] = round(float(twice["edition_s"]) / max(float(row["edition_s"]), 1e-9), 2)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    print(f"\n| input (scale {args.scale:g}) | edition s | plain Material s | ratio | edition at 2× size | edition's outcome |")
    print("|---|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['case']} | {r['edition_s']} | {r['plain_s']} | {r['ratio']} | {r.get('edition_s_at_2x', '–')} "
              f"({r.get('growth_at_2x', '–')}×) | {r['edition_outcome']} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
