"""Notes keep their wording and resolve to works: explicit markers, Ibid. and op. cit."""

from __future__ import annotations

from pathlib import Path

from lxml import html

from edition.bibtex import Library, load_library, parse_library
from edition.diagnostics import Diagnostics
from edition.notes import check_markers, extract_notes, locator_of, resolve_notes
from tests.conftest import ROOT

HERITAGE = "1987-10-26-heritage-us-japan-defense-technology-cooperation"
LIB = r"""
@book{jda, author = {{Japan Defense Agency}}, title = {Defense of Japan 1986}, publisher = {JT}, year = {1986}}
@techreport{dsb, author = {{Office of the Undersecretary}}, title = {Report of Defense Science Board Task Force},
  institution = {DoD}, year = {1984}}
@article{dn, journal = {Defense News}, year = {1987}}
"""


def library() -> Library:
    return parse_library(LIB, "t.bib", Diagnostics())


def run(markdown: str, lib: Library | None = None) -> tuple[list, Diagnostics]:
    diags = Diagnostics()
    _cleaned, notes, markers = extract_notes(markdown, "d.md", "docs/d.md", 10, diags)
    check_markers(notes, markers, "docs/d.md", diags)
    return resolve_notes(notes, lib or library(), "docs/d.md", diags), diags


def test_heritage_notes_all_resolve() -> None:
    diags = Diagnostics()
    lib = load_library(ROOT / "bib", ROOT, diags)
    text = (ROOT / "docs/documents" / f"{HERITAGE}.md").read_text()
    _, notes, markers = extract_notes(text, "x", "x", 1, diags)
    check_markers(notes, markers, "x", diags)
    resolved = {r.note.label: r for r in resolve_notes(notes, lib, "x", diags)}
    assert diags.errors == []
    assert len(resolved) == 17 and all(r.key for r in resolved.values())
    assert (resolved["6"].how, resolved["6"].key, resolved["6"].locator) == ("op. cit.", resolved["3"].key, "pp. 1-3")
    assert (resolved["12"].how, resolved["12"].key, resolved["12"].locator) == ("op. cit.", resolved["1"].key, "p. 181")
    assert (resolved["14"].how, resolved["14"].key, resolved["14"].locator) == ("op. cit.", resolved["4"].key, "pp. 47-51")
    assert (resolved["17"].how, resolved["17"].key) == ("ibid", resolved["16"].key)


def test_marker_is_removed_from_wording_and_kept_as_data() -> None:
    md = "Text.[^1]\n\n[^1]: *Defense of Japan 1986* (Tokyo, 1986), p. 325. [@jda, p. 325]\n"
    cleaned, notes, _ = extract_notes(md, "d.md", "docs/d.md", 1, Diagnostics())
    assert "[@" not in cleaned and "[^1]: *Defense of Japan 1986* (Tokyo, 1986), p. 325." in cleaned
    assert (notes[0].cite_key, notes[0].cite_locator, notes[0].line) == ("jda", "p. 325", 3)


def test_locators_from_wording() -> None:
    assert locator_of("*Japanese Military Technology*, *op. cit.*, pp. 1-3.") == "pp. 1-3"
    assert locator_of("Reprinted in X (Washington, 1986), Table B.") == "Table B"
    assert locator_of("See Board, *op. cit.*, pp. 47-51 for further discussion.") == "pp. 47-51"
    assert locator_of("*Ibid.*") is None


def test_ibid_first_is_an_error() -> None:
    _, diags = run("A.[^1]\n\n[^1]: *Ibid.*, p. 3.\n")
    (err,) = diags.errors
    assert (err.line, "says 'Ibid.'") == (12, "says 'Ibid.'") and "Ibid." in err.message and err.hint


def test_op_cit_without_earlier_work_is_an_error() -> None:
    _, diags = run("A.[^1] B.[^2]\n\n[^1]: *Defense News*, p. 3. [@dn]\n[^2]: *Defense of Japan 1986*, *op. cit.*, p. 4.\n")
    (err,) = diags.errors
    assert err.line == 13 and "no earlier note cites a work named 'Defense of Japan 1986'" in err.message


def test_unknown_key_is_an_error() -> None:
    _, diags = run("A.[^1]\n\n[^1]: Something, p. 3. [@nope, p. 3]\n")
    (err,) = diags.errors
    assert err.line == 12 and "unknown key 'nope'" in err.message


def test_explicit_key_that_disagrees_with_ibid_is_an_error() -> None:
    _, diags = run("A.[^1] B.[^2]\n\n[^1]: *Defense News*, p. 3. [@dn]\n[^2]: *Ibid.* [@jda]\n")
    assert any("stands for 'dn'" in e.message for e in diags.errors)


def test_key_whose_work_the_wording_does_not_name_is_an_error() -> None:
    _, diags = run("A.[^1]\n\n[^1]: *Aviation Week*, p. 3. [@jda]\n")
    assert any("names none of" in e.message for e in diags.errors)


def test_marker_without_note_and_note_without_marker() -> None:
    _, diags = run("A.[^1] B.[^2]\n\n[^1]: *Defense News*. [@dn]\n[^3]: *Defense News*. [@dn]\n")
    messages = sorted(e.message for e in diags.errors)
    assert messages == ["note [^3] is never referenced in the text", "note marker [^2] has no note"]
    assert {e.line for e in diags.errors} == {10, 13}


def test_ambiguous_op_cit_asks_for_a_key() -> None:
    lib = parse_library(LIB + "@book{jda2, author = {{Japan Defense Agency}}, title = {Defense of Japan 1987}, publisher = {JT}, year = {1987}}", "t.bib", Diagnostics())
    _, diags = run("A.[^1] B.[^2] C.[^3]\n\n[^1]: X. [@jda]\n[^2]: Y. [@jda2]\n[^3]: Japan Defense Agency, *op. cit.*, p. 2.\n", lib)
    assert any("could stand for" in e.message for e in diags.errors)


def test_popover_content_has_wording_and_resolved_reference(built_site: Path) -> None:
    doc = html.parse(str(built_site / "documents" / HERITAGE / "index.html")).getroot()
    note6 = doc.get_element_by_id("fn:6")
    text = note6.text_content().strip()
    assert text.startswith("Japanese Military Technology, op. cit., pp. 1-3.")
    ref = note6.find_class("note-reference")[0].text_content()
    # the locator went to the processor: no "pp.", an en dash
    assert "op. cit. = " in ref and "Japanese Military Technology (Washington, DC: U.S. Government Printing Office, 1986), 1–3." in ref  # CMOS 17 10.28: DC, as bib/ writes it


def test_explicit_locator_that_cannot_be_read_is_an_error() -> None:
    _, diags = run("A.[^1]\n\n[^1]: *Defense News*, somewhere. [@dn, somewhere]\n")
    (err,) = diags.errors
    assert err.line == 12 and "the locator 'somewhere' cannot be read" in err.message and err.hint


def test_explicit_locator_that_reads_is_kept() -> None:
    resolved, diags = run("A.[^1]\n\n[^1]: *Defense News*, p. 3. [@dn, p. 3]\n")
    assert diags.errors == [] and resolved[0].locator == "p. 3"
