"""Helpers for the real-browser tests: Debian's Chromium through Playwright, a local HTTP server,
and a recorder of every request a page makes (the offline bundles and the worker's shared Chromium
are fixtures of tests/conftest.py).

Nothing here reaches the network: Playwright drives ``/usr/bin/chromium`` (it never downloads a
browser), the server listens on 127.0.0.1 only, and the recorder lets a test assert that every
request the pages made stayed on the machine.
"""

from __future__ import annotations

import functools
import http.server
import ipaddress
import re
import socketserver
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request, WebSocket, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 30_000  # generous: a loaded CI machine with 2 cores
LOCAL_SCHEMES = frozenset({"file", "data", "blob", "about"})
LOCAL_HOSTNAMES = frozenset({"localhost"})


# ---------------------------------------------------------------------------------------------
# Chromium


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with the background services that phone home turned off."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


def in_own_thread(function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``function(*args, **kwargs)`` run in a thread of its own, its result or exception handed back.

    Playwright's sync API allows one instance per thread, and the worker's shared Chromium (the
    ``browser`` fixture) holds this thread's: code that starts its own Playwright, such as
    ``edition.offline.browser_check``, runs beside it in another thread."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="own-playwright") as pool:
        return pool.submit(function, *args, **kwargs).result()


# ---------------------------------------------------------------------------------------------
# Local HTTP server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # the test output stays readable
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1 at a free port; yields the base URL (ending in ``/``)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"http-{directory.name}", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# ---------------------------------------------------------------------------------------------
# Requests


_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# ``is_local_url``'s rule as a regular expression, for the route that blocks requests leaving the
# machine: Playwright's driver matches a regular expression itself, where a Python function as the
# route's matcher sends every request of every page to Python and back. A URL both disagree on
# would fail the test either way: blocked, the page breaks; let through, the recorder reports it.
# tests/test_browser.py checks that the two agree, and that the route blocks in a real page.
NOT_LOCAL = re.compile(
    r"^(?!(?:file|data|blob|about):)"
    rf"(?!(?:https?|wss?)://(?:[^@/?#]*@)?(?:localhost|127\.{_OCTET}\.{_OCTET}\.{_OCTET}|\[::1\])(?::[0-9]*)?(?:[/?#]|$))",
    re.IGNORECASE,
)


def is_local_url(url: str) -> bool:
    """True for a URL that does not leave the machine: loopback http(s)/ws, file:, data:, blob:, about:."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in LOCAL_SCHEMES:
        return True
    if scheme not in ("http", "https", "ws", "wss"):
        return False  # chrome-extension:, ftp:, anything unexpected counts as leaving
    host = (parts.hostname or "").lower()
    if host in LOCAL_HOSTNAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class RequestRecorder:
    """Records every request (and web socket) of a browser context, in order.

    Requests of every page, frame and worker of the context reach ``BrowserContext.on("request")``;
    anything that is not local is also aborted by a route, so a test never waits on the network.
    """

    urls: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> RequestRecorder:
        context.on("request", self._on_request)
        context.on("page", lambda page: page.on("websocket", self._on_websocket))
        context.route(NOT_LOCAL, self._abort)
        return self

    def _on_request(self, request: Request) -> None:
        self.urls.append(request.url)

    def _on_websocket(self, ws: WebSocket) -> None:
        self.urls.append(ws.url)

    def _abort(self, route, request: Request) -> None:  # type: ignore[no-untyped-def]
        self.blocked.append(request.url)
        route.abort("blockedbyclient")

    def mark(self) -> int:
        """A position in the record; ``since(mark)`` gives the requests made after it."""
        return len(self.urls)

    def since(self, mark: int = 0) -> list[str]:
        return self.urls[mark:]

    def outside(self, mark: int = 0) -> list[str]:
        return [u for u in [*self.since(mark), *self.blocked] if not is_local_url(u)]

    def assert_local(self, what: str, mark: int = 0) -> None:
        """Fail, naming every offending URL, if a request since ``mark`` left the machine."""
        outside = sorted(set(self.outside(mark)))
        assert not outside, f"{what}: {len(outside)} request(s) left the machine:\n" + "\n".join(outside)
        assert self.since(mark), f"{what}: no request was recorded at all (is the recorder attached?)"


class PolicyWatch:
    """What the Content-Security-Policy refused in a page: the violations the page's own listener
    saw (``edition.offline.CSP_LISTENER``, given to every page of the context) and Chromium's
    console reports of them. ``take()`` gives those since the last take, as "CSP …" lines."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        from edition.offline import CSP_LISTENER

        context.add_init_script(CSP_LISTENER)
        self.page = page
        self.console: list[str] = []
        page.on("console", lambda m: self.console.append(m.text) if "Content Security Policy" in m.text else None)

    def take(self) -> list[str]:
        found = [f"CSP {v}" for v in self.page.evaluate("window.__edition_csp || []")] + self.console
        self.console = []
        return found


@contextmanager
def recorded_context(browser: Browser, **options: object) -> Iterator[tuple[BrowserContext, RequestRecorder]]:
    context = browser.new_context(**options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    recorder = RequestRecorder().attach(context)
    try:
        yield context, recorder
    finally:
        context.close()


@dataclass
class WarmContext:
    """A browser context that outlives the tests using it, with a page kept open at the site's home;
    what its pages request goes to ``recorder``, a fresh one for each test."""

    context: BrowserContext
    keep: Page | None = None
    recorder: RequestRecorder = field(default_factory=RequestRecorder)

    def relay(self) -> None:
        """Send the context's requests to whichever recorder the test has (``RequestRecorder.attach``'s
        handlers, looked up at each event)."""
        self.context.on("request", lambda request: self.recorder._on_request(request))
        self.context.on("page", lambda page: page.on("websocket", lambda ws: self.recorder._on_websocket(ws)))
        self.context.route(NOT_LOCAL, lambda route, request: self.recorder._abort(route, request))


class WarmContexts:
    """Browser contexts kept for one module's tests of one site, one per set of options (desktop,
    phone), each test working in fresh pages of them (with a fresh request recorder when ``record``).

    Why: a fresh context costs a new renderer and a cold compile of the site's scripts, where a
    fresh page beside a page kept open at the same site finds them warm and costs a page load.
    Isolation is what the tests need of a fresh context: ``reset`` (after each test) closes the
    test's pages and takes back permissions, cookies and the site's local and session storage.
    Tests that change the context itself (routes, init scripts, listeners, the clock) or visit
    another site use a context of their own.
    """

    def __init__(self, browser: Browser, home: str, option_sets: dict[str, dict[str, object]], *, record: bool = False) -> None:
        self.warm: dict[str, WarmContext] = {}
        try:
            for name, options in option_sets.items():  # all made now: a context made during a test is that test's (conftest's ``browser``)
                context = browser.new_context(**options)  # type: ignore[arg-type]
                context.set_default_timeout(TIMEOUT_MS)
                warm = self.warm[name] = WarmContext(context)
                if record:  # a route costs every request a round trip to Playwright's driver: only where requests are recorded
                    warm.relay()
                warm.keep = context.new_page()
                warm.keep.goto(home)
        except BaseException:
            self.close()
            raise

    def new_page(self, name: str) -> tuple[Page, RequestRecorder]:
        """A fresh page of the ``name`` context, and the recorder of this test's requests."""
        warm = self.warm[name]
        warm.recorder = RequestRecorder()
        return warm.context.new_page(), warm.recorder

    @contextmanager
    def resetting(self) -> Iterator[WarmContexts]:
        """The contexts for one test, ``reset`` after it whatever happens."""
        try:
            yield self
        finally:
            self.reset()

    @contextmanager
    def fresh(self, name: str) -> Iterator[tuple[Page, RequestRecorder]]:
        """``new_page(name)`` for one test, the contexts reset after it."""
        with self.resetting():
            yield self.new_page(name)

    def reset(self) -> None:
        for warm in self.warm.values():
            for page in warm.context.pages:
                if page != warm.keep:
                    page.close()
            warm.context.clear_permissions()
            warm.context.clear_cookies()
            assert warm.keep is not None
            warm.keep.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            warm.recorder = RequestRecorder()

    def close(self) -> None:
        for warm in self.warm.values():
            warm.context.close()


@contextmanager
def warm_contexts(browser: Browser, home: str, option_sets: dict[str, dict[str, object]], *, record: bool = False) -> Iterator[WarmContexts]:
    contexts = WarmContexts(browser, home, option_sets, record=record)
    try:
        yield contexts
    finally:
        contexts.close()


# ---------------------------------------------------------------------------------------------
# Material's page behaviour


def wait_for_material(page: Page) -> None:
    """Wait until Material's bundle has mounted its components (the search input gets wired up)."""
    page.wait_for_function("() => typeof window.document$ !== 'undefined' && typeof window.location$ !== 'undefined'")


def search(page: Page, query: str) -> list[str]:
    """Type ``query`` into Material's search and return the hrefs of every result, all of them rendered.

    Each result item's first link is the page; the links after it are sections of that page.
    """
    wait_for_material(page)
    box = page.locator("input.md-search__input")
    if page.evaluate("matchMedia('(min-width: 60em)').matches"):  # Material's breakpoint for the header field
        box.click()
    else:  # small screens: the header's search button opens the field
        page.locator("label.md-header__button[for='__search']").click()
        box.wait_for(state="visible")
        box.focus()
    # An earlier answer ("No matching documents") must not be taken for this query's: empty the box
    # and wait until Material shows no result and no verdict
    if box.input_value():
        box.fill("")
        box.press("End")
    page.wait_for_function("""() => document.querySelectorAll('.md-search-result__item').length === 0
        && !/no matching/i.test(document.querySelector('.md-search-result__meta')?.textContent || '')""")
    box.fill(query)
    box.press("End")  # Material reads the query on keyup
    first_term = query.split()[0].lower()
    # Results belong to this query once their links carry it as the highlight parameter ?h=...
    page.wait_for_function(
        """term => {
            const meta = document.querySelector('.md-search-result__meta');
            if (!meta) return false;
            if (/no matching|[0-9] listed/i.test(meta.textContent)) return true;  // (filters alone: no ?h=)
            const links = document.querySelectorAll('.md-search-result__item a.md-search-result__link');
            return Array.from(links).some(a => new URL(a.href).searchParams.get('h')?.toLowerCase().includes(term));
        }""",
        arg=first_term,
    )
    meta = page.locator(".md-search-result__meta").inner_text()
    if re.search(r"no matching", meta, re.IGNORECASE):
        # Material renders the answer to the empty box (sent when the box took focus) against the
        # query typed by then: on a loaded machine that answer can land after the first key. A
        # verdict counts once it has stood for a while with no result of this query arriving.
        try:
            page.wait_for_function(
                """term => Array.from(document.querySelectorAll('.md-search-result__item a.md-search-result__link'))
                    .some(a => new URL(a.href).searchParams.get('h')?.toLowerCase().includes(term))""",
                arg=first_term, timeout=3000)
        except PlaywrightTimeoutError:
            return []
        meta = page.locator(".md-search-result__meta").inner_text()
    if m := re.search(r"(\d+) listed", meta):  # a long list: its first item gives the total
        expected = int(m.group(1)) + 1
    else:
        expected = int(m.group(1)) if (m := re.search(r"(\d+)", meta)) else 1
    # Material renders the first 10 results, then 4 more each time the list's scroll position reaches
    # its end (a change from "not at the end" to "at the end"): scroll up and down until all are there.
    page.wait_for_function(
        """n => {
            const wrap = document.querySelector('.md-search__scrollwrap');
            if (document.querySelectorAll('.md-search-result__item').length >= n) return true;
            wrap.dataset.edTurn = wrap.dataset.edTurn === 'down' ? 'up' : 'down';
            wrap.scrollTop = wrap.dataset.edTurn === 'down' ? wrap.scrollHeight : 0;
            return false;
        }""",
        arg=expected,
        polling=100,
    )
    items = page.locator(".md-search-result__item")
    assert items.count() == expected, f"search {query!r}: {meta!r} but {items.count()} items rendered"
    hrefs = page.eval_on_selector_all(".md-search-result__item a.md-search-result__link", "links => links.map(a => a.href)")
    return [h for h in hrefs if not h.endswith(SEARCH_SUMMARY)]


SEARCH_SUMMARY = "#searching-the-edition"  # where the line that counts a long result list leads


def result_pages(hrefs: list[str]) -> list[str]:
    """The result hrefs reduced to page URLs (no query, no fragment), in order of first appearance."""
    pages: list[str] = []
    for href in hrefs:
        parts = urlsplit(href)
        url = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme != "file" else f"file://{parts.path}"
        if url not in pages:
            pages.append(url)
    return pages

