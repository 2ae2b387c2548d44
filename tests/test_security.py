"""Security catalogue: contributor content never runs script, never publishes outside files,
never crashes the build.

Each case breaks a copy of the real project with the payload ``window.__pwned = 1`` in one
field or syntax. Cases are batched: one copy holds every payload that must be *refused* (each
in its own memo, registry entry or file; ``python -m edition_plugin.check`` must name each one's file
and line), another every payload that must be *built as text* (opened in one Chromium, online
and from the offline bundle: load, hover and focus of every mark, a search; ``window.__pwned``
never set and no Content-Security-Policy violation). A Hypothesis fuzz test calls the loaders
directly: no traceback, a path-naming message, bounded output.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from playwright.sync_api import Browser, Page

from edition.bibtex import parse_library
from edition.csp import script_hash, shim_script
from edition.diagnostics import Diagnostics
from edition.documents import load_documents, read_document
from edition.edition import Edition
from edition.entities import load_entities
from edition.glossary import load_glossary
from edition.offline import find_remote_loads, make_bundle
from tests.browser_support import PolicyWatch, recorded_context, search, serve_directory, wait_for_material
from tests.build_support import check_in_process
from tests.conftest import ROOT, build_site, copy_project, run_build, with_renderings

PAYLOAD = "window.__pwned = 1"
MAX_MESSAGE = 1000  # a diagnostic line, whatever the input


def _memo_bibkey() -> str:
    docs = load_documents(ROOT / "docs", Diagnostics(), ROOT)
    assert docs, "the edition has no memo to take a bibkey from"
    return docs[0].bibkey


def front_matter(date: str, title: str = '"A memo of the catalogue"', extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\ndate: {date}\nauthors: [\"Pat Writer\"]\nissuing_body: \"Office of the catalogue\"\n"
        "document_type: \"Memorandum\"\nclassification: \"Unclassified\"\nrelease: \"Released\"\n"
        f"archival_source: null\nidentifier: null\npages: 1\nbibkey: {_memo_bibkey()}\n{extra}---\n\n"
    )


# ---------------------------------------------------------------------------------------------
# Refused: each payload named by `make check` with its file and line


@dataclass(frozen=True)
class Refused:
    name: str
    path: str  # relative to the project
    line: int | None
    message: str  # a fragment of the expected message


def _write(project: Path, rel: str, text: str | bytes) -> Path:
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


# Each body is the Markdown after the front matter; the case's line is that of the marked needle.
BODY_CASES: list[tuple[str, str, str, str]] = [
    ("raw img onerror", f'Words <img src="x.png" onerror="{PAYLOAD}"> and more.\n', "onerror", "attribute 'onerror' on <img>"),
    ("raw script", f"Words.\n\n<script>{PAYLOAD}</script>\n", "<script>", "<script>"),
    ("raw iframe srcdoc", f'Words.\n\n<iframe srcdoc="<script>{PAYLOAD}</script>"></iframe>\n', "<iframe", "<iframe>"),
    ("note with raw HTML", f'Words.[^1]\n\n[^1]: A note <img src="x.png" onerror="{PAYLOAD}">.\n', "onerror", "attribute 'onerror'"),
    ("CriticMarkup insertion", f'Words {{++<b onmouseover="{PAYLOAD}">in</b>++}} here.\n', "onmouseover", "attribute 'onmouseover'"),
    ("attribute list on heading", f'## A heading {{ onmouseover="{PAYLOAD}" }}\n\nWords.\n', "onmouseover", "attribute 'onmouseover' on <h2>"),
    ("attribute list style", 'Words in a paragraph.\n{: style="background: red" }\n', "style=", "attribute 'style' on <p>"),
    ("javascript: link", f"A [link](javascript:{PAYLOAD.replace(' ', '')}) here.\n", "javascript:", "links may use http, https, mailto"),
    ("tab-obfuscated javascript: link", '<a href="java&#9;script:void(0)">x</a> here.\n', "java&#9;script", "links may use http, https, mailto"),
    ("remote image", "![x](https://example.org/pixel.png)\n", "pixel.png", "an image must be a file of the site"),
    ("heading id taking a paragraph number", "## A heading {#p3}\n\nWords.\n", "{#p3}", "id 'p3' is reserved"),
    ("explicit paragraph id", "Words in a paragraph.\n{: #p1 }\n", "#p1", "id 'p1' is reserved"),
    ("id used twice", "## One {#same}\n\n## Two {#same}\n", "{#same}", "id 'same' is used twice"),
    ("id of the edition's apparatus", "## Cite {#cite-this-document}\n\nWords.\n", "{#cite-this-document}", "id 'cite-this-document' is used twice"),
    ("Material's own id", "## One {#__config}\n", "__config", "id '__config' is reserved"),
    ("mermaid block", "Words.\n\n<pre class=\"mermaid\">graph TD; A--&gt;B</pre>\n", "mermaid", "class 'mermaid'"),
    ("malformed address", "A [link](http://[a]/x) here.\n", "http://[a]/x", "malformed address"),
    ("footnote citing itself", "Words.[^1]\n\n[^1]: See note [^1] again.\n", "[^1]: See", "refers to itself"),
    # a tooltip shows its title as HTML (Material): markup there would change the page on hover
    ("link title with markup", "A [link](https://example.org \"<style>*{display:none}</style><meta http-equiv=refresh content='2;url=https://evil.example/'>\") here.\n",
     "evil.example", "title '<style>"),
    ("attribute-list title with markup", 'Words in a paragraph.\n{: title="&lt;img src=x&gt;" }\n', "title=", "title '<img src=x>'"),
    ("lists nested past the limit", "".join("    " * i + "- level\n" for i in range(60)), "    " * 40 + "- level", "nested more than 40 levels"),
]


def _refused_cases() -> list[tuple[Refused, str | bytes | None]]:
    """Every refused case with the file content it writes (``None``: a symlink out of the repository)."""
    cases: list[tuple[Refused, str | bytes | None]] = []
    for day, (name, body, needle, message) in enumerate(BODY_CASES, start=1):
        date = f"1990-01-{day:02d}"
        text = front_matter(date) + body
        cases.append((Refused(name, f"docs/documents/{date}-case.md", _line(text, needle), message), text))

    def add(name: str, rel: str, text: str | bytes, line: int | None, message: str) -> None:
        cases.append((Refused(name, rel, line, message), text))

    title = front_matter("1990-02-01", title=f"\"<img src=x onerror='{PAYLOAD}'>\"")
    add("front-matter title", "docs/documents/1990-02-01-title.md", title + "Words.\n", 2, "field 'title' holds markup")
    escaped = front_matter("1990-02-02", title='"&lt;script&gt;x&lt;/script&gt;"')
    add("front-matter title as character references", "docs/documents/1990-02-02-title.md", escaped + "Words.\n", 2, "holds markup")
    sub = front_matter("1990-02-03", extra="template: main.html\n")
    add("memo in a sub-folder", "docs/documents/more/1990-02-03-sub.md", sub + "Words.\n", _line(sub, "template:"), "unknown field 'template'")
    page = f"---\ntitle: \"<img src=x onerror='{PAYLOAD}'>\"\n---\n\n# A page\n"
    add("front matter of a page", "docs/page-title.md", page, 2, "field 'title' holds markup")
    nested = f"---\ndescription: [['\\\"><script>{PAYLOAD}</script>']]\n---\n\n# A page\n"
    add("nested markup in a page's front matter", "docs/page-nested.md", nested, 2, "field 'description' holds markup")
    listed = "---\ntitle: A page\ndescription: [[a, b]]\n---\n\n# A page\n"
    add("a list where a page's text belongs", "docs/page-list.md", listed, 3, "front-matter field 'description' must be a text, not a list")
    unknown = "---\ntemplate: main.html\n---\n\n# A page\n"
    add("unknown field of a page", "docs/page-template.md", unknown, 2, "unknown front-matter field 'template' for a page")
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\n\n# A page\n"
    add("YAML alias bomb in a page's front matter", "docs/page-bomb.md", bomb, 2, "anchors and aliases are not allowed")
    add("HTML file in docs/", "docs/errata.html", f"<script>{PAYLOAD}</script>", None, "file is not published")
    add("SVG image", "docs/images/logo.svg", f"<svg xmlns='http://www.w3.org/2000/svg'><script>{PAYLOAD}</script></svg>", None, "file is not published")
    add("a file named like the theme's script", "docs/assets/javascripts/bundle.a5f9d56c.min.js", PAYLOAD, None, "file is not published")
    add("a script of one's own", "docs/assets/extra.js", PAYLOAD, None, "file is not published")
    ok = front_matter("1990-02-04") + "Words.\n"
    add("byte-order mark", "docs/documents/1990-02-04-bom.md", "\ufeff" + ok, 1, "byte-order mark")
    add("NUL byte", "docs/documents/1990-02-05-nul.md", ok.replace("Words.", "Wor\x00ds."), _line(ok, "Words."), "NUL byte")
    raw = front_matter("1990-02-06").encode() + b"Caf\xe9 words.\n"
    add("invalid UTF-8", "docs/documents/1990-02-06-latin1.md", raw, raw.count(b"\n"), "invalid UTF-8 byte 0xe9")
    add("invalid UTF-8 in a page", "docs/latin1.md", b"# Page\n\nCaf\xe9\n", 3, "invalid UTF-8 byte 0xe9")

    registries: dict[str, str] = {}

    def registry(name: str, rel: str, entry: str, needle: str, message: str) -> None:
        before = registries.get(rel) or (ROOT / rel).read_text(encoding="utf-8")
        registries[rel] = before.rstrip("\n") + "\n\n" + entry
        line = len(before.rstrip("\n").splitlines()) + 1 + _line(entry, needle)
        cases.append((Refused(name, rel, line, message), registries[rel]))

    registry("glossary definition", "data/glossary.yml",
             f"- term: zorblax\n  kind: term\n  definition: \"A <img src=x onerror='{PAYLOAD}'> term.\"\n", "definition:", "field 'definition' holds markup")
    registry("glossary alias", "data/glossary.yml",
             "- term: zorblux\n  kind: term\n  aliases: [\"<b>Zx</b>\"]\n  definition: A term.\n", "aliases:", "field 'aliases' holds markup")
    registry("entity description", "data/entities.yml",
             f"- id: pat-zorblax\n  name: Pat Zorblax\n  type: person\n  description: \"<script>{PAYLOAD}</script>\"\n", "description:", "field 'description' holds markup")
    registry("entity related to itself", "data/entities.yml",
             "- id: zed-self\n  name: Zed Self\n  type: person\n  description: A person.\n  related: [zed-self]\n", "related:", "lists itself in 'related'")
    registry("YAML alias bomb", "data/acronym-ignore.yml",
             "- token: &a QQQ\n  reason: [*a, *a, *a]\n", "&a", "anchors and aliases are not allowed")
    for rel in ("docs/leak.md", "docs/leak-dir", "data/leak.yml"):
        cases.append((Refused(f"symlink {rel}", rel, None, "symlink points outside the repository"), None))
    cases.append((Refused("symlink to .git inside the repository", "docs/git", None, "symlink points to .git inside the repository"), None))
    return cases


REFUSED = _refused_cases()


@pytest.fixture(scope="module")
def refused_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One copy of the project with every refused payload, each in its own file or entry; the check's output."""
    project = copy_project(tmp_path_factory.mktemp("refused") / "project")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.md").write_text("# secret\n\nSECRET-WORDS\n", encoding="utf-8")
    (project / ".git").mkdir()
    (project / ".git" / "config").write_text("[remote]\n  url = https://token@example.org\n", encoding="utf-8")
    targets = {"docs/leak.md": outside / "secret.md", "docs/leak-dir": outside, "data/leak.yml": Path("/etc/hostname"), "docs/git": project / ".git"}
    for case, content in REFUSED:  # registries: the last content written holds every entry
        if content is None:
            (project / case.path).symlink_to(targets[case.path])
        else:
            _write(project, case.path, content)
    check = check_in_process(project)  # `make check`, in this process
    assert check.returncode == 1, check.output
    return check.output


@pytest.mark.parametrize("case", [c for c, _ in REFUSED], ids=lambda c: c.name)
def test_refused_with_path_and_line(refused_output: str, case: Refused) -> None:
    where = f"{case.path}:{case.line}: " if case.line else f"{case.path}: "
    lines = [line for line in refused_output.splitlines() if line.startswith(where) and case.message in line]
    assert lines, f"{case.name}: expected '{where}… {case.message}' in:\n{refused_output}"


def test_refusals_never_crash_and_stay_short(refused_output: str) -> None:
    output = refused_output
    assert "Traceback" not in output, output
    assert all(len(line) <= MAX_MESSAGE for line in output.splitlines()), max(output.splitlines(), key=len)


def test_nothing_outside_the_repository_is_published(project: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A symlink to a file outside: the build fails naming it, and never writes its content."""
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "secret.md").write_text("# secret\n\nSECRET-WORDS\n", encoding="utf-8")
    (project / "docs" / "leak.md").symlink_to(outside / "secret.md")
    result = run_build(project, tmp_path / "site")
    assert not result.ok and "docs/leak.md: symlink points outside the repository" in result.output, result.output
    assert not any("SECRET-WORDS" in p.read_text(errors="replace") for p in (tmp_path / "site").rglob("*") if p.is_file())


def test_relative_config_file_builds(project: Path, tmp_path: Path) -> None:
    """`mkdocs build -f mkdocs.yml` used to crash Edition.load with a ValueError."""
    result = run_build(project, tmp_path / "site", "-f", "mkdocs.yml")
    assert result.ok, result.output


def test_outside_scripts_and_fonts_are_refused(tmp_path: Path) -> None:
    """A CDN script or stylesheet, or Material's web fonts, in mkdocs.yml: refused before anything is built."""
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "font: false" in text and "  - assets/edition.js" in text
    text = text.replace("font: false", "font:\n    text: Roboto").replace("  - assets/edition.js", "  - assets/edition.js\n  - https:/cdn.example/x.js")
    config.write_text(text, encoding="utf-8")
    result = run_build(project, tmp_path / "site")
    assert not result.ok
    assert "mkdocs.yml: extra_javascript loads https:/cdn.example/x.js" in result.output, result.output
    assert "mkdocs.yml: theme.font is set" in result.output, result.output


def test_unreadable_bib_file_is_a_message(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "bib" / "latin1.bib").write_bytes(b"@misc{x,\n  title = {Caf\xe9}\n}\n")
    ed = Edition.load(project, project / "docs")
    assert any(d.path == "bib/latin1.bib" and d.line == 2 and "invalid UTF-8" in d.message for d in ed.diags.errors), ed.diags.errors


# ---------------------------------------------------------------------------------------------
# Built as text: opened in Chromium, the payload never runs and the policy is never violated

QUOTED = f"\" onmouseover=\"{PAYLOAD}\" data-x='"
TEXT_PAYLOADS = {
    "title": f"Zorblax memo {QUOTED}",
    "bib title": f"Zorblax papers {QUOTED} &amp; more",
    "definition": f"A word {QUOTED} for the catalogue",
    "entity": f"A person {QUOTED} of the catalogue",
    "page title": "Errata &lt;/title&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;",
    "description": f"Corrections {QUOTED}",
}


@pytest.fixture(scope="module")
def text_project(tmp_path_factory: pytest.TempPathFactory, citation_renderings: Path | None) -> Path:
    """A copy with payloads that are plain text: every field and syntax that must show them as text."""
    project = with_renderings(copy_project(tmp_path_factory.mktemp("text") / "project"), citation_renderings)
    yaml_q = lambda s: "'" + s.replace("'", "''") + "'"  # noqa: E731
    title = TEXT_PAYLOADS["title"]
    body = (
        "Pat Zorblax wrote about the zorblax.[^1] Escaped markup stays text: "
        f"\\<img src=\"x.png\" onerror=\"{PAYLOAD}\"\\> and `<script>{PAYLOAD}</script>`.\n\n"
        f"## Zorblax heading \\<b onmouseover=\"{PAYLOAD}\"\\>\n\n"
        f"A [link](https://example.org \"{QUOTED.replace(chr(34), '&quot;')}\") and [another](../glossary.md).\n\n"
        "[^1]: Pat Payload, *Zorblax papers* (1991), p. 3. [@payload1991]\n"
    )
    _write(project, "docs/documents/1991-01-01-zorblax.md", front_matter("1991-01-01", title=yaml_q(title)) + body)
    bib = project / "bib" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + (
        f"\n@book{{payload1991,\n  author = {{Payload, Pat}},\n  title = {{{TEXT_PAYLOADS['bib title']} <img src=x onerror='{PAYLOAD}'>}},\n"
        "  publisher = {Zorblax Press},\n  year = {1991}\n}\n"), encoding="utf-8")
    glossary = project / "data" / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + (
        f"\n- term: zorblax\n  kind: term\n  definition: {yaml_q(TEXT_PAYLOADS['definition'])}\n"), encoding="utf-8")
    entities = project / "data" / "entities.yml"
    entities.write_text(entities.read_text(encoding="utf-8") + (
        f"\n- id: pat-zorblax\n  name: Pat Zorblax\n  type: person\n  description: {yaml_q(TEXT_PAYLOADS['entity'])}\n"), encoding="utf-8")
    # a page's title from its heading, escaped markup in it; a description with quotes
    _write(project, "docs/errata.md", f"---\ndescription: {yaml_q(TEXT_PAYLOADS['description'])}\n---\n\n# {TEXT_PAYLOADS['page title']}\n\nWords.\n")
    index = project / "docs" / "documents" / "index.md"
    index.write_text(re.sub(r"^# .*$", f"# {TEXT_PAYLOADS['page title']}", index.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def text_site(text_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(text_project, tmp_path_factory, "text-site")


@pytest.fixture(scope="module")
def text_bundle(text_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_bundle(tmp_path_factory.mktemp("text-bundle"), text_project).site


PAGES = ["documents/1991-01-01-zorblax", "glossary", "bibliography", "entities/pat-zorblax", "errata", "documents/", "", "404"]
MARKS = "article a, article abbr, article [title], article [tabindex], article sup, article .md-annotation"


HOVER_AND_FOCUS = """async selector => {
    // what the pointer and the keyboard do to a mark, dispatched in the page: the events the
    // edition's script (mouseover, focusin) and Material's popovers (mouseenter, focus) listen to
    const marks = [...document.querySelectorAll(selector)].filter(m => m.getClientRects().length);
    for (const mark of marks) {
        mark.scrollIntoView({block: "center"});
        for (const type of ["pointerover", "pointerenter", "mouseover", "mouseenter", "pointermove", "mousemove"]) {
            const Event = type.startsWith("pointer") ? PointerEvent : MouseEvent;
            mark.dispatchEvent(new Event(type, {bubbles: !type.endsWith("enter"), cancelable: true, view: window}));
        }
        mark.focus();
        await new Promise(resolve => setTimeout(resolve));  // what the events scheduled runs
    }
    return marks.length;
}"""


def _exercise(page: Page, url: str, policy: PolicyWatch) -> list[str]:
    """Load, hover and focus every visible mark, search; return what went wrong (payload run, policy violated)."""
    page.goto(url)
    wait_for_material(page)
    hovered = page.evaluate(HOVER_AND_FOCUS, MARKS)
    every = page.locator('.annotation-control__option[data-annotations="all"]')
    if every.count():  # and with every mark, the quiet ones made from the page's data (edition/resting.py)
        every.first.click()
        hovered += page.evaluate(HOVER_AND_FOCUS, MARKS)
    assert hovered or "zorblax" not in url, f"{url}: no mark of the payload memo was hovered"
    page.keyboard.press("Escape")
    search(page, "zorblax")
    page.locator(".md-search-result__item").first.hover()
    search(page, "onmouseover")
    page.wait_for_timeout(200)
    return policy.take() + (["window.__pwned was set"] if page.evaluate("!!window.__pwned") else [])


def _run_pages(browser: Browser, base: str, suffix: str) -> None:
    with recorded_context(browser) as (context, recorder):
        page = context.new_page()
        policy = PolicyWatch(context, page)
        problems: dict[str, list[str]] = {}
        for name in PAGES:
            if name == "404" and suffix == ".html":
                continue  # Material's 404 page is for a server: its links are absolute
            url = base + (name + ("index" if name.endswith("/") else "") + suffix if name else "index.html" if suffix == ".html" else "")
            if name.endswith("/") and suffix != ".html":
                url = base + name
            if name == "404":
                url = base + "404.html"
            found = _exercise(page, url, policy)
            if found:
                problems[name or "home"] = found
        assert not problems, problems
        recorder.assert_local("payload pages")


def test_text_payloads_never_run_online(browser: Browser, text_site: Path) -> None:
    with serve_directory(text_site) as base:
        _run_pages(browser, base, "/")


def test_text_payloads_never_run_offline(browser: Browser, text_bundle: Path) -> None:
    _run_pages(browser, text_bundle.as_uri() + "/", ".html")


def test_text_payloads_show_as_text(text_site: Path) -> None:
    """The front-matter title reaches <title>, the header, the card and the search index as text."""
    page = (text_site / "documents" / "1991-01-01-zorblax" / "index.html").read_text(encoding="utf-8")
    tree = lxml_html.document_fromstring(page)
    title = TEXT_PAYLOADS["title"]
    assert title in tree.findtext(".//title"), tree.findtext(".//title")
    assert title in tree.xpath("string(//*[contains(@class, 'memo-card__title')])")
    assert not tree.xpath("//*[@onmouseover or @onerror or @data-x]"), "a payload became an attribute"
    runnable = [s for s in tree.iter("script") if (s.get("type") or "text/javascript").lower() in ("text/javascript", "application/javascript", "module")]
    assert not [s for s in runnable if PAYLOAD in (s.text or "")], "a payload became a script"
    for data in (s for s in tree.iter("script") if s not in runnable):  # the quiet marks' data (edition.resting)
        assert data.get("type") == "application/json", data.get("type")
        assert not re.search(r"[<>&]", data.text or ""), "a data block's text could close its element"
        json.loads(data.text or "")
    policy = tree.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]


SHIM = ROOT / "docs" / "assets" / "vendor" / "iframe-worker" / "shim.js"


@pytest.mark.parametrize("build", ["text_site", "text_bundle"])
def test_policy_allows_no_script_of_any_page(build: str, request: pytest.FixtureRequest) -> None:
    """Defence in depth: no page has an inline script (the theme's few lines load from files), so
    the policy allows no hash a page could have put there; its one hash is the offline search
    frame's script, computed from the shipped shim and the page's worker address, and only in the
    offline bundle, whose pages load the shim (online it would do nothing, and no page fetches it);
    a script slipped into any page would be refused."""
    site: Path = request.getfixturevalue(build)
    offline = build == "text_bundle"
    shim = SHIM.read_text(encoding="utf-8")
    pages = sorted(p for p in site.rglob("*.html") if "/vendor/" not in p.as_posix())
    assert pages
    for path in pages:
        tree = lxml_html.document_fromstring(path.read_text(encoding="utf-8"))
        inline = [s for s in tree.iter("script") if not s.get("src") and s.get("type") != "application/json"]
        assert inline == [], f"{path.relative_to(site)}: inline script {(inline[0].text or '')[:80]!r}"
        config = tree.xpath("string(//script[@id='__config'])")
        worker = json.loads(config)["search"] if config else None
        loads_shim = any(s.get("src", "").endswith("iframe-worker/shim.js") for s in tree.iter("script"))
        if config:
            assert loads_shim == offline, f"{path.relative_to(site)}: the shim is {'not ' * offline}loaded {'offline' if offline else 'online'}"
        policy = tree.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
        script_src = policy.split("script-src", 1)[1].split(";", 1)[0]
        hashes = set(re.findall(r"'sha256-[^']+'", script_src))
        expected = {script_hash(inline_shim)} if loads_shim and worker and (inline_shim := shim_script(shim, worker)) else set()
        assert hashes == expected, f"{path.relative_to(site)}: {sorted(hashes)}"
        assert "unsafe-inline" not in policy and "style-src 'self';" in policy and script_hash(PAYLOAD) not in policy


MATERIAL_PARTIALS = {  # Material's templates whose inline script the edition loads from a file instead
    "partials/javascripts/base.html": ("d6113712bc4deb30b4bd810ee0dfc28b6f04d2f88cc0016c0f1766eac7b762b6", "docs/assets/theme/md-head.js"),
    "partials/javascripts/palette.html": ("8790389765ea6036effddba548b15093bb05bdc75624eaeaf8b13f3c24be4ab5", "docs/assets/theme/md-palette.js"),
    "partials/javascripts/content.html": ("3722e156f0f6339de39fbbfc178b6e401d1a4fb890f189ac5b80c2504bda7dcf", None),
}


@pytest.mark.parametrize("partial", sorted(MATERIAL_PARTIALS))
def test_theme_scripts_moved_to_files_match_the_installed_material(partial: str) -> None:
    """The edition overrides these partials with scripts loaded from files (overrides/partials/
    javascripts/): should Material change one (an upgrade), this fails until the copy is redone."""
    import hashlib

    import material

    source = Path(material.__file__).parent / "templates" / partial
    digest, copy = MATERIAL_PARTIALS[partial]
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest, f"Material's {partial} changed: copy its script again"
    assert (ROOT / "overrides" / partial).is_file()
    if copy is not None:
        code = re.search(r"<script>(.*)</script>", source.read_text(encoding="utf-8"), re.S)
        assert code is not None
        # the copy runs the same statements (the template's scope value comes from an attribute)
        ours = re.sub(r"/\*.*?\*/", "", (ROOT / copy).read_text(encoding="utf-8"), flags=re.S)
        strip = str.maketrans("", "", " \n")
        theirs = re.sub(r'new URL\("[^"]*"', 'new URL(document.currentScript.getAttribute("data-md-scope")', code.group(1))
        assert ours.translate(strip).rstrip(";") == theirs.translate(strip).rstrip(";")


def test_page_titles_and_descriptions_are_text(text_site: Path) -> None:
    """A heading's escaped markup and a description's quotes reach <title>, the meta tags, the
    navigation and the header as text (Material's `striptags` once turned them into tags)."""
    shown = "Errata </title><script>window.__pwned=2</script>"
    for rel in ("errata/index.html", "documents/index.html"):
        tree = lxml_html.document_fromstring((text_site / rel).read_text(encoding="utf-8"))
        assert tree.findtext(".//title").startswith(shown), (rel, tree.findtext(".//title"))
        assert not [s for s in tree.iter("script") if "__pwned" in (s.text or "")], rel
        assert shown in tree.xpath("string(//div[contains(@class, 'md-header__title')])"), rel  # the header's page title
        assert tree.xpath("string(//span[@data-pagefind-meta='title[data-value]']/@data-value)") == shown, rel  # search's
    tree = lxml_html.document_fromstring((text_site / "errata" / "index.html").read_text(encoding="utf-8"))
    assert tree.xpath("string(//meta[@name='description']/@content)") == TEXT_PAYLOADS["description"]
    assert not tree.xpath("//*[@onmouseover or @data-x]")


def test_online_site_loads_nothing_remote(text_site: Path) -> None:
    """The static scan of the offline bundle holds for the online site too (no CDN, no Mermaid)."""
    assert find_remote_loads(text_site) == []


def test_every_page_has_the_policy_first_in_its_head(text_site: Path) -> None:
    """First, so nothing a page writes into <head> (a title, a description) comes before it."""
    pages = sorted(text_site.rglob("*.html"))
    assert pages and any(p.name == "404.html" for p in pages)
    wrong = []
    for path in pages:
        head = lxml_html.document_fromstring(path.read_text(encoding="utf-8")).find("head")
        first = next((el for el in head if isinstance(el.tag, str)), None) if head is not None else None
        if first is None or first.tag != "meta" or first.get("http-equiv") != "Content-Security-Policy":
            wrong.append(path.relative_to(text_site).as_posix())
    assert wrong == []


def test_rebuilds_are_byte_identical(text_project: Path, text_site: Path, tmp_path: Path) -> None:
    """SOURCE_DATE_EPOCH (or the fixed default) makes sitemap.xml.gz the same on any day."""
    again = run_build(text_project, tmp_path / "again", env={"SOURCE_DATE_EPOCH": "1000000000"})
    twice = run_build(text_project, tmp_path / "twice", env={"SOURCE_DATE_EPOCH": "1000000000"})
    assert again.ok and twice.ok
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        assert (again.site / name).read_bytes() == (twice.site / name).read_bytes(), name
    assert (again.site / "sitemap.xml.gz").read_bytes()[4:8] == (1000000000).to_bytes(4, "little")


# ---------------------------------------------------------------------------------------------
# Fuzz: the loaders on any input give path-naming messages, never a traceback, bounded output

YAML_BITS = ["- ", "  ", "\n", ": ", "id", "term", "kind", "title", "date", "name", "type", "related", "definition",
             "&a ", "*a", "[", "]", "{", "}", "<b>", "&lt;", "'", '"', "1983-02-30", "1983-09-07", "!!python/object:os.system",
             "\ufeff", "\x00", "person", "acronym", "null", "- id: a\n  name: A\n  type: person\n  description: d\n"]
BIB_BITS = ["@article{", "@book{", "k,", "title = {", "author = ", "year = ", "1983", "}", "{", "\\textit{", "\\", '"',
            ",", "\n", "=", "<script>", "@comment{", "@string{", "%", "date = {1983-99-99}"]


def _fuzz_text(bits: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(bits), st.text(max_size=4)), max_size=40).map("".join)


def _check(diags: Diagnostics, shown: str) -> None:
    for d in diags.items:
        assert d.path == shown, str(d)
        assert len(str(d)) <= MAX_MESSAGE, str(d)


FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(_fuzz_text(YAML_BITS))
def test_fuzz_front_matter(yaml_text: str) -> None:
    diags = Diagnostics()
    read_document("documents/1983-09-07-x.md", f"---\n{yaml_text}\n---\n\nBody.\n", diags, "docs/documents/1983-09-07-x.md")
    _check(diags, "docs/documents/1983-09-07-x.md")


@FUZZ
@given(_fuzz_text(YAML_BITS))
def test_fuzz_registries(yaml_text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registry.yml"
        path.write_bytes(yaml_text.encode("utf-8", "surrogatepass"))
        for loader in (load_glossary, load_entities):
            diags = Diagnostics()
            loader(path, diags, "data/registry.yml")
            _check(diags, "data/registry.yml")


@FUZZ
@given(_fuzz_text(BIB_BITS))
def test_fuzz_bibtex(bib_text: str) -> None:
    diags = Diagnostics()
    parse_library(bib_text, "bib/fuzz.bib", diags)  # deep nesting is an error it reports, never a RecursionError
    _check(diags, "bib/fuzz.bib")


def test_alias_bomb_is_refused_quickly() -> None:
    """The 9 x 9 bomb of the issue: refused at its anchor, no expansion (bounded output)."""
    lines = ["- token: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"  r{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bomb.yml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        diags = Diagnostics()
        load_glossary(path, diags, "data/glossary.yml")
    assert [str(d) for d in diags.items] == ["data/glossary.yml:1: YAML anchors and aliases are not allowed ('a0') (write each value out in full)"]


def test_oversized_registry_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yml"
    path.write_text("- term: x\n" + "# padding\n" * 300_000, encoding="utf-8")
    diags = Diagnostics()
    load_glossary(path, diags, "data/glossary.yml")
    assert [d.message for d in diags.items if re.search(r"too large", d.message)], diags.items
