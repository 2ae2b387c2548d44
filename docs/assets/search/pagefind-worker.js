/* The edition's online search: Material's search worker protocol answered by Pagefind.
 *
 * Material for MkDocs talks to its search worker with four messages (SETUP 0, READY 1, QUERY 2,
 * RESULT 3) and renders whatever the worker answers into its own header box and result list;
 * its documentation invites a custom worker (see setupSearchWorker in Material's sources). The
 * build points Material's configuration at this file instead of the lunr worker, so the reader
 * keeps one search box, and a query fetches only the Pagefind index chunks and the fragments of
 * the results it shows, not a whole-site index (edition/search.py, hooks/search_hooks.py).
 *
 * Filters are typed into the same box: `kind:document`, `kind:register`, `year:1987`,
 * `document:heritage` (a part of the document's file name). Documents come first: one search
 * limited to documents, then one for every other kind of page, where a page titled by the query
 * (a register entry, a glossary term) comes before the pages that only mention it.
 *
 * Content-Security-Policy: this file and Pagefind's are scripts of the site itself; Pagefind
 * compiles WebAssembly, which needs 'wasm-unsafe-eval' in script-src.
 */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const LIMIT = 10;                      /* results listed (each costs a fragment of the index) */
const FILTER = /(?:^|\s)(kind|year|document):("[^"]+"|[^\s"]+)/gi;
/* This file is assets/search/; under file:// Material runs it in an iframe (the iframe-worker
   shim), where the script's own URL is document.currentScript's, not the page's location. */
const here = typeof document !== "undefined" && document.currentScript ? document.currentScript.src : self.location.href;
const site = new URL("../../", here);
const base = new URL("pagefind/", site).href;
const offline = site.protocol === "file:";

let pagefind = null;
let filtersLoaded = Promise.resolve();
let latest = 0;

/* file://: Chromium refuses fetch() and module scripts there, but runs classic scripts. The build
   wrapped every index file F as F.js (edition/search.py, package_for_file); Pagefind's fetch of F
   is answered from it. */
function script(src) {
  return new Promise((resolve, reject) => {
    const el = document.createElement("script");
    el.src = src;
    el.onload = resolve;
    el.onerror = () => reject(new Error(`search: cannot load ${src}`));
    document.head.appendChild(el);
  });
}

async function fileFetch(input) {
  /* Pagefind asks for paths ("/…/pagefind/x"): resolve them against the file:// base */
  const url = new URL(String(input instanceof Request ? input.url : input), base).href.split(/[?#]/)[0];
  if (!url.startsWith(base)) throw new TypeError(`search: no file:// fetch of ${url}`);
  const rel = url.slice(base.length);
  const files = self.__pagefindFiles || (self.__pagefindFiles = {});
  if (!(rel in files)) await script(`${url}.js`);
  const bytes = Uint8Array.from(atob(files[rel]), c => c.charCodeAt(0));
  const type = rel.endsWith(".json") ? "application/json" : "application/octet-stream";
  return new Response(bytes, { status: 200, headers: { "Content-Type": type } });
}

async function module() {
  if (!offline) return import(`${base}pagefind.js`);
  self.fetch = fileFetch;
  self.__pagefindScript = `${base}pagefind.js`;
  await script(`${base}pagefind.classic.js`);
  return self.__pagefind;
}

function load() {
  if (!pagefind) {
    pagefind = module().then(async pf => {
      await pf.options({ basePath: base, baseUrl: "/", excerptLength: 24, noWorker: true });
      await pf.init();
      /* the filter chunks now, while the page loads (every query uses them); a query waits for
         them rather than loading the same chunks beside them (offline, that gave no results) */
      filtersLoaded = pf.filters().catch(() => {});
      return pf;
    });
  }
  return pagefind;
}

function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/* A Pagefind URL ("/documents/x/#y") made relative to the site, as Material expects. */
function relative(url) {
  return url.replace(/^\/+/, "");
}

const KIND_ALIASES = { memo: "document" };  /* the filter's earlier name keeps working */

/* Split "year:1987 kind:document Nakasone" into the words and Pagefind filters. */
async function parse(pf, query) {
  const asked = {};
  const words = query.replace(FILTER, (_, key, value) => {
    const v = value.replace(/^"|"$/g, "").toLowerCase();
    (asked[key.toLowerCase()] ||= []).push(key.toLowerCase() === "kind" ? KIND_ALIASES[v] || v : v);
    return " ";
  }).trim();
  const filters = {};
  if (Object.keys(asked).length) {
    const known = await pf.filters();
    for (const [key, wanted] of Object.entries(asked)) {
      const values = Object.keys(known[key] || {});
      const any = values.filter(v => wanted.some(w => v.toLowerCase() === w || (key === "document" && v.toLowerCase().includes(w))));
      filters[key] = { any: any.length ? any : ["\u0000none"] };
    }
  }
  return { words, filters };
}

/* Share of a title's words that are query words, when the title has them all (else 0): among
   the pages after the memos, "Yasuhiro Nakasone" comes before "Nakasone takes office". */
function titleMatch(title, words) {
  const split = text => String(text || "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const asked = new Set(split(words));
  const have = split(title);
  if (!asked.size || !have.length || ![...asked].every(w => have.includes(w))) return 0;
  return have.filter(w => asked.has(w)).length / have.length;
}

async function search(pf, query) {
  await filtersLoaded;
  const { words, filters } = await parse(pf, query);
  const term = words || null;  /* null: filters alone list every page they match */
  let results, memos = 0;
  if (filters.kind) {
    results = (await pf.search(term, { filters })).results;
  } else {
    const [found, others] = await Promise.all([
      pf.search(term, { filters: { ...filters, kind: "document" } }),
      pf.search(term, { filters: { ...filters, kind: { none: ["document"] } } }),
    ]);
    results = [...found.results, ...others.results];
    memos = found.results.length;
  }
  const terms = Object.fromEntries(words.split(/\s+/).filter(Boolean).map(w => [w.toLowerCase(), true]));
  return { results, memos, words, terms };
}

/* Material's items for results [from, to): their text is fetched (one fragment each). Within the
   batch, memos keep Pagefind's order and the other pages follow, best title match first. */
async function items(found, from, to) {
  const { results, memos, words, terms } = found;
  const shown = await Promise.all(results.slice(from, to).map(result => result.data()));
  const memoCount = Math.max(0, Math.min(memos - from, shown.length));
  const rest = shown.slice(memoCount).map((data, i) => [titleMatch(data.meta.title, words), i, data])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, , data]) => data);
  return [...shown.slice(0, memoCount), ...rest].map((data, rank) => {
    const score = results.length - from - rank;
    if ((data.filters?.kind || []).includes("note")) return notes(data, score, terms);
    const page = { location: relative(data.meta.url || data.url), title: escapeHTML(data.meta.title || data.url), text: data.excerpt, score, terms };
    const sections = (data.sub_results || [])
      .filter(sub => sub.url !== data.url && sub.url.includes("#") && sub.title !== data.meta.title)
      .sort((a, b) => (b.locations?.length || 0) - (a.locations?.length || 0))
      .map((sub, i) => ({ location: relative(sub.url), title: escapeHTML(sub.title), text: sub.excerpt, score: i < 3 ? score : score - 0.5, terms }));
    return [page, ...sections];
  });
}

/* A memo's notes are one Pagefind page (edition/search.py, notes_pages), each note under a
   heading that carries its anchor. They are listed as Material lists a page and its sections:
   the memo (its notes), then every note that matches, in the order of the text, with its own
   excerpt, leading to the note in the memo. Material shows a section's excerpt only under a
   page's entry (a link without '#'), so the memo comes first. A search by filters alone
   (`kind:note`) matches no words: every note of the page is listed, with its first words. */
function notes(data, score, terms) {
  /* the first three notes under the memo, the others in Material's "more" (as for sections) */
  const section = (anchor, text, i) => ({
    location: relative(`${data.meta.url}#${anchor}`), title: escapeHTML(`Note ${anchor.replace(/^fn:/, "")}`),
    text, score: i < 3 ? score : score - 0.5, terms,
  });
  const head = { location: relative(data.meta.url), title: escapeHTML(data.meta.title), text: "", score, terms };
  const anchorOf = sub => sub.anchor?.id || decodeURIComponent(sub.url.split("#").pop());
  const found = (data.sub_results || []).filter(sub => anchorOf(sub).startsWith("fn:"));
  /* each note's heading is a sign (NOTE_HEADING in edition/search.py), not part of its words */
  const own = excerpt => String(excerpt || "").replace(/^\s*§\.?\s*/, "");
  if (found.length) return [head, ...found.map((sub, i) => section(anchorOf(sub), own(sub.excerpt), i))];
  const words = String(data.content || "").split(/\s+/);
  const heads = (data.anchors || []).filter(a => /^h\d$/i.test(a.element) && String(a.id).startsWith("fn:"));
  return [head, ...heads.map((a, i) => {
    const text = words.slice(a.location + 1, i + 1 < heads.length ? heads[i + 1].location : undefined);
    return section(String(a.id), escapeHTML(text.slice(0, 24).join(" ") + (text.length > 24 ? " …" : "")), i);
  })];
}

/* Material counts and lists the items it is given, and nothing else: past LIMIT, the first item
   says how many pages match in all and leads to the search help (About), instead of fetching
   them all; assets/edition.js moves that count into Material's line above the list. */
function summaryLine(total, listed, like) {
  const help = /\.html(?:[#?]|$)/.test(like) ? "about.html#searching-the-edition" : "about/#searching-the-edition";
  return [{
    location: help,
    title: `${total} matching pages, ${listed} listed: add a word, or a filter such as kind:document, year:1987 or document:…, to narrow them`,
    text: "",
    score: 0, terms: {},
  }];
}

function answer(found, list) {
  const total = found.results.length;
  const summary = total > LIMIT ? [summaryLine(total, list.length, list[0]?.[0]?.location || "")] : [];
  return { items: [...summary, ...list], total };
}

/* Pagefind (its loader, a 72 kB WebAssembly module, the index's entry and filters) is loaded with
   the reader's first query, not with every page: most readers never search, and on a phone it was
   ~86 kB of each page's transfer. READY at once: Material sends the box's value as soon as it is
   ready (empty at first: answered without Pagefind) and again each time it changes. */
self.addEventListener("message", async ev => {
  const message = ev.data;
  if (message.type === SETUP) {
    self.postMessage({ type: READY });
  } else if (message.type === QUERY) {
    const id = ++latest;
    const query = String(message.data || "").trim();
    if (!query) {
      /* Material shows an empty answer as "no matching documents" for the query typed by then:
         answer the empty box only if no query follows at once (focus, then typing) */
      setTimeout(() => { if (id === latest) self.postMessage({ type: RESULT, data: { items: [], total: 0 } }); }, 100);
      return;
    }
    try {
      const found = await search(await load(), query);
      if (id !== latest) return;
      const list = await items(found, 0, LIMIT);
      if (id === latest) self.postMessage({ type: RESULT, data: answer(found, list) });
    } catch (err) {
      console.error("search:", err);
      if (id === latest) self.postMessage({ type: RESULT, data: { items: [], total: 0 } });
    }
  }
});
