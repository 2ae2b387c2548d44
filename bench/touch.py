"""A phone in Playwright: Debian's Chromium at 375×740 with touch and 4× CPU throttling.

Three timings per page, each in a fresh browser context (nothing cached) and each by the page's
own clock, in milliseconds from navigation start, so that the driver's round trips do not count:

- ``load_ms``: the load event; with it, the main thread's work until then by Chromium's own
  counters (``Performance.getMetrics``: all tasks, style, layout), which the machine's other load
  moves less than a time from navigation;
- ``tap_ms``: a tap on the first note marker until its tooltip is shown (Material's
  ``content.footnote.tooltips``: the ``.md-tooltip2--active`` element, ``.md-tooltip--active``
  for the older component);
- ``search_ms``: the query typed into the search, which on a phone opens from the header's
  button, until the first result item is in the list.

The reader acts at DOMContentLoaded, as soon as Material's script has run (``document$``
defined); a tap made before Material shows tooltips is repeated every 200 ms until one shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, CDPSession, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bench.lighthouse import CHROMIUM, Metric

ARGS = ["--no-sandbox", "--disable-background-networking"]
VIEWPORT = {"width": 375, "height": 740}
CPU_SLOWDOWN = 4
TIMEOUT_MS = 60_000
MARKER = 'sup[id^="fnref"] a'
TOOLTIP = ".md-tooltip2--active, .md-tooltip--active"
HEADER_SEARCH = "label.md-header__button[for='__search']"
RESULT = ".md-search-result__item"

METRICS = [
    Metric("load_ms", "load event, 4× CPU", "ms"),
    Metric("task_ms", "main thread until the load event: all tasks, 4× CPU", "ms"),
    Metric("style_ms", "main thread until the load event: style, 4× CPU", "ms"),
    Metric("layout_ms", "main thread until the load event: layout, 4× CPU", "ms"),
    Metric("tap_ms", "a tap on a note marker shows its tooltip, from navigation", "ms"),
    Metric("search_ms", "search: first result for {query!r} from navigation", "ms"),
]

# In the page, before its own scripts: when a shown tooltip and the first result item appear.
# No layout is read (that would add work to the measured page): the classes tell.
_CLOCK = f"""window.__phone = {{tooltip: null, result: null}};
new MutationObserver(() => {{
  const clock = window.__phone;
  if (clock.tooltip === null) {{
    const tip = document.querySelector({TOOLTIP!r});
    if (tip && tip.textContent.trim()) clock.tooltip = performance.now();
  }}
  if (clock.result === null && document.querySelector({RESULT!r})) clock.result = performance.now();
}}).observe(document, {{subtree: true, childList: true, attributes: true, attributeFilter: ["class"]}});"""


@contextmanager
def phone() -> Iterator[Browser]:
    """Debian's Chromium, headless, without its background services (nothing leaves the machine)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _open(browser: Browser, url: str, wait_until: str, action: Callable[[Page, CDPSession], dict[str, float]]) -> dict[str, float]:
    context = browser.new_context(viewport=VIEWPORT, has_touch=True, is_mobile=True)
    try:
        context.add_init_script(_CLOCK)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        cdp.send("Performance.enable")
        page.goto(url, wait_until=wait_until)  # type: ignore[arg-type]
        return action(page, cdp)
    finally:
        context.close()


def _material_ready(page: Page) -> None:
    page.wait_for_function("() => typeof window.document$ !== 'undefined'")


_COUNTERS = {"task_ms": "TaskDuration", "style_ms": "RecalcStyleDuration", "layout_ms": "LayoutDuration"}


def _load(page: Page, cdp: CDPSession) -> dict[str, float]:
    counters = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}  # seconds
    found = {key: 1000 * float(counters[name]) for key, name in _COUNTERS.items()}
    return {"load_ms": float(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventStart")), **found}


def _tap(page: Page, cdp: CDPSession) -> dict[str, float]:
    if not page.locator(MARKER).count():  # a memo without notes (the CIA memo): nothing to tap
        return {}
    _material_ready(page)
    marker = page.locator(MARKER).first
    for _ in range(TIMEOUT_MS // 200):
        marker.tap()
        try:
            page.wait_for_selector(TOOLTIP, state="visible", timeout=200)
            break
        except PlaywrightTimeoutError:
            continue
    else:
        raise RuntimeError(f"no tooltip after tapping {MARKER} on {page.url}")
    return {"tap_ms": float(page.evaluate("window.__phone.tooltip ?? performance.now()"))}


def _search(query: str) -> Callable[[Page, CDPSession], dict[str, float]]:
    def action(page: Page, cdp: CDPSession) -> dict[str, float]:
        _material_ready(page)
        page.locator(HEADER_SEARCH).click()
        box = page.locator("input.md-search__input")
        box.wait_for(state="visible")
        box.focus()
        box.fill(query)
        box.press("End")  # Material reads the query on keyup
        page.wait_for_selector(RESULT)
        return {"search_ms": float(page.evaluate("window.__phone.result ?? performance.now()"))}
    return action


def timings(browser: Browser, url: str, query: str) -> dict[str, float]:
    """One run of each measure on ``url`` (milliseconds), by ``METRICS`` key; the tap is left out on
    a page without note markers."""
    return {**_open(browser, url, "load", _load), **_open(browser, url, "domcontentloaded", _tap),
            **_open(browser, url, "domcontentloaded", _search(query))}
