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
