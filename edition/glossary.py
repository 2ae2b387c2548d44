"""The glossary registry: terms, acronyms and exemption codes, validated on load."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostics
from .inputs import read_text
from .schema import Field, validate
from .yamldata import load_list_of_mappings

KINDS = ("acronym", "term", "exemption")
TERM_FIELDS = [
    Field("term", "str"),
    Field("kind", "str", choices=KINDS),
    Field("expansion", "str", required=False),
    Field("definition", "str"),
    Field("aliases", "str-list", required=False),
    Field("entity", "str", required=False),
    Field("legal_basis", "str", required=False),
    Field("withholds", "str", required=False),
]


@dataclass(frozen=True)
class Term:
    key: str  # anchor on the glossary page
    term: str
    kind: str
    definition: str
    expansion: str | None = None
    aliases: tuple[str, ...] = ()
    entity: str | None = None
    legal_basis: str | None = None
    withholds: str | None = None
    path: str = ""
    line: int = 0

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)

    @property
    def tooltip(self) -> str:
        return self.expansion or self.definition


def term_key(term: str) -> str:
    flat = unicodedata.normalize("NFKC", term)
    return "term-" + (re.sub(r"[^A-Za-z0-9]+", "-", flat).strip("-") or "x")


def load_glossary(path: Path, diags: Diagnostics, shown: str) -> list[Term]:
    if not path.exists():
        return []
    items = load_list_of_mappings(read_text(path, shown, diags) or "", shown, diags, "glossary")
    terms: list[Term] = []
    keys: dict[str, int] = {}
    forms: dict[str, tuple[str, int]] = {}
    for item in items:
        if not validate(item, TERM_FIELDS, shown, diags, "glossary entry"):
            continue
        v = item.value
        kind = v["kind"]
        if kind in ("acronym", "exemption") and not v.get("expansion"):
            diags.error(shown, item.line, f"{kind} '{v['term']}' has no 'expansion'", "add 'expansion:' with what the letters stand for")
            continue
        if kind == "exemption" and not (v.get("legal_basis") and v.get("withholds")):
            diags.error(shown, item.line, f"exemption code '{v['term']}' needs 'legal_basis' and 'withholds'", "say under which provision it is withheld and what it withholds")
            continue
        key = term_key(v["term"])
        if key in keys:
            diags.error(shown, item.line, f"term '{v['term']}' duplicates the entry on line {keys[key]}", "merge the two entries or make the second an alias")
            continue
        keys[key] = item.line
        term = Term(
            key=key, term=v["term"], kind=kind, definition=v["definition"].strip(),
            expansion=v.get("expansion"), aliases=tuple(v.get("aliases") or ()), entity=v.get("entity"),
            legal_basis=v.get("legal_basis"), withholds=v.get("withholds"), path=shown, line=item.line,
        )
        clash = False
        for form in term.forms:
            if form in forms:
                diags.error(shown, item.line_of("aliases") if form != term.term else item.line,
                            f"'{form}' is claimed by two glossary entries (also line {forms[form][1]})", "keep it in one entry only")
                clash = True
            forms[form] = (term.key, item.line)
        if not clash:
            terms.append(term)
    return terms


IGNORE_FIELDS = [Field("token", "str"), Field("reason", "str")]


def load_ignore_list(path: Path, diags: Diagnostics, shown: str) -> set[str]:
    """Tokens that look like acronyms but are not; each must say why."""
    if not path.exists():
        return set()
    items = load_list_of_mappings(read_text(path, shown, diags) or "", shown, diags, "acronym ignore list")
    return {item.value["token"] for item in items if validate(item, IGNORE_FIELDS, shown, diags, "ignore entry")}
