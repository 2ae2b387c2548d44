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

This module is only the command line: the builds are in ``bench.scale`` and ``bench.builds``, the
serve rebuild in ``bench.serve``, the phases in ``bench.phases``, the micro-benchmarks in ``bench.micro``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.micro import print_micro
from bench.phases import breakdown, profile
from bench.project import ROOT
from bench.scale import BUILD_HEAD, BUILD_NOTE, run_sizes, targets
from bench.serve import serve_table
from bench.tables import table


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
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
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
            print(serve_table(projects[sizes[0]], sizes[0]), flush=True)

        if not args.no_micro:
            print_micro("tiny" if args.tiny else "quick" if args.quick else "full", workdir)
        print(f"\nTotal benchmark time: {(time.perf_counter() - started) / 60:.1f} min")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
