"""One build of the edition: registries loaded once, memo pages processed, indexes gathered.

This is the only object the MkDocs hooks talk to. It knows paths and HTML, not MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostics
from .documents import Document, load_documents
from .editorial import Intervention, find_interventions
from .glossary import Term, load_glossary
from .htmltext import parse_fragment, serialise_children
from .model import Marker, PageIndex
from .paragraphs import number_paragraphs
from .redactions import ExemptionCode, MarkerPattern, mark_redactions
from .render import documents_table, interventions_table, metadata_card, normalisations_list

PLACEHOLDER = re.compile(r"<!--\s*edition:([a-z-]+)\s*-->")
UrlFor = Callable[[str], str]


@dataclass
class Edition:
    root: Path
    docs_dir: Path
    diags: Diagnostics = field(default_factory=Diagnostics)
    documents: dict[str, Document] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    pages: dict[str, PageIndex] = field(default_factory=dict)
    interventions: list[Intervention] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path, docs_dir: Path) -> Edition:
        """Read every registry and every memo's front matter once, before any page renders."""
        ed = cls(root=root, docs_dir=docs_dir)
        ed.terms = load_glossary(root / "data" / "glossary.yml", ed.diags, "data/glossary.yml")
        ed.documents = {d.path: d for d in load_documents(docs_dir, ed.diags, root)}
        codes = [ExemptionCode(t.term, t.expansion or "", t.withholds or "") for t in ed.terms if t.kind == "exemption"]
        ed._markers = MarkerPattern(codes)
        return ed

    def shown_path(self, doc_path: str) -> str:
        return (self.docs_dir / doc_path).relative_to(self.root).as_posix()

    # -- memo pages -------------------------------------------------------------------------

    def process_memo(self, doc_path: str, content: str, url_for: UrlFor) -> str:
        """Turn a memo's rendered HTML into the edition's page: markers, paragraphs, card."""
        doc = self.documents.get(doc_path)
        root = parse_fragment(content)
        index = PageIndex(doc_path)
        made = mark_redactions(root, self._markers)
        numbered = number_paragraphs(root, doc_path)
        index.paragraphs = [p for p, _ in numbered]
        for el in made:
            if not el.get("id"):
                continue
            holder = next((a.get("id") for a in el.iterancestors() if re.fullmatch(r"p\d+", a.get("id") or "")), None)
            kind = "gap" if "redaction--gap" in el.get("class", "") else "exemption"
            index.markers.append(Marker(doc_path, el.get("id"), kind, el.get("data-code") or "", holder))
        self.interventions.extend(find_interventions(root, doc_path))
        self.pages[doc_path] = index
        card = metadata_card(doc) if doc else ""
        return f'{card}<div class="memo-text">{serialise_children(root)}</div>'

    # -- placeholders in hand-written and generated pages --------------------------------------

    def fill_placeholders(self, content: str, url_for: UrlFor) -> str:
        def render(m: re.Match[str]) -> str:
            name = m.group(1)
            renderer = self._renderers().get(name)
            if renderer is None:
                self.diags.error("docs", None, f"unknown placeholder 'edition:{name}'", f"use one of: {', '.join(sorted(self._renderers()))}")
                return ""
            return renderer(url_for)

        return PLACEHOLDER.sub(render, content)

    def _renderers(self) -> dict[str, Callable[[UrlFor], str]]:
        docs = sorted(self.documents.values(), key=lambda d: (d.date, d.path))
        return {
            "documents": lambda u: documents_table(docs, u),
            "interventions": lambda u: interventions_table(self.interventions, self.documents, u),
            "normalisations": lambda u: normalisations_list(),
        }
