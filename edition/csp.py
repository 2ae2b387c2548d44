"""The Content-Security-Policy of every page: scripts only from the site itself or by hash.

Defence in depth behind ``edition.sanitize``: should markup ever slip through, the browser
still refuses to run it. The site is static, so the policy is a ``<meta http-equiv>`` tag, the
first element of every page's ``<head>`` (``overrides/main.html`` writes it from ``policy``).

Offline (``file://``), Material's search runs in the iframe-worker shim, which writes an inline
script into a blank frame; that frame inherits the page's policy, so the script's hash is
computed here from the shipped shim and the page's worker address.
"""

from __future__ import annotations

import base64
import hashlib
import re

# Everything from the site itself; nothing from another origin; no inline script but by hash, no
# inline style at all (Material styles elements from its script, which the policy does not govern).
# 'wasm-unsafe-eval' lets the search (Pagefind) compile its WebAssembly; it allows no JavaScript eval.
POLICY = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; "
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


def policy(shim_js: str | None = None, worker_url: str | None = None, preview: bool = False) -> str:
    """The policy of a page: scripts only from the site's own files. The theme's templates carry
    no inline script (the edition's overrides load Material's few lines from files), so nothing
    in a page is ever allowed by hash; the one hash is the iframe-worker shim's frame script for
    the page's search worker (offline search), computed from the shipped shim, never from a page."""
    if preview:
        return PREVIEW_POLICY
    inline = shim_script(shim_js, worker_url) if shim_js and worker_url else None
    return POLICY.format(hashes=f" {script_hash(inline)}" if inline else "")


def outside_features(scripts: list[str], stylesheets: list[str], theme_font: object) -> list[str]:
    """What in the site's configuration would load from another origin (the policy would block it)."""
    from .offline import is_remote  # the offline module reads URLs as the browser does

    found = [f"extra_javascript loads {url}" for url in scripts if is_remote(url)]
    found += [f"extra_css loads {url}" for url in stylesheets if is_remote(url)]
    if theme_font not in (False, None):
        found.append("theme.font is set: Material would load web fonts from Google (use font: false)")
    return found
