"""Interventions as the editorial-method page lists them: each CriticMarkup mark once."""

from __future__ import annotations

import markdown

from edition.editorial import find_interventions
from edition.htmltext import parse_fragment


def interventions(md: str) -> list[tuple[str, str]]:
    html = markdown.markdown(md, extensions=["pymdownx.critic"], extension_configs={"pymdownx.critic": {"mode": "view"}})
    return [(i.kind, i.text) for i in find_interventions(parse_fragment(html), "documents/x.md")]


def test_a_substitution_is_one_intervention() -> None:
    assert interventions("The {~~recieved~>received~~} text.") == [("substitution", "recieved → received")]


def test_other_marks_stay_apart() -> None:
    found = interventions("An {++inserted++} word, a {--deleted--} one {>>a comment<<} and {--x--} then {++y++}.")
    assert found == [("insertion", "inserted"), ("deletion", "deleted"), ("comment", "a comment"),
                     ("deletion", "x"), ("insertion", "y")]
