"""Reading contributors' files: every way a file can be unreadable becomes a message, never a traceback.

A memo, a registry or a ``.bib`` file from a pull request may be too large, not UTF-8, start
with a byte-order mark or hold NUL bytes. Each is reported with the file (and line where
there is one) before any parser sees the text; the edition's inputs then are plain UTF-8 text.
Files must be themselves: a symlink is refused, so nothing from the machine that builds
(``/proc/self/environ``, a home folder) or kept private in the repository (``.git``) is published.
"""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import Diagnostics

MAX_BYTES = 2 * 1024 * 1024  # far above any memo or registry; a bigger file is a mistake or an attack
BOM = "\ufeff"
CONTENT_FOLDERS = ("docs", "bib", "data", "sources")


def decode(data: bytes, shown: str, diags: Diagnostics, limit: int = MAX_BYTES) -> str | None:
    """``data`` as text, or ``None`` with the problem reported against ``shown``."""
    if len(data) > limit:
        diags.error(shown, None, f"file is too large ({len(data)} bytes; the limit is {limit})", "split it, or check that it is the file you meant to add")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        diags.error(shown, line, f"invalid UTF-8 byte 0x{data[exc.start]:02x} at column {column}", "save the file as UTF-8")
        return None
    if text.startswith(BOM):
        diags.error(shown, 1, "file starts with a byte-order mark (BOM)", "save the file as UTF-8 without BOM")
        return None
    if "\x00" in text:
        diags.error(shown, text.count("\n", 0, text.index("\x00")) + 1, "file contains a NUL byte", "remove it: it is not text")
        return None
    return text


def read_text(path: Path, shown: str, diags: Diagnostics, limit: int = MAX_BYTES) -> str | None:
    """The text of a contributor's file, or ``None`` with the reason reported."""
    try:
        size = path.stat().st_size
        if size > limit:  # reported without reading it
            diags.error(shown, None, f"file is too large ({size} bytes; the limit is {limit})", "split it, or check that it is the file you meant to add")
            return None
        return decode(path.read_bytes(), shown, diags, limit)
    except OSError as exc:
        diags.error(shown, None, f"cannot read the file: {exc.strerror or exc}", "check that it exists and is a regular file")
        return None


def content_links(root: Path, folders: tuple[str, ...] = CONTENT_FOLDERS) -> list[tuple[str, str]]:
    """Every symlink under ``root``'s content folders, as (POSIX path, what is wrong with it).

    None is allowed: a link out of the repository would publish the building machine's files, and
    a link inside it (to ``.git``, to ``.cache``) would publish what the repository keeps private.
    """
    base = root.resolve()
    found: list[tuple[str, str]] = []
    for folder in folders:
        top = root / folder
        if top.is_symlink():
            candidates = [top]
        elif top.is_dir():
            candidates = []
            for dirpath, dirnames, filenames in os.walk(top):
                candidates += [Path(dirpath) / n for n in dirnames + filenames if (Path(dirpath) / n).is_symlink()]
        else:
            continue
        for link in candidates:
            target = link.resolve()
            where = ("points outside the repository (or nowhere)" if not target.exists() or not target.is_relative_to(base)
                     else f"points to {target.relative_to(base).as_posix() or '.'} inside the repository")
            found.append((link.relative_to(root).as_posix(), f"symlink {where}: symlinks are not allowed"))
    return sorted(found)


def outside(path: Path, root: Path) -> bool:
    """Whether ``path`` (a file the site would copy) really lives outside ``root``."""
    return not path.resolve().is_relative_to(root.resolve())
