"""Builds that issue 24's tests share: the edition as published (with a site URL), and its offline
bundle, each made once per test session whichever module asks first. Each test module wraps them
in a fixture of its own, so conftest.py stays as it is."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_build

PUBLISHED_URL = "https://editions.example.org/us-japan/"  # an address the builds below are published at


_MADE: dict[str, Path] = {}


def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edition built as the Pages workflow builds it: ``SITE_URL`` set."""
    if "site" not in _MADE:
        site = tmp_path_factory.mktemp("published-site")
        result = run_build(ROOT, site, env={"SITE_URL": PUBLISHED_URL})
        assert result.ok, result.output
        _MADE["site"] = site
    return _MADE["site"]


def published_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline bundle of the published edition (``SITE_URL`` set), unzipped: its site root."""
    if "bundle" not in _MADE:
        _MADE["bundle"] = _make_bundle(tmp_path_factory)
    return _MADE["bundle"]


def _make_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from edition.offline import ZIP_ROOT, make_bundle

    base = tmp_path_factory.mktemp("published-bundle")
    before = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = PUBLISHED_URL  # make_bundle builds in a child process with this environment
    try:
        bundle = make_bundle(base / "bundle", ROOT)
    finally:
        if before is None:
            os.environ.pop("SITE_URL", None)
        else:
            os.environ["SITE_URL"] = before
    with zipfile.ZipFile(bundle.zip_path) as zf:
        zf.extractall(base / "unzipped")
    return base / "unzipped" / ZIP_ROOT


def canonical(doc_url: str) -> str:
    """The published address of a site page ('documents/x/')."""
    return PUBLISHED_URL + doc_url
