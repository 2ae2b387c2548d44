"""The register of people, organisations, periodicals, programmes, agreements, laws, places and events."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostics
from .inputs import read_text
from .schema import Field, parse_partial_date, validate
from .yamldata import load_list_of_mappings

TYPES = ("person", "organisation", "periodical", "programme", "agreement", "law", "place", "event")
TYPE_TITLES = {
    "person": "People", "organisation": "Organisations", "periodical": "Newspapers and periodicals",
    "programme": "Programmes and weapon systems", "agreement": "Agreements and policies",
    "law": "Laws and statutes", "place": "Places", "event": "Events",
}
ENTITY_FIELDS = [
    Field("id", "str"),
    Field("name", "str"),
    Field("type", "str", choices=TYPES),
    Field("aliases", "str-list", required=False),
    Field("description", "str"),
    Field("role", "str", required=False),
    Field("date", "partial-date", required=False),
    Field("end_date", "partial-date", required=False),
    Field("related", "str-list", required=False),
]
ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    type: str
    description: str
    aliases: tuple[str, ...] = ()
    role: str | None = None
    date: tuple[int, int, int] | None = None
    end_date: tuple[int, int, int] | None = None
    related: tuple[str, ...] = ()
    path: str = ""
    line: int = 0

    @property
    def forms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.name, *self.aliases)))

    @property
    def page(self) -> str:
        return f"entities/{self.id}.md"


def load_entities(path: Path, diags: Diagnostics, shown: str) -> dict[str, Entity]:
    if not path.exists():
        return {}
    items = load_list_of_mappings(read_text(path, shown, diags) or "", shown, diags, "entity")
    entities: dict[str, Entity] = {}
    forms: dict[str, tuple[str, int]] = {}
    related_lines: list[tuple[str, str, int]] = []
    for item in items:
        if not validate(item, ENTITY_FIELDS, shown, diags, "entity"):
            continue
        v = item.value
        eid = v["id"]
        if not set(eid) <= ID_CHARS:
            diags.error(shown, item.line_of("id"), f"entity id '{eid}' must be lowercase letters, digits and '-'", "e.g. 'toshiba-machine'")
            continue
        if eid in entities:
            diags.error(shown, item.line_of("id"), f"entity id '{eid}' is used twice (first on line {entities[eid].line})", "give each entity its own id")
            continue
        ent = Entity(
            id=eid, name=v["name"], type=v["type"], description=v["description"].strip(),
            aliases=tuple(v.get("aliases") or ()), role=v.get("role"),
            date=parse_partial_date(v["date"]) if "date" in v else None,
            end_date=parse_partial_date(v["end_date"]) if "end_date" in v else None,
            related=tuple(v.get("related") or ()), path=shown, line=item.line,
        )
        for form in ent.forms:
            if form in forms and forms[form][0] != eid:
                other, other_line = forms[form]
                diags.error(
                    shown, item.line_of("aliases") if form != ent.name else item.line_of("name"),
                    f"alias '{form}' is claimed by '{eid}' and by '{other}' (line {other_line})",
                    "keep the alias in one entity, and pin ambiguous mentions in the text with [words](entity:id)",
                )
            forms[form] = (eid, item.line)
        for n, rel in enumerate(ent.related):
            if rel == eid or rel in ent.related[:n]:
                what = "itself" if rel == eid else f"'{rel}' twice"
                diags.error(shown, item.line_of("related"), f"entity '{eid}' lists {what} in 'related'", "list each other entity once; 'related' links to other entities")
            related_lines.append((rel, eid, item.line_of("related")))
        entities[eid] = ent
    for rel, eid, line in related_lines:
        if rel not in entities:
            diags.error(shown, line, f"entity '{eid}' is related to unknown id '{rel}'", "use the id of an entity in this file")
    return entities
