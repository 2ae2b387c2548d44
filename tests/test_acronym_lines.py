"""An undefined acronym is reported at the line where it is one, not at a header that also holds the word."""

from __future__ import annotations

from edition.memo import _acronym_line


def test_the_line_of_an_undefined_acronym_skips_typography() -> None:
    source = ("---\ntitle: \"A clipping\"\n---\n\nARTICLE APPEARED ON PAGE 9\n\nWASHINGTON TIMES  \n18 June 1987\n\n"
              "# A clipping\n\nBy Peter Lane of the WASHINGTON staff said so.\n")
    lines = source.splitlines()
    line = _acronym_line(source, "WASHINGTON")
    assert line is not None and lines[line - 1].startswith("By Peter Lane"), line
    assert _acronym_line(source, "ARTICLE") == lines.index("ARTICLE APPEARED ON PAGE 9") + 1  # only in typography: its first line
    assert _acronym_line(source, "XQZR") is None
