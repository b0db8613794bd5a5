// Assistance: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Moves focus to the first field in error, so keyboard and screen-reader users land on it.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (invalid) {
      invalid.focus();
    }
  });
})();

// The ticket page's forms post through htmx when it is there. A refused action (400, 403, 409) answers with
// the action's form, the reason and the typed text: it is shown in place like any other answer.
(function () {
  "use strict";
  var SHOWN_ERRORS = [400, 403, 409];
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "content" && SHOWN_ERRORS.indexOf(event.detail.xhr.status) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // After a swap the focus would be lost on the removed element: put it on the first field in error,
  // else on the main content, where the message of the action is read first.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    var content = document.getElementById("content");
    // The swap replaced the element targeted: the one now in the page carries the same id.
    if (!content || !target || target.id !== "content") {
      return;
    }
    var invalid = content.querySelector(".has-error input, .has-error select, .has-error textarea");
    (invalid || content).focus();
  });
})();

// "Imprimer" buttons ([data-print]) print the page; they stay hidden where this file does not run.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
