"""Glossary and entity registries: validation, one-pass matching, tooltips, links, pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html

from edition.annotate import Annotator, Found, unknown_acronyms
from edition.diagnostics import Diagnostics
from edition.entities import load_entities
from edition.glossary import Term, load_glossary, term_key
from edition.htmltext import TIP, parse_fragment
from edition.matching import Matcher, Target
from tests.conftest import ROOT, BuiltEdition, documents_of


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


# The tests' own register: names of the kinds that compete for the same words (a person's surname,
# a title before it, a company and its subsidiary, an administration named after its president).
REGISTER = """
- {id: shintaro-abe, name: Shintaro Abe, type: person, aliases: [Abe, Foreign Minister Abe], description: d}
- {id: ronald-reagan, name: Ronald Reagan, type: person, aliases: [Reagan], description: d}
- {id: william-howard-taft-iv, name: William Howard Taft IV, type: person, aliases: [William Howard Taft, Taft], description: d}
- {id: reagan-administration, name: Reagan Administration, type: organisation, description: d}
- {id: toshiba-machine, name: Toshiba Machine Company, type: organisation, aliases: [Toshiba Machine], description: d}
- {id: toshiba, name: Toshiba Corporation, type: organisation, aliases: [Toshiba], description: d}
"""


def _annotator(tmp_path: Path) -> Annotator:
    diags = Diagnostics()
    entities = load_entities(write(tmp_path, "entities.yml", REGISTER), diags, "entities.yml")
    assert diags.errors == [], [str(d) for d in diags.errors]
    return Annotator({}, entities, set())


@pytest.mark.parametrize(("sentence", "words", "entity"), [
    ("Foreign Minister Abe recently reaffirmed", "Foreign Minister Abe", "shintaro-abe"),
    ("under Deputy Defense Secretary William Howard Taft, remains", "William Howard Taft", "william-howard-taft-iv"),
    ("Using the bluntest language yet, Taft said", "Taft", "william-howard-taft-iv"),
    ("sale of advanced machine tools by Toshiba Machine Company to", "Toshiba Machine Company", "toshiba-machine"),
    ("Despite the damage done by Toshiba's violation", "Toshiba", "toshiba"),
    ("a central element in the Reagan administration's approach", "Reagan administration", "reagan-administration"),
])
def test_disambiguation(sentence: str, words: str, entity: str, tmp_path: Path) -> None:
    root = parse_fragment(f'<p id="p1">{sentence}</p>')
    found = Found()
    _annotator(tmp_path).annotate("d.md", [("p1", root[0])], lambda p: p, found)
    assert (words, entity) in [(m.text, m.target) for m in found.entities]


def test_pins_override_and_suppress(tmp_path: Path) -> None:
    root = parse_fragment('<p id="p1"><a href="entity:toshiba-machine">Toshiba</a> and <a href="entity:-">Abe</a> and <a href="entity:nobody">X</a></p>')
    found = Found()
    ann = _annotator(tmp_path)
    ann.apply_pins(root, "d.md", lambda p: p, found)
    ann.annotate("d.md", [("p1", root[0])], lambda p: p, found)
    assert [(m.text, m.target) for m in found.entities] == [("Toshiba", "toshiba-machine")]
    assert found.unknown_pins == [("nobody", "X")]
    assert root.find_class("no-mention")[0].text == "Abe"


def test_an_acronym_inside_a_pin_is_explained_and_indexed(tmp_path: Path) -> None:
    """A pin's words are the contributor's: an acronym among them is expanded in the link's
    description and counted as a use of the acronym, as in a register name the text matched."""
    diags = Diagnostics()
    glossary = write(tmp_path, "g.yml", "- term: QZX\n  kind: acronym\n  expansion: Quite Zany Exchange\n  definition: >-\n    A test acronym.\n")
    entities = write(tmp_path, "e.yml", "- id: qzx-accord\n  name: QZX Accord\n  type: organisation\n  description: >-\n    A test body.\n")
    ann = Annotator({t.key: t for t in load_glossary(glossary, diags, "g")}, load_entities(entities, diags, "e"), set())
    assert not diags.errors, [str(d) for d in diags.errors]
    root = parse_fragment('<p id="p1">They joined <a href="entity:qzx-accord">the body for QZX trade</a> last year.</p>')
    found = Found()
    ann.apply_pins(root, "d.md", lambda p: p, found)
    (link,) = root.xpath('//a[@data-entity="qzx-accord"]')
    assert link.get(TIP) == "QZX Accord: A test body. (QZX: Quite Zany Exchange)" and not len(link)
    assert [(m.target, m.text, m.paragraph_id) for m in found.terms] == [("term-QZX", "QZX", "p1")]


def _memo_texts(built_site: Path) -> dict[str, html.HtmlElement]:
    """Each memo page of the real edition by its slug: its reading text (``div.memo-text``) and all."""
    return {doc.slug: html.parse(str(built_site / "documents" / doc.slug / "index.html")).getroot() for doc in documents_of(ROOT)}


def _terms() -> dict[str, Term]:
    return {term_key(t.term): t for t in load_glossary(ROOT / "data" / "glossary.yml", Diagnostics(), "data/glossary.yml")}


def test_tooltips_in_built_memo(built_site: Path) -> None:
    """In every memo: a term that is also a register entry is one element, the link, with the
    term's explanation as its description; a term alone is a focusable abbr; no mark has a title
    (Material would make it a tooltip of its own); no heading carries a mark. Every entry the
    text names is listed under the document's "Named in this document"."""
    terms, linked = _terms(), 0
    for slug, doc in _memo_texts(built_site).items():
        text = doc.xpath('//div[@class="memo-text"]')[0]
        for mark in text.xpath('.//*[@data-term][@data-entity]'):
            linked += 1
            term = terms[mark.get("data-term")]
            assert mark.tag == "a" and f"entities/{mark.get('data-entity')}/" in mark.get("href"), (slug, html.tostring(mark))
            assert mark.get("aria-description") == term.tooltip and not len(mark), (slug, html.tostring(mark))
        standalone = text.xpath('.//abbr[@class="term"][@aria-description]')
        assert all(a.get("tabindex") == "0" and not len(a) for a in standalone), slug
        assert not text.xpath('.//*[@data-term or @data-entity][@title]'), f"{slug}: a mark has a title"
        assert text.xpath(".//h1//abbr | .//h2//abbr") == [], slug
        named = {h.rstrip("/").rsplit("/", 1)[-1] for h in doc.xpath('//details[contains(@class,"memo-entities")]//a/@href')}
        assert {m.get("data-entity") for m in text.xpath(".//*[@data-entity]")} <= named, slug
    if not linked:
        pytest.skip("no term of the glossary is also a register entry in the documents")


def test_the_chronology_is_in_date_order(built_site: Path) -> None:
    chrono = html.parse(str(built_site / "chronology/index.html")).getroot()
    years = [int(t.text[-4:]) for t in chrono.xpath('//table[@class="chronology"]//time')]
    assert years and years == sorted(years)


def test_every_acronym_in_the_memos_has_an_expansion(built_site: Path) -> None:
    """The acronym table gives every acronym of the glossary with the glossary's expansion."""
    acronyms = {t.term: t for t in _terms().values() if t.kind == "acronym"}
    table = html.parse(str(built_site / "acronyms" / "index.html")).getroot()
    rows = {r.xpath("./td[1]")[0].text_content(): r.xpath("./td[2]")[0].text_content() for r in table.xpath('//table[@class="acronyms"]/tbody/tr')}
    for term, t in acronyms.items():
        assert rows[term] == t.expansion


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


def test_every_entry_page_lists_its_mentions(built_site: Path) -> None:
    """The register page of every entry a memo names says how often and lists where."""
    named = {m.get("data-entity") for doc in _memo_texts(built_site).values() for m in doc.xpath('//div[@class="memo-text"]//*[@data-entity]')}
    assert named
    for entity in sorted(named):
        page = html.parse(str(built_site / "entities" / entity / "index.html")).getroot()
        assert "Mentions (" in page.text_content() and page.xpath('//ul[@class="occurrences"]/li'), entity


def test_term_and_entity_are_linked_not_duplicated(built_site: Path) -> None:
    """A glossary term that is also a register entry (its ``entity:``): the glossary entry links to
    the register page, and the register page back to the glossary entry."""
    glossary = html.parse(str(built_site / "glossary/index.html")).getroot()
    both = [t for t in _terms().values() if t.entity and (built_site / "entities" / t.entity / "index.html").is_file()]
    if not both:
        pytest.skip("no glossary term of data/glossary.yml names a register entry with a page")
    for term in both:
        anchor = term.key
        entry = glossary.get_element_by_id(anchor).getparent()
        assert any(f"entities/{term.entity}/" in h for h in entry.xpath(".//a/@href")), anchor
        page = html.parse(str(built_site / "entities" / term.entity / "index.html")).getroot()
        assert any("glossary" in h and f"#{anchor}" in h for h in page.xpath("//dl[@class='entity-facts']//a/@href")), term.entity


def test_acronym_inside_an_entity_name_keeps_its_tooltip(built_site: Path) -> None:
    """An acronym of the glossary inside a register entry's name ("FY1987 Defense Authorization
    Act") stays text of the one link, and the link's description explains it: "(FY: fiscal year)"."""
    terms, seen = _terms(), 0
    acronyms = {t.term: t for t in terms.values() if t.expansion}
    # one pattern for them all, longest first: an acronym as a word of its own, or before a number ("FY1987")
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in sorted(acronyms, key=len, reverse=True)) + r")(?=\d|(?![\w-]))")
    for slug, doc in _memo_texts(built_site).items():
        for link in doc.xpath('//div[@class="memo-text"]//a[@data-entity][not(@data-term)][@aria-description]'):
            for acronym in dict.fromkeys(pattern.findall(link.text_content())):
                seen += 1
                assert not len(link), f"{slug}: the acronym in the name is text: one element per mark"
                assert f"({acronym}: {acronyms[acronym].expansion})" in link.get("aria-description"), (slug, link.get("aria-description"))
    if not seen:
        pytest.skip("no register name in the documents holds an acronym of the glossary")


def test_every_entry_counts_its_mentions_and_quotes_only_what_it_should(edition: BuiltEdition) -> None:
    """Issue 25: on every register page, the counts by paragraph ("¶12 (2×)") add up to the
    mentions; a place (the United States, Japan) is summarised with nothing quoted; any other entry
    quotes the first CONTEXTS of its paragraphs (each paragraph linked once:
    test_no_paragraph_is_linked_twice_in_a_list)."""
    from edition.pages import CONTEXTS

    entities = load_entities(edition.project / "data/entities.yml", Diagnostics(), "data/entities.yml")
    wrong, checked = [], 0
    for entity in entities.values():
        path = edition.site / "entities" / entity.id / "index.html"
        if not path.is_file():
            continue
        page = html.parse(str(path)).getroot()
        total = int(re.search(r"Mentions \((\d+)\)", page.text_content()).group(1))
        links = page.xpath('//ul[contains(@class,"occurrences")]//a[contains(@href, "#")]')
        counts = [int(m.group(1)) if (m := re.match(r"\s*\((\d+)×\)", a.tail or "")) else 1 for a in links]
        quoted = len(page.xpath('//ul[contains(@class,"occurrences")]/li/q'))
        place = entity.type == "place"  # the rule, not the code's: a country, a city
        expected = 0 if place else min(len(links), CONTEXTS)
        summary = bool(page.xpath('//p[@class="occurrences__summary"]'))
        if sum(counts) != total or quoted != expected or summary != (place and total > 0):
            wrong.append(f"{entity.id}: {sum(counts)} counted of {total} mentions, {quoted} quoted (expected {expected}), summary line: {summary}")
        checked += 1
    assert not wrong, f"{edition.name}:\n" + "\n".join(wrong)
    assert checked, f"{edition.name}: no register page to check"


def _register_nav(site: Path) -> list[str]:
    """The entries of the site's navigation as the register's index page shows it (its section open)."""
    root = html.parse(str(site / "entities" / "index.html")).getroot()
    return [" ".join(a.text_content().split()) for a in root.xpath('//nav[contains(@class,"md-nav--primary")]//a')]


def test_the_register_lists_a_category_only_when_it_has_an_entry(built_site: Path, project: Path, tmp_path: Path) -> None:
    """Issue 22: a category ("Laws and statutes", "Newspapers and periodicals"…) has a page and a place
    in the navigation exactly when an entry the documents name is typed so; retyped, it vanishes."""
    import yaml

    from edition.entities import TYPE_TITLES, TYPES
    from tests.conftest import run_build

    entities = load_entities(ROOT / "data/entities.yml", Diagnostics(), "data/entities.yml")
    shown = [e for e in entities.values() if (built_site / "entities" / e.id / "index.html").is_file()]
    named = {e.type for e in shown}
    nav = _register_nav(built_site)
    for typ in TYPES:
        assert (built_site / "entities" / typ / "index.html").is_file() == (typ in named), typ
        assert (TYPE_TITLES[typ] in nav) == (typ in named), (typ, nav)
    if len(named) < 2:
        pytest.skip("the register's named entries are of fewer than two types: none can be retyped as another")
    # Without its entries a category vanishes: the smallest one's entries retyped as the largest's.
    sizes = {typ: sum(e.type == typ for e in shown) for typ in sorted(named)}
    gone, into = min(sizes, key=lambda t: sizes[t]), max(sizes, key=lambda t: sizes[t])
    registry = project / "data" / "entities.yml"
    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    for entry in data:
        if entry.get("type") == gone:
            entry["type"] = into
    registry.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build = run_build(project, tmp_path / "site")
    assert build.ok, build.output
    assert not (tmp_path / "site" / "entities" / gone).exists()
    nav = _register_nav(tmp_path / "site")
    assert TYPE_TITLES[gone] not in nav and TYPE_TITLES[into] in nav, (gone, into, nav)


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
