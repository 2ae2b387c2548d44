"""Generated pages (glossary, acronyms, markings, entities, chronology) and memo appendices.

All of them are rendered from the indexes gathered while the memos were processed, once per
build; every value from a registry or a memo is escaped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from .chronology import Row
from .dates import format_partial_date
from .documents import Document
from .entities import TYPE_TITLES, TYPES, Entity
from .glossary import Term
from .model import Marker, Mention
from .paragraphs import place_label
from .render import esc, link

UrlFor = Callable[[str], str]


def _sentence(text: str | None) -> str:
    """Registry prose may or may not end with a full stop; print exactly one."""
    return (text or "").rstrip().rstrip(".") + "."


TYPE_SINGULAR = {
    "person": "Person", "organisation": "Organisation", "programme": "Programme or weapon system",
    "agreement": "Agreement or policy", "place": "Place", "event": "Event", "law": "Law", "periodical": "Periodical",
}


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 mention', '2 mentions': generated text agrees with its numbers."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def type_label(typ: str, n: int = 1) -> str:
    """The type of one entity ('Person') or of several ('People')."""
    plural_title = TYPE_TITLES.get(typ, typ.capitalize())
    return TYPE_SINGULAR.get(typ, plural_title) if n == 1 else plural_title


def doc_label(path: str, docs: dict[str, Document]) -> str:
    doc = docs.get(path)
    return doc.label if doc else path


def place_name(doc_path: str, block_id: str | None, docs: dict[str, Document]) -> str:
    """How the edition names a place: 'Technology Leakage ¶3', 'Defense Technology Cooperation n. 6'."""
    return f"{doc_label(doc_path, docs)} {place_label(block_id)}" if block_id else doc_label(doc_path, docs)


def _counted(pids: Iterable[str]) -> list[tuple[str, int]]:
    """Each place once, in order of first appearance, with how many times it comes."""
    counts: Counter[str] = Counter()
    order: list[str] = []
    for pid in pids:
        if pid not in counts:
            order.append(pid)
        counts[pid] += 1
    return [(pid, counts[pid]) for pid in order]


def times(n: int) -> str:
    """' (2×)' after a place that comes more than once; nothing for once."""
    return f" ({n}×)" if n > 1 else ""


def grouped_places(places: Iterable[tuple[str, str]], docs: dict[str, Document], url_for: UrlFor) -> str:
    """'Defense Technology Cooperation ¶3, ¶18 (2×); Technology Leakage ¶4': the document named once,
    each paragraph linked once, with how many times it comes."""
    by_doc: dict[str, list[str]] = defaultdict(list)
    for path, pid in places:
        by_doc[path].append(pid)
    groups = []
    for path, pids in by_doc.items():
        links = [link(url_for(f"{path}#{pid}"), place_name(path, pid, docs) if i == 0 else place_label(pid)) + times(n)
                 for i, (pid, n) in enumerate(_counted(pids))]
        groups.append(", ".join(links))
    return "; ".join(groups)


def _place(m: Mention, docs: dict[str, Document]) -> str:
    return place_name(m.doc_path, m.paragraph_id, docs)


CONTEXTS = 20  # paragraphs quoted per term or entity; further places are listed as links only


def _by_paragraph(mentions: list[Mention]) -> list[tuple[Mention, int]]:
    """The mentions one per paragraph (the first of each), in order, with how many the paragraph holds."""
    first: dict[tuple[str, str], Mention] = {}
    counts: Counter[tuple[str, str]] = Counter()
    for m in mentions:
        key = (m.doc_path, m.paragraph_id)
        first.setdefault(key, m)
        counts[key] += 1
    return [(m, counts[key]) for key, m in first.items()]


def _occurrences(mentions: list[Mention], docs: dict[str, Document], url_for: UrlFor, summarise: bool = False) -> str:
    """Every paragraph that names it, linked once with how many times it does ("¶12 (2×)"); the
    sentence of the first ones quoted, so pages stay small at scale. ``summarise`` (a country and
    the like, named in nearly every paragraph: "U.S.", Japan): no sentence is quoted, a line per
    document lists its paragraphs."""
    if not mentions:
        return "<p class=\"occurrences occurrences--none\">Not found in the documents.</p>"
    places = _by_paragraph(mentions)
    quoted = [] if summarise else places[:CONTEXTS]
    items = [
        f"<li>{link(url_for(f'{m.doc_path}#{m.paragraph_id}'), _place(m, docs))}{times(n)}: <q>{esc(m.context)}</q></li>"
        for m, n in quoted
    ]
    rest: dict[str, list[tuple[Mention, int]]] = defaultdict(list)
    for m, n in places[len(quoted):]:
        rest[m.doc_path].append((m, n))
    for path, ms in rest.items():
        title = doc_label(path, docs)
        links = ", ".join(link(url_for(f"{path}#{m.paragraph_id}"), place_label(m.paragraph_id)) + times(n) for m, n in ms)
        items.append(f'<li class="occurrences__more">{link(url_for(path), title)}: {links}</li>')
    lead = ""
    if summarise:
        documents = len({m.doc_path for m in mentions})
        lead = (f'<p class="occurrences__summary">Named {plural(len(mentions), "time")} in {plural(len(places), "paragraph")} '
                f'of {plural(documents, "document")}; not quoted here.</p>')
    return f'{lead}<ul class="occurrences" data-search-exclude>{"".join(items)}</ul>'


def summarised(entity: Entity | None) -> bool:
    """Whether an entry's places are summarised, not quoted: places (a country, a city), which the
    documents name in paragraph after paragraph and whose register entry needs no context."""
    return entity is not None and entity.type in SUMMARISED_TYPES


SUMMARISED_TYPES = frozenset({"place"})


def jump(label: str, targets: list[tuple[str, str]]) -> str:
    """A line of links to the parts of a long generated page (letters, categories, years): the
    glossary ran to 21,000 px on a phone with no way through it but scrolling. Generated headings
    are not in MkDocs' table of contents (they are filled in after Markdown), so the page says it."""
    if len(targets) < 2:
        return ""
    links = "".join(f'<li><a href="#{esc(anchor)}">{esc(text)}</a></li>' for text, anchor in targets)
    return f'<nav class="jump" aria-label="{esc(label)}" data-search-exclude><ul>{links}</ul></nav>'


def _initial(name: str) -> str:
    """The letter a name is filed under ('0–9' for one that starts with a digit, '#' for a sign)."""
    first = next((c for c in name if c.isalnum()), "#")
    return "0–9" if first.isdigit() else first.upper()


def letters(names: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(letter, anchor of the first entry filed under it), for entries (name, anchor) in their order."""
    seen: dict[str, str] = {}
    for name, anchor in names:
        seen.setdefault(_initial(name), anchor)
    return list(seen.items())


def _by_target(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        out[m.target].append(m)
    return out


def glossary_page(terms: list[Term], mentions: list[Mention], entities: dict[str, Entity], docs: dict[str, Document], url_for: UrlFor) -> str:
    by_term = _by_target(mentions)
    ordered = sorted(terms, key=lambda t: t.term.casefold())
    parts = [jump("Glossary entries by letter", letters((t.term, t.key) for t in ordered))]
    for t in ordered:
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
            body.append(_occurrences(by_term.get(t.key, []), docs, url_for, summarise=summarised(entities.get(t.entity or ""))))
        parts.append(f'<section class="glossary-entry"><h2 id="{esc(t.key)}">{head}</h2>{"".join(body)}</section>')
    return "".join(parts)


def acronyms_table(terms: list[Term], mentions: list[Mention], docs: dict[str, Document], url_for: UrlFor, glossary_url: str,
                   markers: Iterable[Marker] = ()) -> str:
    """Every acronym and exemption code with the documents it occurs in. Exemption codes are
    counted from the markings (as on the markings page), acronyms from the matched mentions."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        counts[m.target][m.doc_path] += 1
    code_keys = {t.term: t.key for t in terms if t.kind == "exemption"}
    for mk in markers:
        if mk.kind == "exemption" and mk.code in code_keys:
            counts[code_keys[mk.code]][mk.doc_path] += 1
    rows = []
    listed = sorted((t for t in terms if t.kind in ("acronym", "exemption")), key=lambda t: t.term.casefold())
    for t in listed:
        target = url_for("markings.md#by-document") if t.kind == "exemption" else None
        where = ", ".join(
            f"{link(target or url_for(path), doc_label(path, docs))} ({n})" for path, n in sorted(counts[t.key].items())
        ) or "—"
        rows.append(f'<tr id="{esc(t.key)}"><td>{link(glossary_url + "#" + t.key, t.term)}</td><td>{esc(t.expansion)}</td><td>{where}</td></tr>')
    return (jump("Acronyms by letter", letters((t.term, t.key) for t in listed))
            + '<table class="acronyms"><thead><tr><th>Acronym</th><th>Expansion</th><th>Occurs in (count)</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def on_demand(section: str, heading_id: str, heading: str, summary: str, body: str) -> str:
    """A memo's appendix folded, its body made only when the reader opens it.

    "Named in this document" and "Acronyms used" are lists the register and the glossary give
    too: 229 elements on the Heritage page (a fifth of it after the other changes of issue 25)
    that every reader's browser styled, laid out and, as links, Material's script mounted, for
    the few who open them. Folded, the heading and a one-line summary (how many of each) stay;
    the body is an inert ``<template>`` (no elements in the page) that edition.js puts in place
    when the details open. The print stylesheet leaves both appendices out."""
    return (f'<details class="{section} memo-apparatus" data-search-exclude><summary><h2 id="{heading_id}">{esc(heading)}</h2> '
            f'<span class="memo-apparatus__summary">{esc(summary)}</span></summary><template>{body}</template></details>')


def memo_acronyms(doc_mentions: list[Mention], terms: dict[str, Term], glossary_url: str) -> str:
    counts = Counter(m.target for m in doc_mentions if m.target in terms and terms[m.target].kind == "acronym")
    if not counts:
        return ""
    rows = "".join(
        f"<tr><td>{link(glossary_url + '#' + key, terms[key].term)}</td><td>{esc(terms[key].expansion)}</td><td>{n}</td></tr>"
        for key, n in sorted(counts.items(), key=lambda kv: terms[kv[0]].term.casefold())
    )
    table = ('<table class="memo-acronyms__table"><thead><tr><th>Acronym</th>'
             f'<th>Expansion</th><th>Times</th></tr></thead><tbody>{rows}</tbody></table>')
    return on_demand("memo-acronyms", "acronyms-used", "Acronyms used", plural(len(counts), "acronym"), table)


def memo_entities(doc_mentions: list[Mention], entities: dict[str, Entity], url_for: UrlFor) -> str:
    counts = Counter(m.target for m in doc_mentions if m.target in entities)
    if not counts:
        return ""
    groups, summary = [], []
    for typ in TYPES:
        ids = sorted((i for i in counts if entities[i].type == typ), key=lambda i: entities[i].name.casefold())
        if ids:
            items = ", ".join(f"{link(url_for(entities[i].page), entities[i].name)} ({counts[i]})" for i in ids)
            groups.append(f"<dt>{esc(type_label(typ, len(ids)))}</dt><dd>{items}</dd>")
            summary.append(f"{len(ids)} {type_label(typ, len(ids)).lower()}")
    return on_demand("memo-entities", "named-in-this-document", "Named in this document", ", ".join(summary), f'<dl>{"".join(groups)}</dl>')


def markings_page(codes: list[Term], markers: list[Marker], docs: dict[str, Document], url_for: UrlFor) -> str:
    """The codes explained, then each document's markings counted, then every marking listed
    with its place and the words before it (the counts and the lists come from the same markers)."""
    # each code under a heading of its own: a search for "25X1" finds its entry here by name
    parts = ["<h2 id=\"exemption-codes\">Exemption codes</h2>"]
    total = Counter(m.code for m in markers if m.kind == "exemption")
    for t in codes:
        n = total.get(t.term, 0)
        parts.append(f'<section class="exemption-code"><h3 id="{esc(t.key)}"><code>{esc(t.term)}</code>: {esc(t.expansion)}</h3>'
                     f"<p>{esc(t.definition)}</p><p><strong>Legal basis:</strong> {esc(_sentence(t.legal_basis))} "
                     f"<strong>Withholds:</strong> {esc(_sentence(t.withholds))}</p>"
                     f"<p>In the edition: {esc(plural(n, 'marking'))}.</p></section>")
    parts.append("<h2 id=\"by-document\" data-search-exclude>Markings by document</h2>")
    by_doc: dict[str, list[Marker]] = defaultdict(list)
    for m in markers:
        by_doc[m.doc_path].append(m)
    rows, lists = [], []
    for path in sorted(docs, key=lambda p: (docs[p].date, p)):
        ms = by_doc.get(path, [])
        exempt = Counter(m.code for m in ms if m.kind == "exemption")
        gaps = [m for m in ms if m.kind == "gap"]
        code_text = ", ".join(f"{esc(c)} × {n}" for c, n in sorted(exempt.items())) or "none"
        rows.append(f"<tr><td>{link(url_for(path), docs[path].label)}</td><td>{code_text}</td><td>{len(gaps)}</td></tr>")
        if ms:
            items = "".join(_marking_place(group, docs, url_for) for group in _by_place(ms))
            lists.append(f'<h3 id="markings-{esc(docs[path].slug)}" data-search-exclude>{esc(docs[path].label)}</h3><ol class="marker-list" data-search-exclude>{items}</ol>')
    parts.append('<table class="markings" data-search-exclude><thead><tr><th>Document</th><th>Exemption markings</th><th>[redacted] gaps</th>'
                 f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    if lists:
        parts.append('<h2 id="each-marking" data-search-exclude>Each marking</h2>' + "".join(lists))
    return "".join(parts)


def _by_place(markers: list[Marker]) -> list[list[Marker]]:
    """The markings of one document grouped by where they stand (a paragraph, or the line after
    one), in order."""
    groups: dict[tuple[str | None, str | None], list[Marker]] = {}
    for m in markers:
        groups.setdefault((m.paragraph_id, None if m.paragraph_id else m.after_paragraph), []).append(m)
    return list(groups.values())


def _marking_place(group: list[Marker], docs: dict[str, Document], url_for: UrlFor) -> str:
    """One place's markings on one line: 'Technology Leakage, after ¶4: 25X1 ×2; 1 withheld
    passage', linked once; in a paragraph, the words the first one follows."""
    first = group[0]
    codes = Counter(m.code for m in group if m.kind == "exemption")
    gaps = sum(m.kind == "gap" for m in group)
    what = [f"<code>{esc(code)}</code>{' ×' + str(n) if n > 1 else ''}" for code, n in codes.items()]
    if gaps and first.paragraph_id:
        what.append("<code>[redacted]</code>" + (f" ×{gaps}" if gaps > 1 else ""))
    elif gaps:
        what.append(plural(gaps, "withheld passage"))
    following = f", following <q>{esc(first.before)}</q>" if first.paragraph_id and first.before else ""
    return f"<li>{link(url_for(f'{first.doc_path}#{first.id}'), _marker_place(first, docs))}: {'; '.join(what)}{following}</li>"


def _marker_place(m: Marker, docs: dict[str, Document]) -> str:
    if m.paragraph_id:
        return place_name(m.doc_path, m.paragraph_id, docs)
    if m.after_paragraph:
        return f"{doc_label(m.doc_path, docs)}, after {place_label(m.after_paragraph)}"
    return f"{doc_label(m.doc_path, docs)}, before ¶1"


def entity_page(
    ent: Entity, mentions: list[Mention], together: Counter[str], entities: dict[str, Entity],
    terms: list[Term], docs: dict[str, Document], url_for: UrlFor, has_page: Callable[[str], bool] | None = None,
) -> str:
    facts = [f"<dt>Type</dt><dd>{esc(type_label(ent.type))}</dd>"]
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
    related = [entities[r] for r in ent.related if r in entities and (has_page is None or has_page(r))]
    if related:
        facts.append("<dt>Related</dt><dd>" + ", ".join(link(url_for(r.page), r.name) for r in related) + "</dd>")
    return (f"<p class=\"entity-description\">{esc(ent.description)}</p><dl class=\"entity-facts\">{''.join(facts)}</dl>"
            f"<h2 id=\"mentions\" data-search-exclude>Mentions ({len(mentions)})</h2>{_occurrences(mentions, docs, url_for, summarise=summarised(ent))}"
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
    items = "".join(f"<li>{link(url_for(entities[i].page), entities[i].name)} ({plural(n, 'paragraph')})</li>" for i, n in ranked)
    return f'<h2 id="appears-with" data-search-exclude>Appears alongside</h2><p>Entities named in the same paragraphs, most often first.</p><ol class="cooccurrence" data-search-exclude>{items}</ol>'


def entity_index(entities: dict[str, Entity], counts: Counter[str], url_for: UrlFor, only_type: str | None = None) -> str:
    """The register, by type; only entries that a document mentions (the others have no page).
    The whole register opens with a line of its categories; a long category, with its letters."""
    parts = []
    present = []
    for typ in TYPES if only_type is None else (only_type,):
        ents = sorted((e for e in entities.values() if e.type == typ and counts.get(e.id)), key=lambda e: e.name.casefold())
        if not ents:
            if only_type is not None:
                parts.append("<p>No entry of this type is named in the documents yet.</p>")
            continue
        present.append(typ)
        by_letter = only_type is not None and len(ents) > LONG_LIST
        items = "".join(
            f"<li{_entry_id(e) if by_letter else ''}>{link(url_for(e.page), e.name)}"
            f"{' — ' + esc(e.role) if e.role else ''} <small>({plural(counts.get(e.id, 0), 'mention')})</small></li>"
            for e in ents
        )
        heading = link(url_for(f"entities/{typ}.md"), TYPE_TITLES[typ]) if only_type is None else esc(TYPE_TITLES[typ])
        if by_letter:
            parts.append(jump(f"{TYPE_TITLES[typ]} by letter", letters((e.name, f"entry-{e.id}") for e in ents)))
        parts.append(f'<h2 id="{typ}">{heading}</h2><ul class="entity-list">{items}</ul>')
    if only_type is None:
        parts.insert(0, jump("Register categories", [(TYPE_TITLES[t], t) for t in present]))
    return "".join(parts)


LONG_LIST = 30  # entries of a register category past which it gets an A–Z line


def _entry_id(ent: Entity) -> str:
    return f' id="entry-{esc(ent.id)}"'


def chronology_page(rows: list[Row], docs: dict[str, Document], url_for: UrlFor) -> str:
    """One row per dated thing; each leads to the paragraphs or notes of the memos that give it."""
    body = []
    years: list[tuple[str, str]] = []
    for r in rows:
        until = f" <small>until {esc(format_partial_date(r.end))}</small>" if r.end else ""
        places = grouped_places(r.places, docs, url_for)
        cls = ' class="chronology-document"' if r.kind == "Document of the edition" else ""
        year = str(r.date[0])
        row_id = ""
        if not years or years[-1][0] != year:
            years.append((year, f"year-{year}"))
            row_id = f' id="year-{year}"'
        body.append(f"<tr{row_id}{cls}><td>{_time(r.date)}{until}</td><td>{link(url_for(r.url), r.what)}</td>"
                    f"<td>{esc(r.kind)}</td><td>{places or '—'}</td></tr>")
    return (jump("Chronology by year", years)
            + '<table class="chronology"><thead><tr><th>Date</th><th>What</th><th>Kind</th><th>In the documents</th></tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _time(date: tuple[int, int, int]) -> str:
    """A date as ``<time>`` with its machine-readable value (YYYY, YYYY-MM or YYYY-MM-DD, as far as
    it is known): HTML requires one when the element's text is not a date in that form."""
    year, month, day = date
    machine = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
    return f'<time datetime="{machine}">{esc(format_partial_date(date))}</time>'
