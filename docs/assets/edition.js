/* Copy a paragraph's citation: the edition's only script of its own. Runs offline. */
(function () {
  function citation(button) {
    var card = document.querySelector(".memo-card");
    var base = (card && card.getAttribute("data-citation")) || document.title;
    var para = button.getAttribute("data-para");
    var url = location.href.split("#")[0] + "#p" + para;
    return base + ", para. " + para + ", " + url;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".para-cite");
    if (!button) return;
    var text = citation(button);
    var done = function () { button.textContent = "copied"; setTimeout(function () { button.textContent = "cite"; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { window.prompt("Copy this citation:", text); });
    } else {
      window.prompt("Copy this citation:", text);
    }
  });
})();
