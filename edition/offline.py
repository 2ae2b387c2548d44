"""The offline bundle: the site built for ``file://`` and zipped, with no request leaving the machine.

``python -m edition.offline [--out dist] [--project .]`` runs a real ``mkdocs build --strict`` with
``EDITION_OFFLINE=true`` (Material's offline plugin: ``.html`` URLs, search index as a script) into
``<out>/offline-site``, checks the result, and writes ``<out>/edition-offline.zip``.

The check fails the command (non-zero exit) when a page would load anything from the network:
an ``http://`` or ``https://`` (or protocol-relative ``//``) URL in an attribute the browser fetches
by itself (scripts, stylesheets and other ``<link>`` resources, images, media, iframes, embeds,
SVG references, a ``<base>`` or a meta refresh), a ``url()`` or ``@import`` in inline or shipped CSS,
or a Mermaid diagram (Material fetches Mermaid's script from a CDN to draw one). Plain
``<a href>`` links to cited sources are allowed: the reader follows them or not. It also fails when
the search index script that offline search needs is missing. URLs are read as Chromium reads
them (``https:/host`` and ``https:\\\\host`` go to the network; tabs and newlines inside are
ignored), and an ``<iframe srcdoc>`` is scanned as a page of its own. With ``--browser`` every
page is also opened from ``file://`` in Chromium with the network blocked (``browser_check``):
every attempted request and every Content-Security-Policy violation is a problem.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html

from .sanitize import url_scheme

ROOT = Path(__file__).resolve().parents[1]
SITE_DIRNAME = "offline-site"
ZIP_NAME = "edition-offline.zip"
ZIP_ROOT = "edition-offline"  # every file in the zip sits under this folder
SEARCH_INDEX = Path("search") / "search_index.js"
PAGEFIND_FILE_LOADER = Path("pagefind") / "pagefind.classic.js"  # Pagefind's loader as a classic script (edition/search.py)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamp: the same site gives the same zip

# Attributes the browser fetches by itself, per element (lower-case tag names; SVG elements too).
FETCHED_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),  # and srcdoc: a page of its own, scanned as one
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "base": ("href",),
    "image": ("href", "{http://www.w3.org/1999/xlink}href", "xlink:href"),
    "use": ("href", "{http://www.w3.org/1999/xlink}href", "xlink:href"),
    "feimage": ("href", "{http://www.w3.org/1999/xlink}href", "xlink:href"),
}
# <link rel> values that are only a relation, not a resource the browser loads.
NON_LOADING_LINK_RELS = frozenset(
    {"alternate", "author", "bookmark", "canonical", "external", "help", "license", "me", "next", "prev", "search", "tag"}
)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*([^'")\s]+)""", re.IGNORECASE)
LOCAL_SCHEMES = frozenset({None, "data", "blob", "about", "file"})
META_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.IGNORECASE)


class OfflineError(Exception):
    """The offline bundle could not be built or does not work without the network."""


@dataclass(frozen=True)
class RemoteLoad:
    """A URL on the network that a file of the bundle would load."""

    file: str  # path relative to the site root
    line: int | None
    what: str  # e.g. '<script src>' or 'CSS url()'
    url: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.what} loads {self.url}"


@dataclass(frozen=True)
class Bundle:
    site: Path
    zip_path: Path
    zip_bytes: int
    site_bytes: int
    search_index_bytes: int
    files: int


def build_offline_site(project: Path, site: Path) -> str:
    """A real ``mkdocs build --strict`` of ``project`` into ``site`` with the offline plugin on; returns the log."""
    env = {**os.environ, "EDITION_OFFLINE": "true", "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(site.resolve())],
        cwd=project, capture_output=True, text=True, env=env, timeout=1800, check=False,
    )
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise OfflineError(f"mkdocs build --strict failed (exit {proc.returncode}) for {project}:\n{log}")
    return log


def is_remote(url: str) -> bool:
    """Whether the browser would go to the network for ``url``, read as the browser reads it:
    ``https:/host`` and ``https:\\\\host`` are ``https://host``, and tabs or newlines inside are ignored."""
    return url_scheme(url) not in LOCAL_SCHEMES


def _css_remote(text: str) -> list[str]:
    return [u for u in CSS_URL.findall(text) if is_remote(u)]


def _srcset_urls(value: str) -> list[str]:
    return [candidate.strip().split()[0] for candidate in value.split(",") if candidate.strip()]


def _link_loads(rel: str) -> bool:
    rels = set(rel.lower().split())
    return not rels or not rels <= NON_LOADING_LINK_RELS


def remote_loads_in_html(text: str, name: str) -> list[RemoteLoad]:
    """Every network URL that the HTML page ``text`` (at ``name``) would load by itself."""
    found: list[RemoteLoad] = []
    if not text.strip():
        return found
    root = lxml_html.document_fromstring(text)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue  # comments, processing instructions
        tag = el.tag.rsplit("}", 1)[-1].lower()
        attributes = list(FETCHED_ATTRIBUTES.get(tag, ()))
        if tag == "link" and _link_loads(el.get("rel", "")):
            attributes += ["href", "imagesrcset"]
        for attr in attributes:
            value = el.get(attr)
            if value is None:
                continue
            urls = _srcset_urls(value) if attr.endswith("srcset") else [value]
            label = attr.rsplit("}", 1)[-1]
            found += [RemoteLoad(name, _line(el), f"<{tag} {label}>", url) for url in urls if is_remote(url)]
        if tag == "meta" and el.get("http-equiv", "").lower() == "refresh":
            match = META_REFRESH_URL.search(el.get("content", ""))
            if match and is_remote(match.group(1)):
                found.append(RemoteLoad(name, _line(el), "<meta http-equiv=refresh>", match.group(1)))
        if style := el.get("style"):
            found += [RemoteLoad(name, _line(el), f"<{tag} style> url()", url) for url in _css_remote(style)]
        if tag == "style" and el.text:
            found += [RemoteLoad(name, _line(el), "<style> url()/@import", url) for url in _css_remote(el.text)]
        if tag in ("iframe", "frame") and (srcdoc := el.get("srcdoc")):
            found += [RemoteLoad(name, _line(el), f"<{tag} srcdoc> {r.what}", r.url) for r in remote_loads_in_html(srcdoc, name)]
        if tag == "pre" and "mermaid" in el.get("class", "").split():
            found.append(RemoteLoad(name, _line(el), "<pre class=mermaid> (Material fetches Mermaid from a CDN)", "mermaid"))
    return found


def _line(el: object) -> int | None:
    """The element's line in its file, when lxml knows it."""
    line = getattr(el, "sourceline", None)
    return line if isinstance(line, int) else None


def remote_loads_in_css(text: str, name: str) -> list[RemoteLoad]:
    found = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        found += [RemoteLoad(name, lineno, "CSS url()/@import", url) for url in _css_remote(line)]
    return found


def find_remote_loads(site: Path) -> list[RemoteLoad]:
    """Every network URL that a page or stylesheet of the built ``site`` would load."""
    found: list[RemoteLoad] = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(site).as_posix()
        if path.suffix in (".html", ".htm"):
            found += remote_loads_in_html(path.read_text(encoding="utf-8", errors="replace"), name)
        elif path.suffix == ".css":
            found += remote_loads_in_css(path.read_text(encoding="utf-8", errors="replace"), name)
    return found


def check_offline_site(site: Path) -> list[str]:
    """What keeps the built ``site`` from working offline; empty when it is fine."""
    problems = []
    index = site / SEARCH_INDEX
    if not index.is_file() or index.stat().st_size == 0:
        problems.append(f"{SEARCH_INDEX.as_posix()} is missing or empty: offline search needs it (is the offline plugin enabled?)")
    if not (site / PAGEFIND_FILE_LOADER).is_file():
        problems.append(f"{PAGEFIND_FILE_LOADER.as_posix()} is missing: offline search loads Pagefind's index through it (edition_plugin/search.py)")
    if not (site / "index.html").is_file():
        problems.append("index.html is missing")
    problems += [str(load) for load in find_remote_loads(site)]
    return problems


# Every URL but the local schemes a bundle may load, as a regular expression: Playwright's driver
# matches one itself, where a Python function as the route's matcher has every request of every
# page sent to Python and back (a tenth of the check's CPU).
LEAVES_THE_MACHINE = re.compile(r"^(?!(?:file|data|blob|about):)", re.IGNORECASE)

# Collects what the Content-Security-Policy refuses, in every frame, before the page's own scripts run.
CSP_LISTENER = """
window.__edition_csp = [];
document.addEventListener('securitypolicyviolation', e => window.__edition_csp.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || location.href}:${e.lineNumber})`), true);
"""


def browser_check(site: Path, chromium: str = "/usr/bin/chromium") -> list[str]:
    """Every page of ``site`` opened from ``file://`` in Chromium with the network blocked.

    Returns each request that would have left the machine and each Content-Security-Policy
    violation, as ``page: what``. Sees what the static scan cannot (script-made requests,
    URL spellings the scan does not know). Needs Playwright, a test dependency: imported here.
    """
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    pages = [p for p in site_files(site) if p.suffix == ".html"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu"])
        try:
            context = browser.new_context(offline=True)
            current = {"name": ""}

            def block(route, request) -> None:
                problems.append(f"{current['name']}: request to {request.url}")
                route.abort("blockedbyclient")

            context.route(LEAVES_THE_MACHINE, block)
            context.add_init_script(CSP_LISTENER)
            page = context.new_page()
            page.on("console", lambda m: problems.append(f"{current['name']}: {m.text}") if "Content Security Policy" in m.text else None)
            for path in pages:
                current["name"] = path.relative_to(site).as_posix()
                page.goto(path.as_uri(), wait_until="load")
                problems += [f"{current['name']}: CSP {v}" for v in page.evaluate("window.__edition_csp || []")]
        finally:
            browser.close()
    return list(dict.fromkeys(problems))


def site_files(site: Path) -> list[Path]:
    """The files of ``site`` in a fixed order (sorted by POSIX path)."""
    return sorted((p for p in site.rglob("*") if p.is_file()), key=lambda p: p.relative_to(site).as_posix())


def zip_site(site: Path, zip_path: Path) -> Path:
    """Zip ``site`` under the folder ``ZIP_ROOT``; the same files give byte-identical zips."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_name(zip_path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in site_files(site):
            info = zipfile.ZipInfo(f"{ZIP_ROOT}/{path.relative_to(site).as_posix()}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, so the permissions above are read as such
            zf.writestr(info, path.read_bytes())
    tmp.replace(zip_path)
    return zip_path


def make_bundle(out: Path, project: Path = ROOT) -> Bundle:
    """Build, check and zip the offline edition of ``project`` into ``out``."""
    out = out.resolve()
    site = out / SITE_DIRNAME
    build_offline_site(project, site)
    problems = check_offline_site(site)
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise OfflineError(f"the offline site in {site} would not work without the network ({len(problems)} problems):\n{listing}")
    zip_path = zip_site(site, out / ZIP_NAME)
    files = site_files(site)
    return Bundle(
        site=site,
        zip_path=zip_path,
        zip_bytes=zip_path.stat().st_size,
        site_bytes=sum(p.stat().st_size for p in files),
        search_index_bytes=(site / SEARCH_INDEX).stat().st_size,
        files=len(files),
    )


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edition.offline", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("dist"), help="output folder (default: dist)")
    parser.add_argument("--project", type=Path, default=ROOT, help="project to build (default: this repository)")
    parser.add_argument("--browser", action="store_true", help="also open every page in Chromium with the network blocked (needs Playwright)")
    args = parser.parse_args(argv)
    try:
        bundle = make_bundle(args.out, args.project)
    except OfflineError as err:
        print(f"edition.offline: error: {err}", file=sys.stderr)
        return 1
    if args.browser and (seen := browser_check(bundle.site)):
        print("edition.offline: error: in Chromium, the offline site:\n" + "\n".join(f"  - {p}" for p in seen), file=sys.stderr)
        return 1
    print(bundle.zip_path)
    print(f"  zip:          {human_size(bundle.zip_bytes)} ({bundle.zip_bytes} bytes)")
    print(f"  site:         {human_size(bundle.site_bytes)} ({bundle.site_bytes} bytes, {bundle.files} files) in {bundle.site}")
    print(f"  search index: {human_size(bundle.search_index_bytes)} ({bundle.search_index_bytes} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
