"""Generated pages (glossary, acronyms, markings, entities, chronology) and memo appendices.

All of them are rendered from the indexes gathered while the memos were processed, once per
build; every value from a registry or a memo is escaped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from .documents import Document
from .entities import TYPE_TITLES, TYPES, Entity
from .glossary import Term
from .model import Marker, Mention
from .paragraphs import place_label
from .render import esc, link
from .schema import format_partial_date

UrlFor = Callable[[str], str]


def _sentence(text: str | None) -> str:
    """Registry prose may or may not end with a full stop; print exactly one."""
    return (text or "").rstrip().rstrip(".") + "."


def _place(m: Mention, docs: dict[str, Document]) -> str:
    doc = docs.get(m.doc_path)
    return f"{doc.title if doc else m.doc_path}, {place_label(m.paragraph_id)}"


CONTEXTS = 20  # snippets shown per term or entity; further places are listed as links only


def _occurrences(mentions: list[Mention], docs: dict[str, Document], url_for: UrlFor) -> str:
    """Every place, linked; a context snippet for the first ones, so pages stay small at scale."""
    if not mentions:
        return "<p class=\"occurrences occurrences--none\">Not found in the documents.</p>"
    items = [
        f"<li>{link(url_for(f'{m.doc_path}#{m.paragraph_id}'), _place(m, docs))}: <q>{esc(m.context)}</q></li>"
        for m in mentions[:CONTEXTS]
    ]
    rest: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions[CONTEXTS:]:
        rest[m.doc_path].append(m)
    for path, ms in rest.items():
        title = docs[path].title if path in docs else path
        places = ", ".join(link(url_for(f"{path}#{m.paragraph_id}"), place_label(m.paragraph_id)) for m in ms)
        items.append(f'<li class="occurrences__more">{link(url_for(path), title)}: {places}</li>')
    return f'<ul class="occurrences" data-search-exclude>{"".join(items)}</ul>'


def _by_target(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        out[m.target].append(m)
    return out


def glossary_page(terms: list[Term], mentions: list[Mention], entities: dict[str, Entity], docs: dict[str, Document], url_for: UrlFor) -> str:
    by_term = _by_target(mentions)
    parts = []
    for t in sorted(terms, key=lambda t: t.term.casefold()):
        head = esc(t.term) + (f" <small>({esc(t.expansion)})</small>" if t.expansion else "")
        body = [f"<p>{esc(t.definition)}</p>"]
        if t.aliases:
            body.append(f"<p class=\"aliases\">Also written: {esc(', '.join(t.aliases))}</p>")
        if t.kind == "exemption":
            body.append(f"<p><strong>Legal basis:</strong> {esc(_sentence(t.legal_basis))} <strong>Withholds:</strong> {esc(_sentence(t.withholds))}</p>")
            body.append(f"<p>{link(url_for('markings.md'), 'Where this marking occurs')}</p>")
        if t.entity in entities:
            ent = entities[t.entity]
            body.append(f"<p>See also the register: {link(url_for(ent.page), ent.name)}</p>")
        if t.kind != "exemption":
            body.append(_occurrences(by_term.get(t.key, []), docs, url_for))
        parts.append(f'<section class="glossary-entry"><h2 id="{esc(t.key)}">{head}</h2>{"".join(body)}</section>')
    return "".join(parts)


def acronyms_table(terms: list[Term], mentions: list[Mention], docs: dict[str, Document], url_for: UrlFor, glossary_url: str) -> str:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        counts[m.target][m.doc_path] += 1
    rows = []
    for t in sorted((t for t in terms if t.kind in ("acronym", "exemption")), key=lambda t: t.term.casefold()):
        where = ", ".join(
            f"{link(url_for(path), docs[path].title if path in docs else path)} ({n})" for path, n in sorted(counts[t.key].items())
        ) or "—"
        rows.append(f'<tr id="{esc(t.key)}"><td>{link(glossary_url + "#" + t.key, t.term)}</td><td>{esc(t.expansion)}</td><td>{where}</td></tr>')
    return ('<table class="acronyms"><thead><tr><th>Acronym</th><th>Expansion</th><th>Occurs in (count)</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def memo_acronyms(doc_mentions: list[Mention], terms: dict[str, Term], glossary_url: str) -> str:
    counts = Counter(m.target for m in doc_mentions if m.target in terms and terms[m.target].kind == "acronym")
    if not counts:
        return ""
    rows = "".join(
        f"<tr><td>{link(glossary_url + '#' + key, terms[key].term)}</td><td>{esc(terms[key].expansion)}</td><td>{n}</td></tr>"
        for key, n in sorted(counts.items(), key=lambda kv: terms[kv[0]].term.casefold())
    )
    return ('<section class="memo-acronyms"><h2 id="acronyms-used">Acronyms used</h2><table><thead><tr><th>Acronym</th>'
            f'<th>Expansion</th><th>Times</th></tr></thead><tbody>{rows}</tbody></table></section>')


def memo_entities(doc_mentions: list[Mention], entities: dict[str, Entity], url_for: UrlFor) -> str:
    counts = Counter(m.target for m in doc_mentions if m.target in entities)
    if not counts:
        return ""
    groups = []
    for typ in TYPES:
        ids = sorted((i for i in counts if entities[i].type == typ), key=lambda i: entities[i].name.casefold())
        if ids:
            items = ", ".join(f"{link(url_for(entities[i].page), entities[i].name)} ({counts[i]})" for i in ids)
            groups.append(f"<dt>{esc(TYPE_TITLES[typ])}</dt><dd>{items}</dd>")
    return f'<section class="memo-entities"><h2 id="named-in-this-document">Named in this document</h2><dl>{"".join(groups)}</dl></section>'


def markings_page(codes: list[Term], markers: list[Marker], docs: dict[str, Document], url_for: UrlFor) -> str:
    parts = ["<h2 id=\"exemption-codes\">Exemption codes</h2><dl class=\"exemption-codes\">"]
    for t in codes:
        parts.append(f'<dt id="{esc(t.key)}"><code>{esc(t.term)}</code>: {esc(t.expansion)}</dt>'
                     f"<dd><p>{esc(t.definition)}</p><p><strong>Legal basis:</strong> {esc(_sentence(t.legal_basis))} "
                     f"<strong>Withholds:</strong> {esc(_sentence(t.withholds))}</p></dd>")
    parts.append("</dl><h2 id=\"by-document\">Markings by document</h2>")
    by_doc: dict[str, list[Marker]] = defaultdict(list)
    for m in markers:
        by_doc[m.doc_path].append(m)
    rows = []
    for path in sorted(docs, key=lambda p: (docs[p].date, p)):
        ms = by_doc.get(path, [])
        exempt = Counter(m.code for m in ms if m.kind == "exemption")
        gaps = [m for m in ms if m.kind == "gap"]
        code_text = ", ".join(f"{esc(c)} × {n}" for c, n in sorted(exempt.items())) or "none"
        links = " ".join(link(url_for(f"{path}#{m.id}"), m.id.replace("r", "#")) for m in ms)
        rows.append(f"<tr><td>{link(url_for(path), docs[path].title)}</td><td>{code_text}</td><td>{len(gaps)}</td>"
                    f"<td class=\"marker-links\">{links or '—'}</td></tr>")
    parts.append('<table class="markings"><thead><tr><th>Document</th><th>Exemption markings</th><th>[redacted] gaps</th>'
                 f'<th>Each marking</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return "".join(parts)


def entity_page(
    ent: Entity, mentions: list[Mention], together: Counter[str], entities: dict[str, Entity],
    terms: list[Term], docs: dict[str, Document], url_for: UrlFor,
) -> str:
    facts = [f"<dt>Type</dt><dd>{esc(TYPE_TITLES[ent.type])}</dd>"]
    if ent.role:
        facts.append(f"<dt>Role</dt><dd>{esc(ent.role)}</dd>")
    if ent.date:
        span = format_partial_date(ent.date) + (f" – {format_partial_date(ent.end_date)}" if ent.end_date else "")
        facts.append(f"<dt>Date</dt><dd>{esc(span)}</dd>")
    if ent.aliases:
        facts.append(f"<dt>Written as</dt><dd>{esc(', '.join(ent.aliases))}</dd>")
    for t in terms:
        if t.entity == ent.id:
            facts.append(f"<dt>Glossary</dt><dd>{link(url_for('glossary.md#' + t.key), t.term)}</dd>")
    related = [entities[r] for r in ent.related if r in entities]
    if related:
        facts.append("<dt>Related</dt><dd>" + ", ".join(link(url_for(r.page), r.name) for r in related) + "</dd>")
    return (f"<p class=\"entity-description\">{esc(ent.description)}</p><dl class=\"entity-facts\">{''.join(facts)}</dl>"
            f"<h2 id=\"mentions\">Mentions ({len(mentions)})</h2>{_occurrences(mentions, docs, url_for)}"
            f"{cooccurrence_block(together, entities, url_for)}")


def cooccurrences(mentions: Iterable[Mention]) -> dict[str, Counter[str]]:
    """For each entity, how often each other entity is named in the same paragraph."""
    by_paragraph: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in mentions:
        by_paragraph[(m.doc_path, m.paragraph_id)].add(m.target)
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for ids in by_paragraph.values():
        for a in ids:
            for b in ids:
                if a != b:
                    out[a][b] += 1
    return out


def cooccurrence_block(counts: Counter[str], entities: dict[str, Entity], url_for: UrlFor, limit: int = 12) -> str:
    if not counts:
        return ""
    # ties broken by name, so every build writes the same page
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], entities[kv[0]].name.casefold()))[:limit]
    items = "".join(f"<li>{link(url_for(entities[i].page), entities[i].name)} ({n})</li>" for i, n in ranked)
    return f'<h2 id="appears-with">Appears alongside</h2><p>Entities named in the same paragraphs, most often first.</p><ol class="cooccurrence" data-search-exclude>{items}</ol>'


def entity_index(entities: dict[str, Entity], counts: Counter[str], url_for: UrlFor, only_type: str | None = None) -> str:
    parts = []
    for typ in TYPES if only_type is None else (only_type,):
        ents = sorted((e for e in entities.values() if e.type == typ), key=lambda e: e.name.casefold())
        if not ents:
            continue
        items = "".join(
            f"<li>{link(url_for(e.page), e.name)}{' — ' + esc(e.role) if e.role else ''} <small>({counts.get(e.id, 0)} mentions)</small></li>"
            for e in ents
        )
        heading = link(url_for(f"entities/{typ}.md"), TYPE_TITLES[typ]) if only_type is None else esc(TYPE_TITLES[typ])
        parts.append(f'<h2 id="{typ}">{heading}</h2><ul class="entity-list">{items}</ul>')
    return "".join(parts)


def chronology_page(entities: dict[str, Entity], docs: dict[str, Document], mentions_by_entity: dict[str, list[Mention]], url_for: UrlFor) -> str:
    rows: list[tuple[tuple[int, int, int], str]] = []
    for e in entities.values():
        if e.date is None or e.type not in ("event", "agreement", "programme"):
            continue
        ms = mentions_by_entity.get(e.id, [])
        paras = ", ".join(link(url_for(f"{m.doc_path}#{m.paragraph_id}"), _short_place(m, docs)) for m in _unique_places(ms))
        rows.append((e.date, f"<tr><td><time>{esc(format_partial_date(e.date))}</time></td><td>{link(url_for(e.page), e.name)}</td>"
                             f"<td>{esc(TYPE_TITLES[e.type])}</td><td>{paras or '—'}</td></tr>"))
    for d in docs.values():
        key = (d.date.year, d.date.month, d.date.day)
        rows.append((key, f"<tr class=\"chronology-document\"><td><time datetime=\"{d.date.isoformat()}\">{esc(format_partial_date(key))}</time></td>"
                          f"<td>{link(url_for(d.path), d.title)}</td><td>Document of the edition</td><td>—</td></tr>"))
    rows.sort(key=lambda r: r[0])
    body = "".join(r[1] for r in rows)
    return ('<table class="chronology"><thead><tr><th>Date</th><th>What</th><th>Kind</th><th>Discussed in</th></tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _unique_places(ms: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in ms:
        if (m.doc_path, m.paragraph_id) not in seen:
            seen.add((m.doc_path, m.paragraph_id))
            out.append(m)
    return out


def _short_place(m: Mention, docs: dict[str, Document]) -> str:
    doc = docs.get(m.doc_path)
    year = doc.date.year if doc else ""
    return f"{year} {place_label(m.paragraph_id)}".strip()
