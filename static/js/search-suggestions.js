// Assistance: similar tickets and FAQ entries under the deposit's subject, fetched by htmx while the subject
// is typed (debounced), into a polite live region. Without JavaScript, the link under the field opens the
// search; with it, the link searches for what was typed.
(function () {
  "use strict";

  function setUp() {
    var box = document.querySelector("[data-suggestions-for]");
    if (!box || !window.htmx) {
      return;
    }
    var input = document.getElementById(box.dataset.suggestionsFor);
    var link = box.querySelector("a");
    if (!input) {
      return;
    }
    input.setAttribute("hx-get", box.dataset.suggestionsUrl);
    input.setAttribute("hx-trigger", "input changed delay:300ms, search");
    input.setAttribute("hx-target", "#subject-suggestions");
    input.setAttribute("hx-swap", "innerHTML");
    input.setAttribute("hx-sync", "this:replace");
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " subject-suggestions").trim());
    window.htmx.process(input);
    if (link) {
      var base = link.getAttribute("href");
      input.addEventListener("input", function () {
        link.setAttribute("href", base + "?q=" + encodeURIComponent(input.value.trim()));
      });
    }
  }

  // Deferred scripts run before DOMContentLoaded, this one before htmx (it comes first in the page).
  if (document.readyState === "complete") {
    setUp();
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
