"""One build of the edition: registries loaded once, memo pages processed, indexes gathered.

This is the only object the MkDocs plugins talk to. It knows paths and HTML, not MkDocs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import apparatus, chronology, page_source, provenance, sanitize
from . import pages as gen
from .annotate import Annotator
from .bibtex import Library, load_library
from .cache_files import tracked_machine_folders
from .citeproc import Formatter
from .diagnostics import Diagnostics
from .documents import Document, is_memo, load_documents
from .editorial import Intervention
from .entities import TYPE_TITLES, TYPES, Entity, load_entities
from .exports import citation_meta, edition_bibtex, edition_csl_json, edition_ris, to_bibtex, to_csl_json, to_ris
from .glossary import Term, load_glossary, load_ignore_list
from .inputs import content_links, read_text
from .memo import DOWNLOADS, EDITION_DOWNLOAD, WORK_DOWNLOADS, MemoContext, MemoResult, person_forms, searchable
from .model import Mention, PageIndex
from .notes import ResolvedNote, extract_notes, resolve_notes
from .redactions import ExemptionCode, MarkerPattern
from .register import referenced_entities
from .render import documents_table, interventions_table, normalisations_list, transcription_extent, wrap_tables
from .source_lines import line_containing, lines_containing
from .witness import transcription_counts

PLACEHOLDER = re.compile(r"<!--\s*edition:([a-z-]+)(?:\s+([a-z0-9-]+))?\s*-->")
UrlFor = Callable[[str], str]
Remember = Callable[[str, tuple[str, ...], Callable[[], set[str]]], set[str]]  # CachedEdition.remembered
REPORTED_PER_PROBLEM = 20  # occurrences of one refused markup listed one by one, the rest counted
GENERATED_FRONT_MATTER = "---\nsearch:\n  boost: 0.000001\n---\n\n"


@dataclass
class Edition:
    root: Path
    docs_dir: Path
    diags: Diagnostics = field(default_factory=Diagnostics)
    documents: dict[str, Document] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    library: Library = field(default_factory=Library)
    results: dict[str, MemoResult] = field(default_factory=dict)  # each memo's, by docs path (``add``)
    check_acronyms: bool = True
    referenced: set[str] = field(default_factory=set)  # entities some memo mentions, pins or cites: they get pages
    unreadable: set[str] = field(default_factory=set)  # docs paths reported as unreadable: not rendered
    not_checked: list[str] = field(default_factory=list)  # checks that could not run, each with the reason
    settings: apparatus.EditionSettings = field(default_factory=apparatus.EditionSettings)
    formatter: Formatter = field(init=False)
    annotator: Annotator = field(init=False)
    context: MemoContext = field(init=False)  # what every memo's processing reads
    _index_cache: dict | None = field(init=False, default=None)
    _renderer_table: dict[str, Callable[[UrlFor, str | None], str]] | None = field(init=False, default=None)

    @classmethod
    def load(cls, root: Path, docs_dir: Path, settings: apparatus.EditionSettings | None = None,
             remember: Remember | None = None) -> Edition:
        """Read every registry, the library and every memo's front matter once, before any page renders.

        ``remember(kind, parts, make)`` may answer ``make()`` from the last build (the hooks pass
        the cache's): which register entries the memo files name is one such answer."""
        root, docs_dir = root.resolve(), docs_dir.resolve()  # `mkdocs build -f mkdocs.yml` gives a relative root
        ed = cls(root=root, docs_dir=docs_dir)
        for link, problem in content_links(root):
            ed.diags.error(link, None, problem, "replace it with the file itself: nothing a link leads to is published")
        tracked = tracked_machine_folders(root)
        for folder in tracked:
            ed.diags.error(f"{folder}/", None, f"{folder}/ is tracked by git: it is made on each machine (a cache, an environment, a build), never taken from the repository",
                           f"remove it from the repository: git rm -r --cached {folder}")
        if settings is not None:
            ed.settings = settings
            settings.check(ed.diags)
        before = len(ed.diags.errors)
        ed.terms = load_glossary(root / "data" / "glossary.yml", ed.diags, "data/glossary.yml")
        # With no usable glossary every acronym would be reported as undefined: say it once instead.
        ed.check_acronyms = bool(ed.terms) or len(ed.diags.errors) == before
        if not ed.check_acronyms:
            ed.not_checked.append("undefined acronyms: data/glossary.yml could not be read (its problems are listed above)")
        ed.entities = load_entities(root / "data" / "entities.yml", ed.diags, "data/entities.yml")
        for t in ed.terms:
            if t.entity and t.entity not in ed.entities:
                ed.diags.error(t.path, t.line, f"glossary entry '{t.term}' links to unknown entity '{t.entity}'", "use an id from data/entities.yml")
        ignore = load_ignore_list(root / "data" / "acronym-ignore.yml", ed.diags, "data/acronym-ignore.yml")
        ed.annotator = Annotator({t.key: t for t in ed.terms}, ed.entities, ignore)
        unreadable = [p for p in sorted((root / "bib").glob("*.bib")) if read_text(p, p.relative_to(root).as_posix(), ed.diags) is None]
        ed.library = Library() if unreadable else load_library(root / "bib", root, ed.diags)
        # Node runs citeproc-js from node_modules/: never a copy the repository brought (reported above)
        ed.formatter = Formatter(Library() if "node_modules" in tracked else ed.library, root / ".cache" / "citations.json", ed.diags)
        ed.documents = {d.path: d for d in load_documents(docs_dir, ed.diags, root)}
        for file in sorted(docs_dir.rglob("*.md")):
            rel = file.relative_to(docs_dir).as_posix()
            if rel in ed.documents:
                continue
            # memos are reported by load_documents; other pages here, each once
            if read_text(file, f"docs/{rel}", Diagnostics() if is_memo(rel) else ed.diags) is None:
                ed.unreadable.add(rel)
        for doc in ed.documents.values():
            if doc.bibkey not in ed.library:
                ed.diags.error(ed.shown_path(doc.path), doc.bibkey_line, f"bibkey '{doc.bibkey}' is not in bib/", "add the document's own entry to bib/edition.bib or correct the key")
            elif (ref := ed.library.references[doc.bibkey]).csl_type and ref.csl_type not in doc.doctype.csl:
                dt = doc.doctype
                entry = f"@{dt.bibtex}" + (f" with entrysubtype = {{{dt.bibtex_subtype}}}" if dt.bibtex_subtype else "")
                ed.diags.error(ed.shown_path(doc.path), doc.bibkey_line,
                               f"bibkey '{doc.bibkey}' is a @{ref.entry_type} entry (CSL '{ref.csl_type}'), but {dt.article} {dt.name.lower()} is cited as "
                               f"{' or '.join(repr(c) for c in dt.csl)}", f"make {ref.path}:{ref.line} an {entry} entry, or give the document the type of its entry")
        provenance.check_provenance(ed.documents.values(), provenance.load_repositories(root, ed.diags),
                                    {p: ed.shown_path(p) for p in ed.documents}, ed.diags)
        for doc in ed.documents.values():  # where the edition's copy is kept: the document's own citation names it
            kept = ed.library.references.get(doc.bibkey)
            if kept is not None and (doc.archival_source or doc.identifier):
                ed.library.references[doc.bibkey] = kept.with_copy(doc.archival_source, doc.identifier)
        texts = [(docs_dir / p).read_text(encoding="utf-8") for p in ed.documents]

        def named() -> set[str]:
            return referenced_entities(texts, ed.annotator)

        ed.referenced = set(remember("referenced", tuple(texts), named) if remember else named())
        codes = [ExemptionCode(t.term, t.expansion or "", t.withholds or "") for t in ed.terms if t.kind == "exemption"]
        ed.context = MemoContext(root, docs_dir, ed.documents, ed.entities, ed.annotator, MarkerPattern(codes), ed.library,
                                 ed.formatter, ed.settings, ed.check_acronyms, person_forms(ed.entities))
        ed._prepare_citations()
        return ed

    def _prepare_citations(self) -> None:
        """Every citation the build will show, rendered in one batch (one Node run, or none when
        cached), in the background: the pages render meanwhile, and the first look-up waits."""
        notes: dict[str, list[ResolvedNote]] = {}
        for doc in self.documents.values():
            scratch = Diagnostics()  # problems are reported when the page itself is processed
            _, found, _ = extract_notes((self.docs_dir / doc.path).read_text(encoding="utf-8"), doc.path, "", 1, scratch)
            notes[doc.path] = resolve_notes(found, self.library, "", scratch)
        self.formatter.prepare(apparatus.citation_jobs(notes, self.documents, self.library), background=True)

    def shown_path(self, doc_path: str) -> str:
        return (self.docs_dir / doc_path).relative_to(self.root).as_posix()

    # -- files the edition adds to the site ----------------------------------------------------

    def downloads(self) -> dict[str, str]:
        """Generated files (docs path -> content): each document's reference as BibTeX, RIS and
        CSL-JSON (with the edition's page as its URL and a note naming the edition), the edition's
        own, and every other work of the library's (``cite/works/<key>``), for the bibliography."""
        out: dict[str, str] = {}
        record = self.settings.record()
        writers = {".bib": to_bibtex, ".ris": to_ris, ".json": to_csl_json}
        own = set()
        for doc in self.documents.values():
            ref = self.library.get(doc.bibkey)
            if ref is None:
                continue
            own.add(doc.bibkey)
            url = self.settings.url_of(doc.url)
            for ext, write in writers.items():
                out[f"cite/{doc.slug}{ext}"] = write(ref, url, record)
        for ext, write_edition in ((".bib", edition_bibtex), (".ris", edition_ris), (".json", edition_csl_json)):
            out[f"cite/{EDITION_DOWNLOAD}{ext}"] = write_edition(record)
        for key, ref in self.library.references.items():
            if key not in own:
                for ext, write in writers.items():
                    out[f"{WORK_DOWNLOADS}/{key}{ext}"] = write(ref, ref.fields.get("url") or None, None)
        return out

    def work_downloads(self, url_for: UrlFor) -> dict[str, dict[str, str]]:
        """Every work's downloads as the bibliography page links them: a document's own (with the
        edition), any other work's file of its own."""
        slugs = {d.bibkey: d.slug for d in self.documents.values()}
        return {key: {label: url_for(f"cite/{slugs[key]}{ext}" if key in slugs else f"{WORK_DOWNLOADS}/{key}{ext}") for label, ext in DOWNLOADS.items()}
                for key in self.library.references}

    def head_for(self, doc_path: str, page_url: str | None = None) -> str:
        """``citation_*`` meta tags for a document page, for Zotero and other reference managers;
        ``citation_public_url`` is the page's published address (``page_url`` when the edition has none of its own)."""
        doc = self.documents.get(doc_path)
        ref = self.library.get(doc.bibkey) if doc else None
        if doc is None or ref is None:
            return ""
        return apparatus.meta_tags(citation_meta(ref, self.settings.url_of(doc.url) or page_url))

    # -- contributor markup -------------------------------------------------------------------

    def sanitize_page(self, doc_path: str, content: str) -> str:
        """Report markup the edition refuses (file and line) and remove it: see ``edition.sanitize``."""
        found = sanitize.problems(content)
        source_file = self.docs_dir / doc_path
        if found and source_file.is_file():
            shown = source_file.relative_to(self.root).as_posix() if source_file.resolve().is_relative_to(self.root) else f"docs/{doc_path}"
            source = source_file.read_text(encoding="utf-8", errors="replace")
            hint = "write Markdown; see 'What markup is allowed' in CONTRIBUTING.md"
            for problem, count in Counter(found).items():  # each occurrence at its own line, as far as they can be told apart
                lines: list[int | None] = [*(lines_containing(source, problem.needle) or lines_containing(source, problem.fallback))] or [None]
                for i in range(min(count, REPORTED_PER_PROBLEM)):
                    self.diags.error(shown, lines[min(i, len(lines) - 1)], problem.message, hint)
                if count > REPORTED_PER_PROBLEM:
                    self.diags.error(shown, None, f"{count - REPORTED_PER_PROBLEM} more of: {problem.message}", hint)
        return sanitize.clean(content)

    def report_address(self, doc_path: str, url: str) -> None:
        source_file = self.docs_dir / doc_path
        source = source_file.read_text(encoding="utf-8", errors="replace") if source_file.is_file() else ""
        self.diags.error(f"docs/{doc_path}", line_containing(source, url), f"malformed address '{sanitize.shorten(url)}'", "write a complete http(s) address, or a relative one")

    def page_source(self, doc_path: str) -> str:
        """The text of ``docs/<doc_path>`` that MkDocs may parse: checked at the edge (``edition.page_source``)."""
        shown = f"docs/{doc_path}"
        text = read_text(self.docs_dir / doc_path, shown, Diagnostics() if doc_path in self.unreadable else self.diags)
        if text is None:
            return ""
        return page_source.check_page(text, self.shown_path(doc_path) if is_memo(doc_path) else shown, self.diags,
                                      is_document=is_memo(doc_path), document_valid=doc_path in self.documents)

    # -- memo pages -------------------------------------------------------------------------

    def add(self, result: MemoResult) -> None:
        """One memo's result, whichever way it was made (processed here, in a worker, or kept from
        the last build): its problems are reported, its index entries gathered in page order."""
        self.results[result.doc_path] = result
        self.diags.items.extend(result.diagnostics)
        self._index_cache = None

    def ordered(self) -> list[MemoResult]:
        """The memos' results in the documents' order (date, then file), however they arrived."""
        def order(path: str) -> tuple[str, str]:
            doc = self.documents.get(path)
            return (str(doc.date) if doc else "", path)

        return [self.results[p] for p in sorted(self.results, key=order)]

    @property
    def pages(self) -> dict[str, PageIndex]:
        return {r.doc_path: r.index for r in self.ordered()}

    @property
    def notes(self) -> dict[str, list[ResolvedNote]]:
        return {r.doc_path: list(r.notes) for r in self.ordered()}

    @property
    def interventions(self) -> list[Intervention]:
        return [i for r in self.ordered() for i in r.interventions]

    # -- placeholders in hand-written and generated pages --------------------------------------

    def fill_placeholders(self, content: str, url_for: UrlFor) -> str:
        if self._renderer_table is None:  # once per build, not once per page (thousands of register pages)
            self._renderer_table = self._renderers()
        renderers = self._renderer_table

        def render(m: re.Match[str]) -> str:
            name, arg = m.group(1), m.group(2)
            renderer = renderers.get(name)
            if renderer is None:
                self.diags.error("docs", None, f"unknown placeholder 'edition:{name}'", f"use one of: {', '.join(sorted(renderers))}")
                return ""
            return wrap_tables(searchable(renderer(url_for, arg)))

        return PLACEHOLDER.sub(render, content)

    def _renderers(self) -> dict[str, Callable[[UrlFor, str | None], str]]:
        """Every generated block, by placeholder name; indexes are built once, on first use."""
        docs = sorted(self.documents.values(), key=lambda d: (d.date, d.path))
        return {
            "documents": lambda u, _: documents_table(docs, u),
            "extent": lambda u, _: transcription_extent(docs),
            # each intervention is indexed where it stands, in its memo: the list would outrank the memo
            "interventions": lambda u, _: _unsearched(interventions_table(self.interventions, self.documents, u)),
            "normalisations": lambda u, _: normalisations_list(),
            "transcription": lambda u, _: _unsearched(transcription_counts(
                [(r.doc_path, len(r.readings), len(r.running_heads)) for r in self.ordered()], {p: d.title for p, d in self.documents.items()}, u)),
            "edition-facts": lambda u, _: apparatus.about_edition(self.settings, {label: u(f"cite/{EDITION_DOWNLOAD}{ext}") for label, ext in DOWNLOADS.items()}),
            "bibliography": lambda u, _: apparatus.bibliography_page(self.library, self.formatter, self.notes, self.documents, u, self.work_downloads(u)),
            "glossary": lambda u, _: gen.glossary_page(self.terms, self._indexes()["terms"], self._with_pages(), self.documents, u),
            "acronyms": lambda u, _: gen.acronyms_table(self.terms, self._indexes()["terms"], self.documents, u, u("glossary.md"), self._indexes()["markers"]),
            "markings": lambda u, _: gen.markings_page([t for t in self.terms if t.kind == "exemption"], self._indexes()["markers"], self.documents, u),
            "entities": lambda u, typ: gen.entity_index(self.entities, self._indexes()["entity_counts"], u, typ),
            "entity": lambda u, eid: self._entity_page(eid, u),
            "chronology": lambda u, _: gen.chronology_page(self._indexes()["chronology"], self.documents, u),
        }

    def _with_pages(self) -> dict[str, Entity]:
        """The register entries that have a page (some document names them): the only ones to link to."""
        return {k: e for k, e in self.entities.items() if k in self.referenced}

    def _indexes(self) -> dict:
        if self._index_cache is None:
            ordered = [self.pages[p] for p in sorted(self.pages, key=lambda p: (str(self.documents[p].date) if p in self.documents else "", p))]
            term_mentions = [m for pg in ordered for m in pg.terms]
            entity_mentions = [m for pg in ordered for m in pg.entities]
            by_entity: dict[str, list[Mention]] = {}
            for m in entity_mentions:
                by_entity.setdefault(m.target, []).append(m)
            self._index_cache = {
                "terms": term_mentions,
                "markers": [m for pg in ordered for m in pg.markers],
                "by_entity": by_entity,
                "entity_counts": {k: len(v) for k, v in by_entity.items()},
                "together": gen.cooccurrences(entity_mentions),
                "chronology": chronology.chronology_rows(
                    self.entities, self.documents, by_entity, [d for pg in ordered for d in pg.dated],
                    {pg.doc_path: pg.dateline for pg in ordered}, {t: gen.type_label(t) for t in TYPES},
                ),
            }
        return self._index_cache

    def _entity_page(self, eid: str | None, url_for: UrlFor) -> str:
        ent = self.entities.get(eid or "")
        if ent is None:
            return ""
        idx = self._indexes()
        return gen.entity_page(ent, idx["by_entity"].get(ent.id, []), idx["together"].get(ent.id, Counter()), self.entities, self.terms,
                               self.documents, url_for, has_page=self.referenced.__contains__)

    def generated_pages(self) -> dict[str, str]:
        """Pages the edition adds to the site (docs path -> Markdown with placeholders)."""
        pages = {
            "bibliography.md": "# Bibliography\n\nEvery work in the edition's library, with links to each note that cites it.\n\n<!-- edition:bibliography -->\n",
            "glossary.md": "# Glossary\n\nTerms, acronyms and exemption codes, with every place they occur in the documents.\n\n<!-- edition:glossary -->\n",
            "acronyms.md": "# Acronyms\n\n<!-- edition:acronyms -->\n",
            "markings.md": "# Declassification markings\n\nWhat the exemption codes of the sanitized releases mean, and how many markings each document carries.\n\n<!-- edition:markings -->\n",
            "chronology.md": "# Chronology\n\nDated events, agreements and programmes of the register, the dates the documents themselves give, and the documents of the edition, in order; each row leads to the places in the documents that give it.\n\n<!-- edition:chronology -->\n",
        }
        kinds = self.register_types()
        named = [TYPE_TITLES[t].lower() for t in kinds]
        listed = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else "".join(named)
        about = f"{listed[:1].upper()}{listed[1:]} named in the documents." if listed else "No entry of the register is named in the documents yet."
        pages["entities/index.md"] = f"# Register\n\n{about}\n\n<!-- edition:entities -->\n"
        for typ in kinds:  # a category with no entry would be a page that leads nowhere
            pages[f"entities/{typ}.md"] = f"# {TYPE_TITLES[typ]}\n\n<!-- edition:entities {typ} -->\n"
        for ent in self.entities.values():
            if ent.id in self.referenced:  # an entry no memo names would be a page that leads nowhere
                pages[ent.page] = f"# {_md_escape(ent.name)}\n\n<!-- edition:entity {ent.id} -->\n"
        # the apparatus answers a search after the memos do: a lower boost than the memo pages' 1
        return {path: GENERATED_FRONT_MATTER + text for path, text in pages.items()}

    def register_types(self) -> list[str]:
        """The register's categories that have an entry with a page (some document names it), in
        the register's order: only these get a category page and a place in the navigation."""
        present = {self.entities[e].type for e in self.referenced if e in self.entities}
        return [t for t in TYPES if t in present]

    def finish(self) -> None:
        """Checks that need the whole edition: works nothing cites are reported as warnings.

        Not after an error: a memo that failed to load cites nothing and uses no term, so every
        warning would be a false knock-on of that error."""
        if self.diags.errors:
            self.not_checked.append("works no note cites, years missing from the chronology, register entries and glossary terms no "
                                    "document uses: a document or registry with an error above would give false findings")
            return
        cited = {rn.key for notes in self.notes.values() for rn in notes if rn.key}
        own = {d.bibkey for d in self.documents.values()}
        for key, ref in self.library.references.items():
            if key not in cited and key not in own:
                self.diags.warning(ref.path, ref.line, f"BibTeX entry '{key}' is cited by no note", "cite it or remove it")
        self._check_years()
        for ent in self.entities.values():  # here, not at load: a memo that failed to load names nothing
            if ent.id not in self.referenced:
                self.diags.warning(ent.path, ent.line, f"register entry '{ent.id}' is mentioned, pinned or cited in no document, so it gets no page",
                                   f"pin the words that mean it in a document with [words](entity:{ent.id}), add the form the document uses to its aliases, or remove the entry")
        mentioned = {m.target for pg in self.pages.values() for m in pg.entities}
        for eid in sorted(self.referenced - mentioned if self.pages else ()):
            ent = self.entities[eid]
            self.diags.warning(ent.path, ent.line, f"register entry '{eid}' is named in a document file but in none of the built pages",
                               "its name may sit where mentions are not looked for (a heading, a link, an editor's note): pin the mention with [words](entity:id)")
        used = {m.target for pg in self.pages.values() for m in pg.terms}
        metadata = " ".join(d.metadata_text() for d in self.documents.values())
        used |= {t.key for t in self.terms if t.key not in used and re.search(rf"(?<!\w){re.escape(t.term)}(?!\w)", metadata, 0 if t.kind == "acronym" else re.I)}
        for t in self.terms:
            if t.key not in used and t.kind != "exemption":
                self.diags.warning(t.path, t.line, f"glossary term '{t.term}' occurs in no document", "keep it only if a document will use it")

    def _check_years(self) -> None:
        """Every year in a memo's body text is a chronology row leading to its paragraph, or marked."""
        if not self.pages:
            return
        found = {path: pg.years for path, pg in self.pages.items()}
        sources: dict[str, str] = {}
        for path, pid, year, text in chronology.uncovered_years(self._indexes()["chronology"], found):
            source = sources.setdefault(path, (self.docs_dir / path).read_text(encoding="utf-8"))
            self.diags.warning(
                self.shown_path(path), _line_of_year(source, year, text), f"the year {year} (¶{pid[1:]}) is not in the chronology",
                f'mark what happened: [words](when:{year} "what happened"), pin a dated register entry with [words](entity:id), '
                "or mark the year as no event with [words](when:-)",
            )


def _unsearched(fragment: str) -> str:
    """The block left out of the search index (Material's ``data-search-exclude`` on its first element)."""
    return re.sub(r"^(\s*<[a-z0-9]+)", r"\1 data-search-exclude", fragment, count=1)


def _line_of_year(source: str, year: int, paragraph_text: str) -> int | None:
    """The line of the memo file holding ``year`` in the paragraph that starts like ``paragraph_text``."""
    head = " ".join(paragraph_text.split()[:4])
    pattern = re.compile(rf"(?<!\w){year}(?!\w)")
    lines = source.splitlines()
    for start, line in enumerate(lines):
        if head and head in " ".join(re.sub(r"\[([^\]\[]*)\]\([^)(]*\)|[*_]", r"\1", line).split()):
            for number in range(start, len(lines)):  # the paragraph may go on over several lines
                if pattern.search(lines[number]):
                    return number + 1
                if number > start and not lines[number].strip():
                    break
    return line_containing(source, str(year), whole_word=True, any_case=False, skip_front_matter=True)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)
