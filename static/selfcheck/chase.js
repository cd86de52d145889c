// Copy a class's reminder to the clipboard; print the chase sheet.
(function () {
  "use strict";
  function copied(button, text) {
    var note = button.parentNode.querySelector(".copied");
    if (note) { note.textContent = text; }
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var area = document.getElementById(button.getAttribute("data-copy"));
      if (!area) { return; }
      var done = button.getAttribute("data-done") || "✓";
      area.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(area.value).then(function () { copied(button, done); },
          function () { document.execCommand("copy"); copied(button, done); });
      } else {
        document.execCommand("copy");
        copied(button, done);
      }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
