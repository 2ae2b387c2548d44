"""The BibTeX library: parsed once per build with bibtexparser, validated, formatted, exported.

Formatting is Chicago 17th edition notes-bibliography, by citeproc-js (the reference CSL
processor, the one Zotero uses) with the CSL style and en-US locale vendored in ``edition/csl``
beside their licences. citeproc-js runs under Node once per build, over every rendering the
build needs (``Formatter.prepare``); renderings are kept in an on-disk cache keyed by the CSL
data, so an unchanged library never starts Node again. Everything the processor returns, fresh
or cached, goes through one sanitiser that keeps only ``<i>``, ``<b>``, ``<sup>`` and ``<sub>``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from html import escape, unescape
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, Entry
from lxml import html as lxml_html

from .diagnostics import Diagnostics

CSL_DIR = Path(__file__).resolve().parent / "csl"
STYLE_FILE = CSL_DIR / "chicago-notes-bibliography-17th-edition.csl"
LOCALE_FILE = CSL_DIR / "locales-en-US.xml"
RENDERER = CSL_DIR / "render.js"
STYLE = "chicago-notes-bibliography-17th-edition+citeproc-js-2.4.63"
MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
# BibTeX/biblatex entry type -> CSL type; @article and @misc are refined by ``entrysubtype``.
CSL_TYPES = {
    "book": "book", "inbook": "chapter", "incollection": "chapter", "article": "article-journal",
    "techreport": "report", "report": "report", "misc": "document", "unpublished": "manuscript",
    "inproceedings": "paper-conference", "thesis": "thesis", "phdthesis": "thesis", "mastersthesis": "thesis",
    "online": "webpage", "manual": "book", "booklet": "pamphlet",
}
ARTICLE_SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine", "interview": "interview"}
# @misc with one of these subtypes: an untitled item of a periodical (the entry's title is the
# periodical's), or a speech/testimony (``howpublished`` says where it was given).
MISC_SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine", "speech": "speech", "testimony": "speech"}
RIS_TYPES = {
    "book": "BOOK", "chapter": "CHAP", "article-journal": "JOUR", "article-newspaper": "NEWS",
    "article-magazine": "MGZN", "report": "RPRT", "document": "GEN", "manuscript": "UNPB",
    "paper-conference": "CPAPER", "thesis": "THES", "webpage": "ELEC", "pamphlet": "PAMP",
    "interview": "PCOMM", "speech": "SLIDE",
}
REQUIRED = {
    "book": ("title", "publisher"), "article": ("journal",), "incollection": ("title", "booktitle"),
    "techreport": ("title", "institution"), "report": ("title", "institution", "type"), "misc": ("title",),
}
# Words that make a name an organisation: written as "Last, First" it would be split into a person.
ORGANISATION_WORDS = re.compile(
    r"\b(agency|department|office|committee|foundation|board|institute|institution|ministry|council|"
    r"bureau|administration|commission|corporation|company|association|university|government|service|"
    r"directorate|division|center|centre|command|force|inc|ltd)\b", re.I)
_TAGS = re.compile(r"<[^>]+>")
_SIMPLE_LATEX = [("---", "—"), ("--", "–"), ("~", "\u00a0"), ("``", "“"), ("''", "”")]
_ALLOWED_TAGS = frozenset({"i", "b", "sup", "sub"})
_HEX64 = re.compile(r"[0-9a-f]{64}")
_LT, _GT = "\ue000", "\ue001"  # '<' and '>' of a title on their way through the processor
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")

log = logging.getLogger(__name__)


# -- locators ----------------------------------------------------------------------------------

LOCATOR_LABELS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page", "table": "table", "tab": "table", "tbl": "table",
    "fig": "figure", "figure": "figure", "vol": "volume", "ch": "chapter", "chap": "chapter",
    "para": "paragraph", "sec": "section", "n": "note", "nn": "note", "col": "column",
}
_LOCATOR = re.compile(
    r"^(?:(?P<label>[A-Za-z]+)\.?\s+)?(?P<value>[0-9ivxlcdmA-Z]+(?:\s*[-–]+\s*[0-9ivxlcdmA-Z]+)?"
    r"(?:\s*,\s*[0-9ivxlcdm]+(?:\s*[-–]+\s*[0-9ivxlcdm]+)?)*)$"
)


@dataclass(frozen=True)
class Locator:
    """A pinpoint a note gives, in the processor's terms: a CSL label and the value with hyphens."""

    label: str
    value: str


def parse_locator(text: str | None) -> Locator | None:
    """'p. 325' -> page 325; 'pp. 47-51' -> page 47-51; 'Table B' -> table B; None if unreadable."""
    if not text or not text.strip():
        return None
    m = _LOCATOR.match(text.strip().rstrip("."))
    if not m:
        return None
    label = LOCATOR_LABELS.get((m.group("label") or "p").lower())
    if label is None:
        return None
    value = re.sub(r"\s*[-–]+\s*", "-", m.group("value"))
    if label == "page" and not re.fullmatch(r"[0-9ivxlcdm]+(?:-[0-9ivxlcdm]+)?(?:\s*,\s*[0-9ivxlcdm]+(?:-[0-9ivxlcdm]+)?)*", value):
        return None
    return Locator(label, value)


# -- names and entries --------------------------------------------------------------------------

@dataclass(frozen=True)
class Name:
    family: str = ""
    given: str = ""
    literal: str = ""  # an organisation written in double braces

    def csl(self) -> dict[str, str]:
        return {"literal": self.literal} if self.literal else {"family": self.family, "given": self.given}

    @property
    def sort_key(self) -> str:
        return self.literal or self.family

    @property
    def inverted(self) -> str:
        """'Family, Given' for a person (RIS, Highwire); the whole name for an organisation."""
        return self.literal or (f"{self.family}, {self.given}" if self.given else self.family)


def _format_date(parts: list[int]) -> str:
    if len(parts) >= 3:
        return f"{MONTH_NAMES[parts[1] - 1]} {parts[2]}, {parts[0]}"
    if len(parts) == 2:
        return f"{MONTH_NAMES[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def _date(value: str) -> list[int] | None:
    m = _DATE.match(value.strip())
    if not m:
        return None
    parts = [int(x) for x in m.groups() if x]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return None
    return parts


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
            ends = [_date(part) for part in date.split("/", 1)]
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
        subtype = self.fields.get("entrysubtype", "").lower()
        if self.entry_type == "article":
            return ARTICLE_SUBTYPES.get(subtype, "article-journal")
        if self.entry_type == "misc" and subtype in MISC_SUBTYPES:
            return MISC_SUBTYPES[subtype]
        return CSL_TYPES.get(self.entry_type, "")

    @property
    def untitled_periodical_item(self) -> bool:
        return self.entry_type == "misc" and self.csl_type.startswith("article-")

    @property
    def container(self) -> str:
        if self.untitled_periodical_item:
            return self.title
        return self.fields.get("journaltitle") or self.fields.get("journal") or self.fields.get("booktitle", "")

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
        """The CSL-JSON item (plain strings: citeproc-js escapes what it renders)."""
        f = self.fields
        item: dict[str, object] = {"id": self.key, "type": self.csl_type or "document"}
        if self.authors:
            item["author"] = [n.csl() for n in self.authors]
        descriptive = self.csl_type == "interview" and self.title.lower() == "interview"
        if self.title and not self.untitled_periodical_item and not descriptive:
            item["title"] = self.title
        if self.container:
            item["container-title"] = self.container
        if self.publisher:
            item["publisher"] = self.publisher
        if self.place:
            item["publisher-place"] = self.place
        simple = {
            "pages": "page", "volume": "volume", "number": "number", "issue": "issue", "note": "note",
            "abstract": "abstract", "url": "URL", "doi": "DOI", "edition": "edition", "series": "collection-title",
            "pagetotal": "number-of-pages",
        }
        for src, dst in simple.items():
            if f.get(src):
                item[dst] = f[src].replace("–", "-") if src == "pages" else f[src]
        genre = f.get("type", "")
        if self.csl_type == "speech" and f.get("howpublished"):
            item["event"] = f["howpublished"]  # where it was given: "testimony to the … Committee"
        elif self.entry_type == "misc" and f.get("howpublished"):
            genre = genre or f["howpublished"]
        if self.csl_type == "interview":
            genre = "interview"
        if genre:
            item["genre"] = genre
        orig = _date(f.get("origdate", "")) if f.get("origdate") else None
        if orig and self.date_parts:
            # one work issued twice (a first release and a later one): Chicago names both dates
            item["issued"] = {"literal": f"{_format_date(orig)} and {_format_date(self.date_parts)}"}
        elif self.date_range:
            item["issued"] = {"date-parts": self.date_range}
        return item


def processor_item(ref: Reference) -> dict[str, object]:
    """The CSL item as the processor gets it: titles as the source prints them, protected from the
    style's title-casing (BibTeX's braces protect words; a title here is already in title case)."""
    item = ref.csl()
    for var in ("title", "container-title"):
        if isinstance(item.get(var), str):
            # '<' and '>' travel as private-use characters (restored by ``sanitise``), so that a
            # title's own angle brackets are never read as markup by the processor
            value = str(item[var]).replace("<", _LT).replace(">", _GT)
            item[var] = f'<span class="nocase">{value}</span>'
    return item


def decode_latex(value: str) -> str:
    """Plain Unicode for display; pylatexenc only where there is a macro to expand."""
    if "\\" in value:
        from pylatexenc.latex2text import LatexNodes2Text

        return LatexNodes2Text().latex_to_text(value).strip()
    for a, b in _SIMPLE_LATEX:
        value = value.replace(a, b)
    return re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()


def _raw_names(value: str) -> list[str]:
    """The names of a BibTeX name list as written, split at top-level 'and'."""
    parts, depth, current = [], 0, []
    for tok in re.split(r"(\s+and\s+|[{}])", value):
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
        if depth == 0 and re.fullmatch(r"\s+and\s+", tok or ""):
            parts.append("".join(current))
            current = []
        else:
            current.append(tok or "")
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def split_names(value: str) -> tuple[Name, ...]:
    """BibTeX names: 'Last, First and First Last and {Corporate Body}'."""
    names = []
    for raw in _raw_names(value):
        if raw.startswith("{") and raw.endswith("}") and raw.count("{") == 1 + raw[1:-1].count("{"):
            names.append(Name(literal=decode_latex(raw[1:-1])))
        elif "," in raw:
            family, given = raw.split(",", 1)
            names.append(Name(family=decode_latex(family), given=decode_latex(given)))
        else:
            words = raw.split()
            names.append(Name(family=decode_latex(words[-1]), given=decode_latex(" ".join(words[:-1]))))
    return tuple(names)


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
                shown, line, f"unparseable BibTeX entry starting '{_first_line(block.raw)}'",
                "check that every '{' is closed, fields are separated by commas and the entry ends with '}'",
            )
    return library


def _check_names(raw: str, label: str, shown: str, line: int, diags: Diagnostics) -> None:
    """Organisations must reach every channel as one name: double braces, and no comma inside."""
    for name, written in zip(split_names(raw), _raw_names(raw), strict=False):
        if name.literal:
            if "," in name.literal:
                diags.error(shown, line, f"{label}: the organisation '{name.literal}' contains a comma, so reference managers (RIS, citation_author) split it into persons",
                            "name the body that wrote the work as one name without commas, and put the parent body in 'institution'")
        elif "," in written and ORGANISATION_WORDS.search(f"{name.family} {name.given}") and len(f"{name.family} {name.given}".split()) > 2:
            diags.error(shown, line, f"{label}: '{name.family}, {name.given}' is an organisation written as 'Last, First'",
                        f"write an organisation in double braces: {{{{{name.given} {name.family}}}}}")


def _add_entry(entry: Entry, shown: str, diags: Diagnostics, library: Library) -> None:
    line = (entry.start_line or 0) + 1
    if entry.key in library.references:
        first = library.references[entry.key]
        diags.error(shown, line, f"duplicate BibTeX key '{entry.key}' (first defined in {first.path}:{first.line})", "give each entry its own key")
        return
    entry_type = entry.entry_type.lower()
    raw_fields = {f.key.lower(): str(f.value) for f in entry.fields}
    label = f"@{entry_type}{{{entry.key}}}"
    for name, value in list(raw_fields.items()):  # a missing comma makes the next fields part of this value
        if m := re.search(r"[}\"]\s*\n\s*([A-Za-z][\w-]*)\s*=\s*[{\"\d]", value):
            at = entry.raw.find(value[: m.start() + 1])
            field_line = line + entry.raw[:at].count("\n") + value[: m.start()].count("\n") if at >= 0 else line
            diags.error(shown, field_line, f"{label}: a comma is missing after field '{name}', so '{m.group(1)}' is read as part of its value",
                        f"end the '{name}' line with ','")
            kept = value[: m.start() + 1].strip()  # read on as if the comma were there: no knock-on errors
            raw_fields[name] = kept[1:-1] if kept.startswith("{") and kept.endswith("}") else kept
            raw_fields.update((k.lower(), v) for k, v in re.findall(r"([A-Za-z][\w-]*)\s*=\s*[{\"]?([^}\"\n]*)[}\"]?", value[m.start() + 1:]))
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
    ref = Reference(entry.key, entry_type, fields, authors, entry.raw, shown, line)
    if not ref.csl_type or ref.csl_type == "document":
        diags.error(shown, line, f"{label}: the Chicago style has no form for this entry type",
                    "use @book, @article (entrysubtype magazine, newspaper or interview), @report, @incollection, @thesis, "
                    "or @misc with entrysubtype newspaper, magazine or speech")
    if not ref.date_parts:
        diags.error(shown, line, f"{label} has no usable date", "add 'date = {YYYY-MM-DD}' (or a range 'YYYY-MM/YYYY-MM')")
    if fields.get("origdate") and not _date(fields["origdate"]):
        diags.error(shown, line, f"{label} has an unreadable 'origdate'", "write it as YYYY, YYYY-MM or YYYY-MM-DD")
    library.references[entry.key] = ref


def load_library(bib_dir: Path, root: Path, diags: Diagnostics) -> Library:
    library = Library()
    for path in sorted(bib_dir.glob("*.bib")):
        parse_library(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix(), diags, library)
    return library


# -- formatting -----------------------------------------------------------------------------------

def sanitise(markup: str) -> str:
    """Processor output as safe HTML: text escaped, only <i>, <b>, <sup>, <sub> kept (no attributes)."""

    def text(value: str | None) -> str:
        return escape((value or "").replace(_LT, "<").replace(_GT, ">"), quote=False)

    def clean(el) -> str:  # type: ignore[no-untyped-def]
        parts = [text(el.text)]
        for child in el:
            if isinstance(child.tag, str):
                inner = clean(child)
                tag = child.tag.lower()
                parts.append(f"<{tag}>{inner}</{tag}>" if tag in _ALLOWED_TAGS else inner)
            parts.append(text(child.tail))
        return "".join(parts)

    if not markup.strip():
        return ""
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    return re.sub(r"\s+", " ", clean(root)).strip()


def plain(markup: str) -> str:
    return unescape(_TAGS.sub("", markup))


@dataclass(frozen=True)
class NoteJob:
    key: str
    locator: Locator | None = None


@dataclass(frozen=True)
class BibliographyJob:
    keys: tuple[str, ...]


Job = NoteJob | BibliographyJob


class CitationError(Exception):
    """citeproc-js could not be run at all (no Node, a broken vendored file)."""


class Formatter:
    """Chicago notes-bibliography strings, rendered by citeproc-js in one batch per build.

    ``prepare`` takes every rendering the build will need and starts Node once for those the
    cache lacks; ``note``/``bibliography`` then only look up. A rendering not prepared is still
    produced (one more Node run) rather than missing. The cache file is data: it is type-checked
    entry by entry, anything of the wrong shape is dropped and rendered again, and cached markup
    passes the same sanitiser as fresh output.
    """

    def __init__(self, library: Library, cache_file: Path | None = None, diags: Diagnostics | None = None):
        self.library = library
        self.cache_file = cache_file
        self.diags = diags if diags is not None else Diagnostics()
        self.node_runs = 0
        self._disk: dict[str, object] = {}
        self._used: dict[str, object] = {}
        self._results: dict[Job, object] = {}
        self._reported: set[str] = set()
        self._running: tuple[threading.Thread, dict[Job, str], dict[str, object]] | None = None
        if cache_file and cache_file.exists():
            self._disk = _read_cache(cache_file)

    # digest of what a rendering depends on: the style, the job and the CSL data of its entries
    def _digest(self, job: Job) -> str:
        if isinstance(job, NoteJob):
            data: object = ["note", processor_item(self.library.references[job.key]), job.locator.label if job.locator else None, job.locator.value if job.locator else None]
        else:
            data = ["bibliography", [processor_item(self.library.references[k]) for k in job.keys]]
        return hashlib.sha256(json.dumps([STYLE, data], sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def prepare(self, jobs: Iterable[Job], background: bool = False) -> None:
        """Render every job not yet known, in one Node process; with ``background`` the process
        runs while the build goes on (Node's start-up alone is seconds) and the first look-up
        or ``wait`` collects it."""
        self.wait()
        missing: dict[Job, str] = {}
        for job in dict.fromkeys(jobs):
            if job in self._results or not self._known(job):
                continue
            digest = self._digest(job)
            cached = _valid(self._disk.get(digest), job)
            if cached is not None:
                self._results[job] = cached
                self._used[digest] = self._disk[digest]
            else:
                missing[job] = digest
        if not missing:
            return
        if background:
            outcome: dict[str, object] = {}

            def run() -> None:
                try:
                    outcome["fresh"] = self._call(list(missing))
                except Exception as exc:  # reported by wait(), in the build's thread
                    outcome["error"] = exc

            thread = threading.Thread(target=run, name="citeproc", daemon=True)
            self._running = (thread, missing, outcome)
            thread.start()
            return
        self._finish(missing, lambda: self._run(list(missing)))

    def wait(self) -> None:
        """Collect the renderings started in the background, if any."""
        if self._running is None:
            return
        thread, missing, outcome = self._running
        self._running = None
        thread.join()

        def collected() -> dict[Job, object]:
            if "error" in outcome:
                raise outcome["error"]  # type: ignore[misc]
            return self._parse(list(missing), outcome["fresh"])  # type: ignore[arg-type]

        self._finish(missing, collected)

    def _finish(self, missing: dict[Job, str], render: Callable[[], dict[Job, object]]) -> None:
        try:
            fresh = render()
        except (CitationError, OSError, ValueError, subprocess.SubprocessError) as exc:
            if "citeproc" not in self._reported:
                self._reported.add("citeproc")
                self.diags.error(RENDERER.relative_to(CSL_DIR.parent.parent).as_posix(), None, f"citations could not be formatted: {exc}",
                                 "the build needs Node.js (`node` on the PATH) and the files in edition/csl/")
            return
        for job, digest in missing.items():
            value = fresh.get(job)
            if value is not None:
                self._results[job] = value
                if _valid(value, job) is not None:  # a list missing an unrenderable entry is not kept
                    self._used[digest] = value

    def _known(self, job: Job) -> bool:
        keys = (job.key,) if isinstance(job, NoteJob) else job.keys
        return all(k in self.library.references for k in keys)

    def _run(self, jobs: list[Job]) -> dict[Job, object]:
        return self._parse(jobs, self._call(jobs))

    def _call(self, jobs: list[Job]) -> str:
        """citeproc-js's answer (JSON text) for ``jobs``; touches nothing of the Formatter but
        the count of Node runs, so it may run in a thread."""
        node = shutil.which("node")
        if node is None:
            raise CitationError("Node.js is needed to format citations (citeproc-js); install it (Debian: apt-get install nodejs)")
        keys = sorted({k for j in jobs for k in ((j.key,) if isinstance(j, NoteJob) else j.keys)})
        request = {
            "style": STYLE_FILE.read_text(encoding="utf-8"),
            "locale": LOCALE_FILE.read_text(encoding="utf-8"),
            "items": {k: processor_item(self.library.references[k]) for k in keys},
            "jobs": [
                {"kind": "note", "id": j.key, "locator": j.locator.value if j.locator else None, "label": j.locator.label if j.locator else None}
                if isinstance(j, NoteJob) else {"kind": "bibliography", "ids": list(j.keys)}
                for j in jobs
            ],
        }
        self.node_runs += 1
        proc = subprocess.run([node, str(RENDERER)], input=json.dumps(request), capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise CitationError(f"citeproc-js failed: {proc.stderr.strip()[:500]}")
        return proc.stdout

    def _parse(self, jobs: list[Job], stdout: str) -> dict[Job, object]:
        answers = json.loads(stdout)["results"]
        out: dict[Job, object] = {}
        for job, answer in zip(jobs, answers, strict=True):
            if isinstance(answer, dict) and "error" in answer:
                for key in (job.key,) if isinstance(job, NoteJob) else job.keys:
                    self._unrenderable(key, str(answer.get("error", "")))
                continue
            partial = False
            if isinstance(job, BibliographyJob):
                for key in answer.get("failed", []):
                    self._unrenderable(key, "no bibliography form")
                    partial = True
                answer = answer.get("entries")
            value = _valid(answer, job, partial)
            if value is not None:
                out[job] = value
        return out

    def _unrenderable(self, key: str, why: str) -> None:
        if key in self._reported:
            return
        self._reported.add(key)
        ref = self.library.references[key]
        self.diags.error(ref.path, ref.line, f"@{ref.entry_type}{{{key}}}: the Chicago style cannot render this entry ({why})",
                         "use an entry type and fields the style knows (see CONTRIBUTING.md)")

    def _result(self, job: Job) -> object:
        self.wait()
        if job not in self._results:
            self.prepare([job])
        return self._results.get(job)

    def note(self, key: str, locator: Locator | None = None, html: bool = True) -> str:
        """The first, full note for ``key``, at ``locator`` if given."""
        value = self._result(NoteJob(key, locator))
        text = sanitise(value) if isinstance(value, str) else ""
        return text if html else plain(text)

    def bibliography(self, keys: Iterable[str], html: bool = True) -> list[tuple[str, str]]:
        """Bibliography entries for ``keys`` in Chicago order (author, then title; 3-em dash for a repeated author)."""
        job = BibliographyJob(tuple(sorted(set(keys))))
        value = self._result(job)
        rows = value if isinstance(value, list) else []
        out = [(k, sanitise(v)) for k, v in rows]
        return out if html else [(k, plain(v)) for k, v in out]

    def entry(self, key: str, html: bool = True) -> str:
        """One work's bibliography entry on its own."""
        rows = self.bibliography([key], html)
        return rows[0][1] if rows else ""

    def get(self, key: str, form: str = "bibliography", html: bool = True) -> str:
        return self.entry(key, html) if form == "bibliography" else self.note(key, None, html)

    def save(self) -> None:
        """Keep this build's renderings (only these, so the cache never outgrows the library)."""
        self.wait()
        if not self.cache_file or self._used == self._disk:
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            self.cache_file.write_text(json.dumps(self._used, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        except OSError:
            pass  # a read-only checkout builds without the cache


def _read_cache(path: Path) -> dict[str, object]:
    """The cache as a mapping of digests; anything else (a list, damaged JSON) counts as empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and _HEX64.fullmatch(k)}


def _valid(value: object, job: Job, partial: bool = False) -> object | None:
    """``value`` if it has the shape ``job`` renders to (and sanitises without error), else None;
    ``partial`` accepts a bibliography lacking entries the processor could not render."""
    try:
        if isinstance(job, NoteJob):
            if isinstance(value, str) and value.strip():
                sanitise(value)
                return value
            return None
        if not isinstance(value, list) or (len(value) != len(job.keys) and not partial):
            return None
        rows: list[list[str]] = []
        for row in value:
            if not (isinstance(row, list) and len(row) == 2 and all(isinstance(x, str) for x in row)):
                return None
            sanitise(row[1])
            rows.append([row[0], row[1]])
        ids = [r[0] for r in rows]
        if len(set(ids)) != len(ids) or not set(ids) <= set(job.keys) or (not partial and len(ids) != len(job.keys)):
            return None
        return rows
    except (ValueError, RecursionError, TypeError):
        return None


# -- exports -----------------------------------------------------------------------------------

def to_csl_json(ref: Reference, url: str | None = None) -> str:
    item = ref.csl()
    if url:
        item["URL"] = url
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def to_bibtex(ref: Reference) -> str:
    return ref.raw.strip() + "\n"


def to_ris(ref: Reference, url: str | None = None) -> str:
    """RIS as Zotero's RIS translator reads it: an AU without a comma is one (corporate) name."""
    item = ref.csl()
    lines = [f"TY  - {RIS_TYPES.get(str(item['type']), 'GEN')}"]
    for n in ref.authors:
        lines.append(f"AU  - {n.inverted}")
    if item.get("title"):
        lines.append(f"TI  - {item['title']}")
    if item.get("container-title"):
        lines.append(f"T2  - {item['container-title']}")
    if item.get("collection-title"):
        lines.append(f"T3  - {item['collection-title']}")
    if ref.date_parts:
        lines.append(f"PY  - {ref.date_parts[0]}")
        y, m, d = ([*ref.date_parts, 0, 0])[:3]
        lines.append(f"DA  - {y:04d}/{m:02d}/{d:02d}/" if d else (f"DA  - {y:04d}/{m:02d}//" if m else f"DA  - {y:04d}///"))
    if item.get("publisher"):
        lines.append(f"PB  - {item['publisher']}")
    if item.get("publisher-place"):
        lines.append(f"CY  - {item['publisher-place']}")
    if item.get("number"):
        lines.append(f"SN  - {item['number']}")
    pages = str(item.get("page", ""))
    if pages:
        sp, _, ep = pages.partition("-")
        lines.append(f"SP  - {sp}")
        if ep:
            lines.append(f"EP  - {ep}")
    elif item.get("number-of-pages"):
        lines.append(f"SP  - {item['number-of-pages']}")
    if item.get("genre"):
        lines.append(f"M3  - {item['genre']}")
    if item.get("abstract"):
        lines.append(f"AB  - {item['abstract']}")
    if url:
        lines.append(f"UR  - {url}")
    if item.get("note"):
        lines.append(f"N1  - {item['note']}")
    lines.append(f"ID  - {ref.key}")
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def citation_meta(ref: Reference, page_url: str | None = None) -> list[tuple[str, str]]:
    """``citation_*`` meta tags (Highwire Press) as Zotero's Embedded Metadata translator reads them.

    One tag per author; an organisation's name has no comma (checked on load), so the translator
    does not split it into persons.
    """
    item = ref.csl()
    tags: list[tuple[str, str]] = [("citation_title", ref.title)]
    for n in ref.authors:
        tags.append(("citation_author", n.inverted))
    if ref.date_parts:
        tags.append(("citation_publication_date", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(ref.date_parts))))
    if item["type"] == "report":
        if ref.publisher:
            tags.append(("citation_technical_report_institution", ref.publisher))
        if item.get("number"):
            tags.append(("citation_technical_report_number", str(item["number"])))
    if ref.publisher:
        tags.append(("citation_publisher", ref.publisher))
    # a series: 'series', or a report type that carries a number ("Asian Backgrounder" no. 70)
    series = item.get("collection-title") or (item.get("genre") if item["type"] == "report" and item.get("number") else None)
    if series:
        tags.append(("citation_series_title", str(series)))
    if item.get("container-title"):
        tags.append(("citation_journal_title", str(item["container-title"])))
    if item.get("number-of-pages"):
        tags.append(("citation_num_pages", str(item["number-of-pages"])))
    if item.get("abstract"):
        tags.append(("citation_abstract", str(item["abstract"])))
    tags.append(("citation_language", "en"))
    if page_url:
        tags.append(("citation_public_url", page_url))
    return tags


def coins(ref: Reference, page_url: str | None = None) -> str:
    """A COinS span (OpenURL ContextObject). Zotero's COinS translator (priority 300) is preferred to
    Embedded Metadata (400) and reads ``rft.aucorp`` as one institutional name, which Highwire's
    ``citation_author`` cannot express; so it is emitted only for works by an organisation."""
    from urllib.parse import urlencode

    if not any(n.literal for n in ref.authors):
        return ""
    item = ref.csl()
    is_book = item["type"] in ("book", "report")
    pairs: list[tuple[str, str]] = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book" if is_book else "info:ofi/fmt:kev:mtx:journal"),
        ("rft.genre", "report" if item["type"] == "report" else ("book" if is_book else "article")),
        ("rft.btitle" if is_book else "rft.atitle", ref.title),
    ]
    for n in ref.authors:
        pairs.append(("rft.aucorp", n.literal) if n.literal else ("rft.au", n.inverted))
    if ref.date_parts:
        pairs.append(("rft.date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(ref.date_parts))))
    if ref.publisher:
        pairs.append(("rft.pub", ref.publisher))
    if ref.place:
        pairs.append(("rft.place", ref.place))
    if item.get("collection-title"):
        pairs.append(("rft.series", str(item["collection-title"])))
    if item.get("number-of-pages"):
        pairs.append(("rft.tpages", str(item["number-of-pages"])))
    if page_url:
        pairs.append(("rft_id", page_url))
    return f'<span class="Z3988" title="{escape(urlencode(pairs), quote=True)}"></span>'
