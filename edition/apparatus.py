"""The scholarly apparatus around a memo: resolved references in its notes, its works cited,
its "cite this document" box, and the site-wide bibliography with links back to every note.

Every formatted reference comes from ``Formatter`` (citeproc-js, Chicago 17th edition), already
sanitised; everything else written here is escaped data.
"""

from __future__ import annotations

import datetime as dt
import os
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
from .exports import coins
from .notes import ResolvedNote
from .paragraphs import CITE_LABEL
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
    """

    site_name: str = ""
    site_url: str | None = None
    editors: tuple[str, ...] = ()
    publisher: str | None = None
    version: str | None = None
    licence: str | None = None
    repository: str | None = None
    accessed: dt.date = field(default_factory=lambda: _build_date())
    lines: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_config(cls, site_name: str, site_url: str | None, extra: Mapping[str, object] | None, config_text: str = "",
                    root: Path | None = None) -> EditionSettings:
        ed = (extra or {}).get("edition") if isinstance(extra, Mapping) else None
        ed = ed if isinstance(ed, Mapping) else {}

        def text(key: str) -> str | None:
            value = ed.get(key)
            return str(value).strip() if value not in (None, "") and str(value).strip() else None

        editors = ed.get("editors")
        names = tuple(str(e).strip() for e in editors if str(e).strip()) if isinstance(editors, list) else ((str(editors).strip(),) if editors else ())
        version = text("version") or (_git_version(root) if root else None)
        lines = {}
        for i, line in enumerate(config_text.splitlines(), start=1):
            m = re.match(r"^\s*(site_url|edition|editors|publisher|version|licence|repository)\s*:", line)
            if m and m.group(1) not in lines:
                lines[m.group(1)] = i
        return cls(
            site_name=site_name, site_url=(site_url or None), editors=names, publisher=text("publisher"),
            version=version, licence=text("licence"), repository=text("repository"), lines=lines,
        )

    def url_of(self, page_url: str) -> str | None:
        """The canonical URL of a site page ('documents/x/'), when the site has a URL."""
        if not self.site_url:
            return None
        return self.site_url.rstrip("/") + "/" + page_url.lstrip("/")

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


def _git_version(root: Path) -> str | None:
    """The commit being built ('git describe': a release tag if there is one), when ``root`` is a checkout."""
    try:
        proc = subprocess.run(["git", "describe", "--tags", "--always", "--dirty"], cwd=root, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def _build_date() -> dt.date:
    """The build's date (``SOURCE_DATE_EPOCH`` for a reproducible build): the 'accessed' date of a citation."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


def _names(names: tuple[str, ...]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def edition_forms(original_note: str, original_bib: str, settings: EditionSettings, url: str | None) -> tuple[str, str]:
    """The citation of a document *as published in this edition* (HTML), note and bibliography form:
    the original, then 'in <i>Edition</i>', editors, publisher, access date and URL (CMOS 14.12)."""
    site = f"<i>{esc(settings.site_name)}</i>"
    eds = _names(settings.editors)
    note = original_note.rstrip().rstrip(".") + f", in {site}"
    bib = original_bib.rstrip().rstrip(".") + f". In {site}"
    if eds:
        note += f", ed. {esc(eds)}"
        bib += f", edited by {esc(eds)}"
    if settings.publisher:
        note += f" ({esc(settings.publisher)})"
        bib += f". {esc(settings.publisher)}"
    if settings.version:
        note += f", version {esc(settings.version)}"
        bib += f". Version {esc(settings.version)}"
    accessed = esc(format_partial_date(settings.accessed, "chicago"))
    note += f", accessed {accessed}"
    bib += f". Accessed {accessed}"
    if url:
        note += f", {esc(url)}"
        bib += f". {esc(url)}"
    return note + ".", bib + "."


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
        rn = by_label.get(label)
        if rn is None or rn.key is None or rn.key not in fmt.library:
            continue
        ref_html = fmt.note(rn.key, parse_locator(rn.locator))
        how = {"ibid": "Ibid.", "op. cit.": "op. cit."}.get(rn.how)
        if not (how or adds_something(rn.note.wording.replace("*", ""), plain(ref_html))):
            continue
        prefix = f'<span class="note-reference__how">{esc(how)} = </span>' if how else '<span class="note-reference__how">Full reference: </span>'
        span = lxml_html.fragment_fromstring(
            f'<span class="note-reference">{prefix}<a href="#{esc(ref_anchor(rn.key))}" class="note-reference__work">{ref_html}</a></span>')
        target = li.find("p") if li.find("p") is not None else li
        backref = next((a for a in target.iter("a") if "footnote-backref" in (a.get("class") or "")), None)
        if backref is not None:
            backref.addprevious(span)
            span.tail = " "
        else:
            target.append(span)


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
        backs = ", ".join(f'<a href="#{esc(note_anchor(lbl))}">n.&nbsp;{esc(lbl)}</a>' for lbl in by_key[key])
        items.append(
            f'<li id="{esc(ref_anchor(key))}">{entry} <span class="cited-in">Cited in {backs}. '
            f'{link(bibliography_url + "#" + ref_anchor(key), "In the bibliography")}</span></li>'
        )
    return f'<section class="works-cited"><h2 id="works-cited">Works cited</h2><ul>{"".join(items)}</ul></section>'


def cite_this(doc: Document, fmt: Formatter, downloads: dict[str, str], settings: EditionSettings | None = None,
              page_url: str | None = None) -> str:
    """'Cite this document': the original in Chicago note and bibliography form, the same as
    published in this edition, the downloads of its reference, and its COinS for Zotero."""
    if doc.bibkey not in fmt.library:
        return ""
    settings = settings or EditionSettings()
    note = fmt.note(doc.bibkey)
    bib = fmt.entry(doc.bibkey)
    ed_note, ed_bib = edition_forms(note, bib, settings, page_url)
    links = " · ".join(
        f'<a href="{esc(href)}" download>{esc(label)}</a>' for label, href in downloads.items()
    )
    return (
        '<section class="cite-this"><h2 id="cite-this-document">Cite this document</h2>'
        "<h3>The original</h3>"
        f'<p class="cite-form cite-form--note"><strong>Note:</strong> {note}</p>'
        f'<p class="cite-form cite-form--bibliography"><strong>Bibliography:</strong> {bib}</p>'
        "<h3>As published in this edition</h3>"
        f'<p class="cite-form cite-form--edition-note"><strong>Note:</strong> {ed_note}</p>'
        f'<p class="cite-form cite-form--edition-bibliography"><strong>Bibliography:</strong> {ed_bib}</p>'
        f'<p><strong>Download the reference:</strong> {links}</p>'
        "<p>To cite a paragraph or a note, add its number to the citation, e.g. “para. 3” or “n. 6”; "
        "each number links to its place, and the <em>cite</em> button beside it copies the citation.</p>"
        f"{coins(fmt.library.references[doc.bibkey], page_url)}"
        "</section>"
    )


def bibliography_page(
    library: Library, fmt: Formatter, notes_by_doc: dict[str, list[ResolvedNote]],
    documents: dict[str, Document], url_for: UrlFor,
) -> str:
    """Every work in the library in Chicago order, with links back to each note citing it."""
    citing: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for doc_path, notes in notes_by_doc.items():
        for rn in notes:
            if rn.key:
                citing[rn.key].append((doc_path, rn.note.label))
    own = {d.bibkey: d for d in documents.values()}
    items = []
    for key, entry in fmt.bibliography(library.references):
        parts = []
        if key in own:
            parts.append(f"The edition’s {link(url_for(own[key].path), 'transcription')} of this document.")
        if citing.get(key):
            backs = ", ".join(
                link(url_for(f"{dp}#{note_anchor(lbl)}"), f"{documents[dp].title if dp in documents else dp}, n. {lbl}")
                for dp, lbl in citing[key]
            )
            parts.append(f"Cited in {backs}.")
        extra = f' <span class="cited-in">{" ".join(parts)}</span>' if parts else ""
        items.append(f'<li id="{esc(ref_anchor(key))}">{entry}{extra}</li>')
    return f'<ul class="bibliography">{"".join(items)}</ul>'


def about_edition(settings: EditionSettings) -> str:
    """The facts of the edition for the About page; an unset value says so, nothing is guessed."""
    unset = "<em>not yet set</em>"
    rows = [
        ("Title", f"<i>{esc(settings.site_name)}</i>"),
        ("Editors", esc(_names(settings.editors)) if settings.editors else unset),
        ("Publisher", esc(settings.publisher) if settings.publisher else unset),
        ("Version", esc(settings.version) if settings.version else unset),
        ("Licence", esc(settings.licence) if settings.licence else unset),
        ("Repository", link(settings.repository, settings.repository) if settings.repository else unset),
        ("Address", link(settings.site_url, settings.site_url) if settings.site_url else unset),
    ]
    body = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="edition-facts">{body}</dl>'


def meta_tags(tags: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f'<meta name="{esc(n)}" content="{esc(v)}">' for n, v in tags)
