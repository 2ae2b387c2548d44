"""``make check``: every problem of the edition, each as ``path:line: message (hint)``.

It runs the same strict MkDocs build that publishes the site (into a throw-away folder), so
the check and the build can never disagree; it only changes how problems are shown. Then it
compares every document the build processed word by word with its source text
(``edition.fidelity``), whatever other problems the build found (only a document with a problem
of its own, or one the build never reached, is left out), and reads the written pages as a reader
would (``edition.site_checks``): the tests run those same functions, so a clean check means the
content tests pass too. A check that could not run is named, with the reason, never skipped in
silence.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from edition.documents import Document, is_memo
from edition.fidelity import memos_fidelity
from edition.site_checks import site_checks

from .plugin import NOT_CHECKED, EditionPlugin

DOC_FILE = re.compile(r"^Doc file '([^']+)' (.*)$", re.S)
SITE_NOT_CHECKED = ("the checks of the built pages (links into the documents, snippets, tooltips, marking counts): "
                    "the build stopped at the problems above, so there are no pages to read")


CONFIG_VALUE = re.compile(r"^Config value '([\w.]+)': (.*)$", re.S)
# what to write instead, for a configuration value MkDocs refuses before the edition can check it
CONFIG_HINTS = {"site_url": "write it as https://host/path/ (SITE_URL in the environment, or site_url in mkdocs.yml)"}


class _Collect(logging.Handler):
    def __init__(self, config_text: str = "") -> None:
        super().__init__(logging.INFO)
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.not_checked: list[str] = []  # what the check could not do, and why
        self.config_text = config_text  # mkdocs.yml, to name the line of a value MkDocs refuses

    def _config_problem(self, message: str) -> str:
        """MkDocs' own refusal of a configuration value, at the line of that value in mkdocs.yml."""
        m = CONFIG_VALUE.match(message)
        if not m:
            return f"mkdocs.yml: {message}"
        key = m.group(1).split(".")[0]
        line = next((i for i, text in enumerate(self.config_text.splitlines(), start=1) if re.match(rf"^\s*{re.escape(key)}\s*:", text)), None)
        hint = CONFIG_HINTS.get(key, f"correct '{key}' in mkdocs.yml")
        return f"mkdocs.yml:{line}: {key}: {m.group(2).strip()} ({hint})" if line else f"mkdocs.yml: {message} ({hint})"

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
            self.problems.append(f"docs/{m.group(1)}: {m.group(2)}" if m else self._config_problem(message))


def _compare_with_sources(config: Any, handler: _Collect) -> None:
    """Every document's processed page (the edition plugin keeps each one's result, written or
    not) against its source, unless the document has a problem of its own: its text may be cut
    short by it."""
    plugin = next((p for p in config.plugins.values() if isinstance(p, EditionPlugin)), None)
    edition = plugin.edition if plugin is not None else None
    if edition is None:
        handler.not_checked.append("the word-by-word comparison with the sources: the build stopped before it read the documents")
        return
    own = {p.split(":", 1)[0]: "fix the problems reported for it first" for p in handler.problems if _LOCATED.match(p)}

    def page_of(doc: Document) -> str | None:
        result = edition.results.get(doc.path)
        return result.html if result is not None else None

    problems, notes = memos_fidelity(edition.root, edition.docs_dir, page_of, own)
    handler.problems.extend(str(d) for d in problems)
    handler.not_checked.extend(notes)
    for file in sorted(edition.docs_dir.rglob("*.md")):  # documents whose front matter could not be read
        rel = file.relative_to(edition.docs_dir).as_posix()
        if is_memo(rel) and rel not in edition.documents:
            handler.not_checked.append(f"{edition.shown_path(rel)}: not compared with its source word by word: "
                                       "its front matter has a problem (above), so its source is not known")


def run_check(config_file: Path) -> tuple[list[str], list[str], list[str]]:
    """Build strictly into a temporary folder, compare the documents with their sources and read
    the written pages; return (problems, warnings, what could not be checked and why)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    handler = _Collect(config_file.read_text(encoding="utf-8") if config_file.is_file() else "")
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
                except PluginError:
                    pass  # the edition's own problems were logged one by one above
                except Abort as exc:
                    if not handler.problems:
                        handler.problems.append(f"mkdocs.yml: {exc}")
                except RecursionError:
                    handler.problems.append("docs: a page nests too deeply for the Markdown parser (a list, a quote): nest it less")
                finally:
                    config.plugins.on_shutdown()
                _compare_with_sources(config, handler)
                if (Path(site) / "index.html").is_file():
                    # the pages were written (a strict build stops only after writing them): read whatever else was found
                    found = site_checks(Path(config.config_file_path).resolve().parent, Path(site))
                    handler.problems.extend(str(d) for d in found if d.severity == "error")
                    handler.warnings.extend(str(d) for d in found if d.severity == "warning")
                else:
                    handler.not_checked.append(SITE_NOT_CHECKED)
            except (ConfigurationError, Abort) as exc:  # MkDocs' Abort is a SystemExit: caught, or the report is lost
                if not handler.problems:
                    handler.problems.append(f"mkdocs.yml: {exc}")
                handler.not_checked.append("everything but the configuration: mkdocs.yml could not be read")
    finally:
        root_logger.removeHandler(handler)
        root_logger.setLevel(old_level)
    return _without_knock_on(list(dict.fromkeys(handler.problems))), handler.warnings, list(dict.fromkeys(handler.not_checked))


check_edition = run_check  # the name the fidelity tests use


_LOCATED = re.compile(r"^([^:\s]+):\d+: ")


def _without_knock_on(problems: list[str]) -> list[str]:
    """MkDocs' own complaints about a file (a link to a missing anchor, say) that the edition already
    reported with a line: they follow from that error (an unclosed mark swallowing a note marker)."""
    located = {m.group(1) for p in problems if (m := _LOCATED.match(p))}
    return [p for p in problems if _LOCATED.match(p) or p.split(":", 1)[0] not in located]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check every document, reference and registry of the edition.")
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
