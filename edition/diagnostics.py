"""Problems found in the edition's inputs, reported as ``path:line: message (hint)``.

Every check in the edition collects problems instead of raising at the first one, so a
contributor sees all of them at once, from ``make check`` or from a strict build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
MAX_MESSAGE = 400  # a message quotes contributor input: bounded, whatever the input's size


# Control characters (a terminal's escape sequences) and bidirectional overrides, as a message quoting
# a source file could carry them to the contributor's terminal: shown as visible \\xNN / \\uNNNN
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _bounded(text: str) -> str:
    """A message's part as a terminal shows it safely: bounded, and with no control character."""
    text = _UNPRINTABLE.sub(lambda m: _shown(m.group()), text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        hint = f" ({self.hint})" if self.hint else ""
        label = "" if self.severity == "error" else "warning: "
        return f"{where}: {label}{self.message}{hint}"


@dataclass
class Diagnostics:
    """An append-only list of problems, shared by every loader during one build."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(_bounded(path), line, _bounded(message), _bounded(hint), "error"))

    def warning(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(_bounded(path), line, _bounded(message), _bounded(hint), "warning"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]


