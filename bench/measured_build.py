"""Runs inside the measured subprocess: ``mkdocs`` with the given arguments, then its own figures.

    python -m bench.measured_build STATS.json build --strict -q -f mkdocs.yml -d site

Peak memory is read by the build process itself (``getrusage`` of itself, so no other process's
memory is counted); CPU adds its children (the Pagefind indexer, the citation processor's Node).
The figures are written as JSON to the path given first, the build's output is left as it is.
"""

from __future__ import annotations

import json
import resource
import runpy
import sys
import time


def main() -> None:
    """Run MkDocs as ``python -m mkdocs`` would, and write exit code, time, memory and CPU."""
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
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"code": code, "seconds": time.perf_counter() - start, "maxrss_kb": ru.ru_maxrss,
                   "user": ru.ru_utime + rc.ru_utime, "sys": ru.ru_stime + rc.ru_stime}, fh)


if __name__ == "__main__":
    main()
