"""What a copy of the edition's project is made of: the one list the bench and the tests share.

A build of a copy must see everything a build of the repository sees, so the list of parts lives
here once; ``tests/conftest.py`` copies projects with the same function.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from edition.diagnostics import Diagnostics
from edition.documents import Document, load_documents, split_front_matter
from edition.entities import Entity, load_entities
from edition.matching import Matcher, Target
from edition.notes import extract_notes

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("mkdocs.yml", "pyproject.toml", "docs", "bib", "data", "edition", "edition_plugin", "overrides", "sources")
_NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", ".cache")  # build leftovers, never inputs


def copy_project(dest: Path, source: Path = ROOT, parts: Iterable[str] = PROJECT_PARTS) -> Path:
    """Copy ``parts`` of the project at ``source`` into ``dest`` (created if missing); return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in parts:
        src = source / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=_NOT_COPIED)
        elif src.exists():
            shutil.copy2(src, dest / part)
    if (source / "node_modules").is_dir() and not (dest / "node_modules").exists():
        # the npm packages a build runs (citeproc-js): shared, not copied
        (dest / "node_modules").symlink_to((source / "node_modules").resolve(), target_is_directory=True)
    return dest


# ---------------------------------------------------------------------------------------------
# What the benchmarks measure by default, read from the edition: no benchmark names a document,
# a person or a term of the edition (a renamed memo or a new edition must not break them)


def _edition(source: Path) -> tuple[list[Document], dict[str, Entity]]:
    """The documents and the register as the build reads them (validated at the one edge): a
    benchmark of an edition with problems would measure nothing."""
    diags = Diagnostics()
    docs = load_documents(source / "docs", diags, source)
    entities = load_entities(source / "data" / "entities.yml", diags, "data/entities.yml")
    if diags.errors:
        raise SystemExit("the edition has problems (see `make check`):\n" + "\n".join(str(d) for d in diags.errors[:10]))
    if not docs:
        raise SystemExit(f"no document in {source / 'docs' / 'documents'}")
    return docs, entities


def _body(source: Path, doc: Document) -> str:
    return split_front_matter((source / "docs" / doc.path).read_text(encoding="utf-8"))[1]


def by_apparatus(source: Path = ROOT) -> list[str]:
    """The documents, the one with the most notes (then the most words) first, as paths from
    ``source``: the page with the most apparatus, which the phone, copies and hostile-input
    benchmarks load, and, last, the page with the least."""
    docs, _ = _edition(source)

    def weight(doc: Document) -> tuple[int, int]:
        body = _body(source, doc)
        return len(extract_notes(body, doc.path, doc.path, doc.body_line, Diagnostics())[1]), len(body.split())

    return [f"docs/{doc.path}" for doc in sorted(docs, key=weight, reverse=True)]


def richest_memo(source: Path = ROOT) -> str:
    """The document with the most notes (then the most words)."""
    return by_apparatus(source)[0]


def one_word_alias(entity: Entity) -> str | None:
    """The form a reader types to find a person: the shortest one-word alias that is a word of the
    name ("Nakasone"; never a suffix such as "IV" or "Jr.", which is no alias)."""
    words = entity.name.split()
    return min((a for a in entity.aliases if " " not in a and a in words), key=len, default=None)


def query_for(memo: str, source: Path = ROOT) -> str:
    """What a reader would type to find ``memo``: the one-word alias of the person it names whom the
    most documents name (then the one it names most often; the register's forms, matched as the
    build matches them), or, in a memo that names nobody so, the longest word of its title."""
    docs, entities = _edition(source)
    doc = next((d for d in docs if f"docs/{d.path}" == memo), None)
    if doc is None:
        raise SystemExit(f"{memo} is not a document of the edition")
    typed = {e.id: alias for e in entities.values() if e.type == "person" and (alias := one_word_alias(e))}
    matcher = Matcher()
    for entity_id in typed:
        for form in entities[entity_id].forms:
            matcher.add(form, Target("entity", entity_id))
    matcher.build()
    in_memo = Counter(t.id for m in matcher.find(_body(source, doc)) for t in m.targets)
    documents_naming = Counter(i for d in docs for i in {t.id for m in matcher.find(_body(source, d)) for t in m.targets})
    if in_memo:  # the person the most documents name, then the one this memo names most often
        return typed[max(sorted(in_memo), key=lambda i: (documents_naming[i], in_memo[i]))]
    words = re.findall(r"[^\W\d_]{4,}", doc.title)
    if not words:
        raise SystemExit(f"{memo} names no person of data/entities.yml and has no title word: give the benchmark a --query")
    return max(words, key=len)
