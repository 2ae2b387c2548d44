"""``make check``: every problem of the edition, each as ``path:line: message (hint)``.

It runs the same strict MkDocs build that publishes the site (into a throw-away folder), so
the check and the build can never disagree; it only changes how problems are shown. Then, on the
pages that build wrote, it compares every document word by word with its source text
(``edition.fidelity``) and reads the apparatus as a reader would (``edition.site_checks``): the
tests run those same functions, so a clean check means the content tests pass too. A check that
could not run is named, with the reason, never skipped in silence.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
from pathlib import Path

from edition.fidelity import site_fidelity
from edition.site_checks import site_checks

from .plugin import NOT_CHECKED

DOC_FILE = re.compile(r"^Doc file '([^']+)' (.*)$", re.S)
SITE_NOT_CHECKED = ("the comparison of each document with its source and the checks of the built pages (links into the documents, "
                    "snippets, tooltips, marking counts): the build stopped at the problems above, so there are no pages to read")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.not_checked: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().strip()
        if message.startswith(("The edition has", "Aborted with")):
            return  # the summary of problems already listed one by one
        if record.name.startswith("mkdocs.plugins.edition"):
            if message.startswith(NOT_CHECKED):
                self.not_checked.append(message[len(NOT_CHECKED):])
            elif record.levelno >= logging.ERROR:
                self.problems.append(message)
            elif "warning:" in message:
                self.warnings.append(message)
            return
        if record.levelno >= logging.WARNING:
            m = DOC_FILE.match(message)
            self.problems.append(f"docs/{m.group(1)}: {m.group(2)}" if m else f"mkdocs.yml: {message}")


def run_check(config_file: Path) -> tuple[list[str], list[str], list[str]]:
    """Build strictly into a temporary folder; return (problems, warnings, checks not run with the reason)."""
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
            config = None
            try:
                config = load_config(str(config_file), strict=True, site_dir=site)
                config.plugins.on_startup(command="build", dirty=False)
                try:
                    build(config)
                finally:
                    config.plugins.on_shutdown()
            except PluginError:
                pass  # the edition's own problems were logged one by one above
            except Abort as exc:
                if not handler.problems:
                    handler.problems.append(f"mkdocs.yml: {exc}")
            except ConfigurationError as exc:
                handler.problems.append(f"mkdocs.yml: {exc}")
            if config is not None and (Path(site) / "index.html").is_file():
                # the pages were written (a strict build stops only after writing them): they are read whatever else was found
                root = Path(config.config_file_path).resolve().parent
                handler.problems.extend(str(d) for d in site_fidelity(root, Path(config.docs_dir).resolve(), Path(site)))
                found = site_checks(root, Path(site))
                handler.problems.extend(str(d) for d in found if d.severity == "error")
                handler.warnings.extend(str(d) for d in found if d.severity == "warning")
            elif config is not None:
                handler.not_checked.append(SITE_NOT_CHECKED)
    finally:
        root_logger.removeHandler(handler)
        root_logger.setLevel(old_level)
    return _without_knock_on(list(dict.fromkeys(handler.problems))), handler.warnings, list(dict.fromkeys(handler.not_checked))


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
    problems, warnings, not_checked = run_check(args.config)
    for w in warnings:
        print(w)
    for p in problems:
        print(p)
    for n in not_checked:  # on stderr, with the summary: the report's lines on stdout are the problems
        print(f"Not checked: {n}", file=sys.stderr)
    if problems:
        print(f"\n{len(problems)} problem(s) found; the site cannot be published until they are fixed."
              + (" Fix them and run the check again for what it could not check yet." if not_checked else ""), file=sys.stderr)
        return 1
    print(f"No problems found ({len(warnings)} warning(s)).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
