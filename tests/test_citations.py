"""Citations as a Chicago reader, a second CSL processor, biber and the CSL schema receive them,
and the edition as a citable work (issues 13 and 24). Every expectation comes from bib/, docs/,
data/, mkdocs.yml, the vendored files or the Chicago Manual of Style (17th edition); Zotero's import
rules are in tests/test_zotero.py, the cite controls in a browser in tests/test_cite_browser.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import jsonschema
import pytest
from lxml import html

from edition.apparatus import EditionSettings, adds_something, edition_date, edition_forms, edition_self_forms, note_numbers
from edition.bibtex import Library, load_library, parse_library
from edition.citeproc import LOCALE_FILE, RENDERER, STYLE_FILE, BibliographyJob, Formatter, NoteJob, plain
from edition.csl import parse_locator, processor_item
from edition.diagnostics import Diagnostics
from edition.documents import Document, load_documents
from edition.notes import ResolvedNote, extract_notes, resolve_notes
from tests.build_support import check_in_process
from tests.conftest import ROOT, copy_project, run_build, with_renderings
from tests.subject import SUBJECT

SCHEMA = ROOT / "edition" / "csl" / "csl-data.json"
SITE_NAME = re.search(r'^site_name:\s*"?(.*?)"?\s*$', (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1)  # type: ignore[union-attr]
DASH = "———"  # Chicago's 3-em dash for a repeated author (CMOS 14.67)


def _library() -> Library:
    diags = Diagnostics()
    library = load_library(ROOT / "bib", ROOT, diags)
    assert diags.errors == []
    return library


def _documents() -> list[Document]:
    docs = load_documents(ROOT / "docs", Diagnostics(), ROOT)
    assert docs
    return docs


def _site_library() -> Library:
    """The library as a build holds it: each document's own entry with the repository and
    identifier its front matter gives (``Edition.load``)."""
    library = _library()
    for doc in _documents():
        ref = library.get(doc.bibkey)
        if ref is not None and (doc.archival_source or doc.identifier):
            library.references[doc.bibkey] = ref.with_copy(doc.archival_source, doc.identifier)
    return library


def _notes(library: Library) -> dict[str, list[ResolvedNote]]:
    out = {}
    for doc in _documents():
        _, notes, _ = extract_notes((ROOT / "docs" / doc.path).read_text(encoding="utf-8"), doc.path, "x", 1, Diagnostics())
        out[doc.path] = resolve_notes(notes, library, "x", Diagnostics())
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", text)).replace("\u00a0", " ")).strip()


def _text(el: html.HtmlElement) -> str:
    return " ".join(el.text_content().replace("\u00a0", " ").split())


# -- biber and the CSL data schema ----------------------------------------------------------------

@pytest.mark.skipif(shutil.which("biber") is None, reason="Debian's biber is not installed (apt-get install biber)")
def test_references_pass_biber_datamodel_validation(tmp_path: Path) -> None:
    for bib in sorted((ROOT / "bib").glob("*.bib")):
        shutil.copy(bib, tmp_path / bib.name)
        proc = subprocess.run(["biber", "--tool", "--validate-datamodel", bib.name], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, output
        assert not [line for line in output.splitlines() if line.startswith(("WARN", "ERROR"))], output


@pytest.mark.skipif(shutil.which("biber") is None, reason="Debian's biber is not installed (apt-get install biber)")
def test_biber_validation_does_flag_a_bad_entry(tmp_path: Path) -> None:
    """The check above can fail: an @article with a publisher and no title is reported."""
    (tmp_path / "bad.bib").write_text("@article{a, journaltitle = {J}, publisher = {P}, date = {1987}}\n")
    proc = subprocess.run(["biber", "--tool", "--validate-datamodel", "bad.bib"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert "WARN" in proc.stdout + proc.stderr


@pytest.mark.skipif(shutil.which("biber") is None, reason="Debian's biber is not installed (apt-get install biber)")
def test_every_bibtex_download_passes_biber(built_site: Path, tmp_path: Path) -> None:
    """What readers download is BibTeX biber reads without a warning too: a document's entry with its
    url and note, the edition's own, every work's."""
    files = sorted((built_site / "cite").rglob("*.bib"))
    assert {f.stem for f in files} >= {d.slug for d in _documents()} | {"edition"} | set(_library().references) - {d.bibkey for d in _documents()}
    (tmp_path / "all.bib").write_text("\n".join(f.read_text(encoding="utf-8") for f in files), encoding="utf-8")
    proc = subprocess.run(["biber", "--tool", "--validate-datamodel", "all.bib"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and not [line for line in output.splitlines() if line.startswith(("WARN", "ERROR"))], output


def _schema_errors(items: list[dict]) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft3Validator)
    errors = [e.message for e in validator_cls(schema).iter_errors(items)]
    known = set(schema["items"]["properties"])
    errors += [f"unknown CSL variable '{k}'" for item in items for k in item if k not in known]
    return errors


def test_csl_json_downloads_validate_against_the_csl_data_schema(built_site: Path) -> None:
    files = sorted((built_site / "cite").rglob("*.json"))
    assert len(files) >= len(_library()) + 1  # every work, and the edition
    for path in files:
        assert _schema_errors(json.loads(path.read_text(encoding="utf-8"))) == [], path.name
    # and every entry of the library, as the formatter sends it to the processor
    assert _schema_errors([r.csl() for r in _library().references.values()]) == []


def test_the_schema_check_can_fail() -> None:
    assert _schema_errors([{"id": "a", "type": "no-such-type", "author": "not a list", "titel": "x"}])


# -- a second CSL processor agrees on everything the site shows -------------------------------------

def _shown(library: Library) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Every (work, locator) the site shows in full (a note whose reference adds something to its
    wording, 'Cite this document'), and every work the bibliography lists."""
    fmt = Formatter(library, ROOT / ".cache" / "citations.json")
    notes = [
        (rn.key, rn.locator) for ns in _notes(library).values() for rn in ns
        if rn.key and (rn.how in ("ibid", "op. cit.") or adds_something(rn.note.wording.replace("*", ""), fmt.note(rn.key, parse_locator(rn.locator), html=False)))
    ]
    notes += [(d.bibkey, None) for d in _documents()]
    return list(dict.fromkeys(notes)), sorted(library.references)


def _pandoc(tmp: Path, name: str, items: list[dict], body: str) -> html.HtmlElement:
    """pandoc's citeproc over the vendored style as it is (its own built-in en-US locale: pandoc
    takes none from a file)."""
    (tmp / f"{name}.json").write_text(json.dumps(items), encoding="utf-8")
    (tmp / f"{name}.md").write_text(body, encoding="utf-8")
    out = subprocess.run(["pandoc", f"{name}.md", "--citeproc", "--csl", str(STYLE_FILE), "--bibliography", f"{name}.json", "-t", "html", "--wrap=none"],
                         cwd=tmp, capture_output=True, text=True, timeout=600, check=True).stdout
    return html.fromstring(f"<div>{out}</div>")


def _names_of(item: dict) -> str:
    """What Chicago's 3-em dash stands for: the same names, or, for a work without them, the same
    title that takes their place."""
    names = item.get("author") or []
    return json.dumps(names, sort_keys=True) if names else item.get("container-title") or item.get("title") or ""


def _apart(keys: list[str], items: dict[str, dict]) -> list[list[str]]:
    """``keys`` in as few groups as there can be in which no two works have the same names (or, for a
    work without names, the same title in their place)."""
    groups: list[list[str]] = []
    for key in keys:
        group = next((g for g in groups if all(_names_of(items[k]) != _names_of(items[key]) for k in g)), None)
        if group is None:
            groups.append(group := [])
        group.append(key)
    return groups


def test_works_apart_never_share_names() -> None:
    items = {"a": {"author": [{"family": "X"}]}, "b": {"author": [{"family": "X"}]}, "c": {"container-title": "P"},
             "d": {"container-title": "P"}, "e": {"author": [{"family": "Y"}]}}
    assert _apart(list(items), items) == [["a", "c", "e"], ["b", "d"]]


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc (Debian) is the second CSL processor")
def test_a_second_processor_renders_every_shown_citation_the_same(tmp_path: Path) -> None:
    """citeproc-js, as the build runs it, and pandoc, each with the style and locale as shipped (no
    patch), agree on every note and every bibliography entry the site shows.

    A bibliography entry is compared as each processor renders it on its own (pandoc: among works
    of other names only, which no Chicago rule lets change it); the list the site
    shows is then checked against Chicago's rules: each entry is that rendering, with the 3-em dash
    in place of the names exactly when the entry before has the same (CMOS 14.67), in the order of
    names, title, then date. (The list is not compared whole: pandoc 2.17 orders two issues of one
    periodical by the text of their dates, "January 19, 1987" before "June 10, 1985".)"""
    library = _site_library()
    notes, keys = _shown(library)
    style, locale = STYLE_FILE.read_text(encoding="utf-8"), LOCALE_FILE.read_text(encoding="utf-8")
    items = {k: processor_item(library.references[k]) for k in keys}

    # citeproc-js with the renderer the build runs: each note, the whole list, each entry alone
    request = {"style": style, "locale": locale, "items": items, "jobs": [
        {"kind": "note", "id": k, "locator": (parse_locator(loc).value if loc else None), "label": (parse_locator(loc).label if loc else None)}
        for k, loc in notes] + [{"kind": "bibliography", "ids": keys}] + [{"kind": "bibliography", "ids": [k]} for k in keys]}
    proc = subprocess.run(["node", str(RENDERER)], input=json.dumps(request), capture_output=True, text=True, timeout=600, check=True)
    results = json.loads(proc.stdout)["results"]
    js_notes = [_norm(r) for r in results[: len(notes)]]
    js_list = [(k, _norm(v)) for k, v in results[len(notes)]["entries"]]
    js_alone = {k: _norm(r["entries"][0][1]) for k, r in zip(keys, results[len(notes) + 1:], strict=True)}

    # pandoc: every note a first citation (each cites its own copy of the item), each entry alone
    copies, paragraphs = [], []
    for i, (key, loc) in enumerate(notes):
        copies.append({**items[key], "id": f"{key}_copy{i}"})
        locator = parse_locator(loc)
        paragraphs.append(f"Note {i} [@{key}_copy{i}{', ' + locator.label + ' ' + locator.value if locator else ''}].")
    page = _pandoc(tmp_path, "notes", copies, "---\nsuppress-bibliography: true\n---\n\n" + "\n\n".join(paragraphs) + "\n")
    pd_notes = []
    for li in page.xpath('//section[contains(@class, "footnotes")]//li'):
        for a in li.xpath('.//a[contains(@class, "footnote-back")]'):
            a.drop_tree()
        pd_notes.append(_norm(li.text_content()))
    assert len(pd_notes) == len(notes)
    for (key, loc), js, pd in zip(notes, js_notes, pd_notes, strict=True):
        assert js == pd, f"note for {key} at {loc!r}"
    # each entry on its own: in a run with entries of other names only, so that no entry follows one
    # with its names (Chicago's 3-em dash) and no two entries' short forms can be taken for each other
    # (disambiguation); a pandoc run costs seconds of CPU (the style alone is 240 kB), so one run per
    # such group instead of one per work
    for i, group in enumerate(_apart(keys, items)):
        assert len({_names_of(items[k]) for k in group}) == len(group), group
        page = _pandoc(tmp_path, f"bib-{i}", [items[k] for k in group], "---\nnocite: '@*'\n---\n\n::: {#refs}\n:::\n")
        entries = {div.get("id"): _norm(div.text_content()) for div in page.xpath('//div[contains(@class, "csl-entry")]')}
        assert entries == {f"ref-{k}": js_alone[k] for k in group}, group

    # the list the site shows, by Chicago's rules
    assert {k for k, _ in js_list} == set(keys)
    for (before, _), (key, entry) in zip([(None, None), *js_list[:-1]], js_list, strict=True):
        repeated = before is not None and _names_of(items[before]) == _names_of(items[key])
        if repeated:
            assert entry.startswith(DASH + ". ") and js_alone[key].endswith(entry[len(DASH):]), (key, entry)
        else:
            assert entry == js_alone[key], (key, entry)

    def order(key: str) -> tuple[str, str, list[int]]:
        item = items[key]
        names = " ".join(" ".join(filter(None, (n.get("family") or n.get("literal"), n.get("given")))) for n in item.get("author") or [])
        return ((names or plain(str(item.get("container-title", "")))).casefold(), plain(str(item.get("title", ""))).casefold(),
                item.get("issued", {}).get("date-parts", [[0]])[0])

    assert [k for k, _ in js_list] == sorted(keys, key=order)


def test_the_build_formats_with_one_node_run(tmp_path: Path) -> None:
    """All renderings of a build come from one batch; a second build with the cache needs none."""
    from edition import apparatus

    library = _library()
    notes = _notes(library)
    docs = {d.path: d for d in _documents()}
    jobs = apparatus.citation_jobs(notes, docs, library)
    fmt = Formatter(library, tmp_path / "c.json")
    fmt.prepare(jobs)
    assert fmt.node_runs == 1
    for ns in notes.values():
        for rn in ns:
            if rn.key:
                fmt.note(rn.key, parse_locator(rn.locator))
    fmt.bibliography(library.references)
    for d in docs.values():
        fmt.note(d.bibkey), fmt.entry(d.bibkey)
    assert fmt.node_runs == 1
    fmt.save()
    again = Formatter(library, tmp_path / "c.json")
    again.prepare(jobs)
    assert again.node_runs == 0


# -- notes: original wording, the full reference only where it adds something --------------------

def test_every_note_keeps_its_wording_and_ends_with_one_discreet_control(built_site: Path) -> None:
    """A note ends with its wording and, where the wording does not give it, its full reference;
    its cite control is made in the browser from its cite label (tests/test_reading.py), and no
    'Works cited #' follows it (the works cited list links back to every note)."""
    library = _library()
    fmt = Formatter(library, ROOT / ".cache" / "citations.json")
    for doc_path, notes in _notes(library).items():
        slug = Path(doc_path).stem
        page = html.parse(str(built_site / "documents" / slug / "index.html")).getroot()
        for rn in notes:
            li = page.get_element_by_id(f"fn:{rn.note.label}")
            text = " ".join(li.text_content().split())
            # the wording as read: emphasis and the edition's marks ([words](entity:id), [words](when:1983)) are markup
            wording = re.sub(r"\[([^\]]*)\]\((?:entity|when):[^)]*\)", r"\1", rn.note.wording)
            wording = " ".join(re.sub(r"\*", "", wording).split())
            assert text.startswith(wording), (rn.note.label, text)
            assert li.get("data-cite-label") == f"n. {rn.note.label}"
            assert not li.xpath('.//button | .//a[@class="note-permalink" or @class="note-reference__link"]'), rn.note.label
            assert "Works cited" not in text, (rn.note.label, text)
            if not rn.key:
                continue
            full = li.xpath('.//a[@class="note-reference__work"]')
            resolved = fmt.note(rn.key, parse_locator(rn.locator), html=False)
            if rn.how in ("ibid", "op. cit.") or adds_something(wording, resolved):
                assert len(full) == 1 and _norm(full[0].text_content()) == _norm(resolved)
                assert full[0].get("href") == f"#ref-{rn.key}"
            else:
                assert not full
            works = page.xpath(f'//section[@class="works-cited"]//li[@id="ref-{rn.key}"]')
            assert works and works[0].xpath(f'.//a[@href="#fn:{rn.note.label}"]'), f"the works cited do not lead back to n. {rn.note.label}"


def test_adds_something() -> None:
    assert not adds_something("Defense News, January 5, 1987, p. 3.", "Defense News, January 5, 1987, 3.")
    assert adds_something("Defense of Japan 1986, op. cit., p. 181.", "Japan Defense Agency, Defense of Japan 1986 (Tokyo: Japan Times, 1986), 181.")


# -- Chicago 17, form by form: the original, the document in the edition, the edition --------------
#
# Written from the Manual's patterns, not from the processor's output: a numbered series after the
# title, its number in one form in note and bibliography ("Bollingen Series 36", 14.123); the
# publisher's name without "The" or "Ltd." (14.141); an unpublished document in roman and quotation
# marks, its kind lowercase, its full date, then its identifier, collection and repository
# (14.211-14.232); a work in a larger one, "in" its title in italics, "ed." its editors (14.103-14.107);
# a web publication's date of revision and its URL at the end (14.12-14.13, 14.206-14.207).

HERITAGE_NOTE = ("Gregg A. Rubinstein, <i>Guidelines for Increase of U.S.-Japanese Defense Technology Cooperation</i>, "
                 "Asian Backgrounder 70 (Heritage Foundation, 1987).")
HERITAGE_BIB = ("Rubinstein, Gregg A. <i>Guidelines for Increase of U.S.-Japanese Defense Technology Cooperation</i>. "
                "Asian Backgrounder 70. Heritage Foundation, 1987.")
CIA_NOTE = ("Office of East Asian Analysis, “Technology Leakage from Japan,” memorandum, "
            "Central Intelligence Agency, Directorate of Intelligence, September 7, 1983.")
CIA_BIB = ("Office of East Asian Analysis. “Technology Leakage from Japan.” Memorandum. "
           "Central Intelligence Agency, Directorate of Intelligence, September 7, 1983.")
EDITORS = ("Jane Doe", "Taro Yamada")
PUBLISHER = "Example University Press"
EPOCH = "1700000000"  # 2023-11-14 22:13:20 UTC
EPOCH_DATE = "November 14, 2023"
URL = "https://editions.example.org/us-japan/"


def _settings(**changes: object) -> EditionSettings:
    values: dict[str, object] = {"site_name": SITE_NAME, "site_url": URL, "editors": EDITORS, "publisher": PUBLISHER,
                                 "date": dt.date(2023, 11, 14), "date_source": "SOURCE_DATE_EPOCH"}
    values.update(changes)
    return EditionSettings(**values)  # type: ignore[arg-type]


# The tests' own entries, of the shapes of the edition's two originals (bib/ may correct those).
FORMS = r"""
@report{series1987, author = {Rubinstein, Gregg A.}, title = {Guidelines for Increase of {U.S.-Japanese} Defense Technology Cooperation},
  type = {Asian Backgrounder}, number = {70}, institution = {Heritage Foundation}, date = {1987-10-26}}
@report{unpublished1983, author = {{Office of East Asian Analysis}}, title = {Technology Leakage from {Japan}}, type = {memorandum},
  entrysubtype = {unpublished}, institution = {Central Intelligence Agency, Directorate of Intelligence}, date = {1983-09-07}}
@report{copy1983, author = {{Office of East Asian Analysis}}, title = {Technology Leakage from {Japan}}, type = {memorandum},
  entrysubtype = {unpublished}, institution = {Central Intelligence Agency, Directorate of Intelligence}, date = {1983-09-07}}
"""
CREST = "CIA Records Search Tool (CREST), National Archives at College Park, MD"


@pytest.fixture(scope="module")
def fmt() -> Formatter:
    """The tests' own entries (one of them kept in a repository, as a document's front matter says) in one run of the processor."""
    library = parse_library(FORMS, "forms.bib", Diagnostics())
    library.references["copy1983"] = library.references["copy1983"].with_copy(CREST, "CIA-RDP85T00287R000500140001-9")
    fmt = Formatter(library, None)
    keys = list(library.references)
    fmt.prepare([*(NoteJob(k) for k in keys), *(BibliographyJob((k,)) for k in keys)])  # one Node run, not one per string
    assert fmt.node_runs == 1
    return fmt


def test_a_report_in_a_series_and_an_unpublished_memorandum_in_chicago_form(fmt: Formatter) -> None:
    assert fmt.note("series1987") == HERITAGE_NOTE and fmt.entry("series1987") == HERITAGE_BIB
    assert fmt.note("unpublished1983") == CIA_NOTE and fmt.entry("unpublished1983") == CIA_BIB


def test_an_unpublished_document_names_its_repository_and_identifier_when_known(fmt: Formatter) -> None:
    assert fmt.note("copy1983") == CIA_NOTE[:-1] + f", CIA-RDP85T00287R000500140001-9, {CREST}."
    assert fmt.entry("copy1983") == CIA_BIB[:-1] + f". CIA-RDP85T00287R000500140001-9. {CREST}."


def test_no_publisher_in_the_library_carries_the_or_ltd() -> None:
    """CMOS 17, 14.141: a publisher's name without an initial "The" and without "Ltd.", "Inc."
    (every work of bib/, as the originals' notes print them or not)."""
    for ref in _library().references.values():
        for field in ("publisher", "institution"):
            name = ref.fields.get(field, "")
            assert not re.match(r"(?i)the\s", name) and not re.search(r"(?i),?\s(ltd|inc|co)\.?$", name), f"{ref.path}:{ref.line}: {field} = {name!r}"


def test_the_document_in_the_edition_with_its_locators() -> None:
    """The original's page after the original, the edition's paragraph after the edition."""
    forms = edition_forms(CIA_NOTE, CIA_BIB, _settings(), URL + "documents/x/#p4", "pp. 1–2", "para. 4")
    site = f"<i>{SITE_NAME}</i>"
    assert forms.note_text == (CIA_NOTE[:-1] + f", pp. 1–2, in {SITE_NAME}, ed. Jane Doe and Taro Yamada, {PUBLISHER}, "
                               f"version of {EPOCH_DATE}, para. 4, {URL}documents/x/#p4.")
    assert forms.bibliography_text == (CIA_BIB[:-1] + f". In {SITE_NAME}, edited by Jane Doe and Taro Yamada. {PUBLISHER}, "
                                       f"version of {EPOCH_DATE}. {URL}documents/x/#p4.")
    assert f"in {site}, ed." in forms.note and f"In {site}, edited by" in forms.bibliography
    # the static forms leave the access date to the reader's clock: a slot, no date
    assert 'data-cite-accessed' in forms.note and "accessed" not in plain(forms.note)


def test_the_edition_form_without_what_is_not_known() -> None:
    """No editors, publisher, date or URL configured: nothing is invented, nothing dangles."""
    bare = EditionSettings(site_name=SITE_NAME)
    forms = edition_forms(HERITAGE_NOTE, HERITAGE_BIB, bare, None)
    assert forms.note_text == plain(HERITAGE_NOTE)[:-1] + f", in {SITE_NAME}."
    assert forms.bibliography_text == plain(HERITAGE_BIB)[:-1] + f". In {SITE_NAME}."
    assert ", ed. " not in forms.note_text and "version of" not in forms.note_text and "1980," not in forms.note_text


def test_the_edition_itself() -> None:
    forms = edition_self_forms(_settings())
    assert forms.note_text == f"{SITE_NAME}, ed. Jane Doe and Taro Yamada, {PUBLISHER}, version of {EPOCH_DATE}, {URL}."
    assert forms.bibliography_text == f"{SITE_NAME}. Edited by Jane Doe and Taro Yamada. {PUBLISHER}, version of {EPOCH_DATE}. {URL}."


def test_several_notes_are_nn() -> None:
    """CMOS 14.28 (and its abbreviations, 10.43): 'n. 4', 'nn. 4, 14', each number its link."""
    assert plain(note_numbers(["4"], lambda n: "#fn:" + n)) == "n.\u00a04"
    both = note_numbers(["4", "14"], lambda n: "#fn:" + n)
    assert plain(both) == "nn.\u00a04, 14" and html.fromstring(f"<p>{both}</p>").xpath("//a/@href") == ["#fn:4", "#fn:14"]


def test_works_cited_and_the_bibliography_say_nn_for_several_notes(built_site: Path) -> None:
    """A work several notes cite is "Cited in nn. 4, 14", in the memo's works cited and on the site's bibliography."""
    for path, notes in _notes(_library()).items():
        doc = next(d for d in _documents() if d.path == path)
        page = html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot()
        labels: dict[str, list[str]] = {}
        for rn in notes:
            if rn.key:
                labels.setdefault(rn.key, []).append(rn.note.label)
        for key, cited in labels.items():
            text = _text(page.get_element_by_id(f"ref-{key}").find_class("cited-in")[0])
            assert f"Cited in {'nn.' if len(cited) > 1 else 'n.'} {', '.join(cited)}." in text, (key, text)
        several = [k for k, v in labels.items() if len(v) > 1]
        if several:
            bibliography = html.parse(str(built_site / "bibliography" / "index.html")).getroot()
            text = _text(bibliography.get_element_by_id(f"ref-{several[0]}"))
            assert f"{doc.label}, nn. {', '.join(labels[several[0]])}." in text, text


# -- dates: the edition's own, never the build's, never an access date ------------------------------

def test_the_editions_date_is_the_builders_or_the_commits_and_otherwise_none(tmp_path: Path) -> None:
    assert edition_date(tmp_path, EPOCH) == (dt.date(2023, 11, 14), "SOURCE_DATE_EPOCH")
    assert edition_date(tmp_path, None) == (None, "")  # no git here: not 1980, not today
    commit = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True).stdout.strip()
    if commit.isdigit():
        assert edition_date(ROOT, None) == (dt.datetime.fromtimestamp(int(commit), tz=dt.UTC).date(), "commit")


def test_the_plugins_stand_in_date_is_never_the_editions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs gets a fixed SOURCE_DATE_EPOCH for reproducible files (1980 without git); the edition's
    date is taken before, and a stand-in this process set is not taken for the builder's."""
    from edition_plugin import plugin

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(plugin, "_OWN_EPOCH", [])
    assert plugin._builder_epoch() is None
    plugin._fix_build_date(tmp_path)  # no git in tmp_path: the fixed date
    assert os.environ["SOURCE_DATE_EPOCH"] == "315532800" and plugin._builder_epoch() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert plugin._builder_epoch() == EPOCH


def _build(project: Path, site: Path, env: dict[str, str]) -> None:
    """A strict build of ``project`` with exactly the SOURCE_DATE_EPOCH of ``env`` (none when absent)."""
    full = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | {"NO_MKDOCS_2_WARNING": "1"} | env
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=project,
                          capture_output=True, text=True, env=full, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _configured(project: Path) -> None:
    """The edition's options as a publisher sets them (mkdocs.yml)."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("      editors: []", "      editors: " + json.dumps(list(EDITORS)))
    text = text.replace("      publisher: null", f'      publisher: "{PUBLISHER}"')
    config.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def dated_site(tmp_path_factory: pytest.TempPathFactory, citation_renderings: Path | None) -> Path:
    """The edition with its options set, built with the builder's SOURCE_DATE_EPOCH and a site URL."""
    base = tmp_path_factory.mktemp("dated")
    project = with_renderings(copy_project(base / "project"), citation_renderings)
    _configured(project)
    _build(project, base / "site", {"SOURCE_DATE_EPOCH": EPOCH, "SITE_URL": URL})
    return base / "site"


@pytest.fixture(scope="module")
def undated_site(tmp_path_factory: pytest.TempPathFactory, citation_renderings: Path | None) -> Path:
    """The edition built from a copy without git (as from `git archive`) and with no SOURCE_DATE_EPOCH."""
    base = tmp_path_factory.mktemp("undated")
    project = with_renderings(copy_project(base / "project"), citation_renderings)
    _build(project, base / "site", {"SITE_URL": URL})
    return base / "site"


ACCESS_DATE = re.compile(r"\baccessed\b", re.I)
STAND_IN = re.compile(r"\b1980\b(?!s)")  # MkDocs' fixed date for a build without git (the site's name says "1980s")


def test_no_static_page_gives_an_access_date(built_site: Path, dated_site: Path, undated_site: Path) -> None:
    """Only a reader's clock knows when a page is read: no built page says "accessed" (the page
    script writes it into the slot of the "Cite this document" forms), and no citation gives the
    stand-in 1980."""
    for site in (built_site, dated_site, undated_site):
        pages = list(site.rglob("*.html"))
        assert pages
        for page in pages:
            tree = html.parse(str(page)).getroot()
            text = _text(tree.find("body")) if tree.find("body") is not None else ""
            assert not ACCESS_DATE.search(text), page
            for form in tree.find_class("cite-form"):
                assert not STAND_IN.search(_text(form)), page
        assert "<lastmod>" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_a_dated_build_cites_the_edition_as_its_version_of_that_date(dated_site: Path) -> None:
    for doc in _documents():
        page = html.parse(str(dated_site / "documents" / doc.slug / "index.html")).getroot()
        note = _text(page.find_class("cite-form--edition-note")[0])
        assert f", in {SITE_NAME}, ed. Jane Doe and Taro Yamada, {PUBLISHER}, version of {EPOCH_DATE}, {URL}{doc.url}." in note, note
        data = page.find_class("cite-here")[0]
        assert data.get("data-cite-in") == f"in {SITE_NAME}, ed. Jane Doe and Taro Yamada, {PUBLISHER}, version of {EPOCH_DATE}"
        assert data.get("data-cite-url") == URL + doc.url
        printed = _text(page.find_class("print-citation")[0])
        assert printed.endswith(f"version of {EPOCH_DATE}, {URL}{doc.url}.") and "accessed" not in printed
    about = html.parse(str(dated_site / "about" / "index.html")).getroot()
    assert _text(about.find_class("cite-form--edition-self")[0]) == f"Note: {SITE_NAME}, ed. Jane Doe and Taro Yamada, {PUBLISHER}, version of {EPOCH_DATE}, {URL}."
    bib = " ".join((dated_site / "cite" / "edition.bib").read_text(encoding="utf-8").split())
    assert "date = {2023-11-14}" in bib and f"url = {{{URL}}}" in bib and "editor = {Jane Doe and Taro Yamada}" in bib


def test_an_undated_build_gives_no_date_at_all(undated_site: Path) -> None:
    for doc in _documents():
        page = html.parse(str(undated_site / "documents" / doc.slug / "index.html")).getroot()
        for form in page.find_class("cite-form"):
            assert "version of" not in _text(form).lower() and not STAND_IN.search(_text(form))
        assert page.find_class("cite-here")[0].get("data-cite-in") == f"in {SITE_NAME}"
    about = " ".join(html.parse(str(undated_site / "about" / "index.html")).getroot().text_content().split())
    assert "Version date not yet set" in about and not STAND_IN.search(about)
    assert "date" not in (undated_site / "cite" / "edition.bib").read_text(encoding="utf-8")


# -- the citation at hand, the source note, the printout ----------------------------------------------

def test_every_document_has_its_citation_at_hand(built_site: Path) -> None:
    """Under the card: the source note, then a control that copies the citation; a "Cite" entry in the
    page's contents; at the end, the printed citation (the "Cite this document" section and every
    control are screen-only)."""
    for doc in _documents():
        page = html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot()
        article = page.xpath("//article")[0]
        card = article.find_class("memo-card")[0]
        after = [el for el in card.itersiblings() if isinstance(el.tag, str)][:2]
        assert [el.get("class") for el in after] == ["source-note", "cite-here"], [el.get("class") for el in after]
        assert after[1].xpath('.//a[@href="#cite-this-document"]') and after[1].xpath('.//button[contains(@class, "para-cite")]')
        toc = page.xpath('//nav[contains(@class, "md-nav--secondary")]//a[@href="#cite-this-document"]')
        assert toc and _text(toc[0]) == "Cite"
        assert article.xpath('.//h2[@id="cite-this-document"]')
        last = [el for el in article.iter() if isinstance(el.tag, str) and el.get("class") in ("print-citation", "cite-this")]
        assert last[-1].get("class") == "print-citation", "the printout ends with the citation"
        assert not card.xpath('.//dt[.="Citation key"]') and article.find_class("cite-key")


def test_the_source_note_says_what_is_known_and_what_is_not(built_site: Path) -> None:
    from edition.provenance import COPY_KINDS

    for doc in _documents():
        page = html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot()
        note = _text(page.find_class("source-note")[0])
        assert note.startswith("Source:")
        if doc.archival_source:
            assert doc.archival_source in note
        else:
            assert "Where the copy is kept" in note and "is not known" in note
        if doc.release:
            assert " ".join(doc.release.split()) in note
        if doc.transcribed_from:
            assert COPY_KINDS[doc.transcribed_from] in note
            assert (doc.copy_url in note) if doc.copy_url else ("address of that copy is not recorded" in note)
        classification = doc.values.get("classification")
        if classification:
            assert " ".join(classification.split()) in note


# -- the edition as a citable work: SITE_URL, canonical links, sitemap ------------------------------

def test_site_url_from_the_environment_gives_canonical_links_sitemap_and_urls(project: Path, tmp_path: Path) -> None:
    url = "https://editions.example.org/memos/"
    result = run_build(project, tmp_path / "site", env={"SITE_URL": url, "EDITION_VERSION": "v-test"})
    assert result.ok, result.output
    site = result.site
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>" not in sitemap  # MkDocs would give every page the build's date: not when it changed
    for doc in _documents():
        page_url = f"{url}documents/{doc.slug}/"
        assert f"<loc>{page_url}</loc>" in sitemap
        page = html.parse(str(site / "documents" / doc.slug / "index.html")).getroot()
        assert page.xpath("//head/link[@rel='canonical']/@href") == [page_url]
        assert page.xpath("//head/meta[@name='citation_public_url']/@content") == [page_url]
        box = " ".join(page.xpath('//section[@class="cite-this"]')[0].text_content().split())
        assert f", {page_url}." in box
        assert f"UR  - {page_url}" in (site / "cite" / f"{doc.slug}.ris").read_text(encoding="utf-8")
        assert json.loads((site / "cite" / f"{doc.slug}.json").read_text(encoding="utf-8"))[0]["URL"] == page_url
        assert f"url = {{{page_url}}}" in " ".join((site / "cite" / f"{doc.slug}.bib").read_text(encoding="utf-8").split())
    about = " ".join(html.parse(str(site / "about" / "index.html")).getroot().text_content().split())
    assert "v-test" in about and url in about


def test_the_offline_bundle_cites_the_published_pages(published_bundle: Path) -> None:
    """Its pages are files (``x.html``); what it names as canonical, cites and lists in its sitemap is
    the site as published, directory style (``…/documents/x/``)."""
    from tests import cite_support

    root = published_bundle
    sitemap = (root / "sitemap.xml").read_text(encoding="utf-8")
    assert ".html" not in sitemap
    for doc in _documents():
        page = html.parse(str(root / "documents" / f"{doc.slug}.html")).getroot()
        published = cite_support.canonical(doc.url)
        assert page.xpath("//head/link[@rel='canonical']/@href") == [published]
        assert page.xpath("//head/meta[@name='citation_public_url']/@content") == [published]
        assert page.find_class("cite-here")[0].get("data-cite-url") == published
        assert f"<loc>{published}</loc>" in sitemap


# -- bad input: `make check` names file and line ----------------------------------------------------

def _check(project: Path, **env: str) -> str:
    """`make check` on ``project`` with ``env`` added to its environment, in this process (``tests/build_support.py``)."""
    out = check_in_process(project, env).output
    assert "Traceback" not in out, out
    return out


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_bad_citation_input_is_a_check_error_with_path_and_line(project: Path) -> None:
    bib = project / "bib" / "references.bib"
    text = bib.read_text(encoding="utf-8")
    text += "\n@book{badcorp,\n  author = {Defense Agency, Japan},\n  title = {X}, publisher = {P}, date = {1980}\n}\n"
    text += "\n@misc{badtype,\n  title = {Y}, date = {1981}\n}\n"
    bib.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    corp_line = lines.index("@book{badcorp,") + 1
    type_line = lines.index("@misc{badtype,") + 1
    memo = next(p for p in sorted((project / "docs" / "documents").glob("1*.md")) if "[@" in p.read_text(encoding="utf-8"))
    mtext = memo.read_text(encoding="utf-8")
    m = re.search(r"\[@([A-Za-z0-9_:.\-/]+)(?:,[^\]]*)?\]", mtext)
    mtext = mtext[: m.start()] + f"[@{m.group(1)}, somewhere near the end]" + mtext[m.end():]
    memo.write_text(mtext, encoding="utf-8")
    note_line = next(i for i, line in enumerate(mtext.splitlines(), start=1) if "somewhere near the end" in line)
    note_start = max(i for i, line in enumerate(mtext.splitlines()[:note_line], start=1) if line.startswith("[^"))
    proc = check_in_process(project)  # `make check`, in this process
    out = proc.output
    assert proc.returncode == 1, out
    assert f"bib/references.bib:{corp_line}: @book{{badcorp}}: 'Defense Agency, Japan' is an organisation written as 'Last, First'" in out
    assert f"bib/references.bib:{type_line}: @misc{{badtype}}: the Chicago style has no form for this entry type" in out
    shown = memo.relative_to(project).as_posix()
    assert re.search(rf"{re.escape(shown)}:{note_start}: note \S+: the locator 'somewhere near the end' cannot be read", out), out


def test_a_site_url_an_identifier_and_a_copy_address_that_cannot_be_cited_are_errors(subject: Path) -> None:
    """Issue 24's bad input, each at its file and line: a site URL that is not absolute http(s), an
    identifier not in the form of the repository the document names (data/repositories.yml), a copy's
    address that is not http(s); and a document that says nothing of where its text comes from is a
    warning. What is broken is the tests' own document (tests/subject.py)."""
    memo = subject / SUBJECT
    original = memo.read_text(encoding="utf-8")
    text = original.replace("archival_source: null", f'archival_source: "{CREST}"', 1)
    text = text.replace("identifier: null", 'identifier: "CIA-RDP85T00287R00050014001-9"', 1)  # a digit lost in copying
    text = text.replace("transcribed_from: scan\n", 'transcribed_from: scan\ncopy_url: "ftp://archive.example.org/scan.pdf"\n', 1)
    memo.write_text(text, encoding="utf-8")
    config = (subject / "mkdocs.yml").read_text(encoding="utf-8")
    # MkDocs itself refuses a site URL without a scheme, before the edition reads its configuration
    out = _check(subject, SITE_URL="editions.example.org/us-japan/")
    assert re.search(rf"^mkdocs.yml:{_line(config, 'site_url:')}: site_url: .*http.* \(write it as https://", out, re.M), out
    out = _check(subject)
    assert (f"{SUBJECT}:{_line(text, 'identifier:')}: identifier 'CIA-RDP85T00287R00050014001-9' is not in the form of "
            f"{CREST}'s identifiers") in out, out
    assert "e.g. 'CIA-RDP85T00287R000500140001-9' (data/repositories.yml:" in out
    assert f"{SUBJECT}:{_line(text, 'copy_url:')}: copy_url 'ftp://archive.example.org/scan.pdf' is not an absolute http(s) address" in out, out
    # the identifier as the repository gives it passes
    memo.write_text(text.replace("R00050014001-9", "R000500140001-9").replace("ftp://", "https://"), encoding="utf-8")
    out = _check(subject)
    assert "is not in the form of" not in out and "copy_url '" not in out, out
    assert "says nothing of where its text comes from" not in out, out
    # no repository, no identifier, no copy's address and no word of what the text was made from
    bare = original.replace("transcribed_from: scan\n", "", 1)
    memo.write_text(bare, encoding="utf-8")
    out = _check(subject)
    assert f"{SUBJECT}:{_line(bare, 'archival_source:')}: warning: the document says nothing of where its text comes from" in out, out


def test_a_document_type_with_no_citation_form_is_an_error(project: Path) -> None:
    registry = project / "data" / "document-types.yml"
    text = registry.read_text(encoding="utf-8")
    report = text.index("- id: report")
    text = text[:report] + text[report:].replace("  csl: [report]\n", "  csl: []\n", 1)
    cable = text.index("- id: cable")
    text = text[:cable] + re.sub(r"\n  csl: \[[^\]]*\]\n", "\n", text[cable:], count=1)
    registry.write_text(text, encoding="utf-8")
    out = _check(project)
    lines = text.splitlines()
    empty = next(i for i, line in enumerate(lines, start=1) if i > text[:report].count("\n") and line == "  csl: []")
    assert f"data/document-types.yml:{empty}: document type 'report' names CSL types the edition's Chicago style cannot render: (none)" in out, out
    cable_line = text[:cable].count("\n") + 1
    assert f"data/document-types.yml:{cable_line}: missing field 'csl' in document type" in out, out


def test_unset_edition_settings_are_check_warnings() -> None:
    diags = Diagnostics()
    EditionSettings.from_config("Site", None, {"edition": {"editors": [], "publisher": None}}, "site_name: x\nextra:\n  edition:\n    editors: []\n").check(diags)
    messages = [d.message for d in diags.warnings]
    assert diags.errors == [] and any("site_url" in m for m in messages) and any("editors" in m for m in messages)
    assert any(d.line == 4 for d in diags.warnings if "editors" in d.message)
    assert any("date is not set" in m for m in messages)  # no root, no SOURCE_DATE_EPOCH: the edition's date is not known
    full = Diagnostics()
    EditionSettings.from_config("Site", "https://x.example/", {"edition": {"editors": ["A"], "publisher": "P", "version": "1", "licence": "CC BY 4.0",
                                                                           "repository": "https://r.example/"}}, epoch=EPOCH).check(full)
    assert full.items == []


def test_deeply_nested_latex_is_a_message_not_a_traceback() -> None:
    diags = Diagnostics()
    parse_library("\n\n@book{deep, title = {" + "\\textit{" * 200 + "x" + "}" * 200 + "}, publisher = {P}, date = {1980}}\n", "bib/deep.bib", diags)
    assert [(d.path, d.line) for d in diags.errors] == [("bib/deep.bib", 3)]


def test_plain_strips_only_markup() -> None:
    assert plain("<i>A &amp; B</i>") == "A & B"
