"""Notes keep their wording and resolve to works: explicit markers, Ibid. and op. cit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html

from edition.bibtex import Library, load_library, parse_library
from edition.diagnostics import Diagnostics
from edition.notes import check_markers, extract_notes, locator_of, resolve_notes
from edition.reading import markdown_reading
from tests.conftest import ROOT, documents_of

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


def test_every_documents_notes_resolve() -> None:
    """Every note of every document of the edition resolves: no error, one result per note the
    document defines, and an Ibid. or op. cit. stands for a work an earlier note of the same
    document cites (Ibid.: the note just before)."""
    diags = Diagnostics()
    lib = load_library(ROOT / "bib", ROOT, diags)
    for doc in documents_of(ROOT):
        text = (ROOT / "docs" / doc.path).read_text(encoding="utf-8")
        _, notes, markers = extract_notes(text, doc.path, doc.path, 1, diags)
        check_markers(notes, markers, doc.path, diags)
        resolved = resolve_notes(notes, lib, doc.path, diags)
        assert diags.errors == [], [str(e) for e in diags.errors]
        assert len(resolved) == len(set(re.findall(r"^\[\^([^\]]+)\]:", text, re.M))), doc.path
        for i, r in enumerate(resolved):
            if r.how == "ibid":
                assert r.key == resolved[i - 1].key, (doc.path, r.note.label)
            elif r.how == "op. cit.":
                assert r.key in {e.key for e in resolved[:i]}, (doc.path, r.note.label)


def test_ibid_and_op_cit_stand_for_the_works_named_before() -> None:
    """Ibid. takes the work (and, without its own, the locator) of the note before; op. cit. the
    earlier work its words name, by title or by author, with the locator its wording gives."""
    resolved, diags = run("A.[^1] B.[^2] C.[^3] D.[^4] E.[^5] F.[^6]\n\n"
                          "[^1]: Japan Defense Agency, *Defense of Japan 1986* (Tokyo, 1986), p. 325. [@jda, p. 325]\n"
                          "[^2]: *Report of Defense Science Board Task Force* (DoD, 1984), pp. 1-3. [@dsb, pp. 1-3]\n"
                          "[^3]: *Ibid.*\n"
                          "[^4]: *Ibid.*, p. 9.\n"
                          "[^5]: Japan Defense Agency, *op. cit.*, p. 181.\n"
                          "[^6]: *Report of Defense Science Board Task Force*, *op. cit.*, pp. 47-51 for further discussion.\n")
    assert diags.errors == [], [str(e) for e in diags.errors]
    assert [(r.how, r.key, r.locator) for r in resolved] == [
        ("cited", "jda", "p. 325"), ("cited", "dsb", "pp. 1-3"), ("ibid", "dsb", "pp. 1-3"), ("ibid", "dsb", "p. 9"),
        ("op. cit.", "jda", "p. 181"), ("op. cit.", "dsb", "pp. 47-51")]


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
    assert err.line == 12 and "says 'Ibid.'" in err.message and err.hint, (err.line, err.message)


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
    """In every memo page, each note that stands for an earlier work (op. cit., Ibid.) keeps its
    wording and gives the work it stands for, by its title, with a page range sent to the citation
    processor (an en dash, no "pp.": CMOS 17 6.78)."""
    diags = Diagnostics()
    lib = load_library(ROOT / "bib", ROOT, diags)
    seen = 0
    for doc in documents_of(ROOT):
        text = (ROOT / "docs" / doc.path).read_text(encoding="utf-8")
        _, notes, _ = extract_notes(text, doc.path, doc.path, 1, diags)
        page = html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot()
        for r in resolve_notes(notes, lib, doc.path, diags):
            if r.how not in ("op. cit.", "ibid") or not r.key:
                continue
            seen += 1
            item = page.get_element_by_id(f"fn:{r.note.label}")
            wording = " ".join(markdown_reading(r.note.wording).replace("*", "").split())
            assert " ".join(item.text_content().split()).startswith(wording), (doc.slug, r.note.label)
            reference = " ".join(item.find_class("note-reference")[0].text_content().split())
            assert reference.startswith({"op. cit.": "op. cit. = ", "ibid": "Ibid. = "}[r.how]), reference
            assert _plain(lib.references[r.key].fields["title"]) in _plain(reference), (reference, r.key)
            span = re.fullmatch(r"pp?\. (\d+)-(\d+)", r.locator or "")
            if span:
                assert f"{span[1]}–{span[2]}" in reference and f"pp. {span[1]}" not in reference, reference
    if not seen:
        pytest.skip("no note of the edition stands for an earlier work")


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[{}*]", "", text).split()).lower()


def test_explicit_locator_that_cannot_be_read_is_an_error() -> None:
    _, diags = run("A.[^1]\n\n[^1]: *Defense News*, somewhere. [@dn, somewhere]\n")
    (err,) = diags.errors
    assert err.line == 12 and "the locator 'somewhere' cannot be read" in err.message and err.hint


def test_explicit_locator_that_reads_is_kept() -> None:
    resolved, diags = run("A.[^1]\n\n[^1]: *Defense News*, p. 3. [@dn, p. 3]\n")
    assert diags.errors == [] and resolved[0].locator == "p. 3"
