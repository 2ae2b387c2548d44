"""Plain-text tables: every benchmark prints its numbers this way, for people to read and paste."""

from __future__ import annotations

from collections.abc import Sequence


def table(title: str, head: Sequence[str], rows: Sequence[Sequence[str]], note: str = "") -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    line = "  ".join("-" * w for w in widths)
    fmt = lambda r: "  ".join(str(x).rjust(w) for x, w in zip(r, widths, strict=True))  # noqa: E731
    out = [f"\n{title}", line, fmt(head), line, *map(fmt, rows), line]
    if note:
        out.append(note)
    return "\n".join(out)
