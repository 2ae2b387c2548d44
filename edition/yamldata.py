"""YAML registries read with their line numbers, so every error can name its line.

PyYAML's ``safe_load`` throws the positions away; composing the node tree keeps them.
Registries and front matter are plain data written by contributors: anchors and aliases are
refused before anything is built (a 9x9 alias "bomb" otherwise expands into gigabytes), every
value quoted in a message is shortened, and text values may not hold markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .diagnostics import Diagnostics
from .htmltext import shorten
from .sanitize import markup_in_text

MAX_YAML_CHARS = 2 * 1024 * 1024  # as a file may be (inputs.MAX_BYTES): a register of thousands of entries


@dataclass(frozen=True)
class Located:
    """A mapping from a registry together with the line of each of its keys."""

    value: dict[str, Any]
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


# libyaml's parser when it is there (PyYAML's wheels ship it): composing is most of the load time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _construct(node: yaml.Node) -> Any:
    """One value of a mapping, with the safe constructor (reused: it resets after each document)."""
    return _CONSTRUCTOR.construct_document(node)


def _mapping(node: yaml.MappingNode, path: str, diags: Diagnostics, offset: int, line: int) -> Located:
    """Construct a mapping key by key, so a bad value (``1987-02-30``) is blamed on its own line."""
    value: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        key_line = key_node.start_mark.line + offset
        key_lines[key] = key_line
        if key in value:
            diags.error(path, key_line, f"field '{key}' is given twice", "keep one of them")
        try:
            value[key] = _construct(value_node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
            diags.error(path, key_line, f"field '{shorten(key, 40)}' has an invalid value: {shorten(exc)}", "for dates write YYYY-MM-DD with a real day")
            value[key] = _INVALID
            continue
        for text, text_line in _texts(value_node):
            if markup_in_text(text):
                diags.error(path, text_line + offset, f"field '{shorten(key, 40)}' holds markup: {shorten(text)!r}", "registry and front-matter values are plain text: write the words without '<' or '>'")
                value[key] = _INVALID
                break
    return Located(value, line, key_lines)


class _Invalid:
    """Marks a value that failed to construct, so validators skip it instead of blaming it twice."""

    def __repr__(self) -> str:
        return "<invalid>"


_INVALID = _Invalid()


def is_invalid(value: object) -> bool:
    return value is _INVALID


def _texts(node: yaml.Node) -> list[tuple[str, int]]:
    """Every string scalar under ``node`` with its (0-based) line."""
    if isinstance(node, yaml.ScalarNode):
        return [(node.value, node.start_mark.line)] if isinstance(node.value, str) else []
    children = node.value if isinstance(node, yaml.SequenceNode) else [c for pair in node.value for c in pair]
    return [t for child in children for t in _texts(child)]


def _compose(text: str, path: str, diags: Diagnostics, first_line: int, what: str) -> tuple[bool, yaml.Node | None]:
    """Compose ``text`` after refusing what would make loading unbounded; (ok, root node)."""
    if len(text) > MAX_YAML_CHARS:
        diags.error(path, None, f"{what} is too large ({len(text)} characters; the limit is {MAX_YAML_CHARS})", "split it, or check that it is the file you meant")
        return False, None
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                diags.error(path, (event.start_mark.line if event.start_mark else 0) + first_line, f"YAML anchors and aliases are not allowed ('{shorten(anchor, 40)}')", "write each value out in full")
                return False, None
        return True, yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        diags.error(path, line, f"invalid YAML in {what}: {shorten(problem)}", "check indentation, colons and quotes")
        return False, None
    except RecursionError:
        diags.error(path, first_line, f"{what} is nested too deeply", "registry entries are flat lists of fields")
        return False, None


def load_list_of_mappings(
    text: str, path: str, diags: Diagnostics, what: str
) -> list[Located]:
    """Parse a registry that must be a YAML list of mappings."""
    ok, root = _compose(text, path, diags, 1, f"{what} registry")
    if not ok or root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        diags.error(path, root.start_mark.line + 1, f"{what} registry must be a list", "start each entry with '- '")
        return []
    items: list[Located] = []
    for node in root.value:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            diags.error(path, line, f"{what} entry must be a mapping of fields", "write 'key: value' lines under '- '")
            continue
        items.append(_mapping(node, path, diags, 1, line))
    return items


def load_mapping(text: str, path: str, diags: Diagnostics, first_line: int = 1) -> Located | None:
    """Parse a YAML mapping (front matter); ``first_line`` is the file line of its first line."""
    ok, root = _compose(text, path, diags, first_line, "front matter")
    if not ok:
        return None
    if not isinstance(root, yaml.MappingNode):
        diags.error(path, first_line, "front matter must be a mapping of fields", "write 'field: value' lines")
        return None
    return _mapping(root, path, diags, first_line, first_line)

