"""Marks and pins whose date the words contradict are check warnings (issue 22: a "July 1983" row
over a paragraph that says June); an editor's comment that says so already is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition.chronology import CHRONOLOGY_TYPES, date_contradictions, named_dates
from edition.dates import MONTH_NAMES, format_partial_date
from edition.diagnostics import Diagnostics
from edition.entities import Entity, load_entities
from edition.htmltext import parse_fragment
from tests.build_support import check_in_process
from tests.conftest import ROOT, documents_of
from tests.subject import SOURCE, SUBJECT, edit, line_of


def _entities() -> dict[str, Entity]:
    return load_entities(ROOT / "data" / "entities.yml", Diagnostics(), "data/entities.yml")


def _dated() -> Entity:
    """An entry of the chronology (an event, a law…) dated to the month and to no later date: the
    first such in the register's order."""
    dated = [ent for ent in _entities().values() if ent.type in CHRONOLOGY_TYPES and ent.date is not None and ent.date[1] and ent.end_date is None]
    if not dated:
        pytest.skip("no entry of the register is dated to the month")
    return dated[0]


def named_month(month: int) -> str:
    return MONTH_NAMES[month - 1]


def _other_month(month: int) -> str:
    return MONTH_NAMES[month % 12]  # the next month's name


def test_named_dates() -> None:
    assert named_dates("in July of two Soviets") == [(None, 7)]
    assert named_dates("assumed office in October 1982, and by 7 September 1983 in 1985") == [(1982, 10), (1983, 9), (1985, None)]
    assert named_dates("the 1970s and FY1987, and may be") == []


def test_a_pin_whose_words_name_another_month_is_reported() -> None:
    ent = _dated()
    wrong, right = _other_month(ent.date[1]), named_month(ent.date[1])
    html = '<p id="p1">{} was the latest development.</p>'
    found = date_contradictions(parse_fragment(html.format(f'<a href="entity:{ent.id}">The expulsion in {wrong} of two Soviets</a>')), _entities())
    assert [(c.paragraph_id, c.named) for c in found] == [("p1", wrong)]
    assert date_contradictions(parse_fragment(html.format(f'<a href="entity:{ent.id}">The expulsion in {right} of two Soviets</a>')), _entities()) == []


def test_an_editors_comment_after_the_words_says_it_already() -> None:
    ent = _dated()
    wrong = f"{_other_month(ent.date[1])} {ent.date[0]}"
    pin = f'<a href="entity:{ent.id}">assumed office in {wrong}</a>'
    comment = '<span class="critic comment">He took office on another day.</span>'
    assert len(date_contradictions(parse_fragment(f'<p id="p3">Soon after Nakasone {pin}, his government signaled.</p>'), _entities())) == 1
    assert date_contradictions(parse_fragment(f'<p id="p3">Soon after Nakasone {pin},{comment} his government signaled.</p>'), _entities()) == []


@pytest.mark.parametrize(("sentence", "contradicts"), [
    ('<a href="when:1983-07">In June the police</a> acted.', True),
    ('<a href="when:1983-07">In July the police</a> acted.', False),
    ('<a href="when:1983">That year</a> the police acted, in 1984.', True),  # the words name nothing: the sentence is read
    ('<a href="when:1983">That year</a> the police acted, in 1983.', False),
    ('In 1984 it began. <a href="when:1983">The police</a> acted.', False),  # another sentence's year is not this mark's
    ('<a href="when:1981-01/1984">Sold</a> by <a href="when:1987">1987</a>.', False),  # an invalid date is the mark's own error
    ('<a href="when:1983">The police acted</a>, as <a href="entity:-">in 1945</a>.', False),  # another link's year is its own
    ('<a href="when:1981">Sales began</a> and went on until <a href="when:1984">1984</a>.', False),
])
def test_date_marks_against_their_words_and_sentence(sentence: str, contradicts: bool) -> None:
    found = date_contradictions(parse_fragment(f'<p id="p1">{sentence}</p>'), {})
    assert bool(found) == contradicts, [c.named for c in found]


def test_a_contradicting_pin_is_a_check_warning_with_file_and_line(subject: Path) -> None:
    """The tests' own document (tests/subject.py) gains a sentence, in its source too, whose pin
    names another month than its entry's date."""
    ent = _dated()
    wrong = _other_month(ent.date[1])
    words = f"The expulsion in {wrong} of two Soviets"
    edit(SUBJECT, "within the week.\n", f"within the week.\n\n[{words}](entity:{ent.id}) followed.\n")(subject)
    edit(SOURCE, "within the week.\n", f"within the week.\n\n{words} followed.\n")(subject)
    check = check_in_process(subject)
    line = line_of(subject, SUBJECT, f"entity:{ent.id}")
    assert f"{SUBJECT}:{line}: warning: the pin '{words}'" in check.stdout, check.stdout
    assert f"but its words say {wrong}" in check.stdout, check.stdout
    assert [ln for ln in check.stdout.splitlines() if ln.startswith(SUBJECT)] == [ln for ln in check.stdout.splitlines() if "the pin" in ln], check.stdout


def test_a_document_whose_date_no_line_before_its_title_gives_is_a_check_problem(subject: Path) -> None:
    """Its chronology row would lead to no paragraph (make check reads the built chronology as the tests do)."""
    doc = next(d for d in documents_of(subject) if d.path == SUBJECT.removeprefix("docs/"))
    dateline = format_partial_date(doc.date)
    text = (subject / SUBJECT).read_text(encoding="utf-8")
    heading = f"# {doc.title}\n"
    assert f"{dateline}\n\n{heading}" in text, "the document's dateline stands right before its title"
    (subject / SUBJECT).write_text(text.replace(f"{dateline}\n\n{heading}", f"{heading}\n{dateline}\n"), encoding="utf-8")
    check = check_in_process(subject)
    line = line_of(subject, SUBJECT, heading.strip())
    assert check.returncode == 1, check.stdout
    assert f"{SUBJECT}:{line}: the chronology row of this document" in check.stdout and "no line before its title gives its date" in check.stdout, check.stdout
