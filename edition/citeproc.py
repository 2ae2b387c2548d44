"""The citation processor: citeproc-js under Node, its on-disk cache, and the sanitiser of its output.

Formatting is Chicago 17th edition notes-bibliography, by citeproc-js (the reference CSL
processor, the one Zotero uses; the npm package pinned in package-lock.json, installed by
``npm ci``) with the CSL style and en-US locale kept in ``edition/csl`` beside their licences.
citeproc-js runs under Node once per build, over every rendering the build needs
(``Formatter.prepare``); renderings are kept in an on-disk cache keyed by the CSL data, the style
and citeproc-js's installed version, so an unchanged library never starts Node again. Everything
the processor returns, fresh or cached, goes through one sanitiser that keeps only ``<i>``,
``<b>``, ``<sup>`` and ``<sub>``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path

from lxml import html as lxml_html

from .bibtex import Library
from .cache_files import sign, verify
from .csl import GT_MARK, LT_MARK, QUOTE_MARK, Locator, processor_item
from .diagnostics import Diagnostics

ROOT = Path(__file__).resolve().parents[1]
CSL_DIR = ROOT / "edition" / "csl"
STYLE_NAME = "chicago-notes-bibliography-17th-edition"
STYLE_FILE = CSL_DIR / f"{STYLE_NAME}.csl"
LOCALE_FILE = CSL_DIR / "locales-en-US.xml"
RENDERER = CSL_DIR / "render.js"
# citeproc-js, from npm: found from the repository root, not the working directory, so a build
# started anywhere finds it (render.js looks in the same place when it is not told)
CITEPROC_DIR = ROOT / "node_modules" / "citeproc"
_TAGS = re.compile(r"<[^>]+>")
_ALLOWED_TAGS = frozenset({"i", "b", "sup", "sub"})
_HEX64 = re.compile(r"[0-9a-f]{64}")
CACHE_NAME = "citations.json"  # what the signature of the cache file binds it to


def sanitise(markup: str) -> str:
    """Processor output as safe HTML: text escaped, only <i>, <b>, <sup>, <sub> kept (no attributes)."""

    def text(value: str | None) -> str:
        return escape((value or "").replace(LT_MARK, "<").replace(GT_MARK, ">").replace(QUOTE_MARK, '"'), quote=False)

    def clean(el) -> str:
        parts = [text(el.text)]
        for child in el:
            if isinstance(child.tag, str):
                inner = clean(child)
                tag = child.tag.lower()
                parts.append(f"<{tag}>{inner}</{tag}>" if tag in _ALLOWED_TAGS else inner)
            parts.append(text(child.tail))
        return "".join(parts)

    if not markup.strip():
        return ""
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    return re.sub(r"\s+", " ", clean(root)).strip()


def plain(markup: str) -> str:
    """The text of sanitised markup: what a reader sees, to compare with a note's own wording."""
    return unescape(_TAGS.sub("", markup))


@dataclass(frozen=True)
class NoteJob:
    key: str
    locator: Locator | None = None


@dataclass(frozen=True)
class BibliographyJob:
    keys: tuple[str, ...]


Job = NoteJob | BibliographyJob


class CitationError(Exception):
    """citeproc-js could not be run at all (no Node, the npm package not installed)."""


@functools.cache
def _files_key() -> str:
    """The style's and the locale's text, hashed once per process."""
    return hashlib.sha256(STYLE_FILE.read_bytes() + b"\0" + LOCALE_FILE.read_bytes()).hexdigest()


def style_key(citeproc_dir: Path = CITEPROC_DIR) -> str:
    """The style and the processor, as every cache key names them: 'chicago-…+citeproc-js-2.4.63'.

    The version is read from the installed package, so installing another citeproc-js renders
    everything afresh instead of serving what the old one rendered.
    """
    package = citeproc_dir / "package.json"
    try:
        version = json.loads(package.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        version = None
    if not isinstance(version, str) or not version.strip():
        shown = citeproc_dir.relative_to(ROOT).as_posix() if citeproc_dir.is_relative_to(ROOT) else str(citeproc_dir)
        raise CitationError(f"citeproc-js is not installed ({shown}/package.json is missing or has no version): "
                            "run `npm ci` in the repository (or `make build`, which runs it)")
    return f"{STYLE_NAME}+citeproc-js-{version.strip()}"


class Formatter:
    """Chicago notes-bibliography strings, rendered by citeproc-js in one batch per build.

    ``prepare`` takes every rendering the build will need and starts Node once for those the
    cache lacks; ``note``/``bibliography`` then only look up. A rendering not prepared is still
    produced (one more Node run) rather than missing. The cache file is data: it is type-checked
    entry by entry, anything of the wrong shape is dropped and rendered again, and cached markup
    passes the same sanitiser as fresh output.
    """

    def __init__(self, library: Library, cache_file: Path | None = None, diags: Diagnostics | None = None,
                 citeproc_dir: Path = CITEPROC_DIR):
        self.library = library
        self.cache_file = cache_file
        self.diags = diags if diags is not None else Diagnostics()
        self.citeproc_dir = citeproc_dir
        self.node_runs = 0
        self._style: str | None = None
        self._disk: dict[str, object] = {}
        self._used: dict[str, object] = {}
        self._results: dict[Job, object] = {}
        self._reported: set[str] = set()
        self._running: tuple[threading.Thread, dict[Job, str], dict[str, object]] | None = None
        if cache_file and cache_file.exists():
            self._disk = _read_cache(cache_file)

    # digest of what a rendering depends on: the style and processor (and the text of the style and
    # locale files: an edited locale renders everything afresh), the job and the CSL data of its entries
    def _digest(self, job: Job, style: str) -> str:
        if isinstance(job, NoteJob):
            data: object = ["note", processor_item(self.library.references[job.key]), job.locator.label if job.locator else None, job.locator.value if job.locator else None]
        else:
            data = ["bibliography", [processor_item(self.library.references[k]) for k in job.keys]]
        return hashlib.sha256(json.dumps([style, _files_key(), data], sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def _style_key(self) -> str | None:
        """``style_key()`` once per Formatter; None, reported, when citeproc-js is not installed
        (a cached rendering cannot be trusted without knowing which version made it)."""
        if self._style is None:
            try:
                self._style = style_key(self.citeproc_dir)
            except CitationError as exc:
                self._report(exc)
        return self._style

    def prepare(self, jobs: Iterable[Job], background: bool = False) -> None:
        """Render every job not yet known, in one Node process; with ``background`` the process
        runs while the build goes on (Node's start-up alone is seconds) and the first look-up
        or ``wait`` collects it."""
        self.wait()
        style = self._style_key()
        if style is None:
            return
        missing: dict[Job, str] = {}
        for job in dict.fromkeys(jobs):
            if job in self._results or not self._known(job):
                continue
            digest = self._digest(job, style)
            cached = _valid(self._disk.get(digest), job)
            if cached is not None:
                self._results[job] = cached
                self._used[digest] = self._disk[digest]
            else:
                missing[job] = digest
        if not missing:
            return
        if background:
            outcome: dict[str, object] = {}

            def run() -> None:
                try:
                    outcome["fresh"] = self._call(list(missing))
                except Exception as exc:  # reported by wait(), in the build's thread
                    outcome["error"] = exc

            thread = threading.Thread(target=run, name="citeproc", daemon=True)
            self._running = (thread, missing, outcome)
            thread.start()
            return
        self._finish(missing, lambda: self._run(list(missing)))

    def wait(self) -> None:
        """Collect the renderings started in the background, if any."""
        if self._running is None:
            return
        thread, missing, outcome = self._running
        self._running = None
        thread.join()

        def collected() -> dict[Job, object]:
            if "error" in outcome:
                raise outcome["error"]  # type: ignore[misc]
            return self._parse(list(missing), outcome["fresh"])  # type: ignore[arg-type]

        self._finish(missing, collected)

    def _finish(self, missing: dict[Job, str], render: Callable[[], dict[Job, object]]) -> None:
        try:
            fresh = render()
        except (CitationError, OSError, ValueError, subprocess.SubprocessError) as exc:
            self._report(exc)
            return
        for job, digest in missing.items():
            value = fresh.get(job)
            if value is not None:
                self._results[job] = value
                if _valid(value, job) is not None:  # a list missing an unrenderable entry is not kept
                    self._used[digest] = value

    def _report(self, exc: Exception) -> None:
        """One error for the build, however many renderings it leaves without a processor."""
        if "citeproc" not in self._reported:
            self._reported.add("citeproc")
            self.diags.error(RENDERER.relative_to(ROOT).as_posix(), None, f"citations could not be formatted: {exc}",
                             "the build needs Node.js (`node` on the PATH) and the npm packages pinned in package-lock.json")

    def _known(self, job: Job) -> bool:
        keys = (job.key,) if isinstance(job, NoteJob) else job.keys
        return all(k in self.library.references for k in keys)

    def _run(self, jobs: list[Job]) -> dict[Job, object]:
        return self._parse(jobs, self._call(jobs))

    def _call(self, jobs: list[Job]) -> str:
        """citeproc-js's answer (JSON text) for ``jobs``; touches nothing of the Formatter but
        the count of Node runs, so it may run in a thread."""
        node = shutil.which("node")
        if node is None:
            raise CitationError("Node.js is needed to format citations (citeproc-js); install it (Debian: apt-get install nodejs)")
        keys = sorted({k for j in jobs for k in ((j.key,) if isinstance(j, NoteJob) else j.keys)})
        request = {
            "style": STYLE_FILE.read_text(encoding="utf-8"),
            "locale": LOCALE_FILE.read_text(encoding="utf-8"),
            "items": {k: processor_item(self.library.references[k]) for k in keys},
            "jobs": [
                {"kind": "note", "id": j.key, "locator": j.locator.value if j.locator else None, "label": j.locator.label if j.locator else None}
                if isinstance(j, NoteJob) else {"kind": "bibliography", "ids": list(j.keys)}
                for j in jobs
            ],
        }
        self.node_runs += 1
        proc = subprocess.run([node, str(RENDERER), str(self.citeproc_dir)], input=json.dumps(request), capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise CitationError(f"citeproc-js failed: {proc.stderr.strip()[:500]}")
        return proc.stdout

    def _parse(self, jobs: list[Job], stdout: str) -> dict[Job, object]:
        answers = json.loads(stdout)["results"]
        out: dict[Job, object] = {}
        for job, answer in zip(jobs, answers, strict=True):
            if isinstance(answer, dict) and "error" in answer:
                for key in (job.key,) if isinstance(job, NoteJob) else job.keys:
                    self._unrenderable(key, str(answer.get("error", "")))
                continue
            partial = False
            if isinstance(job, BibliographyJob):
                for key in answer.get("failed", []):
                    self._unrenderable(key, "no bibliography form")
                    partial = True
                answer = answer.get("entries")
            value = _valid(answer, job, partial)
            if value is not None:
                out[job] = value
        return out

    def _unrenderable(self, key: str, why: str) -> None:
        if key in self._reported:
            return
        self._reported.add(key)
        ref = self.library.references[key]
        self.diags.error(ref.path, ref.line, f"@{ref.entry_type}{{{key}}}: the Chicago style cannot render this entry ({why})",
                         "use an entry type and fields the style knows (see CONTRIBUTING.md)")

    def _result(self, job: Job) -> object:
        self.wait()
        if job not in self._results:
            self.prepare([job])
        return self._results.get(job)

    def note(self, key: str, locator: Locator | None = None, html: bool = True) -> str:
        """The first, full note for ``key``, at ``locator`` if given."""
        value = self._result(NoteJob(key, locator))
        text = sanitise(value) if isinstance(value, str) else ""
        return text if html else plain(text)

    def bibliography(self, keys: Iterable[str], html: bool = True) -> list[tuple[str, str]]:
        """Bibliography entries for ``keys`` in Chicago order (author, then title; 3-em dash for a repeated author)."""
        job = BibliographyJob(tuple(sorted(set(keys))))
        value = self._result(job)
        rows = value if isinstance(value, list) else []
        out = [(k, sanitise(v)) for k, v in rows]
        return out if html else [(k, plain(v)) for k, v in out]

    def entry(self, key: str, html: bool = True) -> str:
        """One work's bibliography entry on its own."""
        rows = self.bibliography([key], html)
        return rows[0][1] if rows else ""

    def get(self, key: str, form: str = "bibliography", html: bool = True) -> str:
        return self.entry(key, html) if form == "bibliography" else self.note(key, None, html)

    def save(self) -> None:
        """Keep this build's renderings (only these, so the cache never outgrows the library)."""
        self.wait()
        if not self.cache_file or self._used == self._disk:
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            self.cache_file.write_bytes(sign(CACHE_NAME, json.dumps(self._used, ensure_ascii=False, sort_keys=True).encode("utf-8")))
        except OSError:
            pass  # a read-only checkout builds without the cache


def _read_cache(path: Path) -> dict[str, object]:
    """The cache as a mapping of digests; anything else (unsigned, a list, damaged JSON) counts as empty.

    Signed with this machine's key (``edition.cache_files``): a cache committed to the repository,
    keyed by digests anyone can compute, would otherwise show a forged citation."""
    try:
        payload = verify(CACHE_NAME, path.read_bytes())
        data = json.loads(payload) if payload is not None else None
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and _HEX64.fullmatch(k)}


def _valid(value: object, job: Job, partial: bool = False) -> object | None:
    """``value`` if it has the shape ``job`` renders to (and sanitises without error), else None;
    ``partial`` accepts a bibliography lacking entries the processor could not render."""
    try:
        if isinstance(job, NoteJob):
            if isinstance(value, str) and value.strip():
                sanitise(value)
                return value
            return None
        if not isinstance(value, list) or (len(value) != len(job.keys) and not partial):
            return None
        rows: list[list[str]] = []
        for row in value:
            if not (isinstance(row, list) and len(row) == 2 and all(isinstance(x, str) for x in row)):
                return None
            sanitise(row[1])
            rows.append([row[0], row[1]])
        ids = [r[0] for r in rows]
        if len(set(ids)) != len(ids) or not set(ids) <= set(job.keys) or (not partial and len(ids) != len(job.keys)):
            return None
        return rows
    except (ValueError, RecursionError, TypeError):
        return None
