"""Notes of a memo: original wording kept verbatim, each linked to the work it cites.

A contributor attaches a work to a note by ending the note with ``[@key, locator]``
(pandoc's citation syntax); the marker is taken out of the wording before rendering.
"Ibid." and "op. cit." notes need no marker: they are resolved from the notes before them,
and a marker on them is checked against what the wording says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .bibtex import Library, Reference
from .csl import parse_locator
from .diagnostics import Diagnostics
from .reading import markdown_reading

DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]?(.*)$")
REFERENCE = re.compile(r"\[\^([^\]\s\[]+)\](?!:)")  # a label holds no '[': each candidate is scanned once
# A citation marker ends its note: matched from the last "[@" only, never tried at every position
_CITE_AT = re.compile(r"\[@([A-Za-z0-9_:.\-/]+)(?:,\s*([^\]]+))?\]\s*$")
IBID = re.compile(r"\bibid\b\.?", re.I)
OP_CIT = re.compile(r"\bop\.?\s*cit\b\.?", re.I)
_RANGE = r"[0-9ivxlc]+(?:\s*[-–]+\s*[0-9ivxlc]+)?"
LOCATOR = re.compile(
    rf"\b(pp?\.\s*{_RANGE}(?:,\s*{_RANGE})*|(?:table|fig\.|figure|vol\.|ch\.|para\.|sec\.)\s*[A-Z0-9]+)", re.I
)
_WORDS = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Note:
    doc_path: str
    label: str
    wording: str  # as the source has it, Markdown emphasis included
    line: int
    cite_key: str | None = None  # from an explicit [@key] marker
    cite_locator: str | None = None


@dataclass(frozen=True)
class ResolvedNote:
    note: Note
    key: str | None
    locator: str | None
    how: str  # "cited" | "ibid" | "op. cit." | "none"


@dataclass(frozen=True)
class NoteMarker:
    label: str
    line: int


def find_cite(text: str) -> re.Match[str] | None:
    """The ``[@key, locator]`` marker that ends ``text``, if any (one anchored match, linear time)."""
    start = text.rfind("[@")
    return _CITE_AT.match(text, start) if start >= 0 else None


def extract_notes(markdown: str, doc_path: str, shown: str, first_line: int, diags: Diagnostics) -> tuple[str, list[Note], list[NoteMarker]]:
    """Take citation markers out of note definitions; return the cleaned Markdown and the notes."""
    lines = markdown.split("\n")
    notes: list[Note] = []
    markers: list[NoteMarker] = []
    i = 0
    in_fence = False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence:
            i += 1
            continue
        m = DEFINITION.match(line)
        if not m:
            markers.extend(NoteMarker(r.group(1), i + first_line) for r in REFERENCE.finditer(line))
            i += 1
            continue
        start = i
        body = [m.group(2)]
        j = i + 1
        while j < len(lines) and (lines[j].startswith(("    ", "\t")) or (lines[j].strip() == "" and j + 1 < len(lines) and lines[j + 1].startswith(("    ", "\t")))):
            body.append(lines[j].strip())
            j += 1
        text = " ".join(b for b in body if b)
        key = locator = None
        c = find_cite(text)
        if c:
            key, locator = c.group(1), (c.group(2) or "").strip() or None
            text = text[: c.start()].rstrip()
            last = j - 1
            while last > start and not lines[last].strip():
                last -= 1
            marker = find_cite(lines[last])
            if marker:
                lines[last] = lines[last][: marker.start()].rstrip()
        if any(r.group(1) == m.group(1) for r in REFERENCE.finditer(text)):
            diags.error(shown, start + first_line, f"note [^{m.group(1)}] refers to itself", f"remove [^{m.group(1)}] from the note's own text")
        notes.append(Note(doc_path, m.group(1), text, start + first_line, key, locator))
        i = j
    return "\n".join(lines), notes, markers


def check_markers(notes: list[Note], markers: list[NoteMarker], shown: str, diags: Diagnostics) -> None:
    """Every marker has a note, every note a marker, numbered notes in order of first use."""
    defined = {n.label: n for n in notes}
    used: list[str] = []
    for mk in markers:
        if mk.label not in defined:
            diags.error(shown, mk.line, f"note marker [^{mk.label}] has no note", f"add a line '[^{mk.label}]: …' at the end of the file")
        if mk.label not in used:
            used.append(mk.label)
    for n in notes:
        if n.label not in used:
            diags.error(shown, n.line, f"note [^{n.label}] is never referenced in the text", f"put [^{n.label}] where its number stands in the source")
    numeric = [int(u) for u in used if u.isdigit()]
    if numeric != sorted(numeric):
        diags.error(shown, None, f"note numbers are out of order in the text: {numeric}", "keep the original numbering: markers must appear in ascending order")


def _plain(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def locator_of(wording: str) -> str | None:
    """The page (or table) locator a note's wording gives, e.g. 'pp. 1-3' or 'Table B'."""
    found = LOCATOR.findall(wording.replace("*", ""))
    return found[-1].strip() if found else None


def _names_work(phrase: str, ref: Reference) -> bool:
    """Whether a short reference ('Defense of Japan 1986', 'Defense Science Board Task Force') names ``ref``."""
    words = _plain(phrase)
    if not words:
        return False
    for candidate in ref.names_text:
        cand = _plain(candidate)
        if cand and (words in cand or cand in words):
            return True
    return False


def _wording_names(wording: str, ref: Reference) -> bool:
    """Whether a full note names its work: an author, the title or the periodical appears in it."""
    plain = f" {_plain(wording)} "
    return any(f" {_plain(name)} " in plain for name in ref.names_text if _plain(name))


def resolve_notes(notes: list[Note], library: Library, shown: str, diags: Diagnostics) -> list[ResolvedNote]:
    """Give each note its work and locator: explicit marker, Ibid. or op. cit."""
    resolved: list[ResolvedNote] = []
    cited_so_far: list[str] = []
    for note in notes:
        plain_wording = markdown_reading(note.wording).replace("*", "")  # the note as the document has it (edition.reading)
        auto_key: str | None = None
        how = "cited" if note.cite_key else "none"
        if IBID.search(plain_wording) and not OP_CIT.search(plain_wording):
            how = "ibid"
            previous = resolved[-1].key if resolved else None
            if previous is None:
                diags.error(shown, note.line, f"note {note.label} says 'Ibid.' but no earlier note cites a work", "Ibid. must follow a note that cites something; add [@key] to this note instead")
            auto_key = previous
        elif OP_CIT.search(plain_wording):
            how = "op. cit."
            phrase = OP_CIT.split(plain_wording)[0]
            phrase = re.sub(r"^\s*see\b", "", phrase, flags=re.I).strip(" ,.;")
            candidates = [k for k in dict.fromkeys(reversed(cited_so_far)) if k in library and _names_work(phrase, library.references[k])]
            if not candidates:
                diags.error(shown, note.line, f"note {note.label} says 'op. cit.' but no earlier note cites a work named '{phrase}'", "cite the work in full in an earlier note, or add [@key] to this note")
            elif len(candidates) > 1:
                diags.error(shown, note.line, f"note {note.label}: 'op. cit.' after '{phrase}' could stand for {', '.join(candidates)}", "add [@key] to the note to say which")
            else:
                auto_key = candidates[0]
        key = note.cite_key or auto_key
        if note.cite_key and auto_key and note.cite_key != auto_key:
            diags.error(shown, note.line, f"note {note.label} is marked [@{note.cite_key}] but its wording ('{how}') stands for '{auto_key}'", "correct the key or remove the marker")
        if note.cite_key and note.cite_key not in library:
            diags.error(shown, note.line, f"note {note.label} cites unknown key '{note.cite_key}'", "add the work to a .bib file in bib/ or correct the key")
            key = None
        elif note.cite_key and how == "cited" and not _wording_names(plain_wording, library.references[note.cite_key]):
            diags.error(shown, note.line, f"note {note.label}: its wording names none of the author, title or periodical of '{note.cite_key}'", "check that the key is the work the note cites")
        if note.cite_locator and parse_locator(note.cite_locator) is None:
            diags.error(shown, note.line, f"note {note.label}: the locator '{note.cite_locator}' cannot be read",
                        "write a page or range ('325', 'pp. 47-51') or a labelled part ('table B', 'fig. 3', 'ch. 2')")
        locator = note.cite_locator or locator_of(plain_wording)
        if how == "ibid" and locator is None and resolved:
            locator = resolved[-1].locator
        if key:
            cited_so_far.append(key)
        resolved.append(ResolvedNote(note, key, locator, how))
    return resolved
