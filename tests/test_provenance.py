"""Identifier forms of data/repositories.yml against identifiers as the repositories really give them."""

from __future__ import annotations

import pytest

from edition.diagnostics import Diagnostics
from edition.provenance import load_repositories
from tests.conftest import ROOT

# CREST identifiers as CIA's released records carry them: a report series (85T00287R) and the news
# clippings the CIA kept (90-00965R: a dash where the series letter stands)
CREST_COPIES = ["CIA-RDP85T00287R000500140001-9", "CIA-RDP90-00965R000100370012-4", "CIA-RDP88-01070R000200560014-6"]


@pytest.mark.parametrize("identifier", CREST_COPIES)
def test_every_crest_form_is_accepted_where_crest_is_named(identifier: str) -> None:
    diags = Diagnostics()
    repositories = load_repositories(ROOT, diags)
    assert not diags.errors, diags.errors
    crest = [r for r in repositories if r.named_in("CIA CREST")]
    assert crest and all(r.accepts(identifier) for r in crest), identifier
    assert all(r.accepts(r.example) for r in repositories)  # each example is in one of its own forms
    assert not any(r.accepts(identifier[:-1]) for r in crest)  # a character lost is caught
