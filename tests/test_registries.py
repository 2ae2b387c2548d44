"""Glossary and entity registries: validation, one-pass matching, tooltips, links, pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html

from edition.annotate import Annotator, Found, unknown_acronyms
from edition.diagnostics import Diagnostics
from edition.entities import load_entities
from edition.glossary import load_glossary
from edition.htmltext import parse_fragment
from edition.matching import Matcher, Target
from tests.conftest import ROOT, BuiltEdition

CIA = "1983-09-07-cia-technology-leakage-from-japan"
HERITAGE = "1987-10-26-heritage-us-japan-defense-technology-cooperation"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_registries_load_without_problems() -> None:
    diags = Diagnostics()
    terms = load_glossary(ROOT / "data/glossary.yml", diags, "data/glossary.yml")
    entities = load_entities(ROOT / "data/entities.yml", diags, "data/entities.yml")
    assert diags.errors == []
    assert {t.entity for t in terms if t.entity} <= set(entities)


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("- term: ABC\n  kind: acronym\n  definition: x\n", 1, "acronym 'ABC' has no 'expansion'"),
    ("- term: ABC\n  kind: acronim\n  expansion: A\n  definition: x\n", 2, "field 'kind' in glossary entry is 'acronim'"),
    ("- term: ABC\n  kind: acronym\n  expansion: A\n  definition: x\n  colour: red\n", 5, "unknown field 'colour'"),
    ("- term: ABC\n  kind: acronym\n  expansion: [A\n", 4, "invalid YAML"),
    ("- term: ABC\n  kind: acronym\n  expansion: A\n  definition: x\n- term: ABC\n  kind: acronym\n  expansion: B\n  definition: y\n", 5, "duplicates the entry on line 1"),
    ("term: ABC\n", 1, "glossary registry must be a list"),
    ("- term: 25X9\n  kind: exemption\n  expansion: e\n  definition: d\n", 1, "needs 'legal_basis' and 'withholds'"),
])
def test_glossary_errors_name_file_and_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    diags = Diagnostics()
    load_glossary(write(tmp_path, "g.yml", text), diags, "data/glossary.yml")
    assert any(d.path == "data/glossary.yml" and d.line == line and needle in d.message for d in diags.errors), [str(d) for d in diags.items]


ENTITY = "- id: {id}\n  name: {name}\n  type: person\n  description: d\n  aliases: [{alias}]\n"


@pytest.mark.parametrize(("text", "line", "needle"), [
    (ENTITY.format(id="a", name="A B", alias="Abe") + ENTITY.format(id="b", name="C D", alias="Abe"), 10, "alias 'Abe' is claimed by 'b' and by 'a'"),
    (ENTITY.format(id="a", name="A", alias="x") + ENTITY.format(id="a", name="B", alias="y"), 6, "entity id 'a' is used twice"),
    (ENTITY.format(id="Bad Id", name="A", alias="x"), 1, "must be lowercase"),
    (ENTITY.format(id="a", name="A", alias="x") + "  related: [nobody]\n", 6, "related to unknown id 'nobody'"),
    (ENTITY.format(id="a", name="A", alias="x") + '  date: "1983-13"\n', 6, "field 'date' in entity must be a date"),
    (ENTITY.format(id="a", name="A", alias="x").replace("person", "robot"), 3, "field 'type' in entity is 'robot'"),
])
def test_entity_errors_name_file_and_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    diags = Diagnostics()
    load_entities(write(tmp_path, "e.yml", text), diags, "data/entities.yml")
    assert any(d.line == line and needle in d.message for d in diags.errors), [str(d) for d in diags.items]


def test_matcher_is_word_bounded_and_longest_first() -> None:
    m = Matcher()
    for form, target in [("US", "us"), ("USSR", "ussr"), ("CDI", "cdi"), ("CDI/BTI", "cdibti"), ("Toshiba", "t"), ("Toshiba Machine", "tm")]:
        m.add(form, Target("term", target))
    m.add("coproduction", Target("term", "cop"), case_sensitive=False)
    found = [(x.text, x.targets[0].id) for x in m.build().find("US, USSR, USA, CDI/BTI, CDI, Toshiba Machine, Toshiba's, Coproduction")]
    assert found == [("US", "us"), ("USSR", "ussr"), ("CDI/BTI", "cdibti"), ("CDI", "cdi"), ("Toshiba Machine", "tm"), ("Toshiba", "t"), ("Coproduction", "cop")]


def test_common_words_of_a_name_match_in_either_case_and_the_longest_name_wins() -> None:
    """"Reagan administration" is the administration (registered "Reagan Administration"), not the person
    "Reagan"; a proper noun, an acronym or the first word of a name is still matched only as written."""
    m = Matcher()
    for form, target in [("Reagan", "person"), ("Reagan Administration", "administration"), ("Abe", "abe"),
                         ("FY 1987 Defense Authorization Act", "act"), ("Toshiba", "t")]:
        m.add(form, Target("entity", target))
    found = [(x.text, x.targets[0].id) for x in m.build().find(
        "the Reagan administration and the Reagan Administration; reagan administration; REAGAN ADMINISTRATION; "
        "FY 1987 defense authorization act; fy 1987 Defense Authorization Act; abe; Abe; Reagan")]
    assert found == [("Reagan administration", "administration"), ("Reagan Administration", "administration"),
                     ("FY 1987 defense authorization act", "act"), ("Abe", "abe"), ("Reagan", "person")]


def test_acronym_detector() -> None:
    known = {"S&TF", "U.N.", "BMC³", "FY"}
    assert unknown_acronyms("the S&TF and U.N. and BMC³ in FY 1987; R&D, NATO-led, U.S.-Japan, GmbH, Phase II. Japan", known) == ["R&D", "NATO", "U.S.", "GmbH", "II"]


def _annotator() -> Annotator:
    diags = Diagnostics()
    terms = {t.key: t for t in load_glossary(ROOT / "data/glossary.yml", diags, "g")}
    return Annotator(terms, load_entities(ROOT / "data/entities.yml", diags, "e"), set())


@pytest.mark.parametrize(("sentence", "words", "entity"), [
    ("Foreign Minister Abe recently reaffirmed", "Foreign Minister Abe", "shintaro-abe"),
    ("under Deputy Defense Secretary William Howard Taft, remains", "William Howard Taft", "william-howard-taft-iv"),
    ("Using the bluntest language yet, Taft said", "Taft", "william-howard-taft-iv"),
    ("sale of advanced machine tools by Toshiba Machine Company to", "Toshiba Machine Company", "toshiba-machine"),
    ("Despite the damage done by Toshiba's violation", "Toshiba", "toshiba"),
    ("a central element in the Reagan administration's approach", "Reagan administration", "reagan-administration"),
])
def test_disambiguation(sentence: str, words: str, entity: str) -> None:
    root = parse_fragment(f'<p id="p1">{sentence}</p>')
    found = Found()
    _annotator().annotate("d.md", [("p1", root[0])], lambda p: p, found)
    assert (words, entity) in [(m.text, m.target) for m in found.entities]


def test_pins_override_and_suppress(tmp_path: Path) -> None:
    root = parse_fragment('<p id="p1"><a href="entity:toshiba-machine">Toshiba</a> and <a href="entity:-">Abe</a> and <a href="entity:nobody">X</a></p>')
    found = Found()
    ann = _annotator()
    ann.apply_pins(root, "d.md", lambda p: p, found)
    ann.annotate("d.md", [("p1", root[0])], lambda p: p, found)
    assert [(m.text, m.target) for m in found.entities] == [("Toshiba", "toshiba-machine")]
    assert found.unknown_pins == [("nobody", "X")]
    assert root.find_class("no-mention")[0].text == "Abe"


def test_tooltips_in_built_memo(built_site: Path) -> None:
    doc = html.parse(str(built_site / "documents" / CIA / "index.html")).getroot()
    cocom = [a for a in doc.xpath('//div[@class="memo-text"]//*[@data-term="term-COCOM"]') if a.text_content() == "COCOM"]
    # the term is also a register entry: one element, the link, with the acronym's expansion as its description
    assert cocom and cocom[0].tag == "a" and "entities/cocom" in cocom[0].get("href")
    assert cocom[0].get("aria-description") == "Coordinating Committee for Multilateral Export Controls" and not len(cocom[0])
    standalone = doc.xpath('//div[@class="memo-text"]//abbr[@class="term"][@aria-description]')
    assert standalone and all(a.get("tabindex") == "0" and not len(a) for a in standalone)
    assert not doc.xpath('//div[@class="memo-text"]//*[@data-term or @data-entity][@title]'), "a mark has a title: Material would make it a tooltip"
    headings = doc.xpath('//div[@class="memo-text"]//h1//abbr | //div[@class="memo-text"]//h2//abbr')
    assert headings == []


def test_every_acronym_in_the_memos_has_an_expansion(built_site: Path) -> None:
    diags = Diagnostics()
    terms = load_glossary(ROOT / "data/glossary.yml", diags, "g")
    acronyms = {t.term: t for t in terms if t.kind == "acronym"}
    table = html.parse(str(built_site / "acronyms" / "index.html")).getroot()
    rows = {r.xpath("./td[1]")[0].text_content(): r.xpath("./td[2]")[0].text_content() for r in table.xpath('//table[@class="acronyms"]/tbody/tr')}
    for term, t in acronyms.items():
        assert rows[term] == t.expansion


def test_definitions_are_escaped(project: Path, tmp_path: Path) -> None:
    from tests.conftest import run_build

    glossary = project / "data/glossary.yml"
    glossary.write_text(glossary.read_text().replace(
        "- term: COCOM\n  kind: acronym\n", "- term: COCOM\n  kind: acronym\n  aliases: [\"<b>Co</b>\"]\n", 1
    ).replace("Informal, non-treaty body", "Informal <script>alert(1)</script> & non-treaty body", 1))
    result = run_build(project, tmp_path / "site")
    # Registry values are plain text (issue 15): markup is refused with its line, never published.
    assert not result.ok
    assert re.search(r"data/glossary\.yml:\d+: field 'aliases' holds markup", result.output), result.output
    assert re.search(r"data/glossary\.yml:\d+: field 'definition' holds markup", result.output), result.output
    assert not (tmp_path / "site/glossary/index.html").exists()


def test_glossary_and_entity_backlinks_point_at_existing_anchors(edition: BuiltEdition) -> None:
    site = edition.site
    ids = {doc.slug: set(html.parse(str(edition.memo_page(doc))).getroot().xpath("//@id")) for doc in edition.documents()}
    pages = [site / "glossary/index.html", *(site / "entities").glob("*/index.html")]
    checked: set[str] = set()
    for page in pages:
        for href in html.parse(str(page)).getroot().xpath('//ul[@class="occurrences"]//a/@href'):
            if "#" not in href:
                assert re.search(r"documents/[^/#]+/?$", href), href  # the document itself, before its places
                continue
            slug, anchor = re.search(r"documents/([^/#]+)/?(?:index\.html)?#(.+)$", href).groups()
            assert slug in ids, (page, href)
            assert anchor in ids[slug], (page, href)
            checked.add(slug)
    # every memo that mentions a term or an entity is linked to from the glossary or a register page
    mentioning = {slug for slug in ids if html.parse(str(site / "documents" / slug / "index.html")).getroot().xpath(
        '//div[@class="memo-text"]//abbr[contains(@class,"term")] | //div[@class="memo-text"]//a[@data-entity]')}
    assert checked == mentioning and checked


def test_entity_pages_and_chronology(built_site: Path) -> None:
    toshiba = html.parse(str(built_site / "entities/toshiba-machine/index.html")).getroot()
    assert "Mentions (" in toshiba.text_content() and toshiba.xpath('//ul[@class="occurrences"]/li')
    chrono = html.parse(str(built_site / "chronology/index.html")).getroot()
    dates = [t.text for t in chrono.xpath('//table[@class="chronology"]//time')]
    assert dates[0].endswith("1954") and dates[-1].endswith("1987")
    years = [int(d[-4:]) for d in dates]
    assert years == sorted(years)
    memo = html.parse(str(built_site / "documents" / CIA / "index.html")).getroot()
    named = memo.xpath('//details[contains(@class,"memo-entities")]//a/@href')  # in its template, made when opened
    assert any("yasuhiro-nakasone" in h for h in named)


def test_term_and_entity_are_linked_not_duplicated(built_site: Path) -> None:
    glossary = html.parse(str(built_site / "glossary/index.html")).getroot()
    entry = glossary.get_element_by_id("term-COCOM").getparent()
    assert any("entities/cocom" in h for h in entry.xpath(".//a/@href"))
    page = html.parse(str(built_site / "entities/cocom/index.html")).getroot()
    assert any("glossary" in h and "#term-COCOM" in h for h in page.xpath("//dl[@class='entity-facts']//a/@href"))


def test_acronym_inside_an_entity_name_keeps_its_tooltip(built_site: Path) -> None:
    doc = html.parse(str(built_site / "documents" / HERITAGE / "index.html")).getroot()
    links = doc.xpath('//a[@data-entity="fy1987-defense-authorization-act"][@aria-description]')
    named = [a for a in links if a.text_content().startswith("FY")]  # the Act also goes by "Defense Authorization bill"
    assert named, [a.text_content() for a in links]
    for link in named:
        assert not len(link), "the acronym in the name is text: one element per mark"
        assert "(FY: fiscal year)" in link.get("aria-description")


def test_every_place_is_linked_once_with_its_count(built_site: Path) -> None:
    """Issue 25: one link per paragraph ("¶12 (2×)"), the counts adding up to the mentions; a
    place (the United States) summarised, nothing quoted; an entry named in many paragraphs
    quotes only the first CONTEXTS of them."""
    from edition.pages import CONTEXTS

    for entity, quoted in (("united-states", False), ("jda", True), ("dod", True)):
        page = html.parse(str(built_site / f"entities/{entity}/index.html")).getroot()
        total = int(re.search(r"Mentions \((\d+)\)", page.text_content()).group(1))
        links = page.xpath('//ul[@class="occurrences"]//a[contains(@href, "#")]')
        hrefs = [a.get("href") for a in links]
        assert len(hrefs) == len(set(hrefs)), f"{entity}: a paragraph linked twice"
        counts = [int(m.group(1)) if (m := re.match(r"\s*\((\d+)×\)", a.tail or "")) else 1 for a in links]
        assert sum(counts) == total, (entity, sum(counts), total)
        snippets = page.xpath('//ul[@class="occurrences"]/li/q')
        assert len(snippets) == (min(len(hrefs), CONTEXTS) if quoted else 0), (entity, len(snippets))


def _register_nav(site: Path) -> list[str]:
    """The entries of the site's navigation as the register's index page shows it (its section open)."""
    root = html.parse(str(site / "entities" / "index.html")).getroot()
    return [" ".join(a.text_content().split()) for a in root.xpath('//nav[contains(@class,"md-nav--primary")]//a')]


def test_the_register_lists_a_category_only_when_it_has_an_entry(built_site: Path, project: Path, tmp_path: Path) -> None:
    """Issue 22: "Laws and statutes" and "Newspapers and periodicals" appear once entries are typed so, and
    a category with no entry a document names has neither a page nor a place in the navigation."""
    from edition.entities import TYPE_TITLES, TYPES
    from tests.conftest import run_build

    entities = load_entities(ROOT / "data/entities.yml", Diagnostics(), "data/entities.yml")
    named = {e.type for e in entities.values() if (built_site / "entities" / e.id / "index.html").is_file()}
    nav = _register_nav(built_site)
    for typ in TYPES:
        assert (built_site / "entities" / typ / "index.html").is_file() == (typ in named), typ
        assert (TYPE_TITLES[typ] in nav) == (typ in named), (typ, nav)
    assert {"law", "periodical"} <= named, "the register types laws and periodicals (data/entities.yml)"
    # Without its entries a category vanishes: the laws typed back as agreements.
    registry = project / "data" / "entities.yml"
    registry.write_text(re.sub(r"(?m)^  type: law$", "  type: agreement", registry.read_text(encoding="utf-8")), encoding="utf-8")
    build = run_build(project, tmp_path / "site")
    assert build.ok, build.output
    assert not (tmp_path / "site" / "entities" / "law").exists()
    nav = _register_nav(tmp_path / "site")
    assert TYPE_TITLES["law"] not in nav and TYPE_TITLES["agreement"] in nav, nav


def test_no_paragraph_is_linked_twice_in_a_list(edition: BuiltEdition) -> None:
    """Issue 25: the glossary, every register page and the chronology link each paragraph once
    per entry ("¶12 (2×)", not "¶12, ¶12"), in the real edition and in a generated one."""
    pages = [edition.site / "glossary" / "index.html", edition.site / "chronology" / "index.html",
             *(edition.site / "entities").glob("*/index.html")]
    repeated = []
    for path in pages:
        root = html.parse(str(path)).getroot()
        lists = root.xpath('//ul[contains(@class,"occurrences")] | //table[@class="chronology"]//td[4]')
        for element in lists:
            hrefs = [h for h in element.xpath(".//a/@href") if "#" in h]
            repeated += [f"{path.parent.relative_to(edition.site)}: {h}" for h in sorted(set(hrefs)) if hrefs.count(h) > 1]
    assert not repeated, f"{edition.name}: {len(repeated)} paragraphs linked twice in a list:\n" + "\n".join(repeated[:20])
