/* The edition's own script. Runs offline (file://) too; no inline script anywhere.
   - cite controls: any button.para-cite copies the document's citation in the edition, with its
     locators (data-cite-locator, data-cite-edition-locator) and the canonical URL#data-cite-anchor;
     the access date in the "Cite this document" forms is filled in from the reader's clock
   - the annotation control (essential / all / none), remembered in localStorage
   - the source-readings control (hidden / shown): the source's readings of misread words shown
     in place, remembered in localStorage too
   - a tap on an annotated word shows its expansion first; a second tap follows the link
   - the metadata card starts folded on a phone */
(function () {
  var KEY = "edition.annotations";
  var LEVELS = ["essential", "all", "none"];
  var root = document.documentElement;

  /* ---- cite: what a cite control copies (issue 24) ---------------------------------------------
     The page's cite data (data-cite-work: the original's note form; data-cite-in: the edition's
     part; data-cite-url: the canonical address, empty when the edition has no site URL) and the
     control's locators (data-cite-locator: the original's page or note; data-cite-edition-locator:
     the edition's paragraph) make "original[, p. 2], in Edition, …[, para. 4][, accessed <today>,
     URL#anchor]." Never location.href: a local or file:// address is no citation. The access date
     is the reader's clock's, written here and nowhere in the static page. */
  var CITE_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  function citeToday() {
    var d = new Date();
    return CITE_MONTHS[d.getMonth()] + " " + d.getDate() + ", " + d.getFullYear();
  }
  function citeData() {
    return document.querySelector("[data-cite-work]");
  }
  function citation(button) {
    var data = citeData();
    if (!data) return "";
    var url = data.getAttribute("data-cite-url") || "";
    var locator = button.getAttribute("data-cite-locator") || "";
    var edition = button.getAttribute("data-cite-edition-locator") || "";
    var anchor = button.getAttribute("data-cite-anchor") || "";
    var text = (data.getAttribute("data-cite-work") || "") + (locator ? ", " + locator : "") +
      ", " + (data.getAttribute("data-cite-in") || "") + (edition ? ", " + edition : "");
    if (url) text += ", accessed " + citeToday() + ", " + url + (anchor ? "#" + anchor : "");
    return text + ".";
  }
  /* The "Cite this document" forms leave a slot before their URL for the access date. */
  function citeAccessed() {
    var slots = document.querySelectorAll("[data-cite-accessed]");
    for (var i = 0; i < slots.length; i++) {
      var bibliography = slots[i].getAttribute("data-cite-accessed") === "bibliography";
      slots[i].textContent = (bibliography ? ". Accessed " : ", accessed ") + citeToday();
    }
  }
  citeAccessed();
  function copyWithCommand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "edition-copy-buffer";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  function copied(button, text) {
    if (!button.hasAttribute("data-cite-text")) button.setAttribute("data-cite-text", button.textContent);
    var label = button.getAttribute("data-cite-text");
    button.textContent = "copied";
    button.setAttribute("data-copied", text);
    button.title = "Copied: " + text;
    setTimeout(function () { button.textContent = label; }, 1500);
  }
  function fallback(button, text) {
    if (copyWithCommand(text)) copied(button, text);
    else window.prompt("Copy this citation:", text);
  }
  function cite(button) {
    var text = citation(button);
    if (!text) return;
    if (!(navigator.clipboard && window.isSecureContext)) return fallback(button, text);
    var settled = false;
    var timer = setTimeout(function () { if (!settled) { settled = true; fallback(button, text); } }, 800);
    navigator.clipboard.writeText(text).then(function () {
      if (!settled) { settled = true; clearTimeout(timer); copied(button, text); }
    }, function () {
      if (!settled) { settled = true; clearTimeout(timer); fallback(button, text); }
    });
  }

  /* ---- annotation level ---------------------------------------------------------------------- */
  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function currentLevel() {
    var level = root.getAttribute("data-annotations");
    return LEVELS.indexOf(level) >= 0 ? level : "essential";
  }
  /* Marks drawn as plain text leave the tab order, so keyboard users meet only what they see. */
  function syncFocus(level) {
    var marks = document.querySelectorAll(".memo-text a.entity, .memo-text abbr.term[tabindex]");
    for (var i = 0; i < marks.length; i++) {
      var el = marks[i];
      var quiet = level === "none" || (level === "essential" && el.closest(".mark-rest"));
      if (quiet) {
        if (!el.hasAttribute("data-tabindex")) el.setAttribute("data-tabindex", el.getAttribute("tabindex") || "");
        el.setAttribute("tabindex", "-1");
      } else if (el.hasAttribute("data-tabindex")) {
        var was = el.getAttribute("data-tabindex");
        if (was) el.setAttribute("tabindex", was); else el.removeAttribute("tabindex");
        el.removeAttribute("data-tabindex");
      }
    }
  }
  function apply(level) {
    root.setAttribute("data-annotations", level);
    var buttons = document.querySelectorAll(".annotation-control__option");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-annotations") === level));
    }
    syncFocus(level);
  }
  function choose(level) {
    try { window.localStorage.setItem(KEY, level); } catch (e) { /* private mode: this page only */ }
    apply(level);
  }
  var initial = stored();
  apply(LEVELS.indexOf(initial) >= 0 ? initial : currentLevel());

  /* ---- source readings: hidden (the default) or shown after the edition's reading ------------- */
  var SOURCE_KEY = "edition.sourceReadings";
  var SOURCE_LEVELS = ["hidden", "shown"];
  function applySource(value) {
    root.setAttribute("data-source-readings", value);
    var buttons = document.querySelectorAll(".witness-control__option");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-source-readings") === value));
    }
  }
  function chooseSource(value) {
    try { window.localStorage.setItem(SOURCE_KEY, value); } catch (e) { /* private mode: this page only */ }
    applySource(value);
  }
  var initialSource = null;
  try { initialSource = window.localStorage.getItem(SOURCE_KEY); } catch (e) { initialSource = null; }
  applySource(SOURCE_LEVELS.indexOf(initialSource) >= 0 ? initialSource : "hidden");

  /* A mention drawn as plain text shows no tooltip either (Material puts tooltips in <body>,
     out of reach of a selector on the mention, so a class on <html> says what is hovered). */
  function quiet(mark) {
    var level = currentLevel();
    return level === "none" || (level === "essential" && !!mark.closest(".mark-rest"));
  }
  document.addEventListener("mouseover", function (event) {
    var mark = event.target.closest && event.target.closest(".memo-text a.entity, .memo-text abbr.term");
    root.classList.toggle("edition-quiet-hover", !!(mark && quiet(mark)));
  });

  /* ---- taps on annotated words --------------------------------------------------------------- */
  var lastPointer = "mouse";
  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType || "mouse"; }, true);

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    var button = target.closest(".para-cite");
    if (button) return cite(button);
    var option = target.closest(".annotation-control__option");
    if (option) return choose(option.getAttribute("data-annotations"));
    var sourceOption = target.closest(".witness-control__option");
    if (sourceOption) return chooseSource(sourceOption.getAttribute("data-source-readings"));
    if (lastPointer !== "touch") return;
    // A first tap on an annotated word shows its tooltip (Material shows it on focus) instead of
    // leaving the page; a second tap on the same word follows the link.
    var mark = target.closest(".memo-text abbr.term, .memo-text a.entity");
    if (!mark) return;
    var link = target.closest("a[href]");
    var host = mark.closest("abbr.term") || link || mark;
    if (!link || host.hasAttribute("data-tapped")) return;
    if (quiet(mark)) return;
    event.preventDefault();
    var previous = document.querySelector("[data-tapped]");
    if (previous) previous.removeAttribute("data-tapped");
    host.setAttribute("data-tapped", "");
    (link || host).focus();
  });

  /* ---- search: the true count of a long result list ---------------------------------------- */
  // Past its limit, the search worker (assets/search/pagefind-worker.js) lists the first results
  // after a line giving the total; Material counts the items it was given, so its line above the
  // list would say "11 matching documents". It says what the worker's line says instead.
  var searchList = document.querySelector(".md-search-result__list");
  var searchMeta = document.querySelector(".md-search-result__meta");
  if (searchList && searchMeta && window.MutationObserver) {
    new MutationObserver(function () {
      var first = searchList.querySelector(".md-search-result__item a[href*='#searching-the-edition']");
      var title = first && first.querySelector("h1, h2");
      var count = title && title.textContent.split(":")[0];  // "102 matching pages, 10 listed"
      if (count && searchMeta.textContent !== count) searchMeta.textContent = count;
    }).observe(searchList, { childList: true });
  }

  /* ---- the metadata card folds away on a phone, and opens to print ---------------------------- */
  var card = document.querySelector("details.memo-card");
  if (card && window.matchMedia && window.matchMedia("(max-width: 44.9375em)").matches) card.removeAttribute("open");
  window.addEventListener("beforeprint", function () { if (card) card.setAttribute("open", ""); });
})();
