"""Dates as the edition writes them, in its two styles.

The edition's own prose (metadata cards, the chronology, the register) writes day-month-year,
"14 July 1983"; citations follow Chicago, "July 14, 1983". Both come from here so that a month's
name or the form of a partial date is decided once. The month names are spelled out, not taken
from ``calendar``, whose names follow the process's locale.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Literal

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
# BibTeX's month macros (jan … dec) and the first three letters of a month written out
MONTHS = {name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
_ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")

DateStyle = Literal["edition", "chicago"]


def format_partial_date(date: Sequence[int] | dt.date, style: DateStyle = "edition") -> str:
    """As precise as the date is known: '1983', 'July 1983', then '14 July 1983' in the edition's
    prose or 'July 14, 1983' in a Chicago citation.

    ``date`` is (year[, month[, day]]) with 0 for a part not known, or a ``datetime.date``.
    """
    if isinstance(date, dt.date):
        date = (date.year, date.month, date.day)
    year, month, day = (*date, 0, 0)[:3]
    if not month:
        return str(year)
    name = MONTH_NAMES[month - 1]
    if not day:
        return f"{name} {year}"
    return f"{name} {day}, {year}" if style == "chicago" else f"{day} {name} {year}"


def parse_iso_date(value: str) -> list[int] | None:
    """'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (biblatex's date fields) as [year, month, day], as many
    parts as are written; None when it is not such a date or the month is not one."""
    m = _ISO.match(value.strip())
    if not m:
        return None
    parts = [int(x) for x in m.groups() if x]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return None
    return parts
