/* The edition's own script. Runs offline (file://) too; no inline script anywhere.
   - cite controls: any button.para-cite copies the document's citation in the edition, with its
     locators (data-cite-locator, data-cite-edition-locator) and the canonical URL#data-cite-anchor;
     the access date in the "Cite this document" forms is filled in from the reader's clock
   - the annotation control (essential / all / none), remembered in localStorage
   - the source-readings control (hidden / shown): the source's readings of misread words shown
     in place, remembered in localStorage too
   - a tap on an annotated word shows its expansion first; a second tap follows the link
   - one shared tooltip for the marks' explanations (no tooltip component per mark)
   - the metadata card opened on a wide screen (written folded, drawn open by the stylesheet) and to print */
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

  /* ---- a block's controls, made on demand --------------------------------------------------
     A numbered paragraph carries its number (data-para, drawn in the margin by the stylesheet) and
     its cite button's data-cite-* attributes; a note carries its cite label. The number's link and
     the cite button are made when the reader points at the block or taps it, when the page opens
     at its anchor, and for every block at the first press of Tab (keyboard users meet them in the
     same order as ever: number, cite, then the links of the text). The button is the one the cite
     code above runs: every data-cite-* attribute of the block, and its anchor. */
  var BLOCKS = ".memo-text [data-para], .memo-text li[id^='fn:'][data-cite-label]";
  function makeControls(block) {
    if (!block || block.hasAttribute("data-ctl")) return;
    block.setAttribute("data-ctl", "");
    var id = block.id, number = block.getAttribute("data-para");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "para-cite";
    button.textContent = "cite";
    for (var i = 0; i < block.attributes.length; i++) {
      var attr = block.attributes[i];
      if (attr.name.indexOf("data-cite-") === 0) button.setAttribute(attr.name, attr.value);
    }
    if (!button.hasAttribute("data-cite-anchor")) button.setAttribute("data-cite-anchor", id);
    button.setAttribute("data-search-exclude", "");
    if (number) {
      button.setAttribute("aria-label", "Cite paragraph " + number + ": copy its citation");
      var link = document.createElement("a");
      link.className = "para-anchor";
      link.href = "#" + id;
      link.textContent = number;
      link.setAttribute("aria-label", "Paragraph " + number);
      link.setAttribute("data-search-exclude", "");
      block.insertBefore(button, block.firstChild);
      block.insertBefore(link, button);
    } else {
      button.setAttribute("aria-label", "Cite note " + id.replace(/^fn:/, "") + ": copy its citation");
      var text = block.querySelector("p") || block;
      var back = text.querySelector(".footnote-backref");
      if (back && back.parentNode === text) text.insertBefore(button, back); else text.appendChild(button);
    }
  }
  function blockOf(node) { return node && node.closest ? node.closest(BLOCKS) : null; }
  document.addEventListener("mouseover", function (event) { makeControls(blockOf(event.target)); });
  document.addEventListener("focusin", function (event) { makeControls(blockOf(event.target)); });
  document.addEventListener("pointerdown", function (event) { makeControls(blockOf(event.target)); });
  document.addEventListener("keydown", function once(event) {
    if (event.key !== "Tab") return;
    document.removeEventListener("keydown", once);
    var blocks = document.querySelectorAll(BLOCKS);
    for (var i = 0; i < blocks.length; i++) makeControls(blocks[i]);
  });
  function controlsAtTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id) makeControls(blockOf(document.getElementById(id)));
  }
  controlsAtTarget();
  window.addEventListener("hashchange", controlsAtTarget);

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
  /* Quiet marks are plain text in the page (edition/resting.py); "All" puts them back from the
     page's data, where each stood in its block's text, and the other levels take them out again. */
  var resting = null;
  function restingData() {
    if (resting === null) {
      var data = document.getElementById("edition-rest");
      try { resting = data ? JSON.parse(data.textContent) : false; } catch (e) { resting = false; }
    }
    return resting;
  }
  var CONTROLS = ".para-anchor, .para-cite";  /* made on demand by this script: not the text's */
  /* The data is the build's own (a mark it wrote, after sanitising), but a mark is only ever a link
     or an abbreviation with plain attributes: anything else in it is not put in the page. */
  var MARK_TAGS = { a: 1, abbr: 1 };
  function safeHref(value) {  /* a relative address, or http(s) and mailto: as the sanitiser allows */
    var v = String(value).replace(/^[\s\u0000-\u001f]+/, "");
    return !/^[a-z][a-z0-9+.-]*:/i.test(v) || /^(https?|mailto):/i.test(v);
  }
  function build(shape) {
    if (!MARK_TAGS.hasOwnProperty(shape[0])) return document.createTextNode(shapeText(shape));
    var el = document.createElement(shape[0]);
    var attrs = shape[1];
    for (var name in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, name) || /^on/i.test(name) || name.toLowerCase() === "style") continue;
      if (name.toLowerCase() === "href" && !safeHref(attrs[name])) continue;
      el.setAttribute(name, attrs[name]);
    }
    for (var i = 2; i < shape.length; i++) {
      el.appendChild(typeof shape[i] === "string" ? document.createTextNode(shape[i]) : build(shape[i]));
    }
    return el;
  }
  function shapeText(shape) {
    var text = "";
    for (var i = 2; i < shape.length; i++) text += typeof shape[i] === "string" ? shape[i] : shapeText(shape[i]);
    return text;
  }
  function textNodes(block) {
    var nodes = [], at = 0;
    var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) { return n.parentElement.closest(CONTROLS) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT; }
    });
    for (var n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, at]); at += n.data.length; }
    return nodes;
  }
  function restoreQuiet() {
    var data = restingData();
    if (!data || document.querySelector("[data-rested]")) return;
    for (var id in data.blocks) {
      if (!Object.prototype.hasOwnProperty.call(data.blocks, id)) continue;
      var block = document.getElementById(id);
      if (!block) continue;
      var places = data.blocks[id], nodes = textNodes(block);
      for (var i = places.length - 3; i >= 0; i -= 3) {  /* from the end: earlier places hold */
        var start = places[i], end = places[i + 1], shape = data.shapes[places[i + 2]];
        for (var k = nodes.length - 1; k >= 0; k--) {
          var node = nodes[k][0], from = nodes[k][1];
          if (from > start) continue;
          if (end - from > node.data.length || node.data.slice(start - from, end - from) !== shapeText(shape)) break;
          var words = node.splitText(start - from);
          words.splitText(end - start);
          var mark = build(shape);
          mark.setAttribute("data-rested", "");
          words.parentNode.replaceChild(mark, words);
          break;
        }
      }
    }
  }
  function unrestoreQuiet() {
    var marks = document.querySelectorAll("[data-rested]");
    var parents = [];
    for (var i = 0; i < marks.length; i++) {
      parents.push(marks[i].parentNode);
      marks[i].parentNode.replaceChild(document.createTextNode(marks[i].textContent), marks[i]);
    }
    for (var j = 0; j < parents.length; j++) parents[j].normalize();
  }
  /* An attribute of <html> is set only when it changes: each change restyles the page (on a
     phone, tens of milliseconds), and the stored level is on <html> before the first paint. */
  function setRoot(name, value) {
    if (root.getAttribute(name) !== value) root.setAttribute(name, value);
  }
  function pressed(selector, attribute, value) {
    var buttons = document.querySelectorAll(selector);
    for (var i = 0; i < buttons.length; i++) {
      var state = String(buttons[i].getAttribute(attribute) === value);
      if (buttons[i].getAttribute("aria-pressed") !== state) buttons[i].setAttribute("aria-pressed", state);
    }
  }
  function apply(level) {
    if (level === "all") restoreQuiet(); else unrestoreQuiet();
    if (level !== "essential" || root.hasAttribute("data-annotations")) setRoot("data-annotations", level);
    pressed(".annotation-control__option", "data-annotations", level);
    if (level === "none" || document.querySelector("[data-tabindex]")) syncFocus(level);
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
    if (value !== "hidden" || root.hasAttribute("data-source-readings")) setRoot("data-source-readings", value);
    pressed(".witness-control__option", "data-source-readings", value);
  }
  function chooseSource(value) {
    try { window.localStorage.setItem(SOURCE_KEY, value); } catch (e) { /* private mode: this page only */ }
    applySource(value);
  }
  var initialSource = null;
  try { initialSource = window.localStorage.getItem(SOURCE_KEY); } catch (e) { initialSource = null; }
  applySource(SOURCE_LEVELS.indexOf(initialSource) >= 0 ? initialSource : "hidden");

  /* A mention drawn as plain text shows no tooltip either. */
  function quiet(mark) {
    var level = currentLevel();
    return level === "none" || (level === "essential" && !!mark.closest(".mark-rest"));
  }

  /* ---- one shared tooltip ----------------------------------------------------------------------
     Marks carry their explanation as an accessible description (aria-description, read by screen
     readers without this script); the page has one tooltip element, made on first use, that shows
     it as text (textContent: never HTML) on hover, keyboard focus and tap. It stays while the
     pointer is on it and goes with Escape (WCAG 1.4.13); while shown, the mark is described by it. */
  var TIP = "aria-description";
  var tip = null, tipHost = null;
  function tipHostOf(node) {
    var host = node && node.closest ? node.closest("[" + TIP + "]") : null;
    if (!host) return null;
    var mark = host.closest(".memo-text a.entity, .memo-text abbr.term");
    return mark && quiet(mark) ? null : host;
  }
  function placeTip(host) {
    var boxes = host.getClientRects();
    var box = boxes.length ? boxes[0] : host.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    tip.style.maxWidth = Math.min(320, width - 16) + "px";
    var own = tip.getBoundingClientRect();
    var left = Math.max(8, Math.min(box.left, width - own.width - 8));
    var below = box.bottom + 6;
    var top = below + own.height > window.innerHeight && box.top - own.height - 6 > 0 ? box.top - own.height - 6 : below;
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (top + window.scrollY) + "px";
  }
  function showTip(host) {
    var text = host.getAttribute(TIP);
    if (!text) return;
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "edition-tip";
      tip.className = "edition-tip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    if (tipHost && tipHost !== host) tipHost.removeAttribute("aria-describedby");
    tipHost = host;
    tip.textContent = text;
    tip.hidden = false;
    host.setAttribute("aria-describedby", "edition-tip");
    placeTip(host);
  }
  function hideTip() {
    if (!tip || tip.hidden) return;
    tip.hidden = true;
    if (tipHost) tipHost.removeAttribute("aria-describedby");
    tipHost = null;
  }
  document.addEventListener("mouseover", function (event) {
    if (tip && (event.target === tip)) return;
    var host = tipHostOf(event.target);
    if (host) { if (host !== tipHost) showTip(host); }
    else if (tipHost && !tipHost.contains(document.activeElement)) hideTip();
  });
  document.addEventListener("focusin", function (event) {
    var host = tipHostOf(event.target);
    if (host) showTip(host); else hideTip();
  });
  document.addEventListener("focusout", function (event) {
    if (tipHost && !tipHost.contains(event.relatedTarget)) hideTip();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") hideTip();
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
    var tipped = tipHostOf(target);
    if (tipped) showTip(tipped);
  });

  /* ---- search: the true count of a long result list ---------------------------------------- */
  // Past its limit, the search worker (assets/search/pagefind-worker.js) lists the first results,
  // then a line giving the total ("102 matching pages, 9 listed: …", leading to the search help);
  // Material counts the items it was given, so its line above the list would say "10 matching
  // documents". It says what the worker's line says instead.
  var searchList = document.querySelector(".md-search-result__list");
  var searchMeta = document.querySelector(".md-search-result__meta");
  if (searchList && searchMeta && window.MutationObserver) {
    new MutationObserver(function () {
      var last = searchList.lastElementChild;
      var link = last && last.querySelector("a[href*='#searching-the-edition']");
      var title = link && link.querySelector("h1, h2");
      var count = title && /^\d[\d,]* matching pages, \d+ listed/.test(title.textContent) && title.textContent.split(":")[0];
      if (count && searchMeta.textContent !== count) searchMeta.textContent = count;
    }).observe(searchList, { childList: true });
  }

  /* ---- a table wider than the screen scrolls sideways: the keyboard reaches it too -------------
     (Material wraps tables in a scrolling box; one that scrolls needs focus to be scrolled by
     keys, WCAG 2.1.1). Read once the page has loaded, when its layout costs nothing more. */
  window.addEventListener("load", function () {
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Table (scrolls sideways)");
      }
    }
  });

  /* ---- search: Pagefind loads when the reader opens the search box, not with the page ---------- */
  var warmed = false;
  function warmSearch() {
    if (warmed || typeof BroadcastChannel === "undefined") return;
    warmed = true;
    try { new BroadcastChannel("edition-search").postMessage("open"); } catch (e) { /* the first query loads it */ }
  }
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches(".md-search__input")) warmSearch();
  });
  document.addEventListener("pointerdown", function (event) {
    if (event.target.closest && event.target.closest("label[for='__search'], .md-search")) warmSearch();
  }, true);

  /* ---- a memo's appendices (Named in this document, Acronyms used) are made when opened ------ */
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.open || !details.matches || !details.matches("details.memo-apparatus")) return;
    var body = details.querySelector(":scope > template");
    if (body) details.replaceChild(body.content, body);
  }, true);

  /* ---- the metadata card: written folded (a phone's default); on a wide screen the stylesheet
     draws it open from the first paint and it is opened here (nothing moves); it opens to print -- */
  var card = document.querySelector("details.memo-card");
  if (card) {
    if (window.matchMedia && window.matchMedia("(min-width: 45em)").matches) card.setAttribute("open", "");
    card.setAttribute("data-ready", "");  /* on the card, not <html>: only the card is restyled */
  }
  window.addEventListener("beforeprint", function () { if (card) card.setAttribute("open", ""); });
})();
