"""The catalogue of bad inputs: each stops `make check` and the strict build, naming file and line.

Every case breaks a copy of the real project the way a contributor might and runs the check:
it must list the problem as `path:line: message (hint)` without a traceback, and the strict build
the check runs (the very build `mkdocs build --strict` runs) must stop without writing a site.
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

CIA = "docs/documents/1983-09-07-cia-technology-leakage-from-japan.md"
HERITAGE = "docs/documents/1987-10-26-heritage-us-japan-defense-technology-cooperation.md"
BIB = "bib/references.bib"
TYPES = "data/document-types.yml"


def edit(path: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        file = project / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        file.write_text(text.replace(old, new, count), encoding="utf-8")

    return apply


def append(path: str, text: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        with (project / path).open("a", encoding="utf-8") as f:
            f.write(text)

    return apply


def line_of(project: Path, path: str, needle: str) -> int:
    text = (project / path).read_text(encoding="utf-8")
    if "\n" in needle:
        return text[: text.index(needle)].count("\n") + 1
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


CASES: dict[str, tuple[Callable[[Path], None], str, str, str]] = {
    # name: (break it, file, text on the reported line after breaking, message)
    "unbalanced BibTeX": (edit(BIB, "  title        = {Technology Leakage from {Japan}},", "  title        = {Technology Leakage from {Japan},"),
                          BIB, "@report{cia1983technologyleakage", "unparseable BibTeX entry"),
    "duplicate key": (append(BIB, "\n@book{jda1986defense, title = {X}, publisher = {P}, year = {1986}}\n"),
                      BIB, "title = {X}", "duplicate BibTeX key 'jda1986defense' (first defined on line"),
    "missing cited work": (edit(HERITAGE, "[@jda1986defense, p. 325]", "[@jda1986defence, p. 325]"),
                           HERITAGE, "[^1]:", "cites unknown key 'jda1986defence'"),
    "broken YAML in a registry": (edit("data/entities.yml", "Prime Minister Yasuhiro Nakasone]", "Prime Minister Yasuhiro Nakasone"),
                                  "data/entities.yml", None, "invalid YAML"),
    "unknown front-matter field": (edit(CIA, "pages: 4\n", "pages: 4\ncolour: red\n"), CIA, "colour: red", "unknown field 'colour'"),
    "impossible date": (edit(CIA, "date: 1983-09-07", "date: 1983-09-31"), CIA, "date: 1983-09-31", "field 'date' has an invalid value"),
    "dangling note marker": (edit(HERITAGE, "the U.S. and Japan.[^1]", "the U.S. and Japan.[^1][^99]"), HERITAGE, "[^99]", "note marker [^99] has no note"),
    "note never referenced": (edit(HERITAGE, "the U.S. and Japan.[^1]", "the U.S. and Japan."), HERITAGE, "[^1]:", "note [^1] is never referenced"),
    "Ibid. first": (edit(HERITAGE, "[^1]: Excerpted in Japan Defense Agency, *Defense of Japan 1986* (Tokyo: The Japan Times, Ltd., 1986), p. 325. [@jda1986defense, p. 325]", "[^1]: *Ibid.*, p. 325."),
                    HERITAGE, "[^1]:", "says 'Ibid.' but no earlier note"),
    "undefined acronym": (edit(CIA, "in response to US complaints", "in response to US and XQZR complaints"), CIA, "XQZR", "undefined acronym 'XQZR'"),
    "alias claimed twice": (edit("data/entities.yml", "  aliases: [Gotoda, Chief Cabinet Secretary Gotoda]", "  aliases: [Gotoda, Chief Cabinet Secretary Gotoda, Nakasone]"),
                            "data/entities.yml", "Chief Cabinet Secretary Gotoda, Nakasone", "alias 'Nakasone' is claimed by"),
    "pin to unknown entity": (edit(CIA, "Foreign Minister Abe", "Foreign Minister [Abe](entity:abe-shinzo)"), CIA, "entity:abe-shinzo", "pinned to unknown entity 'abe-shinzo'"),
    # Messages that used to point elsewhere (issue 14): each names the real mistake, and nothing else is reported.
    "missing comma in BibTeX": (edit(BIB, "  location  = {Tokyo},\n  date      = {1986}", "  location  = {Tokyo}\n  date      = {1986}"),
                                BIB, "location  = {Tokyo}\n  date      = {1986}",
                                "@book{jda1986defense}: a comma is missing after field 'location', so 'date' is read as part of its value"),
    "unclosed CriticMarkup comment": (edit(HERITAGE, "the U.S. and Japan.[^1]", "the U.S. and Japan.[^1] {>>an unclosed comment"),
                                      HERITAGE, "{>>an unclosed comment", "CriticMarkup comment '{>>' is never closed with '<<}'"),
    "page count in words": (edit(CIA, "pages: 4\n", "pages: four\n"), CIA, "pages: four",
                            "field 'pages' in memorandum front matter must be a positive whole number, or null when it is not known, not \"four\""),
    "missing source file": (edit(CIA, "source: sources/003_76c765d1eb3b95d3.txt", "source: sources/missing.txt"), CIA, "source: sources/missing.txt",
                            "source 'sources/missing.txt' does not exist"),
    "absolute source path": (edit(CIA, "source: sources/003_76c765d1eb3b95d3.txt", "source: /etc/hostname"), CIA, "source: /etc/hostname",
                             "source '/etc/hostname' is an absolute path; it must be a relative path under sources/"),
    "source outside sources/": (edit(CIA, "source: sources/003_76c765d1eb3b95d3.txt", "source: sources/../mkdocs.yml"), CIA, "source: sources/../",
                                "source 'sources/../mkdocs.yml' must be a relative path under sources/ (no '..')"),
    "scaffold placeholder left in": (edit(CIA, "\n25X1\n", "\n(fill in: transcribe the document here: every word of the source, in order, as the contributors' guide says)\n\n25X1\n"),
                                     CIA, "(fill in: transcribe", "the document's text is still the scaffold's placeholder"),
    "excerpt not in the source": (edit(CIA, "pages: 4\n", "pages: 4\nexcerpt:\n  part: the first section\n  from: Words never printed\n  to: anywhere.\n"),
                                  CIA, "excerpt:", "the excerpt's first words 'Words never printed' are not in the source"),
    # The document and its witness (issue 22): the witness markup, its readings, the running heads.
    "unclosed source reading": (edit(CIA, "activities with MITI and", "activities with [[M1TI~>MITI and"), CIA, "[[M1TI~>MITI and",
                                "the reading of the source '[[M1TI~>MITI and…' is not closed with ']]'"),
    "source reading not in the source": (edit(CIA, "activities with MITI and", "activities with [[MlTI~>MITI]] and"), CIA, "[[MlTI~>MITI]]",
                                         "the source reading 'MlTI' of [[MlTI~>…]] in paragraph 3 is not what sources/003_76c765d1eb3b95d3.txt has there: the source has 'MITI'"),
    "running head not in the source": (edit(CIA, "pages: 4\n", 'pages: 4\nrunning_heads:\n  - "Page {page} of 4"\n'), CIA, '- "Page {page} of 4"',
                                       "running head 'Page {page} of 4' is not a line of sources/003_76c765d1eb3b95d3.txt"),
    # Document types (data/document-types.yml): the type named, its required fields, the registry itself.
    "unknown document type": (edit(CIA, 'title: "Technology Leakage from Japan"\n', 'type: clipping\ntitle: "Technology Leakage from Japan"\n'),
                              CIA, "type: clipping", "unknown document type 'clipping'"),
    "a type's required field missing": (edit(HERITAGE, 'issuing_body: "The Heritage Foundation"\n', ""), HERITAGE, "type: report",
                                        "missing field 'issuing_body' (Issued by), which a report or backgrounder requires"),
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
def test_bad_input_is_stopped_with_file_and_line(name: str, project: Path) -> None:
    breaker, path, needle, message = CASES[name]
    breaker(project)
    check = check_in_process(project)
    out = check.output
    assert check.returncode == 1, out
    assert "Traceback" not in out
    reported = [line for line in check.stdout.splitlines() if message in line]
    assert reported, out
    expected_prefix = f"{path}:{line_of(project, path, needle)}: " if needle else f"{path}:"
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


def test_make_check_reports_a_broken_copy(project: Path, tmp_path: Path) -> None:
    """`make check` itself (the Makefile's recipe and `python -m edition_plugin.check`) names the problem and fails."""
    breaker, path, needle, message = CASES["undefined acronym"]
    breaker(project)
    for part in ("Makefile", "requirements", "package.json", "package-lock.json"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, project / part)
    _node_installed(project)
    env = {**throwaway_venv(project, tmp_path), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(["make", "-s", "check"], cwd=project, capture_output=True, text=True, env=env, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "check] Error 1" in proc.stderr, out  # the command exited 1, so make failed
    assert "Traceback" not in out, out
    assert (project / "node_modules" / "citeproc").is_symlink(), "make ran `npm ci`: the test's node_modules was replaced"
    assert f"{path}:{line_of(project, path, needle)}: " in proc.stdout and message in proc.stdout, out
    assert "problem(s) found; the site cannot be published" in proc.stderr, out


def test_mkdocs_build_strict_stops_on_a_broken_copy(project: Path, tmp_path: Path) -> None:
    """`mkdocs build --strict` itself refuses a broken copy: non-zero exit, the problem named, no site."""
    breaker, _, _, message = CASES["dangling note marker"]
    breaker(project)
    build = run_build(project, tmp_path / "site")
    assert not build.ok and message in build.output and "Traceback" not in build.output, build.output
    assert not (tmp_path / "site" / "index.html").exists()


def test_all_problems_are_reported_at_once(project: Path) -> None:
    for name in ("unknown front-matter field", "undefined acronym", "missing cited work", "alias claimed twice"):
        CASES[name][0](project)
    check = check_in_process(project)
    for name in ("unknown front-matter field", "undefined acronym", "missing cited work", "alias claimed twice"):
        assert CASES[name][3] in check.stdout, name


def test_html_in_a_title_is_escaped_not_an_error(project: Path, tmp_path: Path) -> None:
    edit(BIB, "title     = {Defense of {Japan} 1986},", "title     = {Defense of {Japan} 1986 <script>alert(1)</script>},")(project)
    build = run_build(project, tmp_path / "site")
    assert build.ok, build.output
    memo = (tmp_path / "site/documents/1987-10-26-heritage-us-japan-defense-technology-cooperation/index.html").read_text()
    assert "<script>alert(1)</script>" not in memo and "1986 &lt;script&gt;alert(1)&lt;/script&gt;" in memo


def test_html_in_a_front_matter_title_is_refused(project: Path) -> None:
    """Front matter is plain text (issue 15): Material puts the title into <title> and search unescaped."""
    edit(CIA, 'title: "Technology Leakage from Japan"', 'title: "Technology Leakage <em>from</em> Japan"')(project)
    check = check_in_process(project)
    assert f"{CIA}:2: field 'title' holds markup" in check.stdout, check.stdout


def test_clean_project_passes_the_check(project: Path) -> None:
    check = check_in_process(project)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No problems found" in check.stdout, check.stdout
    assert content_lines(check.stdout) == [], check.stdout  # not even a warning about the content on a clean checkout


def test_a_front_matter_error_adds_no_knock_on_warning(project: Path) -> None:
    edit(HERITAGE, "pages: 11\n", "pages: 11\ncolour: red\n")(project)
    check = check_in_process(project)
    assert check.returncode == 1 and "unknown field 'colour'" in check.stdout
    assert "cited by no note" not in check.stdout and "occurs in no document" not in check.stdout, check.stdout
    # what could not be checked is said, with the reason, never skipped in silence
    assert "Not checked: works no note cites" in check.stderr, check.stderr
    assert f"Not checked: {HERITAGE}: not compared with its source word by word" in check.stderr, check.stderr


def test_an_unknown_page_count_is_allowed(project: Path) -> None:
    edit(CIA, "pages: 4\n", "pages: null\n")(project)
    check = check_in_process(project)
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
