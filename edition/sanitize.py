"""What a contributor's Markdown may become: the one allowlist of markup on the edition's pages.

Pull requests come from people the readers have never met, so nothing they write may become
active content. The rule, enforced here and nowhere else:

- the rendered HTML of every page keeps only the elements Markdown and the enabled extensions
  make (paragraphs, headings, lists, tables, notes, admonitions, CriticMarkup marks) and a few
  inline ones (``span``, ``abbr``, ``sub``, ``sup``, ``small``...);
- attributes are limited to ``id``, ``class``, ``title`` (text: no ``<`` or ``>``, since Material's
  tooltips show a title as HTML), ``lang``, ``dir`` everywhere, plus the
  few each element needs (``href`` of a link, ``src``/``alt`` of an image, table alignment);
  never ``on*``, ``style`` (the policy allows no inline style; Markdown's table alignment is
  written as ``align``), ``data-*`` or ``srcdoc``;
- links go to ``http(s)``, ``mailto``, a relative address, an ``entity:`` pin or a ``when:`` date mark; images only to a relative address
  (no request leaves the reader's machine);
- ids may not take Material's (``__*``) or the paragraph numbers' (``p1``, ``p2``...) names,
  and the class ``mermaid`` (Material fetches Mermaid from a CDN for it) is refused.

``problems`` lists what breaks the rule (each becomes a ``make check`` error naming the file and
line); ``clean`` removes it with nh3, an allowlist sanitizer, so even a build that goes on (a
preview) never ships it. Plain text fields (front matter, registries) are text, never markup:
``markup_in_text`` refuses ``<`` and ``>`` in them, written or as character references, because
Material's templates put some of them (the ``<title>``, the search index) into pages unescaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from lxml import html as lxml_html

from .htmltext import shorten

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul", "var", "wbr",
})
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start"}),
    "td": frozenset({"align", "colspan", "rowspan"}),
    "th": frozenset({"align", "colspan", "rowspan", "scope"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
}
# ``entity:`` and ``when:`` are the edition's own marks ([words](entity:id), [words](when:1983)),
# replaced by a register link and a chronology anchor.
LINK_SCHEMES = frozenset({"http", "https", "mailto", "entity", "when"})
URL_ATTRIBUTES = frozenset({"href", "src"})
REFUSED_CLASSES = frozenset({"mermaid"})
RESERVED_ID = re.compile(r"^(?:__|p\d+$)")
# The browser ignores these in a URL (WHATWG URL: tab and newline removed, C0 and space trimmed).
_URL_IGNORED = str.maketrans("", "", "\t\n\r")
_URL_TRIM = "".join(chr(c) for c in range(0x21))


@dataclass(frozen=True)
class Problem:
    """One piece of contributor markup the rule refuses; ``needle`` finds its line in the source."""

    message: str
    needle: str
    fallback: str = ""  # when the needle is not in the source as written (a character reference)


def url_scheme(url: str) -> str | None:
    """The scheme the browser will see in ``url`` (``None`` for a relative address)."""
    cleaned = url.translate(_URL_IGNORED).strip(_URL_TRIM)
    if cleaned.startswith(("//", "\\\\", "/\\", "\\/")):
        return "network-path"  # protocol-relative: leaves the site
    try:
        scheme = urlsplit(cleaned).scheme
    except ValueError:
        return "malformed"
    return scheme.lower() or None


def _url_ok(tag: str, attr: str, value: str) -> bool:
    scheme = url_scheme(value)
    if tag == "img" or attr == "src":
        return scheme is None
    return scheme is None or scheme in LINK_SCHEMES


def _attr_ok(tag: str, attr: str) -> bool:
    return attr in GLOBAL_ATTRIBUTES or attr in TAG_ATTRIBUTES.get(tag, ())


def problems(fragment: str) -> list[Problem]:
    """Every element, attribute or address in rendered HTML that the rule refuses."""
    found: list[Problem] = []
    if not fragment.strip():
        return found
    seen_ids: set[str] = set()
    for el in lxml_html.fragments_fromstring(fragment, no_leading_text=False):
        if isinstance(el, str):
            continue
        for node in el.iter():
            if not isinstance(node.tag, str):
                continue  # comments (the edition's placeholders) are inert
            tag = node.tag.lower()
            if tag not in ALLOWED_TAGS:
                found.append(Problem(f"raw HTML element <{shorten(tag, 40)}> is not allowed", f"<{tag}"))
                continue
            for attr, raw in node.attrib.items():
                name, value = str(attr).lower(), str(raw)
                if not _attr_ok(tag, name):
                    found.append(Problem(f"attribute '{shorten(name, 40)}' on <{tag}> is not allowed", name))
                elif name in URL_ATTRIBUTES and not _url_ok(tag, name, value):
                    where = "an image must be a file of the site (a relative address)" if tag == "img" else "links may use http, https, mailto or a relative address"
                    found.append(Problem(f"address '{shorten(value)}' on <{tag} {name}> is not allowed: {where}", value.strip()[:40] or name, name))
                elif name == "id" and RESERVED_ID.match(value):
                    found.append(Problem(f"id '{shorten(value)}' is reserved (paragraph numbers and Material's own ids)", value))
                elif name == "id" and value in seen_ids:
                    found.append(Problem(f"id '{shorten(value)}' is used twice on the page", f"#{value}"))
                elif name == "class" and REFUSED_CLASSES & set(value.split()):
                    found.append(Problem("class 'mermaid' is not allowed: Material would load Mermaid from a CDN", "mermaid"))
                elif name == "title" and ("<" in value or ">" in value):
                    found.append(Problem(f"title '{shorten(value, 60)}' on <{tag}> holds markup: a tooltip shows its title as HTML", value.strip()[:40], "title="))
                if name == "id":
                    seen_ids.add(value)
    return found


def _filter(tag: str, attr: str, value: str) -> str | None:
    if attr in URL_ATTRIBUTES and not _url_ok(tag, attr, value):
        return None
    if attr == "id" and RESERVED_ID.match(value):
        return None
    if attr == "title" and ("<" in value or ">" in value):
        return None  # Material's tooltip would insert it as HTML
    if attr == "class":
        kept = [c for c in value.split() if c not in REFUSED_CLASSES]
        return " ".join(kept) or None
    return value


def clean(fragment: str) -> str:
    """``fragment`` with everything the rule refuses removed (elements' text is kept, scripts dropped)."""
    attributes = {tag: set(TAG_ATTRIBUTES.get(tag, ())) for tag in ALLOWED_TAGS}
    attributes["*"] = set(GLOBAL_ATTRIBUTES)
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=attributes,
        attribute_filter=_filter,
        strip_comments=False,  # the edition's <!-- edition:... --> placeholders, filled later
        link_rel=None,
        url_schemes=set(LINK_SCHEMES),
    )


def text_only(value: str) -> str:
    """``value`` (rendered HTML or text) as escaped text with no markup at all."""
    return nh3.clean(value, tags=set(), clean_content_tags={"script", "style"})


def markup_in_text(value: str) -> bool:
    """Whether a plain-text field holds ``<`` or ``>``, written or as a character reference."""
    return "<" in value or ">" in value or (("&" in value) and any(c in html.unescape(value) for c in "<>"))
