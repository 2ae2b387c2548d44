"""The edition with one real memo copied N times: the measure the archive-scale issue is stated in.

``bench.generate`` makes synthetic memos with registries that grow with N; this module keeps the
real registries, library and hand-written pages and multiplies one real memo (by default the one
with the most notes, ``bench.project.richest_memo``: today the Heritage backgrounder), so the
numbers (search bytes, time to first result, build ratios) are those of real pages at N memos.

    python -m bench.copies DEST N [--memo docs/documents/<date>-<slug>.md]
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

from bench.project import ROOT, copy_project, richest_memo


def copy_edition(dest: Path, n: int, memo: str | None = None, source: Path = ROOT) -> Path:
    """Write a project in ``dest`` whose memos are ``n`` copies of ``memo`` (the other memos removed;
    by default the one with the most notes).

    Each copy gets its own file name (same date) and a numbered title, so every page, download and
    search result is distinct; the body, the notes and the front matter are otherwise unchanged.
    """
    if dest.exists():
        shutil.rmtree(dest)
    copy_project(dest, source)
    memo = memo or richest_memo(source)
    original = (source / memo).read_text(encoding="utf-8")
    docs = dest / "docs" / "documents"
    for path in docs.glob("*.md"):
        if path.name != "index.md":
            path.unlink()
    stem = Path(memo).stem
    date = stem[:10]
    for i in range(1, n + 1):
        text = re.sub(r'^title: "(.*)"$', lambda m, i=i: f'title: "{m.group(1)} (copy {i})"', original, count=1, flags=re.M)
        (docs / f"{date}-copy-{i:04d}-{stem[11:]}.md").write_text(text, encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--memo", default=None, help="a memo of the project (default: the one with the most notes)")
    args = parser.parse_args(argv)
    print(copy_edition(args.dest, args.n, args.memo))


if __name__ == "__main__":
    main()
