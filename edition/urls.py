"""Relative links between pages of the built site, so the site works from any folder and from ``file://``."""

from __future__ import annotations

import posixpath


def relative_url(from_url: str, to_url: str) -> str:
    """Link from the page at ``from_url`` to ``to_url`` (both site-relative, as MkDocs gives them)."""
    to_path, _, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url) + "/"
    base = base.strip("/")
    rel = posixpath.relpath("/" + to_path, "/" + base) if to_path else ""
    if to_path.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if rel == "./":
        rel = "./"
    return rel + (f"#{fragment}" if fragment else "")
