"""The built pages' markup: valid HTML by the Nu checker, and quiet marks kept as data that puts
them back where they were (issue 25).

The Nu HTML checker is npm's ``vnu-jar`` (pinned in package.json), run on Debian's Java (the
Makefile's SYSTEM_PACKAGES); without Java the check is skipped, as the print tests are without
poppler."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from edition.htmltext import parse_fragment, serialise_children
from edition.resting import QUIET, SCRIPT_ID, rest_as_text, restore, utf16_len
from tests.conftest import ROOT, BuiltEdition

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Errors of Material's own base template (not overridden by the edition): its drawer and search
# toggles are checkboxes with autocomplete="off". Each is named by its message and its markup.
MATERIAL_TEMPLATE = [("Attribute “autocomplete” is only allowed when the input type is", 'data-md-toggle="')]


def _material(message: dict) -> bool:
    return any(text in message.get("message", "") and markup in message.get("extract", "") for text, markup in MATERIAL_TEMPLATE)


@pytest.mark.skipif(shutil.which("java") is None or not VNU.is_file(), reason="no Java or no node_modules/vnu-jar (make test installs both)")
def test_the_edition_markup_is_valid_html(edition: BuiltEdition) -> None:
    """Every page the build wrote, checked by the Nu HTML checker: no error but Material's own."""
    proc = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(edition.site)],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(proc.stderr or "{}").get("messages", [])
    pages = len(list(edition.site.rglob("*.html")))
    assert pages > 10, f"{edition.name}: only {pages} pages were checked"
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error") and not _material(m)]
    shown = [f"{Path(m.get('url', '')).relative_to(edition.site) if m.get('url', '').startswith('file:') else m.get('url')}"
             f":{m.get('lastLine')}: {m.get('message')} | {m.get('extract', '').strip()[:80]}" for m in errors[:20]]
    assert not errors, f"{edition.name}: {len(errors)} errors in the edition's markup:\n" + "\n".join(shown)


def _block_text(block: lxml_html.HtmlElement) -> str:
    """A block's text as edition.js counts it: every text node (the controls the script makes are
    not in the built page)."""
    return "".join(block.itertext())


def _utf16_slice(text: str, start: int, end: int) -> str:
    data = text.encode("utf-16-le")
    return data[2 * start:2 * end].decode("utf-16-le")


def _text_of(shape: list) -> str:
    return "".join(c if isinstance(c, str) else _text_of(c) for c in shape[2:])


def test_quiet_marks_are_text_with_their_places_as_data(edition: BuiltEdition) -> None:
    """No quiet mark is an element of a built page (but one holding a page break); each is text at
    the place its data gives, in the block its data names."""
    for doc in edition.documents():
        page = lxml_html.parse(str(edition.memo_page(doc))).getroot()
        text = page.xpath('//div[@class="memo-text"]')[0]
        for el in text.xpath(f'.//*[contains(concat(" ", @class, " "), " {QUIET} ")]'):
            assert el.xpath('.//*[contains(@class, "page-break")]'), f"{doc.slug}: a quiet mark left as an element: {lxml_html.tostring(el)[:120]!r}"
        data = page.xpath(f'//script[@id="{SCRIPT_ID}"]/text()')
        if not data:
            continue
        resting = json.loads(data[0])
        for block_id, places in resting["blocks"].items():
            block = page.get_element_by_id(block_id)
            words = _block_text(block)
            for i in range(0, len(places), 3):
                start, end, shape = places[i], places[i + 1], resting["shapes"][places[i + 2]]
                assert _utf16_slice(words, start, end) == _text_of(shape), (doc.slug, block_id, start, shape)
                assert QUIET in shape[1]["class"].split() and shape[0] in ("a", "abbr"), shape


def test_rest_as_text_round_trip() -> None:
    """Quiet marks written as text, then put back from the data as edition.js does, give the page
    as it was; places are counted as a browser counts (a character outside the BMP is two units),
    and a quiet mark holding a page break stays an element."""
    page = (
        '<p id="p1">The 𝔘.S. <a class="entity mark-rest" href="x/" data-entity="x">Agency</a> and '
        '<abbr class="term" data-term="t" tabindex="0">SDI</abbr>, <a class="entity term mark-rest" href="y/" data-entity="y" '
        'data-term="u" aria-description="Unit">U</a>; <a class="entity mark-rest" href="z/" data-entity="z">Long '
        '<span class="page-break" data-page="2">[Page 2]</span> Name</a>.</p>'
        '<ol><li id="fn:1"><p>See <a class="entity mark-rest" href="x/" data-entity="x">Agency</a>.</p></li></ol>'
    )
    root = parse_fragment(page)
    before = serialise_children(root)
    found = rest_as_text(root)
    assert len(found) == 3 and len(found.shapes) == 2, found  # the same mark twice is one shape
    after = parse_fragment(serialise_children(root))
    assert "".join(after.itertext()) == "".join(parse_fragment(before).itertext()), "writing the marks as text changed the text"
    assert len(after.xpath('//*[contains(@class, "mark-rest")]')) == 1, "only the mark holding a page break stays an element"
    # put back as edition.js does: from the end of each block, at the places of the data
    for block_id, places in found.blocks.items():
        block = after.xpath(f'//*[@id="{block_id}"]')[0]
        for i in range(len(places) - 3, -1, -3):
            start, end, shape = places[i], places[i + 1], found.shapes[places[i + 2]]
            _put_back(block, start, end, restore(shape))
    assert serialise_children(after) == before
    assert utf16_len("𝔘") == 2
    script = found.script()
    assert script.startswith(f'<script type="application/json" id="{SCRIPT_ID}">') and "</" not in script[len("<script"):-len("</script>")]


def _text_slots(el: lxml_html.HtmlElement):  # type: ignore[no-untyped-def]
    """(element, "text" or "tail") of every text node inside ``el``, in document order."""
    yield el, "text"
    for child in el:
        if isinstance(child.tag, str):
            yield from _text_slots(child)
        yield child, "tail"


def _put_back(block: lxml_html.HtmlElement, start: int, end: int, mark: lxml_html.HtmlElement) -> None:
    """Wrap the text at [start, end) (UTF-16 units, over the block's text nodes) in ``mark``."""
    position = 0
    for node, attr in _text_slots(block):
        value = getattr(node, attr) or ""
        length = utf16_len(value)
        if position <= start and end <= position + length:
            chars = len(_utf16_slice(value, 0, start - position))
            words = len(_utf16_slice(value, start - position, end - position))
            mark.tail = value[chars + words:]
            setattr(node, attr, value[:chars])
            if attr == "text":
                node.insert(0, mark)
            else:
                node.addnext(mark)
            return
        position += length
    raise AssertionError(f"no text node holds [{start}, {end})")
