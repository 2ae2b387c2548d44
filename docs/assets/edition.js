/* Copy a paragraph's citation: the edition's only script of its own. Runs offline too.
   The clipboard API can hang or be refused (file:// pages, no permission), so it gets a short
   time limit, then the classic copy command, then a prompt the reader can copy from. */
(function () {
  function citation(button) {
    var card = document.querySelector(".memo-card");
    var base = (card && card.getAttribute("data-citation")) || document.title;
    var para = button.getAttribute("data-para");
    return base + ", para. " + para + ", " + location.href.split("#")[0] + "#p" + para;
  }
  function copyWithCommand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  function copied(button, text) {
    button.textContent = "copied";
    button.title = "Copied: " + text;
    setTimeout(function () { button.textContent = "cite"; }, 1500);
  }
  function fallback(button, text) {
    if (copyWithCommand(text)) copied(button, text);
    else window.prompt("Copy this citation:", text);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".para-cite");
    if (!button) return;
    var text = citation(button);
    if (!(navigator.clipboard && window.isSecureContext)) return fallback(button, text);
    var settled = false;
    var timer = setTimeout(function () { if (!settled) { settled = true; fallback(button, text); } }, 800);
    navigator.clipboard.writeText(text).then(function () {
      if (!settled) { settled = true; clearTimeout(timer); copied(button, text); }
    }, function () {
      if (!settled) { settled = true; clearTimeout(timer); fallback(button, text); }
    });
  });
})();
