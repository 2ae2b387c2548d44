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
const LIMIT = 9;                       /* results listed (each costs a fragment of the index); Material shows
                                          10 items at once: the results, then the line about the others */
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

/* A Pagefind URL ("/documents/x/#y") made relative to the site, as Material expects. Pagefind
   writes a folder's index page as the folder ("/", "/documents/"): from file:// a folder opens
   as a listing, so offline such a URL names its index.html. */
function relative(url) {
  const path = url.replace(/^\/+/, "");
  if (!offline) return path;
  return path.replace(/^([^?#]*\/)?(?=[?#]|$)/, (folder = "") => `${folder}index.html`);
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
   the pages after the memos, "Yasuhiro Nakasone" comes before "Nakasone takes office". A title
   that is the query's name, its expansion aside ("COCOM (Coordinating Committee …)", a glossary
   entry's heading; "25X1: …", a marking's), counts as a whole match. */
function titleMatch(title, words) {
  const split = text => String(text || "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const asked = new Set(split(words));
  const name = split(String(title || "").split(/\s+\(|:\s/)[0]);
  if (asked.size && name.length === asked.size && name.every(w => asked.has(w))) return 1;
  const have = split(title);
  if (!asked.size || !have.length || ![...asked].every(w => have.includes(w))) return 0;
  return have.filter(w => asked.has(w)).length / have.length;
}

/* A page's best title match: its own title, or a section's (a glossary entry's heading). */
function pageMatch(data, words) {
  return Math.max(titleMatch(data.meta.title, words), ...(data.sub_results || []).map(sub => titleMatch(sub.title, words)));
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
  const notesOnly = !!filters.kind && filters.kind.any.every(k => k === "note");
  return { results, memos, words, terms, notesOnly };
}

/* Material's items for results [from, to): their text is fetched (one fragment each). Within the
   batch, documents keep Pagefind's order and the other pages follow, best title match first. */
async function items(found, from, to) {
  const { results, memos, words, terms, notesOnly } = found;
  const shown = await Promise.all(results.slice(from, to).map(result => result.data()));
  const memoCount = Math.max(0, Math.min(memos - from, shown.length));
  const rest = shown.slice(memoCount).map((data, i) => [pageMatch(data, words), i, data])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, , data]) => data);
  return [...shown.slice(0, memoCount), ...rest].map((data, rank) => {
    const score = results.length - from - rank;
    if ((data.filters?.kind || []).includes("document")) return passages(data, score, terms, notesOnly);
    const page = { location: relative(data.meta.url || data.url), title: escapeHTML(data.meta.title || data.url), text: data.excerpt, score, terms };
    const sections = (data.sub_results || [])
      .filter(sub => sub.url !== data.url && sub.url.includes("#") && sub.title !== data.meta.title)
      .map((sub, i) => [titleMatch(sub.title, words), sub.locations?.length || 0, i, sub])
      .sort((a, b) => b[0] - a[0] || b[1] - a[1] || a[2] - b[2])
      .map(([, , , sub], i) => ({ location: relative(sub.url), title: escapeHTML(sub.title), text: sub.excerpt, score: i < 3 ? score : score - 0.5, terms }));
    return [page, ...sections];
  });
}

/* How well a passage matches: the sum of Pagefind's balanced scores of its matching words (a rare
   word weighs more than a common one), so the paragraph with the query's rare words comes before
   one that repeats a common word. */
function weight(sub) {
  const located = sub.weighted_locations || [];
  return located.length ? located.reduce((sum, l) => sum + (l.balanced_score || 0), 0) : (sub.locations?.length || 0);
}

/* A document is indexed as its record (edition/search.py, records_pages): its card, then each
   section heading, paragraph and note under a heading that carries its anchor. It is listed as
   Material lists a page and its sections: the document, then the passages that match, the best
   first, each with its own excerpt, leading to the paragraph (#p12) or the note (#fn:3) in the
   document. Material shows a section's excerpt only under a page's entry (a link without '#'),
   so the document comes first. A paragraph is named by its number and its section ("¶12 ·
   CURRENT ISSUES"), a note by its number. `kind:note` lists notes only; filters alone (no words
   to match) list every note of the document, with its first words. */
function passages(data, score, terms, notesOnly) {
  const anchors = (data.anchors || []).filter(a => /^h\d$/i.test(a.element)).sort((a, b) => a.location - b.location);
  const sectionOf = id => {
    const at = anchors.findIndex(a => String(a.id) === id);
    for (let i = at - 1; i >= 0; i--) if (anchors[i].text && anchors[i].text.trim() !== "§") return anchors[i].text.trim();
    return "";
  };
  const name = id => {
    if (/^fn:/.test(id)) return `Note ${id.slice(3)}`;
    if (/^p\d+$/.test(id)) { const section = sectionOf(id); return `¶${id.slice(1)}${section ? ` · ${section}` : ""}`; }
    if (/^front-/.test(id)) return "Heading";
    if (/^end-/.test(id)) return "Closing lines";
    return null;  /* a section heading: its own words */
  };
  /* the first three passages under the document, the others in Material's "more" (as for sections) */
  const section = (id, title, text, i) => ({
    location: relative(`${data.meta.url}#${id}`), title: escapeHTML(title), text, score: i < 3 ? score : score - 0.5, terms,
  });
  const head = { location: relative(data.meta.url), title: escapeHTML(data.meta.title), text: data.excerpt || "", score, terms };
  const anchorOf = sub => sub.anchor?.id || decodeURIComponent(sub.url.split("#").pop());
  /* each passage's heading is a sign (NOTE_HEADING in edition/search.py), not part of its words */
  const own = excerpt => String(excerpt || "").replace(/^\s*§\.?\s*/, "");
  const found = (data.sub_results || []).filter(sub => sub.url.includes("#") && (!notesOnly || anchorOf(sub).startsWith("fn:")))
    .map((sub, i) => [weight(sub), i, sub]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, , sub]) => sub);
  if (found.length) return [head, ...found.map((sub, i) => section(anchorOf(sub), name(anchorOf(sub)) || sub.title, own(sub.excerpt), i))];
  if (!notesOnly) return [head];
  const words = String(data.content || "").split(/\s+/);
  const notes = anchors.filter(a => String(a.id).startsWith("fn:"));
  return [head, ...notes.map((a, i) => {
    const next = anchors[anchors.indexOf(a) + 1];
    const text = words.slice(a.location + 1, next ? next.location : undefined);
    return section(String(a.id), name(String(a.id)), escapeHTML(text.slice(0, 24).join(" ") + (text.length > 24 ? " …" : "")), i);
  })];
}

/* Material counts and lists the items it is given, and nothing else: past LIMIT, an item after
   the results says how many pages match in all and leads to the search help (About), instead of
   fetching them all; assets/edition.js moves that count into Material's line above the list. */
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
  return { items: [...list, ...summary], total };
}

/* Pagefind (its loader, a 72 kB WebAssembly module, the index's entry and filters) is loaded with
   the reader's first query, not with every page: most readers never search, and on a phone it was
   ~86 kB of each page's transfer. READY at once: Material sends the box's value as soon as it is
   ready (empty at first: answered without Pagefind) and again each time it changes. */
/* The reader opening the search box (edition.js says so on a channel of its own: Material keeps
   its worker to itself) is its first use: Pagefind starts loading then, while the query is typed.
   Where the channel does not reach (from file://, the worker runs in a frame of its own origin),
   the first query loads it. */
if (typeof BroadcastChannel !== "undefined") {
  new BroadcastChannel("edition-search").addEventListener("message", () => { load().catch(() => {}); });
}

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
