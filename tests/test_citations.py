"""Citations as a Chicago reader, a second CSL processor, biber, the CSL schema and Zotero's
import rules receive them. Every expectation comes from bib/, docs/ and the vendored files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl

import jsonschema
import pytest
from lxml import etree, html

from edition.apparatus import adds_something
from edition.bibtex import Library, load_library, parse_library
from edition.citeproc import LOCALE_FILE, RENDERER, STYLE_FILE, Formatter, plain
from edition.csl import parse_locator, processor_item
from edition.diagnostics import Diagnostics
from edition.documents import Document, load_documents
from edition.exports import citation_meta
from edition.notes import ResolvedNote, extract_notes, resolve_notes
from tests.conftest import ROOT, copy_project, run_build

CSL_NS = "http://purl.org/net/xbiblio/csl"
SCHEMA = ROOT / "edition" / "csl" / "csl-data.json"


def _library() -> Library:
    diags = Diagnostics()
    library = load_library(ROOT / "bib", ROOT, diags)
    assert diags.errors == []
    return library


def _documents() -> list[Document]:
    docs = load_documents(ROOT / "docs", Diagnostics(), ROOT)
    assert docs
    return docs


def _notes(library: Library) -> dict[str, list[ResolvedNote]]:
    out = {}
    for doc in _documents():
        _, notes, _ = extract_notes((ROOT / "docs" / doc.path).read_text(encoding="utf-8"), doc.path, "x", 1, Diagnostics())
        out[doc.path] = resolve_notes(notes, library, "x", Diagnostics())
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", text)).replace("\u00a0", " ")).strip()


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


def _schema_errors(items: list[dict]) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft3Validator)
    errors = [e.message for e in validator_cls(schema).iter_errors(items)]
    known = set(schema["items"]["properties"])
    errors += [f"unknown CSL variable '{k}'" for item in items for k in item if k not in known]
    return errors


def test_csl_json_downloads_validate_against_the_csl_data_schema(built_site: Path) -> None:
    for doc in _documents():
        items = json.loads((built_site / "cite" / f"{doc.slug}.json").read_text(encoding="utf-8"))
        assert _schema_errors(items) == []
    # and every entry of the library, as the formatter sends it to the processor
    assert _schema_errors([r.csl() for r in _library().references.values()]) == []


def test_the_schema_check_can_fail() -> None:
    assert _schema_errors([{"id": "a", "type": "no-such-type", "author": "not a list", "titel": "x"}])


# -- a second CSL processor agrees on everything the site shows -------------------------------------

def _comparison_style() -> str:
    """The vendored style, made comparable across processors: no 3-em dash (which depends on the
    order of the list, compared separately), and the vendored en-US locale's terms that the style
    does not override, so that both processors use the same terms (pandoc's built-in locale
    predates CSL 1.0.2's 'number' term)."""
    style = etree.parse(str(STYLE_FILE))
    bib = style.find(f"{{{CSL_NS}}}bibliography")
    bib.attrib.pop("subsequent-author-substitute", None)
    own = style.find(f"{{{CSL_NS}}}locale")
    defined = {(t.get("name"), t.get("form", "long")) for t in own.iter(f"{{{CSL_NS}}}term")} if own is not None else set()
    locale = etree.parse(str(LOCALE_FILE))
    extra = etree.SubElement(style.getroot(), f"{{{CSL_NS}}}locale")
    extra.set("{http://www.w3.org/XML/1998/namespace}lang", "en-US")
    terms = etree.SubElement(extra, f"{{{CSL_NS}}}terms")
    for term in locale.iter(f"{{{CSL_NS}}}term"):
        if (term.get("name"), term.get("form", "long")) not in defined:
            terms.append(term)
    # CSL wants <locale> elements before <macro>s
    root = style.getroot()
    root.remove(extra)
    first_macro = root.find(f"{{{CSL_NS}}}macro")
    first_macro.addprevious(extra)
    return etree.tostring(style, encoding="unicode")


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


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc (Debian) is the second CSL processor")
def test_a_second_processor_renders_every_shown_citation_the_same(tmp_path: Path) -> None:
    library = _library()
    notes, keys = _shown(library)
    style = _comparison_style()
    items = {k: processor_item(library.references[k]) for k in keys}

    # citeproc-js, as the build runs it (the same renderer script), over the comparison style
    request = {
        "style": style, "locale": LOCALE_FILE.read_text(encoding="utf-8"), "items": items,
        "jobs": [{"kind": "note", "id": k, "locator": (parse_locator(loc).value if loc else None), "label": (parse_locator(loc).label if loc else None)} for k, loc in notes]
        + [{"kind": "bibliography", "ids": keys}],
    }
    proc = subprocess.run(["node", str(RENDERER)], input=json.dumps(request), capture_output=True, text=True, timeout=600, check=True)
    results = json.loads(proc.stdout)["results"]
    js_notes = [_norm(r) for r in results[:-1]]
    js_bib = {k: _norm(v) for k, v in results[-1]["entries"]}

    # pandoc's citeproc: every note a first citation (each cites its own copy of the item)
    copies, paragraphs = [], []
    for i, (key, loc) in enumerate(notes):
        copies.append({**items[key], "id": f"{key}_copy{i}"})
        locator = parse_locator(loc)
        paragraphs.append(f"Note {i} [@{key}_copy{i}{', ' + locator.label + ' ' + locator.value if locator else ''}].")
    (tmp_path / "items.json").write_text(json.dumps(copies + list(items.values())), encoding="utf-8")
    (tmp_path / "style.csl").write_text(style, encoding="utf-8")
    nocite = ", ".join(f"@{k}" for k in keys)
    (tmp_path / "doc.md").write_text(f"---\nnocite: '{nocite}'\n---\n\n" + "\n\n".join(paragraphs) + "\n\n# References {#refs}\n\n::: {#refs}\n:::\n", encoding="utf-8")
    out = subprocess.run(
        ["pandoc", "doc.md", "--citeproc", "--csl", "style.csl", "--bibliography", "items.json", "-t", "html", "--wrap=none"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, check=True,
    ).stdout
    page = html.fromstring(f"<div>{out}</div>")
    pd_notes = []
    for li in page.xpath('//section[contains(@class, "footnotes")]//li'):
        for a in li.xpath('.//a[contains(@class, "footnote-back")]'):
            a.drop_tree()
        pd_notes.append(_norm(li.text_content()))
    pd_bib = {div.get("id").removeprefix("ref-"): _norm(div.text_content()) for div in page.xpath('//div[contains(@class, "csl-entry")]') if not re.search(r"_copy\d+$", div.get("id"))}

    assert len(pd_notes) == len(notes)
    for (key, loc), js, pd in zip(notes, js_notes, pd_notes, strict=True):
        assert js == pd, f"note for {key} at {loc!r}"
    assert set(pd_bib) == set(keys) == set(js_bib)
    for key in keys:
        assert js_bib[key] == pd_bib[key], key


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
    assert adds_something("Defense of Japan 1986, op. cit., p. 181.", "Japan Defense Agency, Defense of Japan 1986 (Tokyo: The Japan Times, Ltd., 1986), 181.")


# -- reference managers: Zotero's own import rules ----------------------------------------------------

def zotero_highwire_creators(values: list[str]) -> list[str]:
    """Zotero's Embedded Metadata translator (processHighwireCreators): each citation_author is
    split at ';'; a single tag that does not split is split at ',' when the first two pieces both
    contain a space. Returns the creators it would import."""
    creators: list[str] = []
    for value in values:
        parts = re.split(r"\s*;\s*", value)
        if len(parts) == 1 and len(values) == 1:
            by_comma = re.split(r"\s*,\s*", parts[0])
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1]:
                parts = by_comma
        creators += [p.strip() for p in parts if re.search(r"[^\s,\-.;]", p)]
    return creators


def zotero_ris_creator(value: str) -> dict[str, str | int]:
    """Zotero's RIS translator: an AU splits at commas into last and first name; with no comma
    it is one single-field (institutional) name."""
    parts = re.split(r"\s*,\s*", value)
    if len(parts) == 1:
        return {"lastName": parts[0], "fieldMode": 1}
    return {"lastName": parts[0], "firstName": parts[1]}


def test_zotero_imports_each_author_as_one_creator(built_site: Path) -> None:
    library = _library()
    for doc in _documents():
        ref = library.get(doc.bibkey)
        page = html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot()
        authors = [m.get("content") for m in page.xpath("//head/meta[@name='citation_author']")]
        assert len(zotero_highwire_creators(authors)) == len(ref.authors)
        ris = (built_site / "cite" / f"{doc.slug}.ris").read_text(encoding="utf-8").splitlines()
        aus = [zotero_ris_creator(line[6:]) for line in ris if line.startswith("AU  - ")]
        assert len(aus) == len(ref.authors)
        for name, creator in zip(ref.authors, aus, strict=True):
            if name.literal:
                assert creator == {"lastName": name.literal, "fieldMode": 1}
            else:
                assert creator == {"lastName": name.family, "firstName": name.given}
        raw = (built_site / "cite" / f"{doc.slug}.bib").read_text(encoding="utf-8")
        for name in ref.authors:
            if name.literal:
                assert "{{" + name.literal + "}}" in raw
        csl = json.loads((built_site / "cite" / f"{doc.slug}.json").read_text(encoding="utf-8"))[0]
        assert [a.get("literal") for a in csl.get("author", []) if "literal" in a] == [n.literal for n in ref.authors if n.literal]
        coins = page.xpath('//span[@class="Z3988"]/@title')
        if any(n.literal for n in ref.authors):
            pairs = parse_qsl(coins[0])
            assert [v for k, v in pairs if k == "rft.aucorp"] == [n.literal for n in ref.authors if n.literal]
            assert ("rft.btitle", ref.title) in pairs


def test_particles_and_suffixes_are_csl_names_and_one_creator_each_in_zotero() -> None:
    library = parse_library("@book{a, author = {Ludwig van Beethoven and Smith, Jr., John}, title = {T}, publisher = {P}, date = {1987}}", "a.bib", Diagnostics())
    ref = library.get("a")
    assert _schema_errors([ref.csl()]) == []
    assert len(zotero_highwire_creators([v for k, v in citation_meta(ref) if k == "citation_author"])) == 2
    assert [zotero_ris_creator(n.inverted) for n in ref.authors] == [{"lastName": "van Beethoven", "firstName": "Ludwig"}, {"lastName": "Smith", "firstName": "John"}]


def test_the_zotero_rules_catch_a_split_organisation() -> None:
    assert len(zotero_highwire_creators(["Central Intelligence Agency, Directorate of Intelligence, Office of East Asian Analysis"])) == 3
    assert zotero_ris_creator("Central Intelligence Agency, Directorate of Intelligence") == {"lastName": "Central Intelligence Agency", "firstName": "Directorate of Intelligence"}


# -- the edition as a citable work: SITE_URL, canonical links, sitemap, the edition form ------------

def test_site_url_from_the_environment_gives_canonical_links_sitemap_and_urls(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
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
        assert f", {page_url}." in box and "version v-test" in box
        assert f"UR  - {page_url}" in (site / "cite" / f"{doc.slug}.ris").read_text(encoding="utf-8")
        assert json.loads((site / "cite" / f"{doc.slug}.json").read_text(encoding="utf-8"))[0]["URL"] == page_url
    about = " ".join(html.parse(str(site / "about" / "index.html")).getroot().text_content().split())
    assert "v-test" in about and url in about


# -- bad input: `make check` names file and line ----------------------------------------------------

def test_bad_citation_input_is_a_check_error_with_path_and_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
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
    proc = subprocess.run([sys.executable, "-m", "edition_plugin.check"], cwd=project, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert f"bib/references.bib:{corp_line}: @book{{badcorp}}: 'Defense Agency, Japan' is an organisation written as 'Last, First'" in out
    assert f"bib/references.bib:{type_line}: @misc{{badtype}}: the Chicago style has no form for this entry type" in out
    shown = memo.relative_to(project).as_posix()
    assert re.search(rf"{re.escape(shown)}:{note_start}: note \S+: the locator 'somewhere near the end' cannot be read", out), out


def test_unset_edition_settings_are_check_warnings() -> None:
    from edition.apparatus import EditionSettings

    diags = Diagnostics()
    EditionSettings.from_config("Site", None, {"edition": {"editors": [], "publisher": None}}, "site_name: x\nextra:\n  edition:\n    editors: []\n").check(diags)
    messages = [d.message for d in diags.warnings]
    assert diags.errors == [] and any("site_url" in m for m in messages) and any("editors" in m for m in messages)
    assert any(d.line == 4 for d in diags.warnings if "editors" in d.message)
    full = Diagnostics()
    EditionSettings.from_config("Site", "https://x.example/", {"edition": {"editors": ["A"], "publisher": "P", "version": "1", "licence": "CC BY 4.0", "repository": "https://r.example/"}}).check(full)
    assert full.items == []


def test_deeply_nested_latex_is_a_message_not_a_traceback() -> None:
    diags = Diagnostics()
    parse_library("\n\n@book{deep, title = {" + "\\textit{" * 200 + "x" + "}" * 200 + "}, publisher = {P}, date = {1980}}\n", "bib/deep.bib", diags)
    assert [(d.path, d.line) for d in diags.errors] == [("bib/deep.bib", 3)]


def test_plain_strips_only_markup() -> None:
    assert plain("<i>A &amp; B</i>") == "A & B"
