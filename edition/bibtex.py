"""The BibTeX library: read once per build with bibtexparser, decoded to Unicode, validated.

Every problem a contributor can make in ``bib/`` (an unreadable block, a duplicate key, a missing
comma, an organisation written as a person, an entry the Chicago style cannot render) is reported
here with its file and line, so that nothing downstream has to second-guess the data.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry

from .csl import csl_item, csl_type
from .dates import MONTHS, parse_iso_date
from .diagnostics import Diagnostics

REQUIRED = {
    "book": ("title", "publisher"), "article": ("journal",), "incollection": ("title", "booktitle"),
    "techreport": ("title", "institution"), "report": ("title", "institution", "type"), "misc": ("title",),
}
# Words that make a name an organisation: written as "Last, First" it would be split into a person.
ORGANISATION_WORDS = re.compile(
    r"\b(agency|department|office|committee|foundation|board|institute|institution|ministry|council|"
    r"bureau|administration|commission|corporation|company|association|university|government|service|"
    r"directorate|division|center|centre|command|force|inc|ltd)\b", re.I)
# biblatex's language names (``langid``) as the tags CSL, RIS and Highwire expect
LANGUAGE_TAGS = {"english": "en", "american": "en-US", "british": "en-GB", "japanese": "ja", "french": "fr", "german": "de",
                 "russian": "ru", "chinese": "zh", "korean": "ko", "spanish": "es", "italian": "it"}
_SIMPLE_LATEX = [("---", "—"), ("--", "–"), ("~", "\u00a0"), ("``", "“"), ("''", "”")]


@dataclass(frozen=True)
class Name:
    """A name as BibTeX reads it: a person in its four parts, or an organisation as one literal."""

    family: str = ""
    given: str = ""
    literal: str = ""  # an organisation written in double braces
    particle: str = ""  # BibTeX's "von" part: 'van', 'de la'
    suffix: str = ""  # BibTeX's "Jr" part: 'Jr.', 'III'

    @property
    def family_with_particle(self) -> str:
        """'van Beethoven': the family name as it is written before the comma of 'von Last, First'."""
        return f"{self.particle} {self.family}" if self.particle else self.family

    @property
    def inverted(self) -> str:
        """'von Family, Given, Suffix' for a person, as RIS's AU and Highwire's citation_author want
        it ('van Beethoven, Ludwig', 'Smith, John, Jr.'); the whole name for an organisation."""
        if self.literal:
            return self.literal
        if self.suffix:  # the suffix is the third piece even when there is no given name
            return f"{self.family_with_particle}, {self.given}, {self.suffix}"
        return f"{self.family_with_particle}, {self.given}" if self.given else self.family_with_particle


@dataclass(frozen=True)
class Reference:
    """One work of the library, with its fields decoded from LaTeX to plain Unicode."""

    key: str
    entry_type: str
    fields: dict[str, str]
    authors: tuple[Name, ...]
    raw: str
    path: str
    line: int
    # where the copy the edition gives is kept, from the document's front matter (``archival_source``
    # and ``identifier``), not from bib/: Chicago names the repository of an unpublished document
    # (CMOS 14.211-14.232) and the reference managers' "archive" fields carry it (``with_copy``)
    archive: str = ""
    archive_location: str = ""

    def with_copy(self, archive: str | None, archive_location: str | None) -> Reference:
        """This work as the edition's copy of it is kept: its repository and the copy's identifier."""
        return replace(self, archive=(archive or "").strip(), archive_location=(archive_location or "").strip())

    @property
    def title(self) -> str:
        return self.fields.get("title", "")

    @property
    def year(self) -> int | None:
        d = self.date_parts
        return d[0] if d else None

    @cached_property
    def date_range(self) -> list[list[int]]:
        """``date`` as biblatex writes it: 'YYYY[-MM[-DD]]' or a range 'start/end'; else year/month."""
        date = self.fields.get("date", "")
        if date:
            ends = [parse_iso_date(part) for part in date.split("/", 1)]
            if all(ends):
                return [e for e in ends if e]
            return []
        parts: list[int] = []
        if re.fullmatch(r"\d{4}", self.fields.get("year", "")):
            parts.append(int(self.fields["year"]))
            month = self.fields.get("month", "").lower()[:3]
            if month in MONTHS:
                parts.append(MONTHS[month])
            elif month.isdigit():
                parts.append(int(month))
        return [parts] if parts else []

    @property
    def date_parts(self) -> list[int]:
        return self.date_range[0] if self.date_range else []

    @property
    def csl_type(self) -> str:
        return csl_type(self.entry_type, self.fields.get("entrysubtype", ""))

    @property
    def untitled_periodical_item(self) -> bool:
        return self.entry_type == "misc" and self.csl_type.startswith("article-")

    @property
    def container(self) -> str:
        if self.untitled_periodical_item:
            return self.title
        return self.fields.get("journaltitle") or self.fields.get("journal") or self.fields.get("booktitle", "")

    @property
    def language(self) -> str:
        """The work's language as a BCP 47 tag ('en'), from biblatex's ``langid`` or ``language``; '' when not given."""
        value = (self.fields.get("langid") or self.fields.get("language") or "").strip().lower()
        return LANGUAGE_TAGS.get(value, value if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", value) else "")

    @property
    def publisher(self) -> str:
        return self.fields.get("publisher") or self.fields.get("institution") or self.fields.get("organization", "")

    @property
    def place(self) -> str:
        return self.fields.get("location") or self.fields.get("address", "")

    @property
    def names_text(self) -> list[str]:
        """Every name, title and container, for matching a note's words against this work."""
        out = [n.literal or n.family for n in self.authors]
        for f in ("title", "shorttitle", "journaltitle", "journal", "booktitle", "note", "institution"):
            if self.fields.get(f):
                out.append(self.fields[f])
        return out

    def csl(self) -> dict[str, object]:
        """The CSL-JSON item (see ``csl.csl_item``)."""
        return csl_item(self)


def decode_latex(value: str) -> str:
    """Plain Unicode for display; pylatexenc only where there is a macro to expand."""
    if "\\" in value:
        from pylatexenc.latex2text import LatexNodes2Text

        return LatexNodes2Text().latex_to_text(value).strip()
    for a, b in _SIMPLE_LATEX:
        value = value.replace(a, b)
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def _one_group(written: str) -> bool:
    """Whether the whole name is one brace group, '{Office of East Asian Analysis}': BibTeX never
    splits inside braces, so that is how an organisation stays one name."""
    if not (written.startswith("{") and written.endswith("}")):
        return False
    depth = 0
    for i, char in enumerate(written):
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return i == len(written) - 1
    return False


def read_name(written: str) -> Name:
    """One name of a name list, split into parts by BibTeX's rules (bibtexparser's reading of
    'First von Last', 'von Last, First' and 'von Last, Jr, First'); a name in braces is literal."""
    if _one_group(written):
        return Name(literal=decode_latex(written[1:-1]))
    parts = parse_single_name_into_parts(written, strict=False)

    def text(words: list[str]) -> str:
        return decode_latex(" ".join(words))

    return Name(family=text(parts.last), given=text(parts.first), particle=text(parts.von), suffix=text(parts.jr))


def split_names(value: str) -> tuple[Name, ...]:
    """A BibTeX name list, 'Last, First and First Last and {Corporate Body}', split at each
    'and' outside braces."""
    return tuple(read_name(written) for written in split_multiple_persons_names(value))


@dataclass
class Library:
    references: dict[str, Reference] = field(default_factory=dict)

    def get(self, key: str) -> Reference | None:
        return self.references.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.references

    def __len__(self) -> int:
        return len(self.references)


def _first_line(raw: str) -> str:
    return raw.strip().splitlines()[0][:60] if raw.strip() else ""


def parse_library(text: str, shown: str, diags: Diagnostics, library: Library | None = None) -> Library:
    """Parse one .bib text; every failed block, duplicate or incomplete entry is reported with its line."""
    library = library if library is not None else Library()
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    try:
        parsed = bibtexparser.parse_string(text)
    except RecursionError:
        diags.error(shown, None, "the BibTeX file nests braces too deeply to be read", "remove the nested {…} groups")
        return library
    for entry in parsed.entries:
        _add_entry(entry, shown, diags, library)
    for block in parsed.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            first = library.get(block.key)
            where = f" (first defined on line {first.line})" if first and first.path == shown else ""
            diags.error(shown, line, f"duplicate BibTeX key '{block.key}'{where}", "give each entry its own key")
        else:
            diags.error(
                shown, line, f"unparseable BibTeX entry starting '{_first_line(block.raw or '')}'",
                "check that every '{' is closed, fields are separated by commas and the entry ends with '}'",
            )
    return library


def _check_names(raw: str, label: str, shown: str, line: int, diags: Diagnostics) -> None:
    """Organisations must reach every channel as one name: double braces, and no comma inside;
    a person's name must be one BibTeX can split (at most two commas, balanced braces)."""
    for written in split_multiple_persons_names(raw):
        name = read_name(written)
        if name.literal:
            if "," in name.literal:
                diags.error(shown, line, f"{label}: the organisation '{name.literal}' contains a comma, so reference managers (RIS, citation_author) split it into persons",
                            "name the body that wrote the work as one name without commas, and put the parent body in 'institution'")
            continue
        try:
            parse_single_name_into_parts(written, strict=True)
        except InvalidNameError as exc:
            diags.error(shown, line, f"{label}: the name '{written}' cannot be split into its parts ({exc.reason.lower()})",
                        "write a person as 'Last, First', 'von Last, Jr., First' or 'First Last', and an organisation in double braces")
        family, whole = name.family_with_particle, f"{name.family_with_particle} {name.given}"
        if "," in written and ORGANISATION_WORDS.search(whole) and len(whole.split()) > 2:
            diags.error(shown, line, f"{label}: '{family}, {name.given}' is an organisation written as 'Last, First'",
                        f"write an organisation in double braces: {{{{{name.given} {family}}}}}")


def _add_entry(entry: Entry, shown: str, diags: Diagnostics, library: Library) -> None:
    line = (entry.start_line or 0) + 1
    if entry.key in library.references:
        first = library.references[entry.key]
        diags.error(shown, line, f"duplicate BibTeX key '{entry.key}' (first defined in {first.path}:{first.line})", "give each entry its own key")
        return
    entry_type = entry.entry_type.lower()
    raw = entry.raw or ""
    raw_fields = {f.key.lower(): str(f.value) for f in entry.fields}
    label = f"@{entry_type}{{{entry.key}}}"
    for name, value in list(raw_fields.items()):  # a missing comma makes the next fields part of this value
        if m := re.search(r"[}\"][ \t]*+\n\s*+([A-Za-z][\w-]*+)\s*+=\s*+[{\"\d]", value):
            at = raw.find(value[: m.start() + 1])
            field_line = line + raw[:at].count("\n") + value[: m.start()].count("\n") if at >= 0 else line
            diags.error(shown, field_line, f"{label}: a comma is missing after field '{name}', so '{m.group(1)}' is read as part of its value",
                        f"end the '{name}' line with ','")
            kept = value[: m.start() + 1].strip()  # read on as if the comma were there: no knock-on errors
            raw_fields[name] = kept[1:-1] if kept.startswith("{") and kept.endswith("}") else kept
            raw_fields.update((k.lower(), v) for k, v in re.findall(r"(?<![\w-])([A-Za-z][\w-]*+)\s*+=\s*+[{\"]?([^}\"\n]*+)[}\"]?", value[m.start() + 1:]))
    try:
        fields = {k: decode_latex(v) for k, v in raw_fields.items() if k not in ("author", "editor")}
        authors = split_names(raw_fields.get("author") or raw_fields.get("editor") or "")
    except RecursionError:
        diags.error(shown, line, f"{label} nests LaTeX commands too deeply to be read", "write the field as plain text; at most a few levels of \\textit{…}")
        return
    _check_names(raw_fields.get("author") or raw_fields.get("editor") or "", label, shown, line, diags)
    for name in REQUIRED.get(entry_type, ()):
        if not fields.get(name) and not (name == "journal" and fields.get("journaltitle")):
            diags.error(shown, line, f"{label} has no '{name}'", f"add '{name} = {{...}}'")
    for name, value in raw_fields.items():
        if "FILL IN" in value:
            diags.error(shown, line, f"{label} field '{name}' still has its template text", "replace the FILL IN text with the real value")
    ref = Reference(entry.key, entry_type, fields, authors, raw, shown, line)
    if not ref.csl_type or ref.csl_type == "document":
        diags.error(shown, line, f"{label}: the Chicago style has no form for this entry type",
                    "use @book, @article (entrysubtype magazine, newspaper or interview), @report, @incollection, @thesis, "
                    "or @misc with entrysubtype newspaper, magazine, speech or testimony")
    if not ref.date_parts:
        diags.error(shown, line, f"{label} has no usable date", "add 'date = {YYYY-MM-DD}' (or a range 'YYYY-MM/YYYY-MM')")
    if fields.get("origdate") and not parse_iso_date(fields["origdate"]):
        diags.error(shown, line, f"{label} has an unreadable 'origdate'", "write it as YYYY, YYYY-MM or YYYY-MM-DD")
    library.references[entry.key] = ref


def load_library(bib_dir: Path, root: Path, diags: Diagnostics) -> Library:
    """Every ``.bib`` file of ``bib_dir`` into one library, in file-name order (keys are global)."""
    library = Library()
    for path in sorted(bib_dir.glob("*.bib")):
        parse_library(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix(), diags, library)
    return library
