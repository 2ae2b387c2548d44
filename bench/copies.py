"""The edition with one real memo copied N times: the measure the archive-scale issue is stated in.

``bench.generate`` makes synthetic memos with registries that grow with N; this module keeps the
real registries, library and hand-written pages and multiplies the Heritage backgrounder, so the
numbers (search bytes, time to first result, build ratios) are those of real pages at N memos.

    python -m bench.copies DEST N [--memo docs/documents/1987-...md]
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

from bench.project import ROOT, copy_project

HERITAGE = "docs/documents/1987-10-26-heritage-us-japan-defense-technology-cooperation.md"


def copy_edition(dest: Path, n: int, memo: str = HERITAGE, source: Path = ROOT) -> Path:
    """Write a project in ``dest`` whose memos are ``n`` copies of ``memo`` (the other memos removed).

    Each copy gets its own file name (same date) and a numbered title, so every page, download and
    search result is distinct; the body, the notes and the front matter are otherwise unchanged.
    """
    if dest.exists():
        shutil.rmtree(dest)
    copy_project(dest, source)
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
    parser.add_argument("--memo", default=HERITAGE)
    args = parser.parse_args(argv)
    print(copy_edition(args.dest, args.n, args.memo))


if __name__ == "__main__":
    main()
