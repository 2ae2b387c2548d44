"""The scholarly apparatus around a memo: resolved references in its notes, its works cited,
its "cite this document" box, and the site-wide bibliography with links back to every note.

Every formatted reference comes from ``Formatter`` (citeproc-js, Chicago 17th edition), already
sanitised; everything else written here is escaped data.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html
from lxml.html import HtmlElement

from .bibtex import Library
from .citeproc import BibliographyJob, Formatter, Job, NoteJob, plain
from .csl import parse_locator
from .dates import format_partial_date
from .diagnostics import Diagnostics
from .documents import Document
from .exports import EditionRecord
from .notes import ResolvedNote
from .paragraphs import CITE_LABEL, CITE_LOCATOR
from .render import esc, link

UrlFor = Callable[[str], str]
# Words a resolved reference may have that the note's own wording spells differently.
_LABEL_WORDS = frozenset({"p", "pp", "tbl", "table", "fig", "vol", "ch", "n", "nn", "no", "ed", "eds", "in", "and", "the", "of", "see"})
_WORD = re.compile(r"[0-9a-z]+")
SITE_URL = re.compile(r"https?://[^\s\"'<>\\`]+")


# -- the edition as a citable work -----------------------------------------------------------------

@dataclass(frozen=True)
class EditionSettings:
    """Who publishes the edition and where, from mkdocs.yml (``site_url`` and the edition plugin's options).

    Nothing is filled in by guess: a value left unset is reported as a warning and left out of
    the citation. The plugin's options (``plugins: - edition:`` in mkdocs.yml) give them.

    ``date`` is the edition's own date, what its citation calls its version ("version of November
    23, 2026"): the build's ``SOURCE_DATE_EPOCH`` when the builder sets it, else the date of the
    commit checked out; ``None`` when neither is known (a build from ``git archive``), and the
    citation then gives no date. It is never an access date: only a reader's clock knows that.
    """

    site_name: str = ""
    site_url: str | None = None
    editors: tuple[str, ...] = ()
    publisher: str | None = None
    version: str | None = None
    licence: str | None = None
    repository: str | None = None
    date: dt.date | None = None
    date_source: str = ""  # where ``date`` comes from: "SOURCE_DATE_EPOCH" or "commit"
    lines: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_config(cls, site_name: str, site_url: str | None, extra: Mapping[str, object] | None, config_text: str = "",
                    root: Path | None = None, epoch: str | None = None) -> EditionSettings:
        """``epoch``: ``SOURCE_DATE_EPOCH`` as the builder set it (not a stand-in set for MkDocs'
        sake), the edition's date when given."""
        ed = (extra or {}).get("edition") if isinstance(extra, Mapping) else None
        ed = ed if isinstance(ed, Mapping) else {}

        def text(key: str) -> str | None:
            value = ed.get(key)
            return str(value).strip() if value not in (None, "") and str(value).strip() else None

        editors = ed.get("editors")
        names = tuple(str(e).strip() for e in editors if str(e).strip()) if isinstance(editors, list) else ((str(editors).strip(),) if editors else ())
        version = text("version") or (_git_version(root) if root else None)
        date, source = edition_date(root, epoch)
        lines = {}
        for i, line in enumerate(config_text.splitlines(), start=1):
            m = re.match(r"^\s*(site_url|edition|editors|publisher|version|licence|repository)\s*:", line)
            if m and m.group(1) not in lines:
                lines[m.group(1)] = i
        return cls(
            site_name=site_name, site_url=(site_url or None), editors=names, publisher=text("publisher"),
            version=version, licence=text("licence"), repository=text("repository"), date=date, date_source=source, lines=lines,
        )

    def url_of(self, page_url: str) -> str | None:
        """The canonical URL of a site page ('documents/x/'), when the site has a URL: always the
        published, directory-style address, whatever the build (the offline bundle's pages are
        files, but it cites the pages as they are published)."""
        if not self.site_url:
            return None
        return self.site_url.rstrip("/") + "/" + page_url.lstrip("/")

    def record(self) -> EditionRecord:
        """The edition as its downloads describe it."""
        return EditionRecord(self.site_name, self.editors, self.publisher, self.date, self.url_of(""), self.version)

    def check(self, diags: Diagnostics, path: str = "mkdocs.yml") -> None:
        """An unset value is a warning: the edition is citable, but less precisely; a site URL
        that is not an absolute http(s) address is an error (every citation would carry it)."""
        if self.site_url and not SITE_URL.fullmatch(self.site_url):
            diags.error(path, self.lines.get("site_url"), f"site_url '{self.site_url[:80]}' is not an absolute http(s) address",
                        "write it as https://host/path/ (SITE_URL in the environment, or site_url in mkdocs.yml), with no quotes, spaces or '<', '>'")
        if not self.site_url:
            diags.warning(path, self.lines.get("site_url"), "site_url is not set: pages have no canonical link, the sitemap is empty, citations give no URL",
                          "set site_url in mkdocs.yml, or SITE_URL in the environment of the build")
        where = self.lines.get("edition")
        for key, value in (("editors", self.editors), ("publisher", self.publisher), ("version", self.version),
                           ("licence", self.licence), ("repository", self.repository)):
            if not value:
                diags.warning(path, self.lines.get(key, where), f"the edition's {key} is not set: the citation and the About page leave it out",
                              f"set the edition plugin's '{key}' option in mkdocs.yml" + (", or EDITION_VERSION in the environment (a git checkout gives its commit)" if key == "version" else ""))
        if self.date is None:
            diags.warning(path, where, "the edition's date is not set: no SOURCE_DATE_EPOCH and no git commit to take it from, so citations give no version date",
                          "build from a git checkout, or set SOURCE_DATE_EPOCH to the time of the release")


def _git_version(root: Path) -> str | None:
    """The commit being built ('git describe': a release tag if there is one), when ``root`` is a checkout."""
    try:
        proc = subprocess.run(["git", "describe", "--tags", "--always", "--dirty"], cwd=root, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def edition_date(root: Path | None, epoch: str | None) -> tuple[dt.date | None, str]:
    """The edition's own date and where it comes from: ``epoch`` (the builder's
    ``SOURCE_DATE_EPOCH``), else the time of ``root``'s checked-out commit; (None, "") when
    neither is known. A fixed stand-in (MkDocs' reproducible date, 1980) is never one of them."""
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch.strip()), tz=dt.UTC).date(), "SOURCE_DATE_EPOCH"
    if root is None:
        return None, ""
    try:
        proc = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None, ""
    out = proc.stdout.strip()
    if proc.returncode != 0 or not out.isdigit():
        return None, ""
    return dt.datetime.fromtimestamp(int(out), tz=dt.UTC).date(), "commit"


def _names(names: tuple[str, ...]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


# -- the edition's forms: a document in the edition, the edition itself ---------------------------------

@dataclass(frozen=True)
class EditionForms:
    """A citation in note and bibliography form, as HTML and as the plain text a clipboard takes."""

    note: str
    bibliography: str
    note_text: str
    bibliography_text: str


ACCESSED_SLOT = '<span class="cite-accessed" data-cite-accessed></span>'  # edition.js writes ", accessed <today>" here


def edition_container(settings: EditionSettings, form: str = "note", html: bool = True) -> str:
    """What follows the original in the edition's form: 'in <i>Title</i>, ed. …, Publisher,
    version of <date>' (note) or 'In <i>Title</i>, edited by …. Publisher, version of <date>'
    (bibliography). The date is the edition's own (``EditionSettings.date``) or nothing."""
    site = f"<i>{esc(settings.site_name)}</i>" if html else settings.site_name
    quote = esc if html else str
    eds = _names(settings.editors)
    version = f"version of {format_partial_date(settings.date, 'chicago')}" if settings.date else ""
    if form == "note":
        parts = [f"in {site}"] + ([f"ed. {quote(eds)}"] if eds else []) + ([quote(settings.publisher)] if settings.publisher else []) + ([version] if version else [])
        return ", ".join(parts)
    head = f"In {site}" + (f", edited by {quote(eds)}" if eds else "")
    tail = ", ".join(([quote(settings.publisher)] if settings.publisher else []) + ([version] if version else []))
    return head + (". " + tail[:1].upper() + tail[1:] if tail else "")


def edition_forms(original_note: str, original_bib: str, settings: EditionSettings, url: str | None,
                  locator: str = "", edition_locator: str = "", accessed: bool = True) -> EditionForms:
    """The citation of a document *as published in this edition*, note and bibliography form:
    the original (as the processor formats it, HTML), its own locator (the original's page or
    note: "p. 2", "n. 4"), then the edition ('in <i>Edition</i>', editors, publisher, version of
    its date), the edition's locator ("para. 4"), and the canonical URL (CMOS 14.12, 14.206).
    ``accessed``: leave the slot where the page script writes the reader's access date, before
    the URL (never a date of the build: a static page cannot know when it is read)."""

    def assemble(original: str, container: str, html: bool, note: bool) -> str:
        text = original.rstrip().rstrip(".")
        if note:
            text += (f", {esc(locator) if html else locator}" if locator else "") + f", {container}"
            text += f", {esc(edition_locator) if html else edition_locator}" if edition_locator else ""
            if url:
                text += (ACCESSED_SLOT if (html and accessed) else "") + f", {esc(url) if html else url}"
            return text + "."
        text += f". {container}"
        if url:
            text += (ACCESSED_SLOT.replace("data-cite-accessed", 'data-cite-accessed="bibliography"') if (html and accessed) else "") + f". {esc(url) if html else url}"
        return text + "."

    plain_note, plain_bib = plain(original_note), plain(original_bib)
    return EditionForms(
        assemble(original_note, edition_container(settings, "note"), True, True),
        assemble(original_bib, edition_container(settings, "bibliography"), True, False),
        assemble(plain_note, edition_container(settings, "note", html=False), False, True),
        assemble(plain_bib, edition_container(settings, "bibliography", html=False), False, False),
    )


def edition_self_forms(settings: EditionSettings) -> EditionForms:
    """The edition as a whole: '<i>Title</i>, ed. …, Publisher, version of <date>, URL.' and its
    bibliography form ('<i>Title</i>. Edited by …. Publisher, version of <date>. URL.')."""
    url = settings.url_of("")

    def make(html: bool) -> tuple[str, str]:
        site = f"<i>{esc(settings.site_name)}</i>" if html else settings.site_name
        quote = esc if html else str
        eds = _names(settings.editors)
        version = f"version of {format_partial_date(settings.date, 'chicago')}" if settings.date else ""
        note = ", ".join([site] + ([f"ed. {quote(eds)}"] if eds else []) + ([quote(settings.publisher)] if settings.publisher else [])
                         + ([version] if version else []) + ([quote(url)] if url else [])) + "."
        tail = ", ".join(([quote(settings.publisher)] if settings.publisher else []) + ([version] if version else []))
        bib = site + (f". Edited by {quote(eds)}" if eds else "") + (". " + tail[:1].upper() + tail[1:] if tail else "") + (f". {quote(url)}" if url else "") + "."
        return note, bib

    (note, bib), (note_text, bib_text) = make(True), make(False)
    return EditionForms(note, bib, note_text, bib_text)


# -- one batch of renderings per build -------------------------------------------------------------

def citation_jobs(notes_by_doc: Mapping[str, list[ResolvedNote]], documents: Mapping[str, Document], library: Library) -> list[Job]:
    """Every rendering the build will ask the formatter for, so that Node runs once."""
    jobs: list[Job] = []
    for doc_path, notes in notes_by_doc.items():
        cited = []
        for rn in notes:
            if rn.key and rn.key in library:
                jobs.append(NoteJob(rn.key, parse_locator(rn.locator)))
                cited.append(rn.key)
        if cited:
            jobs.append(BibliographyJob(tuple(sorted(set(cited)))))
        doc = documents.get(doc_path)
        if doc and doc.bibkey in library:
            jobs.append(NoteJob(doc.bibkey))
            jobs.append(BibliographyJob((doc.bibkey,)))
    for doc in documents.values():
        if doc.bibkey in library:
            jobs += [NoteJob(doc.bibkey), BibliographyJob((doc.bibkey,))]
    if len(library):
        jobs.append(BibliographyJob(tuple(sorted(library.references))))
    return jobs


# -- notes -------------------------------------------------------------------------------------------

def ref_anchor(key: str) -> str:
    return f"ref-{key}"


def note_anchor(label: str) -> str:
    return f"fn:{label}"


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower().replace("’", "'")))


def adds_something(wording: str, resolved_plain: str) -> bool:
    """Whether the full reference tells the reader more than the note's own words do."""
    return bool(_words(resolved_plain) - _words(wording) - _LABEL_WORDS)


def annotate_footnotes(root: HtmlElement, notes: list[ResolvedNote], fmt: Formatter) -> None:
    """Give each note its work where the note's own words do not give it in full (op. cit., Ibid.,
    a short title): the full reference, linked to the works cited. Nothing else: the note ends
    with its wording (and Material's link back to the text), not with "Works cited #" in grey; its
    cite label (``data-cite-label``) is for the cite button edition.js makes on demand, as for a
    paragraph, and the works cited list links back to every note that cites a work."""
    by_label = {n.note.label: n for n in notes}
    # one batch for the memo's notes: a memo the build did not prepare (its front matter has an
    # error) would otherwise start the processor once per note
    fmt.prepare([NoteJob(rn.key, parse_locator(rn.locator)) for rn in notes if rn.key is not None and rn.key in fmt.library])
    for li in root.iter("li"):
        lid = li.get("id") or ""
        if not lid.startswith("fn:"):
            continue
        label = lid.removeprefix("fn:")
        li.set(CITE_LABEL, f"n. {label}")
        li.set(CITE_LOCATOR, f"n. {label}")  # a note is the original's: cited after the work
        rn = by_label.get(label)
        if rn is None or rn.key is None or rn.key not in fmt.library:
            continue
        ref_html = fmt.note(rn.key, parse_locator(rn.locator))
        how = {"ibid": "Ibid.", "op. cit.": "op. cit."}.get(rn.how)
        if not (how or adds_something(rn.note.wording.replace("*", ""), plain(ref_html))):
            continue
        prefix = f"{esc(how)} = " if how else "Full reference: "  # roman, as CMOS 17 sets ibid. (7.55)
        span = lxml_html.fragment_fromstring(
            f'<span class="note-reference">{prefix}<a href="#{esc(ref_anchor(rn.key))}" class="note-reference__work">{ref_html}</a></span>')
        target = li.find("p") if li.find("p") is not None else li
        backref = next((a for a in target.iter("a") if "footnote-backref" in (a.get("class") or "")), None)
        if backref is not None:
            backref.addprevious(span)
            span.tail = " "
        else:
            target.append(span)


def cite_button(label: str, anchor: str, locator: str, edition_locator: str, aria: str, text: str = "cite", extra_class: str = "") -> str:
    """A cite control: edition.js copies the document's citation with these locators
    (``data-cite-locator``: the original's page or note, placed after the original;
    ``data-cite-edition-locator``: the edition's paragraph, placed after the edition) and the
    canonical URL with ``#anchor``. ``data-cite-label`` is both, as readers see them."""
    classes = "para-cite" + (f" {extra_class}" if extra_class else "")
    return (f'<button type="button" class="{classes}" data-cite-label="{esc(label)}" data-cite-anchor="{esc(anchor)}" '
            f'data-cite-locator="{esc(locator)}" data-cite-edition-locator="{esc(edition_locator)}" aria-label="{esc(aria)}">{esc(text)}</button>')


def note_numbers(labels: list[str], href: Callable[[str], str]) -> str:
    """'n.&nbsp;4' or 'nn.&nbsp;4, 14' (CMOS 14.28: one abbreviation for several notes), each number a link."""
    links = ", ".join(f'<a href="{esc(href(lbl))}">{esc(lbl)}</a>' for lbl in labels)
    return ("nn.&nbsp;" if len(labels) > 1 else "n.&nbsp;") + links


def works_cited(notes: list[ResolvedNote], fmt: Formatter, bibliography_url: str) -> str:
    """A memo's own bibliography, in Chicago order: each work once, with links to the notes citing it."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for rn in notes:
        if rn.key and rn.key in fmt.library:
            by_key[rn.key].append(rn.note.label)
    if not by_key:
        return ""
    items = []
    for key, entry in fmt.bibliography(by_key):
        backs = note_numbers(by_key[key], lambda lbl: "#" + note_anchor(lbl))
        items.append(
            f'<li id="{esc(ref_anchor(key))}">{entry} <span class="cited-in">Cited in {backs}. '
            f'{link(bibliography_url + "#" + ref_anchor(key), "In the bibliography", class_="screen-only")}</span></li>'
        )
    return f'<section class="works-cited"><h2 id="works-cited">Works cited</h2><ul>{"".join(items)}</ul></section>'


def download_links(downloads: Mapping[str, str]) -> str:
    return " · ".join(f'<a href="{esc(href)}" download>{esc(label)}</a>' for label, href in downloads.items())


def cite_data(doc: Document, fmt: Formatter, settings: EditionSettings) -> dict[str, str]:
    """What edition.js composes every cite control's text from (``data-cite-*`` of the element
    that carries them): the original's note form, the edition's part, the canonical page URL
    (empty without a configured site URL: never a local address)."""
    if doc.bibkey not in fmt.library:
        return {}
    return {
        "data-cite-work": fmt.note(doc.bibkey, html=False).rstrip().rstrip("."),
        "data-cite-in": edition_container(settings, "note", html=False),
        "data-cite-url": settings.url_of(doc.url) or "",
    }


def cite_here(doc: Document, fmt: Formatter, settings: EditionSettings) -> str:
    """The citation at hand, under the document's card: a link to "Cite this document" and a
    control that copies the document's citation in this edition; it carries the page's cite data."""
    data = cite_data(doc, fmt, settings)
    if not data:
        return ""
    attrs = "".join(f' {k}="{esc(v)}"' for k, v in data.items())
    return (f'<div class="cite-here" data-search-exclude{attrs}>'
            f'<a class="cite-here__link" href="#cite-this-document">Cite this document</a> '
            + cite_button("", "", "", "", "Copy citation of this document", "copy citation", "cite-here__copy")
            + "</div>")


def cite_this(doc: Document, fmt: Formatter, downloads: dict[str, str], settings: EditionSettings | None = None,
              page_url: str | None = None, edition_downloads: Mapping[str, str] | None = None) -> str:
    """'Cite this document': first as published in this edition (what a reader of this page
    cites), then the original, each in Chicago note and bibliography form; the citation key; the
    downloads of the document's reference and of the edition's."""
    if doc.bibkey not in fmt.library:
        return ""
    settings = settings or EditionSettings()
    note = fmt.note(doc.bibkey)
    bib = fmt.entry(doc.bibkey)
    ed = edition_forms(note, bib, settings, page_url)
    edition = (f' · the edition as a whole: {download_links(edition_downloads)}' if edition_downloads else "")
    return (
        '<section class="cite-this"><h2 id="cite-this-document">Cite this document</h2>'
        "<h3>As published in this edition</h3>"
        f'<p class="cite-form cite-form--edition-note"><strong>Note:</strong> {ed.note}</p>'
        f'<p class="cite-form cite-form--edition-bibliography"><strong>Bibliography:</strong> {ed.bibliography}</p>'
        "<h3>The original</h3>"
        f'<p class="cite-form cite-form--note"><strong>Note:</strong> {note}</p>'
        f'<p class="cite-form cite-form--bibliography"><strong>Bibliography:</strong> {bib}</p>'
        f'<p class="cite-key">Citation key: <code>{esc(doc.bibkey)}</code></p>'
        f'<p class="cite-downloads"><strong>Download the reference:</strong> {download_links(downloads)}{edition}</p>'
        "<p>To cite a paragraph or a note, use its <em>cite</em> button: it copies this citation with the original's "
        "page (“p. 2”) or note (“n. 6”) after the original, the edition's paragraph number (“para. 3”) after the edition, "
        "and the link to the place. Page and note numbers are the original's; paragraph numbers are the edition's.</p>"
        "</section>"
    )


def print_citation(doc: Document, fmt: Formatter, settings: EditionSettings, page_url: str | None) -> str:
    """The end of a printout: how to cite what the reader holds, with its canonical URL (no
    access date: the page does not know when it is printed)."""
    if doc.bibkey not in fmt.library:
        return ""
    ed = edition_forms(fmt.note(doc.bibkey), fmt.entry(doc.bibkey), settings, page_url, accessed=False)
    return f'<footer class="print-citation" data-search-exclude><p><strong>Cite as:</strong> {ed.note}</p></footer>'


def bibliography_page(
    library: Library, fmt: Formatter, notes_by_doc: dict[str, list[ResolvedNote]],
    documents: dict[str, Document], url_for: UrlFor, downloads: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """Every work in the library in Chicago order, with links back to each note citing it
    (grouped by document: "Defense Technology Cooperation, nn. 4, 14") and its downloads."""
    citing: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for doc_path, notes in notes_by_doc.items():
        for rn in notes:
            if rn.key:
                citing[rn.key].setdefault(doc_path, []).append(rn.note.label)
    own = {d.bibkey: d for d in documents.values()}
    items = []
    for key, entry in fmt.bibliography(library.references):
        parts = []
        if key in own:
            parts.append(f"The edition’s {link(url_for(own[key].path), 'transcription')} of this document.")
        if citing.get(key):
            backs = "; ".join(
                f"{link(url_for(dp), documents[dp].label if dp in documents else dp)}, "
                + note_numbers(labels, lambda lbl, dp=dp: url_for(f"{dp}#{note_anchor(lbl)}"))  # type: ignore[misc]
                for dp, labels in citing[key].items()
            )
            parts.append(f"Cited in {backs}.")
        if downloads and downloads.get(key):
            parts.append(f'<span class="bibliography__downloads">Download: {download_links(downloads[key])}</span>')
        extra = f' <span class="cited-in">{" ".join(parts)}</span>' if parts else ""
        items.append(f'<li id="{esc(ref_anchor(key))}">{entry}{extra}</li>')
    return f'<ul class="bibliography">{"".join(items)}</ul>'


def about_edition(settings: EditionSettings, downloads: Mapping[str, str] | None = None) -> str:
    """The facts of the edition for the About page, and how to cite it; an unset value says so,
    nothing is guessed."""
    unset = "<em>not yet set</em>"
    rows = [
        ("Title", f"<i>{esc(settings.site_name)}</i>"),
        ("Editors", esc(_names(settings.editors)) if settings.editors else unset),
        ("Publisher", esc(settings.publisher) if settings.publisher else unset),
        ("Version", esc(settings.version) if settings.version else unset),
        ("Version date", f'<time datetime="{settings.date.isoformat()}">{esc(format_partial_date(settings.date))}</time>' if settings.date else unset),
        ("Licence", esc(settings.licence) if settings.licence else unset),
        ("Repository", link(settings.repository, settings.repository) if settings.repository else unset),
        ("Address", link(settings.site_url, settings.site_url) if settings.site_url else unset),
    ]
    body = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    forms = edition_self_forms(settings)
    cite = (f'<p class="cite-form cite-form--edition-self"><strong>Note:</strong> {forms.note}</p>'
            f'<p class="cite-form cite-form--edition-self-bibliography"><strong>Bibliography:</strong> {forms.bibliography}</p>')
    if downloads:
        cite += f"<p><strong>Download the reference:</strong> {download_links(downloads)}</p>"
    return f'<dl class="edition-facts">{body}</dl>{cite}'


def meta_tags(tags: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f'<meta name="{esc(n)}" content="{esc(v)}">' for n, v in tags)
