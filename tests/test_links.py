"""Every internal link of the built site leads somewhere: the file exists and, when the link has a
``#fragment``, the target page has an element with that id.

Checked on the site as published (directory URLs: ``x/`` serves ``x/index.html``) and on the
offline bundle, opened from ``file://``, where a link to a folder does not open its ``index.html``.
All broken links are reported at once.
"""

from __future__ import annotations

import functools
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from tests.conftest import BuiltEdition

LINK_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src"}
EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel", "javascript", "data", "ftp", "blob"}


@functools.lru_cache(maxsize=4096)
def _parse(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(path)).getroot()


@functools.lru_cache(maxsize=4096)
def ids_in(path: Path) -> frozenset[str]:
    root = _parse(path)
    return frozenset(root.xpath("//@id") + root.xpath("//a/@name"))


def page_url_path(site: Path, page: Path) -> str:
    """The URL path a page is served at, from the site root: ``/x/index.html`` is ``/x/``."""
    rel = page.relative_to(site).as_posix()
    return "/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)


def resolve(site: Path, target: str, *, directory_index: bool) -> Path | None:
    """The file a site-absolute URL path names, or None. ``directory_index``: ``x/`` serves ``x/index.html``."""
    path = site / unquote(target).lstrip("/")
    if path.is_file():
        return path
    if directory_index and path.is_dir() and (path / "index.html").is_file():
        return path / "index.html"
    return None


def broken_links(site: Path, *, directory_index: bool = True) -> list[str]:
    """Every internal link or resource reference of every HTML page of ``site`` that leads nowhere."""
    broken: list[str] = []
    for page in sorted(site.rglob("*.html")):
        base = page_url_path(site, page)
        name = page.relative_to(site).as_posix()
        for el in _parse(page).iter(*LINK_ATTRIBUTES):
            attr = LINK_ATTRIBUTES[el.tag]
            href = el.get(attr)
            if href is None or href.strip() == "":
                continue
            parts = urlsplit(href.strip())
            if parts.scheme.lower() in EXTERNAL_SCHEMES or parts.netloc:
                continue
            if parts.scheme:
                broken.append(f"{name}:{el.sourceline}: <{el.tag} {attr}={href!r}>: unexpected scheme")
                continue
            if parts.path:
                joined = parts.path if parts.path.startswith("/") else posixpath.join(posixpath.dirname(base), parts.path)
                target_path = posixpath.normpath(joined) + ("/" if parts.path.endswith("/") else "")
                target = resolve(site, target_path, directory_index=directory_index)
                if target is None:
                    why = "a folder, which file:// does not open as its index.html" if (site / target_path.lstrip("/")).is_dir() else "no such file"
                    broken.append(f"{name}:{el.sourceline}: <{el.tag} {attr}={href!r}>: {why}")
                    continue
            else:
                target = page
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in ids_in(target):
                broken.append(f"{name}:{el.sourceline}: <{el.tag} {attr}={href!r}>: no id {fragment!r} in {target.relative_to(site).as_posix()}")
    return broken


def _assert_no_broken(site: Path, *, directory_index: bool, what: str) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10, f"{what}: only {len(pages)} pages in {site}"
    broken = broken_links(site, directory_index=directory_index)
    assert not broken, f"{what}: {len(broken)} broken internal links:\n" + "\n".join(broken)


def test_internal_links_resolve(edition: BuiltEdition) -> None:
    _assert_no_broken(edition.site, directory_index=True, what=f"built site ({edition.name})")


def test_internal_links_resolve_in_offline_bundle(offline_edition: BuiltEdition) -> None:
    _assert_no_broken(offline_edition.site, directory_index=False, what=f"offline bundle ({offline_edition.name})")


def test_memo_pages_link_their_paragraphs_and_notes(edition: BuiltEdition) -> None:
    """The links that matter most exist on every memo page (so the check above is not vacuous for them)."""
    docs = edition.documents()
    for doc in docs:
        root = _parse(edition.memo_page(doc))
        anchors = root.xpath('//div[contains(@class,"memo-text")]//*[@data-para][starts-with(@id,"p")]/@id')  # links made in the browser
        assert anchors, f"{doc.slug}: no numbered paragraphs"
        notes = root.xpath('//div[contains(@class,"memo-text")]//a[contains(@class,"footnote-ref")]/@href')
        defined = (edition.project / "docs" / doc.path).read_text(encoding="utf-8").count("\n[^")
        assert len(notes) >= defined, f"{doc.slug}: {defined} notes defined, {len(notes)} linked from the text"
        entity_links = root.xpath('//a[contains(@class,"entity")]/@href')
        assert entity_links, f"{doc.slug}: no entity links"


def test_checker_finds_broken_links(tmp_path: Path) -> None:
    """The checker itself: each kind of broken link is reported, good ones are not."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "b").mkdir()
    (site / "a" / "index.html").write_text(
        '<html><body><h1 id="top">A</h1>'
        '<a href="../b/">ok dir</a><a href="../b/#here">ok anchor</a><a href="#top">ok self</a>'
        '<a href="/b/index.html#here">ok root-relative</a><a href="https://example.org/x">external</a>'
        '<a href="../missing/">missing page</a><a href="../b/#nowhere">missing anchor</a><a href="#gone">missing self anchor</a>'
        '<img src="../img/none.png">'
        "</body></html>"
    )
    (site / "b" / "index.html").write_text('<html><body><p id="here">B</p></body></html>')
    found = broken_links(site)
    assert len(found) == 4, found
    assert any("../missing/" in b and "no such file" in b for b in found)
    assert any("../b/#nowhere" in b and "'nowhere'" in b for b in found)
    assert any("#gone" in b for b in found)
    assert any("none.png" in b for b in found)
    offline = broken_links(site, directory_index=False)
    assert any("'../b/'" in b and "file://" in b for b in offline), offline
