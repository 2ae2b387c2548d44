"""Every word of each source, and nothing else, in the built memo pages; and `make check` says so.

The edition-level tests run on the real edition and on a generated one (the ``edition`` fixture);
the broken cases break a copy of the real project, choosing what to break from its own files.
"""

from __future__ import annotations

import re
from pathlib import Path

from edition.diagnostics import Diagnostics
from edition.documents import split_front_matter
from edition.fidelity import (
    ORDER_THRESHOLD,
    compare,
    edition_tokens,
    edition_words,
    excerpt_span,
    first_difference,
    memo_fidelity,
    running_heads,
    source_tokens,
)
from tests.build_support import check_in_process
from tests.conftest import BuiltEdition, documents_of


def test_built_memo_has_every_source_word(edition: BuiltEdition) -> None:
    checked = 0
    for doc in edition.documents():
        assert doc.source, f"{doc.path}: no source"
        built = edition.memo_page(doc).read_text(encoding="utf-8")
        memo = (edition.project / "docs" / doc.path).read_text(encoding="utf-8")
        heads = [head for head, _ in running_heads(memo)]
        source = source_tokens((edition.project / doc.source).read_text(encoding="utf-8"), heads)
        span = excerpt_span(source, doc.excerpt)
        assert not isinstance(span, str), f"{doc.path}: {span}"
        result = compare(source[span[0]:span[1]], edition_tokens(built))
        assert result.faithful, f"{doc.path}: {result.explain()}"
        assert result.order > ORDER_THRESHOLD, f"{doc.path}: words are out of order: only {result.order:.0%} in sequence"
        diags = Diagnostics()  # and `make check`'s own comparison, the same function, says nothing
        memo_fidelity(edition.project, doc, f"docs/{doc.path}", memo, built, diags)
        assert not diags.items, [str(d) for d in diags.items]
        checked += 1
    assert checked == len(edition.documents())


def test_every_memo_names_its_source(edition: BuiltEdition) -> None:
    memo_files = [p for p in (edition.project / "docs" / "documents").rglob("*.md") if p.name != "index.md"]
    docs = edition.documents()
    assert len(docs) == len(memo_files)
    for doc in docs:
        assert doc.source and re.fullmatch(r"sources/[^/]+", doc.source), (doc.path, doc.source)
        assert (edition.project / doc.source).is_file(), doc.source


def _longest_sentence(project: Path) -> tuple[Path, str, str]:
    """(document file, a sentence of its longest prose line, that line) in the first document that
    has a plain prose line (no note marker, no mark): a scanned document may have none."""
    for doc in documents_of(project):
        memo = project / "docs" / doc.path
        _, body, _ = split_front_matter(memo.read_text(encoding="utf-8"))
        prose = [line for line in body.splitlines() if line and line[0].isalpha() and "[^" not in line and "{" not in line]
        if prose:
            break
    assert prose, "no document has a line of plain prose to delete a sentence from"
    line = max(prose, key=len)
    sentences = re.split(r"(?<=\.) (?=[A-Z])", line)
    sentence = max(sentences, key=len)
    assert len(sentence.split()) > 3
    return memo, sentence, line


def test_deleting_a_sentence_fails_the_check_naming_file_and_line(project: Path) -> None:
    memo, sentence, line = _longest_sentence(project)
    text = memo.read_text(encoding="utf-8")
    number = text.splitlines().index(line) + 1
    memo.write_text(text.replace(sentence, "", 1), encoding="utf-8")
    check = check_in_process(project)
    rel = memo.relative_to(project).as_posix()
    reported = [ln for ln in check.stdout.splitlines() if ln.startswith(f"{rel}:") and "differs from" in ln]
    assert check.returncode == 1 and reported, check.stdout + check.stderr
    assert reported[0].startswith(f"{rel}:{number}: "), (number, reported)
    word = next(w for w in sentence.split() if len(w) > 3 and w.isalpha())
    assert f"'{word}'" in reported[0] and "missing" in reported[0], reported


def test_an_added_word_is_named_as_extra(project: Path) -> None:
    memo, sentence, _ = _longest_sentence(project)
    text = memo.read_text(encoding="utf-8")
    memo.write_text(text.replace(sentence, sentence.replace(" ", " Xylophonic ", 1), 1), encoding="utf-8")
    check = check_in_process(project)
    assert check.returncode == 1 and "not in the source 'Xylophonic'" in check.stdout, check.stdout


def test_a_missing_source_fails_the_check_naming_the_memo(project: Path) -> None:
    doc = documents_of(project)[0]
    memo = project / "docs" / doc.path
    text = memo.read_text(encoding="utf-8")
    memo.write_text(text.replace(f"source: {doc.source}", "source: sources/no-such-file.txt"), encoding="utf-8")
    line = next(n for n, ln in enumerate(memo.read_text().splitlines(), start=1) if ln.startswith("source:"))
    check = check_in_process(project)
    assert check.returncode == 1
    assert f"docs/{doc.path}:{line}: source 'sources/no-such-file.txt' does not exist" in check.stdout, check.stdout


def test_a_source_outside_sources_is_refused(project: Path) -> None:
    doc = documents_of(project)[0]
    memo = project / "docs" / doc.path
    text = memo.read_text(encoding="utf-8")
    for bad, message in [("/etc/passwd", "is an absolute path"), ("sources/../mkdocs.yml", "must be a relative path under sources/"),
                         ("docs/index.md", "must be a relative path under sources/")]:
        memo.write_text(text.replace(f"source: {doc.source}", f"source: {bad}"), encoding="utf-8")
        check = check_in_process(project)
        assert check.returncode == 1 and f"docs/{doc.path}:" in check.stdout and message in check.stdout, (bad, check.stdout)
        assert "root:" not in check.stdout  # nothing of the file named is shown


def test_first_difference_names_paragraph_and_words() -> None:
    page = ('<html><body><div class="memo-text"><p id="p1">One two three.</p>\n'
            '<p id="p2">Four five six seven.</p>\n<div class="footnote"><ol><li id="fn:1">Note words.</li></ol></div></div></body></html>')
    source = source_tokens("One two three.\n\nFour five six seven eight.\n\n1. Note words.")
    diff = first_difference(source, edition_words(page))
    assert diff is not None and diff.block == "p2" and diff.missing == ["seven", "eight."] and diff.extra == ["seven."]
    assert first_difference(source_tokens("One two three.\n\nFour five six seven.\n\n1. Note words."), edition_words(page)) is None


def test_a_silent_correction_is_caught_but_a_marked_one_is_not() -> None:
    source = source_tokens("The Soviets have continued to stress the need.")
    silent = '<div class="memo-text"><p>The Soviets have continued to stress the needs.</p></div>'
    marked = ('<div class="memo-text"><p>The Soviets have continued to stress the <del class="critic">need</del>'
              '<ins class="critic">needs</ins>.<span class="critic comment">sic</span></p></div>')
    assert not compare(source, edition_tokens(f"<html><body>{silent}</body></html>")).faithful
    assert compare(source, edition_tokens(f"<html><body>{marked}</body></html>")).faithful


def test_normalisations_remove_layout_only() -> None:
    text = "- ◆◆ Using the **Toshiba** incident.¹\n\n1) *They* provide \\$277 for BMC³.\n\n1. Excerpted in X."
    assert source_tokens(text) == ["Using", "the", "Toshiba", "incident.", "They", "provide", "$277", "for", "BMC.", "Excerpted", "in", "X."]
