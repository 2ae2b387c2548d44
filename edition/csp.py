"""The Content-Security-Policy of every page: scripts only from the site itself or by hash.

Defence in depth behind ``edition.sanitize``: should markup ever slip through, the browser
still refuses to run it. The site is static, so the policy is a ``<meta http-equiv>`` tag that
the theme leaves as a placeholder (``overrides/main.html``) and the build fills per page, since
Material's inline scripts differ with the page's depth (``__md_scope=new URL("../..")``).

Offline (``file://``), Material's search runs in the iframe-worker shim, which writes an inline
script into a blank frame; that frame inherits the page's policy, so the script's hash is
computed here from the shipped shim and the page's worker address.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable

from lxml import html as lxml_html

PLACEHOLDER = "__EDITION_CSP__"
# Everything from the site itself; nothing from another origin; no inline script but by hash.
# 'wasm-unsafe-eval' lets the search (Pagefind) compile its WebAssembly; it allows no JavaScript eval.
POLICY = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
    "frame-src 'self'; manifest-src 'self'; media-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'"
)
_SHIM_TEMPLATE = re.compile(r"<script>(postMessage=\$\{(\w+)\};importScripts=\$\{(\w+)\};.*?)<\\/script>", re.S)


def script_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _function_source(js: str, name: str) -> str | None:
    """The source text of ``function name(...){...}`` in ``js`` (what ``String(fn)`` gives)."""
    start = js.find(f"function {name}(")
    if start < 0:
        return None
    depth = 0
    for i in range(js.index("{", start), len(js)):
        depth += {"{": 1, "}": -1}.get(js[i], 0)
        if depth == 0:
            return js[start : i + 1]
    return None


def shim_script(shim_js: str, worker_url: str) -> str | None:
    """The inline script the iframe-worker shim writes for a worker at ``worker_url``."""
    m = _SHIM_TEMPLATE.search(shim_js)
    if not m:
        return None
    post, imports = _function_source(shim_js, m.group(2)), _function_source(shim_js, m.group(3))
    if post is None or imports is None:
        return None
    return m.group(1).replace("${" + m.group(2) + "}", post).replace("${" + m.group(3) + "}", imports).replace("${e}", worker_url)


# `mkdocs serve` injects its live-reload script inline, different on every request: no hash can
# allow it, so the local preview (never published) allows inline script instead.
PREVIEW_POLICY = POLICY.format(hashes=" 'unsafe-inline'")


def policy_for(page_html: str, shim_js: str | None = None) -> str:
    """The policy for one rendered page: the theme's inline scripts (and the shim's) allowed by hash.

    Only scripts outside the page's text (``<article>``, where every contributor's words go) are
    hashed: the edition writes no inline script there, so one found there slipped past the
    sanitiser, and the browser must refuse it rather than the policy allow it. Reading only the
    theme's part of the page is also a fifth of the parsing."""
    start, end = page_html.find("<article"), page_html.rfind("</article>")
    theme = page_html[:start] + page_html[end + len("</article>"):] if 0 <= start < end else page_html
    hashes: list[str] = []
    root = lxml_html.document_fromstring(theme)
    worker = None
    for script in root.iter("script"):
        if script.get("src"):
            continue
        text = script.text or ""
        if script.get("type") == "application/json":
            if script.get("id") == "__config":
                try:
                    worker = json.loads(text).get("search")
                except ValueError:
                    worker = None
            continue  # data, not script: never executed
        hashes.append(script_hash(text))
    if shim_js and worker:
        inline = shim_script(shim_js, worker)
        if inline:
            hashes.append(script_hash(inline))
    return POLICY.format(hashes="".join(" " + h for h in dict.fromkeys(hashes)))


def fill(page_html: str, shim_js: str | None = None, preview: bool = False,
         policy: Callable[[str, str | None], str] | None = None) -> str | None:
    """``page_html`` with its policy in place of the placeholder; ``None`` when there is no placeholder.

    ``policy`` stands in for ``policy_for`` (the build passes one that remembers the last build's answers)."""
    if PLACEHOLDER not in page_html:
        return None
    return page_html.replace(PLACEHOLDER, PREVIEW_POLICY if preview else (policy or policy_for)(page_html, shim_js), 1)


def outside_features(scripts: list[str], stylesheets: list[str], theme_font: object) -> list[str]:
    """What in the site's configuration would load from another origin (the policy would block it)."""
    from .offline import is_remote  # the offline module reads URLs as the browser does

    found = [f"extra_javascript loads {url}" for url in scripts if is_remote(url)]
    found += [f"extra_css loads {url}" for url in stylesheets if is_remote(url)]
    if theme_font not in (False, None):
        found.append("theme.font is set: Material would load web fonts from Google (use font: false)")
    return found
