// One batch of citations rendered by citeproc-js: read a JSON request on stdin, write the
// renderings as JSON on stdout. The edition calls this once per build (see edition/citeproc.py).
//
// Usage: node render.js [CITEPROC_DIR] < request.json
// CITEPROC_DIR is the npm package citeproc (citeproc-js), by default node_modules/citeproc of the
// repository root (found from this file, not from the working directory).
//
// Request: {"style": "<CSL XML>", "locale": "<locale XML>", "items": {id: CSL-JSON item},
//           "jobs": [{"kind": "note", "id": ..., "locator": ..., "label": ...},
//                    {"kind": "bibliography", "ids": [...]}]}
// Answer:  {"results": [string | {"entries": [[id, html], ...], "failed": [id, ...]} | {"error": message}, ...]}
"use strict";

const path = require("path");

const citeprocDir = process.argv[2] || path.resolve(__dirname, "..", "..", "node_modules", "citeproc");
let CSL;
try {
  CSL = require(citeprocDir);
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND" && !require("fs").existsSync(citeprocDir)) {
    process.stderr.write(`citeproc-js is not installed (${citeprocDir} is missing): run \`npm ci\` in the repository (or \`make build\`)\n`);
    process.exit(2);
  }
  throw e;
}

function readStdin() {
  const chunks = [];
  const fd = 0;
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n = 0;
    try {
      n = require("fs").readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === "EAGAIN") continue;
      if (e.code === "EOF") break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString("utf8");
}

const request = JSON.parse(readStdin());
const items = request.items;

function engine() {
  const sys = {
    retrieveLocale: () => request.locale,
    retrieveItem: (id) => items[id],
  };
  return new CSL.Engine(sys, request.style, "en-US", true);
}

const results = [];
// One engine for the whole batch: compiling the style is the expensive part. `updateItems`
// resets the registry to the job's items, so each note is a first, full citation and each
// bibliography holds exactly its own entries.
let eng = null;
for (const job of request.jobs) {
  try {
    if (job.kind === "note") {
      eng = eng || engine();
      eng.updateItems([job.id]);
      const cite = { id: job.id };
      if (job.locator) {
        cite.locator = job.locator;
        cite.label = job.label || "page";
      }
      results.push(eng.makeCitationCluster([cite]));
    } else if (job.kind === "bibliography") {
      eng = eng || engine();
      eng.updateItems(job.ids);
      const [meta, entries] = eng.makeBibliography();
      // entries that cannot be rendered are left out of `entries` but stay in `entry_ids`
      const failed = new Set((meta.bibliography_errors || []).map((e) => e.itemID));
      const ids = meta.entry_ids.map((group) => group[0]).filter((id) => !failed.has(id));
      results.push({ entries: ids.map((id, i) => [id, entries[i]]), failed: Array.from(failed) });
    } else {
      results.push({ error: `unknown job kind ${job.kind}` });
    }
  } catch (e) {
    results.push({ error: String((e && e.message) || e) });
  }
}
process.stdout.write(JSON.stringify({ results }));
