"""Which register entries the documents name: only those get a page.

Read from the memo files before any page is rendered (pages are created before rendering),
with the annotator's own automaton and pins, so it agrees with what the pages will show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .annotate import PIN_PREFIX, Annotator
from .reading import markdown_reading

_PIN = re.compile(r"\]\(" + re.escape(PIN_PREFIX) + r"([a-z0-9-]+)\)")
# Front matter is not the document's words; nor are editorial comments, deletions and the source's
# misreadings (``edition.reading``: the reading text of the Markdown).
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


def referenced_entities(texts: Iterable[str], annotator: Annotator) -> set[str]:
    """Ids of the entities that some memo text mentions (a registered form) or pins."""
    found: set[str] = set()
    for text in texts:
        body = markdown_reading(_FRONT.sub("", text))
        found.update(_PIN.findall(body))
        for m in annotator.matcher.find(body):
            for t in m.targets:
                if t.kind == "entity":
                    found.add(t.id)
                elif t.kind == "term" and (term := annotator.terms.get(t.id)) and term.entity:
                    found.add(term.entity)
    return found & set(annotator.entities)
