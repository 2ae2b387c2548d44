"""The catalogue of bad inputs: each stops `make check` and the strict build, naming file and line.

Every case breaks a copy of the real project the way a contributor might, then runs the real
check command and the real `mkdocs build --strict`: the check must list the problem as
`path:line: message (hint)` without a traceback, and the build must not produce a site.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_build

CIA = "docs/documents/1983-09-07-cia-technology-leakage-from-japan.md"
HERITAGE = "docs/documents/1987-10-26-heritage-us-japan-defense-technology-cooperation.md"
BIB = "bib/references.bib"


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
    lines = (project / path).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


CASES: dict[str, tuple[Callable[[Path], None], str, str, str]] = {
    # name: (break it, file, text on the reported line after breaking, message)
    "unbalanced BibTeX": (edit(BIB, "  title       = {Technology Leakage from {Japan}},", "  title       = {Technology Leakage from {Japan},"),
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
}


def run_check(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edition.check"], cwd=project, capture_output=True, text=True, timeout=600,
                          env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_stopped_with_file_and_line(name: str, project: Path, tmp_path: Path) -> None:
    breaker, path, needle, message = CASES[name]
    breaker(project)
    check = run_check(project)
    out = check.stdout + check.stderr
    assert check.returncode == 1, out
    assert "Traceback" not in out
    reported = [line for line in check.stdout.splitlines() if message in line]
    assert reported, out
    expected_prefix = f"{path}:{line_of(project, path, needle)}: " if needle else f"{path}:"
    assert any(line.startswith(expected_prefix) for line in reported), (expected_prefix, reported)
    assert all(re.match(r"^[\w./-]+:\d+: .+ \(.+\)$", line) for line in reported), reported
    build = run_build(project, tmp_path / "site")
    assert not build.ok and message in build.output and "Traceback" not in build.output
    assert not (tmp_path / "site" / "index.html").exists()


def test_all_problems_are_reported_at_once(project: Path) -> None:
    for name in ("unknown front-matter field", "undefined acronym", "missing cited work", "alias claimed twice"):
        CASES[name][0](project)
    check = run_check(project)
    for name in ("unknown front-matter field", "undefined acronym", "missing cited work", "alias claimed twice"):
        assert CASES[name][3] in check.stdout, name


def test_html_in_a_title_is_escaped_not_an_error(project: Path, tmp_path: Path) -> None:
    edit(BIB, "title     = {Defense of {Japan} 1986},", "title     = {Defense of {Japan} 1986 <script>alert(1)</script>},")(project)
    edit(CIA, 'title: "Technology Leakage from Japan"', 'title: "Technology Leakage <em>from</em> Japan"')(project)
    build = run_build(project, tmp_path / "site")
    assert build.ok, build.output
    memo = (tmp_path / "site/documents/1987-10-26-heritage-us-japan-defense-technology-cooperation/index.html").read_text()
    assert "<script>alert(1)</script>" not in memo and "1986 &lt;script&gt;alert(1)&lt;/script&gt;" in memo
    home = (tmp_path / "site/index.html").read_text()
    assert "Technology Leakage &lt;em&gt;from&lt;/em&gt; Japan" in home


def test_clean_project_passes_the_check(project: Path) -> None:
    check = run_check(project)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No problems found" in check.stdout
