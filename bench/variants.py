"""The edition's ``mkdocs.yml`` as plain Material: the same Markdown built without the edition.

Every side-by-side figure of the bench compares the edition (A) with this variant (B), so both
must differ only by what the edition adds. The file is edited as text, line by line, rather than
loaded and dumped: the configuration uses ``!ENV`` tags that a YAML round trip would drop or
reject, and every setting left untouched (theme, features, extensions) stays byte for byte what
the edition uses.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from edition.documents import FILE_NAME

# Parts of the configuration that are the edition's look rather than its processing: its CSS and
# JS, the template overrides and the worker shim it ships as Material's polyfill.
_LOOK = frozenset({("extra_css",), ("extra_javascript",), ("theme", "custom_dir"), ("extra", "polyfills")})
_LINE = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[^\s:#'\"][^:#]*?)\s*(?::(?:\s|$)|$)")
_NAV_PAGE = re.compile(r"^\s*-\s*(?:[^:]+:\s*)?(\S+\.md)\s*$")
_NAV_SECTION = re.compile(r"^(\s*)-\s*[^:#]+:\s*(?:#.*)?$")
DOCUMENTS_INDEX = "documents/index.md"


@cache
def _theme_plugins() -> frozenset[str]:
    """Names under which MkDocs or Material provide a plugin (``search``, ``offline``, ``material/…``).

    Any other plugin in ``plugins:`` is a third party's, or the edition's own: plain Material
    keeps only these.
    """
    own = {ep.name for ep in entry_points(group="mkdocs.plugins") if ep.value.startswith(("material.", "mkdocs."))}
    return frozenset(own | {name.removeprefix("material/") for name in own})


def plain_material_config(project: Path, *, edition_look: bool = True, name: str = "mkdocs-plain.yml") -> Path:
    """Write ``project/name``: ``mkdocs.yml`` without the edition, and return its path.

    Always left out: ``hooks:``, any plugin that is neither MkDocs' nor Material's (the edition as a
    plugin), and the nav entries of pages only the edition generates (with sections left empty).
    The documents, which the edition adds to the navigation, are listed after their index by hand.
    With ``edition_look=False`` also the edition's ``extra_css``, ``extra_javascript``, template
    overrides (``theme.custom_dir``) and polyfill: the page as plain Material draws it (the phone
    benchmark). The build benchmarks keep the look (``True``), as they always have, so that their
    plain build renders the same templates and only the edition's processing is missing.
    Memo front matter is left as it is: MkDocs ignores keys it does not know.
    """
    drop = {("hooks",)} | (set() if edition_look else set(_LOOK))
    docs = project / "docs"
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (indent, key) of the mapping keys and list items above this line
    dropping: int | None = None  # indent of the block being left out
    for line in (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if dropping is not None and (not stripped or indent > dropping):
            continue
        dropping = None
        m = _LINE.match(line)
        if not stripped or stripped.startswith("#") or not m:
            out.append(line)
            continue
        item = bool(m["dash"])
        while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and (not item or stack[-1][1].startswith("-")))):
            stack.pop()
        stack.append((indent, ("-" if item else "") + m["key"].strip()))
        path = tuple(key for _, key in stack)
        plugin = path[:1] == ("plugins",) and len(path) == 2 and item
        if path in drop or (plugin and path[1][1:] not in _theme_plugins()):
            dropping = indent
            continue
        page = _NAV_PAGE.match(line) if path[:1] == ("nav",) else None
        if page and not (docs / page.group(1)).exists():
            continue
        out.append(line)
        if page and page.group(1) == DOCUMENTS_INDEX:
            # the documents, which the edition adds to the navigation, listed by hand as a plain
            # Material site lists its pages: each then has its place (and contents) in the navigation.
            # Only names of the documents' form (edition.documents.FILE_NAME, the edge's rule): a
            # file name is a pull request's data, and written here it would be a line of YAML.
            out += [f"{line[:indent]}- documents/{p.name}" for p in sorted((docs / "documents").glob("*.md")) if FILE_NAME.fullmatch(p.name)]
    kept = [line for i, line in enumerate(out) if not _empty_section(out, i)]
    path = project / name
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def _empty_section(lines: list[str], i: int) -> bool:
    """Whether ``lines[i]`` is a nav section ("- Register:") whose children were all left out."""
    m = _NAV_SECTION.match(lines[i])
    if not m:
        return False
    nxt = next((line for line in lines[i + 1:] if line.strip() and not line.lstrip().startswith("#")), "")
    return len(nxt) - len(nxt.lstrip()) <= len(m.group(1))
