"""Document types as data: what a memorandum, an article, a cable… records (data/document-types.yml).

The documents of the edition are of several kinds and each kind has its own facts: an article
has a periodical, a page and a byline, not an issuing office and a classification. Which fields a
type has, which are required, how the metadata card labels them, how the document is cited and
what the scaffold writes are read from the registry and validated when it is loaded, with file
and line, so a new kind of document is a change to a YAML file, not to the code.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .csl import ARTICLE_SUBTYPES, CSL_TYPES, MISC_SUBTYPES, csl_type
from .dates import format_partial_date
from .diagnostics import Diagnostics
from .inputs import read_text
from .schema import Field, parse_partial_date, validate
from .yamldata import Located, load_list_of_mappings

REGISTRY = "data/document-types.yml"
DEFAULT_TYPE = "memorandum"  # a document whose front matter names no type
FIELD_KINDS = ("str", "str-or-null", "int-or-null", "partial-date-or-null", "str-list")
# CSL types the edition's Chicago style renders (``bibtex._add_entry`` refuses the others)
RENDERED_CSL = tuple(sorted({*CSL_TYPES.values(), *ARTICLE_SUBTYPES.values(), *MISC_SUBTYPES.values()} - {"document"}))
_ID = re.compile(r"[a-z][a-z0-9-]*")
_NAME = re.compile(r"[a-z][a-z0-9_]*")

TYPE_FIELDS = [
    Field("id", "str"),
    Field("name", "str"),
    Field("plural", "str"),
    Field("description", "str"),
    Field("brief", "str"),
    Field("csl", "str-list"),
    Field("bibtex", "str"),
    Field("bibtex_subtype", "str", required=False),
    Field("bibtex_type", "str", required=False),
    Field("fields", "mapping-list"),
]
FIELD_FIELDS = [
    Field("name", "str"),
    Field("label", "str"),
    Field("kind", "str", choices=FIELD_KINDS),
    Field("required", "bool", required=False),
    Field("hint", "str"),
    Field("example", "str", required=False),
]


@dataclass(frozen=True)
class TypeField:
    """One front-matter field of a document type, as the card labels it and the scaffold asks for it."""

    name: str
    label: str
    kind: str
    required: bool = True
    hint: str = ""
    example: str | None = None

    @property
    def nullable(self) -> bool:
        return self.kind.endswith("-or-null")

    def shown(self, value: Any) -> str | None:
        """The value as the card prints it (plain text), or None when there is nothing to print."""
        if value is None or value == [] or value == "":
            return None
        if self.kind == "partial-date-or-null":
            date = parse_partial_date(value)
            return format_partial_date(date) if date else str(value)
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if isinstance(value, dt.date):
            return format_partial_date(value)
        return str(value).strip()


@dataclass(frozen=True)
class DocumentType:
    """A kind of document: its own fields, its card's labels, how it is cited."""

    id: str
    name: str
    plural: str
    description: str
    brief: str  # the field named after the date in lists and the card's summary
    csl: tuple[str, ...]  # the CSL types its BibTeX entry may have; the first is the scaffold's
    bibtex: str
    bibtex_subtype: str | None
    bibtex_type: str | None
    fields: tuple[TypeField, ...]
    path: str = REGISTRY
    line: int = 0

    def schema(self) -> list[Field]:
        """The type's fields as the front-matter validator reads them."""
        return [Field(f.name, f.kind, f.required) for f in self.fields]

    def field(self, name: str) -> TypeField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def article(self) -> str:
        """'a' or 'an' before the type's name, for the messages that name it."""
        return "an" if self.name[:1].lower() in "aeiou" else "a"


@dataclass(frozen=True)
class DocumentTypes:
    """Every type of the registry, by id, in the registry's order."""

    types: dict[str, DocumentType]
    path: str = REGISTRY
    broken: bool = False  # the registry had problems (reported where it was read): a type may be missing

    def get(self, type_id: str | None) -> DocumentType | None:
        return self.types.get(type_id or DEFAULT_TYPE)

    @property
    def ids(self) -> list[str]:
        return list(self.types)

    def choices(self) -> str:
        """The ids a contributor may write, for messages: 'memorandum, report, article, …'."""
        return ", ".join(self.types)


def _nested_lines(text: str) -> dict[int, list[tuple[int, dict[str, int]]]]:
    """For each type entry (by its first line), the line of each of its ``fields`` items and of
    their keys.

    ``load_list_of_mappings`` keeps the lines of the top-level keys only; the registry has
    already been loaded through it (anchors, size and markup refused), so composing it again
    here is safe and gives the nested lines."""
    out: dict[int, list[tuple[int, dict[str, int]]]] = {}
    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(root, yaml.SequenceNode):
        return out
    for node in root.value:
        if not isinstance(node, yaml.MappingNode):
            continue
        for key, value in node.value:
            if key.value == "fields" and isinstance(value, yaml.SequenceNode):
                out[node.start_mark.line + 1] = [
                    (item.start_mark.line + 1, {str(k.value): k.start_mark.line + 1 for k, _ in item.value})
                    for item in value.value if isinstance(item, yaml.MappingNode)
                ]
    return out


def _read_fields(item: Located, lines: list[tuple[int, dict[str, int]]], reserved: set[str], shown: str, diags: Diagnostics) -> tuple[TypeField, ...] | None:
    """The ``fields`` of one type entry (already known to be a list of mappings), each validated at its own lines."""
    nested = [Located(value, line, keys) for value, (line, keys) in zip(item.value["fields"], lines, strict=True)]
    fields: list[TypeField] = []
    ok = True
    for f in nested:
        if not validate(f, FIELD_FIELDS, shown, diags, "document-type field"):
            ok = False
            continue
        v = f.value
        name = v["name"]
        if not _NAME.fullmatch(name):
            diags.error(shown, f.line_of("name"), f"field name '{name}' must be lowercase letters, digits and '_'", "e.g. 'date_time_group'")
            ok = False
        elif name in reserved:
            diags.error(shown, f.line_of("name"), f"field '{name}' is a field of every document",
                        f"a type declares only its own fields; every document has: {', '.join(sorted(reserved))}")
            ok = False
        elif any(x.name == name for x in fields):
            diags.error(shown, f.line_of("name"), f"field '{name}' is declared twice in document type '{item.value['id']}'", "keep one of them")
            ok = False
        else:
            fields.append(TypeField(name, v["label"].strip(), v["kind"], v.get("required", True), v["hint"].strip(), v.get("example")))
    return tuple(fields) if ok else None


def parse_document_types(text: str, shown: str, diags: Diagnostics, reserved: Iterable[str]) -> DocumentTypes:
    """The registry from its text; every problem goes to ``diags`` with its line."""
    before = len(diags.errors)
    items = load_list_of_mappings(text, shown, diags, "document-type")
    if not items:
        if len(diags.errors) == before:  # an empty list, not a broken one
            diags.error(shown, 1, "the document-type registry has no type", f"declare at least '{DEFAULT_TYPE}', the type of a document that names none")
        return DocumentTypes({}, shown, broken=True)
    nested = _nested_lines(text)
    reserved = set(reserved)
    types: dict[str, DocumentType] = {}
    for item in items:
        if not validate(item, TYPE_FIELDS, shown, diags, "document type"):
            continue
        fields = _read_fields(item, nested.get(item.line, []), reserved, shown, diags)
        if fields is None:
            continue
        v = item.value
        tid = v["id"]
        if not _ID.fullmatch(tid):
            diags.error(shown, item.line_of("id"), f"document type id '{tid}' must be lowercase letters, digits and '-'", "e.g. 'article'")
            continue
        if tid in types:
            diags.error(shown, item.line_of("id"), f"document type '{tid}' is declared twice (first on line {types[tid].line})", "keep one of them")
            continue
        brief = next((f for f in fields if f.name == v["brief"]), None)
        if brief is None or brief.kind != "str" or not brief.required:
            diags.error(shown, item.line_of("brief"), f"'brief' of document type '{tid}' must name one of its required text fields, not '{v['brief']}'",
                        f"use one of: {', '.join(f.name for f in fields if f.kind == 'str' and f.required) or '(add a required field of kind str)'}")
            continue
        unknown = [c for c in v["csl"] if c not in RENDERED_CSL]
        if unknown or not v["csl"]:
            diags.error(shown, item.line_of("csl"), f"document type '{tid}' names CSL types the edition's Chicago style cannot render: {', '.join(unknown) or '(none)'}",
                        f"use one of: {', '.join(RENDERED_CSL)}")
            continue
        entry_csl = csl_type(v["bibtex"], v.get("bibtex_subtype") or "")
        if entry_csl != v["csl"][0]:
            diags.error(shown, item.line_of("bibtex"), f"the scaffold's entry @{v['bibtex']}{' (entrysubtype ' + v['bibtex_subtype'] + ')' if v.get('bibtex_subtype') else ''} "
                        f"is CSL type '{entry_csl or 'none'}', not '{v['csl'][0]}', the first of the type's 'csl'",
                        "make the BibTeX entry type and subtype those of the first CSL type (CONTRIBUTING.md, Adding a reference)")
            continue
        types[tid] = DocumentType(
            id=tid, name=v["name"].strip(), plural=v["plural"].strip(), description=v["description"].strip(), brief=v["brief"],
            csl=tuple(v["csl"]), bibtex=v["bibtex"], bibtex_subtype=v.get("bibtex_subtype"), bibtex_type=v.get("bibtex_type"),
            fields=fields, path=shown, line=item.line,
        )
    if DEFAULT_TYPE not in types and len(diags.errors) == before:
        diags.error(shown, 1, f"the document-type registry has no '{DEFAULT_TYPE}'", f"declare '{DEFAULT_TYPE}': it is the type of a document whose front matter names none")
    return DocumentTypes(types, shown, broken=len(diags.errors) > before)


def load_document_types(root: Path, diags: Diagnostics, reserved: Iterable[str]) -> DocumentTypes:
    """``data/document-types.yml`` of the project at ``root``."""
    path = root / REGISTRY
    if not path.is_file():
        diags.error(REGISTRY, None, "the document-type registry is missing", "restore data/document-types.yml from the repository")
        return DocumentTypes({}, broken=True)
    text = read_text(path, REGISTRY, diags)
    return parse_document_types(text, REGISTRY, diags, reserved) if text is not None else DocumentTypes({}, broken=True)


@functools.cache
def _own_types(reserved: tuple[str, ...]) -> tuple[DocumentTypes, tuple[str, ...]]:
    diags = Diagnostics()
    types = load_document_types(Path(__file__).resolve().parents[1], diags, reserved)
    return types, tuple(str(d) for d in diags.errors)


def own_document_types(reserved: Iterable[str]) -> DocumentTypes:
    """The registry of the repository this package belongs to: for callers that give no project
    (a front matter read on its own). Its problems are raised: this registry is the edition's own."""
    types, problems = _own_types(tuple(sorted(reserved)))
    if problems:
        raise ValueError("; ".join(problems))
    return types
