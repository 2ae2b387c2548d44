/* Applies the reader's stored annotation level before the page is drawn (loaded in <head>,
   so marks never flash in and out). edition.js runs the control itself. */
(function () {
  var level = null;
  try { level = window.localStorage.getItem("edition.annotations"); } catch (e) { level = null; }
  if (level === "all" || level === "none" || level === "essential") {
    document.documentElement.setAttribute("data-annotations", level);
  }
})();
