"""What issue 24's tests share: the address the edition is published at in its builds with a site
URL (``published_site`` and ``published_bundle``, fixtures of tests/conftest.py built once per run)."""

from __future__ import annotations

from tests.conftest import PUBLISHED_URL

__all__ = ["PUBLISHED_URL", "canonical"]


def canonical(doc_url: str) -> str:
    """The published address of a site page ('documents/x/')."""
    return PUBLISHED_URL + doc_url
