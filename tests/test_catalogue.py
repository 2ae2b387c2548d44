"""The catalogue of bad inputs: each stops `make check` and the strict build, naming file and line.

Every case breaks a copy of the project the way a contributor might and runs the check: what it
breaks is the tests' own document, added to the copy (tests/subject.py), never one of the
edition's documents, which change as contributors correct them. The check must list the problem
as `path:line: message (hint)` without a traceback, and the strict build the check runs (the
very build `mkdocs build --strict` runs) must stop without writing a site.
The cases run the check's own ``main()`` in the test's process (``tests/build_support.py``): one
build per case. Two end-to-end tests keep the wiring honest: the real `make check` command line
and the real `mkdocs build --strict`, each as a subprocess on a broken copy.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.build_support import check_in_process, throwaway_venv
from tests.conftest import ROOT, content_lines, run_build
from tests.subject import BIB, BOOK, ENTITIES, NOTE, PAGES, SOURCE, SUBJECT, append, edit, line_of

TYPES = "data/document-types.yml"
TITLE_LINE = "  title     = {A Book for the Catalogue},"  # the cited work's title in the library


CASES: dict[str, tuple[Callable[[Path], None], str, str | None, str]] = {
    # name: (break it, file, text on the reported line after breaking, message). Each breaks the
    # tests' own document (tests/subject.py, added to the copy), its source, its works or its people.
    "unbalanced BibTeX": (edit(BIB, TITLE_LINE, TITLE_LINE.replace("{A Book", "{A Book {for")), BIB, f"@book{{{BOOK}", "unparseable BibTeX entry"),
    "duplicate key": (append(BIB, f"\n@book{{{BOOK}, title = {{X}}, publisher = {{P}}, year = {{1986}}}}\n"),
                      BIB, "title = {X}", f"duplicate BibTeX key '{BOOK}' (first defined on line"),
    "missing cited work": (edit(SUBJECT, f"[@{BOOK}, p. 12]", "[@catalogue2000bok, p. 12]"), SUBJECT, "[^1]:", "cites unknown key 'catalogue2000bok'"),
    "broken YAML in a registry": (edit(ENTITIES, "aliases: [Testperson, Mr. Testperson]", "aliases: [Testperson, Mr. Testperson"), ENTITIES, None, "invalid YAML"),
    "unknown front-matter field": (edit(SUBJECT, f"pages: {PAGES}\n", f"pages: {PAGES}\ncolour: red\n"), SUBJECT, "colour: red", "unknown field 'colour'"),
    "impossible date": (edit(SUBJECT, "date: 2001-02-03", "date: 2001-02-31"), SUBJECT, "date: 2001-02-31", "field 'date' has an invalid value"),
    "dangling note marker": (edit(SUBJECT, "machines.[^1]", "machines.[^1][^99]"), SUBJECT, "[^99]", "note marker [^99] has no note"),
    "note never referenced": (edit(SUBJECT, "machines.[^1]", "machines."), SUBJECT, "[^1]:", "note [^1] is never referenced"),
    "Ibid. first": (edit(SUBJECT, NOTE, "[^1]: *Ibid.*, p. 12."), SUBJECT, "[^1]:", "says 'Ibid.' but no earlier note"),
    "undefined acronym": (edit(SUBJECT, "about the machines", "about the XQZR machines"), SUBJECT, "XQZR", "undefined acronym 'XQZR'"),
    "alias claimed twice": (edit(ENTITIES, "aliases: [Otherperson]", "aliases: [Otherperson, Testperson]"),
                            ENTITIES, "aliases: [Otherperson, Testperson]", "alias 'Testperson' is claimed by"),
    "pin to unknown entity": (edit(SUBJECT, "to Jiro Otherperson about", "to [Jiro Otherperson](entity:abe-shinzo) about"), SUBJECT, "entity:abe-shinzo",
                              "pinned to unknown entity 'abe-shinzo'"),
    # Messages that used to point elsewhere (issue 14): each names the real mistake, and nothing else is reported.
    "missing comma in BibTeX": (edit(BIB, "  location  = {Tokyo},\n  date      = {2000}", "  location  = {Tokyo}\n  date      = {2000}"),
                                BIB, "location  = {Tokyo}\n  date      = {2000}",
                                f"@book{{{BOOK}}}: a comma is missing after field 'location', so 'date' is read as part of its value"),
    "unclosed CriticMarkup comment": (edit(SUBJECT, "machines.[^1]", "machines.[^1] {>>an unclosed comment"),
                                      SUBJECT, "{>>an unclosed comment", "CriticMarkup comment '{>>' is never closed with '<<}'"),
    "page count in words": (edit(SUBJECT, f"pages: {PAGES}\n", "pages: two\n"), SUBJECT, "pages: two",
                            "field 'pages' in memorandum front matter must be a positive whole number, or null when it is not known, not \"two\""),
    "missing source file": (edit(SUBJECT, f"source: {SOURCE}", "source: sources/missing.txt"), SUBJECT, "source: sources/missing.txt",
                            "source 'sources/missing.txt' does not exist"),
    "absolute source path": (edit(SUBJECT, f"source: {SOURCE}", "source: /etc/hostname"), SUBJECT, "source: /etc/hostname",
                             "source '/etc/hostname' is an absolute path; it must be a relative path under sources/"),
    "source outside sources/": (edit(SUBJECT, f"source: {SOURCE}", "source: sources/../mkdocs.yml"), SUBJECT, "source: sources/../",
                                "source 'sources/../mkdocs.yml' must be a relative path under sources/ (no '..')"),
    "scaffold placeholder left in": (edit(SUBJECT, "\n25X1\n", "\n(fill in: transcribe the document here: every word of the source, in order, as the contributors' guide says)\n\n25X1\n"),
                                     SUBJECT, "(fill in: transcribe", "the document's text is still the scaffold's placeholder"),
    "excerpt not in the source": (edit(SUBJECT, f"pages: {PAGES}\n", f"pages: {PAGES}\nexcerpt:\n  part: the first section\n  from: Words never printed\n  to: anywhere.\n"),
                                  SUBJECT, "excerpt:", "the excerpt's first words 'Words never printed' are not in the source"),
    # The document and its witness (issue 22): the witness markup, its readings, the running heads.
    "unclosed source reading": (edit(SUBJECT, "Testperson wrote to", "Testperson [[wr0te~>wrote to"), SUBJECT, "[[wr0te~>wrote to",
                                "the reading of the source '[[wr0te~>wrote to…' is not closed with ']]'"),
    "source reading not in the source": (edit(SUBJECT, "Testperson wrote to", "Testperson [[wr0te~>wrote]] to"), SUBJECT, "[[wr0te~>wrote]]",
                                         f"the source reading 'wr0te' of [[wr0te~>…]] in paragraph 1 is not what {SOURCE} has there: the source has 'wrote'"),
    "running head not in the source": (edit(SUBJECT, f"pages: {PAGES}\n", f'pages: {PAGES}\nrunning_heads:\n  - "Page {{page}} of {PAGES}"\n'),
                                       SUBJECT, f'- "Page {{page}} of {PAGES}"', f"running head 'Page {{page}} of {PAGES}' is not a line of {SOURCE}"),
    # Document types (data/document-types.yml): the type named, its required fields, the registry itself.
    "unknown document type": (edit(SUBJECT, "type: memorandum\n", "type: clipping\n"), SUBJECT, "type: clipping", "unknown document type 'clipping'"),
    "a type's required field missing": (edit(SUBJECT, 'issuing_body: "Office of Test Documents"\n', ""), SUBJECT, "type: memorandum",
                                        "missing field 'issuing_body' (Issued by), which a memorandum requires"),
    "malformed document-types registry": (edit(TYPES, "      label: Periodical\n      kind: str\n", "      label: Periodical\n      kind: text\n"),
                                          TYPES, "kind: text", "field 'kind' in document-type field is 'text'"),
}
# Found by the word-by-word comparison, which `make check` runs and the build does not.
FIDELITY = {"excerpt not in the source", "source reading not in the source", "running head not in the source"}

# Where a line carries two lines of text, the needle's first line is the reported one.
ONLY_PROBLEM = {"missing comma in BibTeX", "scaffold placeholder left in", "unclosed CriticMarkup comment", "page count in words", "missing source file",
                "absolute source path", "source outside sources/", "unclosed source reading", "source reading not in the source",
                "running head not in the source", "unknown document type", "a type's required field missing",
                "malformed document-types registry"}



@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_stopped_with_file_and_line(name: str, subject: Path) -> None:
    breaker, path, needle, message = CASES[name]
    breaker(subject)
    check = check_in_process(subject)
    out = check.output
    assert check.returncode == 1, out
    assert "Traceback" not in out
    reported = [line for line in check.stdout.splitlines() if message in line]
    assert reported, out
    expected_prefix = f"{path}:{line_of(subject, path, needle)}: " if needle else f"{path}:"
    assert any(line.startswith(expected_prefix) for line in reported), (expected_prefix, reported)
    assert all(re.match(r"^[\w./-]+:\d+: .+ \(.+\)$", line) for line in reported), reported
    if name in ONLY_PROBLEM:  # no knock-on problem or warning after the error that causes it
        assert content_lines(check.stdout) == reported, check.stdout
    if name in FIDELITY:
        return  # a fidelity problem: make check compares with the source, the build does not
    # the strict build the check ran: it stops, says why, and writes no site
    assert check.build_failed and message in check.build_log and "Traceback" not in check.build_log, check.build_log
    assert not check.site_written


# The wiring, end to end: the real command lines on a broken copy, as subprocesses.


def _node_installed(project: Path) -> None:
    """The copy's node_modules as `make node` leaves it: the packages (the checkout's, linked one by
    one) and the stamp that says they were installed from this package-lock.json on this machine,
    so make runs no `npm ci` (which would empty the checkout's node_modules through a link)."""
    stamp = subprocess.run(["make", "-s", "--eval", "print-node-stamp: ; @echo $(NODE_STAMP)", "print-node-stamp"],
                           cwd=project, capture_output=True, text=True, check=True).stdout.strip()
    assert stamp.startswith("node_modules/.edition-"), stamp
    modules = project / "node_modules"
    if modules.is_symlink():
        modules.unlink()
    modules.mkdir()
    for entry in (ROOT / "node_modules").iterdir():
        if not entry.name.startswith(".edition-"):
            (modules / entry.name).symlink_to(entry.resolve())
    (project / stamp).touch()


def test_make_check_reports_a_broken_copy(subject: Path, tmp_path: Path) -> None:
    """`make check` itself (the Makefile's recipe and `python -m edition_plugin.check`) names the problem and fails."""
    breaker, path, needle, message = CASES["undefined acronym"]
    breaker(subject)
    for part in ("Makefile", "requirements", "package.json", "package-lock.json"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, subject / part)
    _node_installed(subject)
    env = {**throwaway_venv(subject, tmp_path), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(["make", "-s", "check"], cwd=subject, capture_output=True, text=True, env=env, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "check] Error 1" in proc.stderr, out  # the command exited 1, so make failed
    assert "Traceback" not in out, out
    assert (subject / "node_modules" / "citeproc").is_symlink(), "make ran `npm ci`: the test's node_modules was replaced"
    assert f"{path}:{line_of(subject, path, needle)}: " in proc.stdout and message in proc.stdout, out
    assert "problem(s) found; the site cannot be published" in proc.stderr, out


def test_mkdocs_build_strict_stops_on_a_broken_copy(subject: Path, tmp_path: Path) -> None:
    """`mkdocs build --strict` itself refuses a broken copy: non-zero exit, the problem named, no site."""
    breaker, _, _, message = CASES["dangling note marker"]
    breaker(subject)
    build = run_build(subject, tmp_path / "site")
    assert not build.ok and message in build.output and "Traceback" not in build.output, build.output
    assert not (tmp_path / "site" / "index.html").exists()


def test_all_problems_are_reported_at_once(subject: Path) -> None:
    for name in ("unknown front-matter field", "undefined acronym", "missing cited work", "alias claimed twice"):
        CASES[name][0](subject)
    check = check_in_process(subject)
    for name in ("unknown front-matter field", "undefined acronym", "missing cited work", "alias claimed twice"):
        assert CASES[name][3] in check.stdout, name


def test_html_in_a_title_is_escaped_not_an_error(subject: Path, tmp_path: Path) -> None:
    edit(BIB, TITLE_LINE, TITLE_LINE.replace("Catalogue}", "Catalogue <script>alert(1)</script>}"))(subject)
    build = run_build(subject, tmp_path / "site")
    assert build.ok, build.output
    memo = (tmp_path / "site" / SUBJECT.removeprefix("docs/").removesuffix(".md") / "index.html").read_text()
    assert "<script>alert(1)</script>" not in memo and "Catalogue &lt;script&gt;alert(1)&lt;/script&gt;" in memo


def test_html_in_a_front_matter_title_is_refused(subject: Path) -> None:
    """Front matter is plain text (issue 15): Material puts the title into <title> and search unescaped."""
    edit(SUBJECT, 'title: "Catalogue Subject"', 'title: "Catalogue <em>Subject</em>"')(subject)
    check = check_in_process(subject)
    assert f"{SUBJECT}:{line_of(subject, SUBJECT, 'title: ')}: field 'title' holds markup" in check.stdout, check.stdout


def test_clean_project_passes_the_check(project: Path) -> None:
    check = check_in_process(project)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No problems found" in check.stdout, check.stdout
    assert content_lines(check.stdout) == [], check.stdout  # not even a warning about the content on a clean checkout


def test_the_subject_passes_the_check(subject: Path) -> None:
    """The tests' own document as it is (tests/subject.py): each case above breaks one thing of it."""
    check = check_in_process(subject)
    assert check.returncode == 0 and content_lines(check.stdout) == [], check.stdout + check.stderr


def test_a_front_matter_error_adds_no_knock_on_warning(subject: Path) -> None:
    CASES["unknown front-matter field"][0](subject)
    check = check_in_process(subject)
    assert check.returncode == 1 and "unknown field 'colour'" in check.stdout
    assert "cited by no note" not in check.stdout and "occurs in no document" not in check.stdout, check.stdout
    # what could not be checked is said, with the reason, never skipped in silence
    assert "Not checked: works no note cites" in check.stderr, check.stderr
    assert f"Not checked: {SUBJECT}: not compared with its source word by word" in check.stderr, check.stderr


def test_an_unknown_page_count_is_allowed(subject: Path) -> None:
    edit(SUBJECT, f"pages: {PAGES}\n", "pages: null\n")(subject)
    check = check_in_process(subject)
    assert check.returncode == 0, check.stdout


def test_an_unknown_type_is_a_scaffold_error_and_writes_nothing(project: Path) -> None:
    """`make new-memo TYPE=clipping …`: the scaffold (run as the Makefile runs it) names the types
    there are and where they are declared, and creates no file and no BibTeX entry."""
    bib = (project / BIB).read_text(encoding="utf-8")
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "EDITION_TYPE": "clipping", "EDITION_DATE": "1982-01-05", "EDITION_TITLE": "U.S. Effort", "EDITION_SLUG": ""}
    proc = subprocess.run([sys.executable, "-m", "edition.scaffold", "--from-environment"], cwd=project, capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "TYPE 'clipping' is not a document type; use one of: memorandum" in proc.stderr and "article" in proc.stderr, proc.stderr
    assert "data/document-types.yml" in proc.stderr, proc.stderr
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*")) == before
    assert (project / BIB).read_text(encoding="utf-8") == bib
