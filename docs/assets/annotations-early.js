/* Applies the reader's stored annotation level and source-readings choice before the page is
   drawn (loaded in <head>, so marks never flash in and out). edition.js runs the controls. */
(function () {
  var level = null, readings = null;
  try {
    level = window.localStorage.getItem("edition.annotations");
    readings = window.localStorage.getItem("edition.sourceReadings");
  } catch (e) { level = null; readings = null; }
  if (level === "all" || level === "none" || level === "essential") {
    document.documentElement.setAttribute("data-annotations", level);
  }
  if (readings === "hidden" || readings === "shown") {
    document.documentElement.setAttribute("data-source-readings", readings);
  }
})();
