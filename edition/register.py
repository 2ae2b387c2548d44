"""Which register entries the documents name: only those get a page.

Read from the memo files before any page is rendered (pages are created before rendering),
with the annotator's own automaton and pins, so it agrees with what the pages will show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .annotate import PIN_PREFIX, Annotator

_PIN = re.compile(r"\]\(" + re.escape(PIN_PREFIX) + r"([a-z0-9-]+)\)")
# Editorial comments ({>>…<<}) and front matter are not the document's words.
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


def referenced_entities(texts: Iterable[str], annotator: Annotator) -> set[str]:
    """Ids of the entities that some memo text mentions (a registered form) or pins."""
    found: set[str] = set()
    for text in texts:
        body = without_comments(_FRONT.sub("", text))
        found.update(_PIN.findall(body))
        for m in annotator.matcher.find(body):
            for t in m.targets:
                if t.kind == "entity":
                    found.add(t.id)
                elif t.kind == "term" and (term := annotator.terms.get(t.id)) and term.entity:
                    found.add(term.entity)
    return found & set(annotator.entities)


def without_comments(text: str) -> str:
    """``text`` with each editor's comment ``{>>…<<}`` replaced by a space, in one pass: a pattern
    (``\\{>>.*?<<\\}``) would scan to the end from every unclosed ``{>>``, the square of the text."""
    out: list[str] = []
    at = 0
    while (start := text.find("{>>", at)) >= 0:
        end = text.find("<<}", start + 3)
        if end < 0:
            break  # unclosed: the rest is text (the check reports the unclosed mark)
        out += [text[at:start], " "]
        at = end + 3
    out.append(text[at:])
    return "".join(out)
