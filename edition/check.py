"""``make check``: every problem of the edition, each as ``path:line: message (hint)``.

It runs the same strict MkDocs build that publishes the site (into a throw-away folder), so
the check and the build can never disagree; it only changes how problems are shown. Then, on the
pages that build wrote, it compares every memo word by word with its source text (what the
fidelity tests hold), so a clean check means the content tests pass too.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
from pathlib import Path

DOC_FILE = re.compile(r"^Doc file '([^']+)' (.*)$", re.S)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().strip()
        if message.startswith(("The edition has", "Aborted with")):
            return  # the summary of problems already listed one by one
        if record.name.startswith("mkdocs.plugins.edition"):
            if record.levelno >= logging.ERROR:
                self.problems.append(message)
            elif "warning:" in message:
                self.warnings.append(message)
            return
        if record.levelno >= logging.WARNING:
            m = DOC_FILE.match(message)
            self.problems.append(f"docs/{m.group(1)}: {m.group(2)}" if m else f"mkdocs.yml: {message}")


def _memo_page(site: Path, slug: str) -> Path:
    directory = site / "documents" / slug / "index.html"
    return directory if directory.is_file() else site / "documents" / f"{slug}.html"


def fidelity_problems(root: Path, docs_dir: Path, site: Path) -> list[str]:
    """Every memo of the built ``site`` against its source in ``sources/``: the first paragraph that
    differs, with the missing and the extra words; a memo without a source is a problem too."""
    from edition.diagnostics import Diagnostics
    from edition.documents import load_documents, split_front_matter
    from edition.fidelity import describe, edition_words, excerpt_span, first_difference, line_of_words, source_paragraphs

    diags = Diagnostics()
    for doc in load_documents(docs_dir, Diagnostics(), root):  # front-matter problems were reported by the build
        shown = (docs_dir / doc.path).relative_to(root).as_posix()
        text = (docs_dir / doc.path).read_text(encoding="utf-8")
        if not doc.source:
            line = next((n for n, ln in enumerate(text.splitlines(), start=1) if ln.startswith("source:")), 2)
            diags.error(shown, line, "memo names no source, so its transcription cannot be compared with it",
                        "put the plain-text source in sources/ and name it in 'source:', e.g. source: sources/004_memo.txt")
            continue
        page = _memo_page(site, doc.slug)
        if not page.is_file():
            continue
        source, starts = source_paragraphs((root / doc.source).read_text(encoding="utf-8", errors="replace"))
        span = excerpt_span(source, doc.excerpt)
        if isinstance(span, str):
            line = next((n for n, ln in enumerate(text.splitlines(), start=1) if ln.startswith("excerpt:")), 2)
            diags.error(shown, line, span, f"copy the words exactly as {doc.source} has them")
            continue
        source, starts = source[span[0]:span[1]], {i - span[0] for i in starts}
        diff = first_difference(source, edition_words(page.read_text(encoding="utf-8")), starts)
        if diff is None:
            continue
        _, body, body_line = split_front_matter(text)
        line = None
        if diff.block and diff.block.startswith("fn:"):
            label = diff.block[3:]
            line = next((n for n, ln in enumerate(text.splitlines(), start=1) if ln.startswith(f"[^{label}]:")), None)
        line = line or line_of_words(body.lstrip("\n"), diff.context, body_line) or body_line
        message, hint = describe(diff, doc.source)
        diags.error(shown, line, message, hint)
    return [str(d) for d in diags.errors]


def run_check(config_file: Path) -> tuple[list[str], list[str]]:
    """Build strictly into a temporary folder; return (problems, warnings)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    handler = _Collect()
    root_logger = logging.getLogger("mkdocs")
    root_logger.addHandler(handler)
    old_level = root_logger.level
    root_logger.setLevel(logging.INFO)
    try:
        with tempfile.TemporaryDirectory() as site:
            try:
                config = load_config(str(config_file), strict=True, site_dir=site)
                config.plugins.on_startup(command="build", dirty=False)
                try:
                    build(config)
                finally:
                    config.plugins.on_shutdown()
                if not handler.problems:
                    root = Path(config.config_file_path).resolve().parent
                    handler.problems.extend(fidelity_problems(root, Path(config.docs_dir).resolve(), Path(site)))
            except PluginError:
                pass  # the edition's own problems were logged one by one above
            except Abort as exc:
                if not handler.problems:
                    handler.problems.append(f"mkdocs.yml: {exc}")
            except ConfigurationError as exc:
                handler.problems.append(f"mkdocs.yml: {exc}")
    finally:
        root_logger.removeHandler(handler)
        root_logger.setLevel(old_level)
    return _without_knock_on(list(dict.fromkeys(handler.problems))), handler.warnings


_LOCATED = re.compile(r"^([^:\s]+):\d+: ")


def _without_knock_on(problems: list[str]) -> list[str]:
    """MkDocs' own complaints about a file (a link to a missing anchor, say) that the edition already
    reported with a line: they follow from that error (an unclosed mark swallowing a note marker)."""
    located = {m.group(1) for p in problems if (m := _LOCATED.match(p))}
    return [p for p in problems if _LOCATED.match(p) or p.split(":", 1)[0] not in located]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check every memo, reference and registry of the edition.")
    parser.add_argument("--config", default="mkdocs.yml", type=Path, help="the edition's mkdocs.yml")
    args = parser.parse_args(argv)
    logging.getLogger("mkdocs").propagate = False
    problems, warnings = run_check(args.config)
    for w in warnings:
        print(w)
    for p in problems:
        print(p)
    if problems:
        print(f"\n{len(problems)} problem(s) found; the site cannot be published until they are fixed.", file=sys.stderr)
        return 1
    print(f"No problems found ({len(warnings)} warning(s)).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
