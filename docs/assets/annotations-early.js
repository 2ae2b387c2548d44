/* Applies the reader's stored settings before the page is drawn (loaded in <head>): the annotation
   level and source-readings choice (so marks never flash in and out), and, on a phone, the
   metadata card folded. The card is written open (the whole record without script, on a wide
   screen, in print); folding it after the page was drawn moved the text ~500 px up (a layout
   shift of 0.36), so it is folded as the parser inserts it, before the first paint: a mutation
   observer's callback runs as a microtask, before the browser may render. edition.js runs the
   controls. */
(function () {
  var root = document.documentElement;
  var level = null, readings = null;
  try {
    level = window.localStorage.getItem("edition.annotations");
    readings = window.localStorage.getItem("edition.sourceReadings");
  } catch (e) { level = null; readings = null; }
  if (level === "all" || level === "none" || level === "essential") {
    root.setAttribute("data-annotations", level);
  }
  if (readings === "hidden" || readings === "shown") {
    root.setAttribute("data-source-readings", readings);
  }
  /* The phone breakpoint of edition.css and Material (44.9375em). */
  if (!(window.matchMedia && window.MutationObserver && window.matchMedia("(max-width: 44.9375em)").matches)) return;
  var observer = new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      var added = records[i].addedNodes;
      for (var j = 0; j < added.length; j++) {
        var node = added[j];  /* the parser inserts the card itself, before its contents */
        if (node.nodeType === 1 && node.matches("details.memo-card")) {
          node.removeAttribute("open");
          observer.disconnect();
          return;
        }
      }
    }
  });
  observer.observe(root, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { observer.disconnect(); });
})();
