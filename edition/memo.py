"""A memo's processing as two pure functions: its Markdown and the edition's registries in, values out.

``prepare_memo`` runs before Markdown rendering (citation markers out of the notes, every note
resolved); ``process_memo`` turns the rendered HTML into the edition's page (markers, numbered
paragraphs, annotations, notes, apparatus) and returns everything the rest of the build needs
from it as a ``MemoResult``: the page, its index entries, notes, interventions and problems.
Neither writes anywhere else, so a result can be kept (the cache), made in another process (the
worker pool) or made again, and the build that gathers results in page order is the same
whichever way each one was made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import apparatus, chronology, provenance, sanitize
from . import pages as gen
from .annotate import Annotator, Found, restrain, typographic_spans
from .bibtex import Library
from .citeproc import Formatter
from .diagnostics import Diagnostic, Diagnostics
from .documents import Document
from .editorial import Intervention, find_interventions
from .entities import Entity
from .fidelity import running_heads
from .glossary import term_key
from .htmltext import parse_fragment, serialise_children
from .model import Marker, PageIndex
from .notes import ResolvedNote, check_markers, extract_notes, resolve_notes
from .paragraphs import block_id_of, number_paragraphs
from .redactions import MarkerPattern, mark_redactions, mark_sic_comments, summarise_marker_lines
from .render import annotation_control, metadata_card, wrap_tables
from .resting import rest_as_text
from .snippets import block_texts, exclude_from_search, paragraph_before, with_sentences, words_before
from .source_lines import line_containing, lines_containing
from .witness import SourceReading, check_markup, find_readings, mark_readings, transcription_section, witness_control

UrlFor = Callable[[str], str]
BIBLIOGRAPHY_PAGE = "bibliography.md"
DOWNLOADS = {"BibTeX": ".bib", "RIS": ".ris", "CSL-JSON": ".json"}
EDITION_DOWNLOAD = "edition"  # cite/edition.bib, .ris, .json: the edition as a whole
WORK_DOWNLOADS = "cite/works"  # cite/works/<key>.bib, …: every other work of the library
# A line break after each cell, row and item, so search does not glue table cells into one word.
_BLOCK_END = re.compile(r"</(?:td|th|tr|li|dt|dd|p|h2|section)>")


@dataclass(frozen=True)
class MemoContext:
    """What every memo's processing reads and none writes: the registries, library and settings
    of one build, loaded once (``Edition.load``)."""

    root: Path
    docs_dir: Path
    documents: dict[str, Document]
    entities: dict[str, Entity]
    annotator: Annotator
    markers: MarkerPattern
    library: Library
    formatter: Formatter
    settings: apparatus.EditionSettings
    check_acronyms: bool = True
    person_forms: Mapping[str, Entity] = field(default_factory=dict)  # casefolded name or alias -> person

    def shown_path(self, doc_path: str) -> str:
        return (self.docs_dir / doc_path).relative_to(self.root).as_posix()

    def source_of(self, doc_path: str) -> str:
        """The memo file as written, to find the line of a problem."""
        path = self.docs_dir / doc_path
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


@dataclass(frozen=True)
class PreparedMemo:
    """A memo before rendering: the Markdown MkDocs renders (citation markers taken out) and its notes."""

    doc_path: str
    markdown: str
    notes: tuple[ResolvedNote, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    broken_lines: tuple[int, ...] = ()  # lines of an unclosed mark: their words are the mark's, not acronyms


@dataclass(frozen=True)
class MemoResult:
    """Everything one memo's processing gives the build: the page, and what the indexes gather."""

    doc_path: str
    html: str
    index: PageIndex
    notes: tuple[ResolvedNote, ...]
    interventions: tuple[Intervention, ...]
    diagnostics: tuple[Diagnostic, ...]
    readings: tuple[SourceReading, ...] = ()  # the source's misreadings, listed in "Transcription"
    running_heads: tuple[str, ...] = ()  # lines the source repeats on its pages, left out of the text


def prepare_memo(ctx: MemoContext, doc_path: str, markdown: str) -> PreparedMemo:
    """Take citation markers out of the notes and resolve every note, before rendering."""
    diags = Diagnostics()
    doc = ctx.documents.get(doc_path)
    shown = ctx.shown_path(doc_path)
    broken = check_markup(markdown, doc.body_line if doc else 1, shown, diags)
    cleaned, notes, markers = extract_notes(markdown, doc_path, shown, doc.body_line if doc else 1, diags)
    check_markers(notes, markers, shown, diags)
    resolved = resolve_notes(notes, ctx.library, shown, diags)
    return PreparedMemo(doc_path, cleaned, tuple(resolved), tuple(diags.items), tuple(sorted(broken)))


def process_memo(ctx: MemoContext, prepared: PreparedMemo, content: str, url_for: UrlFor) -> MemoResult:
    """The memo's rendered HTML turned into the edition's page: markers, paragraphs, notes, card."""
    doc_path = prepared.doc_path
    diags = Diagnostics()
    diags.items.extend(prepared.diagnostics)
    doc = ctx.documents.get(doc_path)
    root = parse_fragment(content)
    index = PageIndex(doc_path)
    markings = url_for("markings.md")
    mark_readings(root)
    made = mark_redactions(root, ctx.markers, lambda code: f"{markings}#{term_key(code)}")
    mark_sic_comments(root)
    numbered = number_paragraphs(root, doc_path)
    for el in made:
        if el.get("id") and "redaction" in (el.get("class") or "").split():  # a page break has an id too
            kind = "gap" if "redaction--gap" in el.get("class", "") else "exemption"
            pid = block_id_of(el)
            index.markers.append(Marker(doc_path, el.get("id"), kind, el.get("data-code") or "", pid,
                                        words_before(el), None if pid else paragraph_before(el)))
    stands_for = summarise_marker_lines(root)  # after the index took each marker's place
    index.markers = [replace(m, id=stands_for.get(m.id, m.id)) for m in index.markers]
    contradicted = chronology.date_contradictions(root, dict(ctx.entities))  # before marks and pins become <time> and links
    diags.items.extend(chronology.contradiction_problems(contradicted, ctx.shown_path(doc_path), lambda: ctx.source_of(doc_path)))
    index.dated, bad_marks = chronology.apply_date_marks(root, doc_path)
    blocks = [(p.id, el) for p, el in numbered] + [(li.get("id"), li) for li in root.iter("li") if (li.get("id") or "").startswith("fn:")]
    found = _annotate(ctx, root, doc_path, blocks, url_for, diags, set(prepared.broken_lines))
    texts = block_texts(blocks)
    index.terms, index.entities = with_sentences(found.terms, texts), with_sentences(found.entities, texts)
    index.years = chronology.years_in_text(blocks, texts)
    index.dateline = chronology.dateline_place(root, doc, blocks) if doc else None
    if bad_marks:
        source = ctx.source_of(doc_path)
        for b in bad_marks:
            diags.error(ctx.shown_path(doc_path), line_of(source, f"when:{b.target}"), f"date mark '{b.words}' has no valid date 'when:{b.target}'",
                        "write [words](when:YYYY), when:YYYY-MM or when:YYYY-MM-DD, or when:- for a year that is not an event")
    restrain(root, ctx.entities)
    notes = list(prepared.notes)
    apparatus.annotate_footnotes(root, notes, ctx.formatter)
    interventions = find_interventions(root, doc_path)
    readings = find_readings(root, doc_path)
    heads = tuple(head for head, _ in running_heads(ctx.source_of(doc_path)))
    exclude_from_search(root)
    resting = rest_as_text(root)  # last: the places it records are in the text as the page gives it
    card = metadata_card(doc, author_pages=author_pages(ctx, doc, url_for)) if doc else ""
    # under the card (the title and what the document is): the source note first, as FRUS gives it,
    # then the citation at hand, before the text
    card += (provenance.source_note(doc) + apparatus.cite_here(doc, ctx.formatter, ctx.settings)) if doc else ""
    controls = f'<div class="text-controls">{annotation_control()}{witness_control()}</div>' if readings else annotation_control()
    parts = [card + controls, f'<div class="memo-text">{serialise_children(root)}</div>{resting.script()}']
    parts.append(transcription_section(readings, list(heads), url_for, doc_path))
    parts.append(apparatus.works_cited(notes, ctx.formatter, url_for(BIBLIOGRAPHY_PAGE)))
    parts.append(gen.memo_entities(index.entities, ctx.entities, url_for))
    parts.append(gen.memo_acronyms(index.terms, ctx.annotator.terms, url_for("glossary.md")))
    if doc:
        downloads = {label: url_for(f"cite/{doc.slug}{ext}") for label, ext in DOWNLOADS.items()}
        edition_downloads = {label: url_for(f"cite/{EDITION_DOWNLOAD}{ext}") for label, ext in DOWNLOADS.items()}
        page_url = ctx.settings.url_of(doc.url)
        parts.append(apparatus.cite_this(doc, ctx.formatter, downloads, ctx.settings, page_url, edition_downloads))
        parts.append(apparatus.print_citation(doc, ctx.formatter, ctx.settings, page_url))
    html = searchable(parts[0]) + parts[1] + wrap_tables(searchable("".join(parts[2:])))
    _report_duplicate_ids(ctx, doc_path, html, diags)
    return MemoResult(doc_path, html, index, tuple(notes), tuple(interventions), tuple(diags.items), tuple(readings), heads)


def _annotate(ctx: MemoContext, root, doc_path: str, blocks, url_for: UrlFor, diags: Diagnostics, broken: set[int]) -> Found:
    found = Found()
    ctx.annotator.apply_pins(root, doc_path, url_for, found)
    ctx.annotator.annotate(doc_path, blocks, url_for, found)
    shown = ctx.shown_path(doc_path)
    source = ctx.source_of(doc_path) if (found.unknown_acronyms or found.unknown_pins) else ""
    reported: set[str] = set()
    for token, _pid in found.unknown_acronyms:
        if token in reported or not ctx.check_acronyms:
            continue
        reported.add(token)
        line = _acronym_line(source, token)
        if line in broken:
            continue  # the source's reading in a mark left open, reported as such
        diags.error(shown, line, f"undefined acronym '{token}'",
                    "add it to data/glossary.yml (kind: acronym), or to data/acronym-ignore.yml with a reason if it is not an acronym")
    for target, words in found.unknown_pins:
        diags.error(shown, line_of(source, f"entity:{target}"), f"'{words}' is pinned to unknown entity '{target}'",
                    "use an id from data/entities.yml, or entity:- to mark the words as no mention")
    return found


def _report_duplicate_ids(ctx: MemoContext, doc_path: str, page_html: str, diags: Diagnostics) -> None:
    """An id of the text that the edition's own apparatus also uses (a heading 'Works cited', ``{#works-cited}``)."""
    seen: set[str] = set()
    for value in parse_fragment(page_html).xpath("//@id"):
        if value in seen:
            diags.error(ctx.shown_path(doc_path), line_containing(ctx.source_of(doc_path), f"#{value}"), f"id '{sanitize.shorten(value)}' is used twice on the page",
                        "the edition's apparatus uses it too: give the heading or element another id")
        seen.add(value)


def person_forms(entities: Mapping[str, Entity]) -> dict[str, Entity]:
    """Every name and alias of the register's people, casefolded: how an author is found in it."""
    forms: dict[str, Entity] = {}
    for ent in entities.values():
        if ent.type == "person":
            for form in ent.forms:
                forms.setdefault(form.casefold(), ent)
    return forms


def author_pages(ctx: MemoContext, doc: Document, url_for: UrlFor) -> dict[str, str]:
    """Authors who are in the register (by name or alias), with the link to their page."""
    out: dict[str, str] = {}
    for author in doc.authors:
        ent = ctx.person_forms.get(author.strip().casefold())
        if ent is not None:
            out[author] = url_for(ent.page)
    return out


def searchable(fragment: str) -> str:
    """Apparatus HTML with its labels and furniture left out of search, and a line break after
    each block so search does not glue cells and labels into one word."""
    if not fragment:
        return fragment
    root = parse_fragment(fragment)
    exclude_from_search(root)
    return _BLOCK_END.sub(r"\g<0>\n", serialise_children(root))


def _acronym_line(source: str, token: str) -> int | None:
    """The line of an undefined acronym: the first where it stands outside typography (a header line
    in capitals that also holds the word is not where the problem is), else the first at all."""
    lines = source.splitlines()
    found = lines_containing(source, token, whole_word=True, any_case=False, skip_front_matter=True)
    pattern = re.compile(r"(?<![\w])" + re.escape(token) + r"(?![\w])")
    for n in found:
        text = lines[n - 1]
        spans = typographic_spans(text)
        if any(not any(a <= m.start() < b for a, b in spans) for m in pattern.finditer(text)):
            return n
    return found[0] if found else None


def line_of(source: str, needle: str) -> int | None:
    """The first line of a memo file with ``needle`` as a whole word, outside the front matter."""
    return line_containing(source, needle, whole_word=True, any_case=False, skip_front_matter=True)
