"""Where a document's text comes from: the source note under its card, and the checks of its provenance.

A FRUS document opens with a source note: the repository, file and identifier of the copy, its
classification and release, and what the text was taken from. The edition's note says the same
from the front matter every document has (``archival_source``, ``identifier``, ``release``,
``release_date``, ``transcribed_from``, ``copy_url``), and says plainly what is not known: an
editor's silence would read as "nothing to say". ``data/repositories.yml`` lists the
repositories whose identifiers have a known form, so a mistyped identifier is a check error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .dates import format_partial_date
from .diagnostics import Diagnostics
from .documents import Document
from .inputs import read_text
from .render import esc, link
from .schema import Field, validate
from .yamldata import load_list_of_mappings

REGISTRY = "data/repositories.yml"
# what a transcription may be made from (front matter ``transcribed_from``), as the note says it
COPY_KINDS = {
    "scan": "a scan of the copy, read by the editors",
    "ocr": "the text recognised (OCR) from a scan of the copy",
    "web": "a web copy",
    "print": "a printed copy",
}
_URL = re.compile(r"https?://[^\s\"'<>\\`]+")
_CLASSIFIED = re.compile(r"\b(classified|secret|confidential|restricted|sanitized|declassified)\b", re.I)
REPOSITORY_FIELDS = [
    Field("id", "str"), Field("name", "str"), Field("names", "str-list"), Field("identifier", "str-list"), Field("example", "str"),
]


@dataclass(frozen=True)
class Repository:
    """A repository of released copies, and the forms of its identifiers."""

    id: str
    name: str
    names: tuple[str, ...]
    forms: tuple[str, ...]  # '9' a digit, 'A' a capital letter, any other character itself
    example: str
    line: int = 0

    def named_in(self, archival_source: str) -> bool:
        text = archival_source.casefold()
        return any(n.casefold() in text for n in self.names)

    def accepts(self, identifier: str) -> bool:
        return any(form_matches(form, identifier) for form in self.forms)


def form_matches(form: str, identifier: str) -> bool:
    """Whether ``identifier`` has the form ``form`` (one pass, character by character: a contributor's
    form can never make the check slow, as a regular expression could)."""
    if len(form) != len(identifier):
        return False
    for want, have in zip(form, identifier, strict=True):
        if want == "9":
            if not ("0" <= have <= "9"):
                return False
        elif want == "A":
            if not ("A" <= have <= "Z"):
                return False
        elif want != have:
            return False
    return True


def parse_repositories(text: str, shown: str, diags: Diagnostics) -> list[Repository]:
    out: list[Repository] = []
    for item in load_list_of_mappings(text, shown, diags, "repository"):
        if not validate(item, REPOSITORY_FIELDS, shown, diags, "repository"):
            continue
        v = item.value
        repo = Repository(v["id"].strip(), v["name"].strip(), tuple(n.strip() for n in v["names"]), tuple(f.strip() for f in v["identifier"]),
                          v["example"].strip(), item.line)
        if not repo.accepts(repo.example):
            diags.error(shown, item.line_of("example"), f"the example identifier '{repo.example}' of repository '{repo.id}' has none of its forms",
                        "write the forms with 9 for a digit and A for a capital letter, e.g. CIA-RDP99A99999R999999999999-9")
        if any(r.id == repo.id for r in out):
            diags.error(shown, item.line_of("id"), f"repository '{repo.id}' is declared twice", "keep one of them")
            continue
        out.append(repo)
    return out


def load_repositories(root: Path, diags: Diagnostics) -> list[Repository]:
    """``data/repositories.yml`` of the project at ``root``; an edition without it checks no identifier."""
    path = root / REGISTRY
    if not path.is_file():
        return []
    text = read_text(path, REGISTRY, diags)
    return parse_repositories(text, REGISTRY, diags) if text is not None else []


def has_provenance(doc: Document) -> bool:
    """Whether the front matter says anything of where the text comes from: the copy's repository or
    identifier, or the copy transcribed."""
    return any((doc.archival_source, doc.identifier, doc.transcribed_from, doc.copy_url))


def check_provenance(docs: Iterable[Document], repositories: list[Repository], shown: dict[str, str], diags: Diagnostics) -> None:
    """A document with no provenance at all is a warning (its source note can only say that nothing
    is known); a copy's address that is not an http(s) address, and an identifier that is not in the
    form of the repository its ``archival_source`` names, are errors, at the field's line."""
    for doc in docs:
        path = shown.get(doc.path, doc.path)
        lines = doc.field_lines
        if not has_provenance(doc):
            diags.warning(path, lines.get("archival_source", 1), "the document says nothing of where its text comes from: its source note can only say that it is not known",
                          "give 'transcribed_from' (scan, ocr, web or print), and 'archival_source', 'identifier' or 'copy_url' when they are known")
        if doc.copy_url and not _URL.fullmatch(doc.copy_url):
            diags.error(path, lines.get("copy_url"), f"copy_url '{doc.copy_url[:80]}' is not an absolute http(s) address",
                        "write the address the copy was taken from, https://…, or null when it is not known")
        if doc.identifier and doc.archival_source:
            for repo in repositories:
                if repo.named_in(doc.archival_source) and not repo.accepts(doc.identifier.strip()):
                    diags.error(path, lines.get("identifier"), f"identifier '{doc.identifier[:80]}' is not in the form of {repo.name}'s identifiers",
                                f"copy it as the repository gives it, e.g. '{repo.example}' ({REGISTRY}:{repo.line})")
                    break


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def source_note(doc: Document) -> str:
    """The source note under the document's card: where the copy is kept, how it was released,
    what the transcription was made from, and what of that is not known."""
    said: list[str] = []
    if doc.archival_source and doc.identifier:
        said.append(f"{esc(doc.archival_source.strip())}, {esc(doc.identifier.strip())}.")
    elif doc.archival_source:
        said.append(f"{esc(_sentence(doc.archival_source))} Its identifier there is not known.")
    elif doc.identifier:
        said.append(f"Identifier {esc(doc.identifier.strip())}; the repository that holds the copy is not known.")
    else:
        said.append("Where the copy is kept, and under what identifier, is not known.")
    classification = doc.values.get("classification")
    if isinstance(classification, str) and classification.strip():
        said.append(f"Original classification: {esc(_sentence(classification))}")
    classified = bool(_CLASSIFIED.search(str(classification or "")) or (doc.release and _CLASSIFIED.search(doc.release)))
    if doc.release:
        when = f" Released {esc(format_partial_date(doc.release_date))}." if doc.release_date else (" The date of its release is not known." if classified else "")
        said.append(f"{esc(_sentence(doc.release))}{when}")
    kind = COPY_KINDS.get(doc.transcribed_from or "")
    if kind and doc.copy_url:
        said.append(f"Transcribed from {esc(kind)}: {link(doc.copy_url, doc.copy_url)}.")
    elif kind:
        said.append(f"Transcribed from {esc(kind)}; the address of that copy is not recorded.")
    else:
        said.append("What copy the transcription was made from is not recorded.")
    return (f'<section class="source-note" aria-label="Source note"><p><span class="source-note__label">Source:</span> '
            f'{" ".join(said)}</p></section>')
