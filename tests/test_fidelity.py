"""Every word of each source, and nothing else, in the built memo pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition.diagnostics import Diagnostics
from edition.documents import load_documents
from edition.fidelity import compare, edition_tokens, source_tokens
from tests.conftest import ROOT, run_build


def memos() -> list[tuple[str, Path]]:
    docs = load_documents(ROOT / "docs", Diagnostics(), ROOT)
    return [(Path(d.path).stem, ROOT / d.source) for d in docs if d.source]


@pytest.mark.parametrize(("slug", "source"), memos(), ids=[s for s, _ in memos()])
def test_built_memo_has_every_source_word(built_site: Path, slug: str, source: Path) -> None:
    built = (built_site / "documents" / slug / "index.html").read_text(encoding="utf-8")
    result = compare(source_tokens(source.read_text(encoding="utf-8")), edition_tokens(built))
    assert result.faithful, result.explain()
    assert result.order > 0.9, f"words are out of order: only {result.order:.0%} in sequence"


def test_every_memo_names_its_source() -> None:
    assert len(memos()) == len(list((ROOT / "docs" / "documents").glob("19*.md"))) == 2


def test_deleting_a_sentence_is_caught(project: Path, tmp_path: Path) -> None:
    memo = project / "docs/documents/1983-09-07-cia-technology-leakage-from-japan.md"
    sentence = "On the other hand, Japan will continue to look for ways to increase sales to China."
    text = memo.read_text(encoding="utf-8")
    assert sentence in text
    memo.write_text(text.replace(sentence, ""), encoding="utf-8")
    result = run_build(project, tmp_path / "site")
    assert result.ok, result.output
    built = (tmp_path / "site/documents/1983-09-07-cia-technology-leakage-from-japan/index.html").read_text()
    fidelity = compare(source_tokens((project / "sources/003_76c765d1eb3b95d3.txt").read_text()), edition_tokens(built))
    assert not fidelity.faithful
    assert fidelity.missing["sales"] == 1 and not fidelity.extra


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
