/* Roster import pages: follow a running import's progress, and keep the confirm button
   disabled while rows are invalid until "import only valid rows" is ticked. No libraries. */
(function () {
  "use strict";

  var box = document.querySelector("[data-progress-url]");
  if (box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector(".progress > div");
    var meter = box.querySelector(".progress");
    var label = box.querySelector("[data-progress-label]");
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (data) {
          bar.style.width = data.progress + "%";
          meter.setAttribute("aria-valuenow", data.progress);
          label.textContent = data.state_label + " " + data.progress + "%";
          if (data.done) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 700);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 400);
  }

  var validOnly = document.querySelector("[data-valid-only]");
  var confirm = document.querySelector("[data-confirm][data-needs-valid-only]");
  if (validOnly && confirm) {
    var sync = function () { confirm.disabled = !validOnly.checked; };
    validOnly.addEventListener("change", sync);
    sync();
  }
})();
