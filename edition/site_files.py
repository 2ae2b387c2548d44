"""Which files under ``docs/`` the site publishes: pages, and the assets the edition owns.

MkDocs copies every file of ``docs/`` into the site as it is. A pull request could add an HTML
or SVG file that runs script with no policy, or a file named like one of the theme's
(``assets/javascripts/bundle.<hash>.min.js``) that replaces its script on every page. So a file
is published only if it is a Markdown page (validated by ``edition.page_source``), one of the
edition's own scripts and style sheets by exact path, or an image of a type that cannot hold
script in the images folder. Anything else is a ``make check`` error and is left out.
"""

from __future__ import annotations

from pathlib import PurePosixPath

EDITION_ASSETS = frozenset({
    "assets/edition.css",
    "assets/edition.js",
    "assets/annotations-early.js",
    "assets/search/pagefind-worker.js",
    "assets/theme/md-head.js",
    "assets/theme/md-palette.js",
    "assets/vendor/iframe-worker/shim.js",
    "assets/vendor/iframe-worker/LICENSE",
})
IMAGE_FOLDER = "images"
IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})  # no SVG: an SVG can hold script


def refused(src_uri: str) -> str | None:
    """Why the file at ``docs/<src_uri>`` is not published, or ``None`` when it is."""
    path = PurePosixPath(src_uri)
    if path.suffix == ".md" or src_uri in EDITION_ASSETS:
        return None
    if path.parts[0] == IMAGE_FOLDER and path.suffix.lower() in IMAGE_TYPES and len(path.parts) > 1:
        return None
    if path.parts[0] == IMAGE_FOLDER:
        return f"'{path.suffix or path.name}' files are not published: images must be {', '.join(sorted(IMAGE_TYPES))}"
    return "only Markdown pages, the edition's own assets and images in docs/images/ are published"
