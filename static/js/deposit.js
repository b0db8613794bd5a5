// Assistance: depositing a ticket, and the files of the ticket page's actions. Instant filtering of the
// category tree, and files added by dropping them or pasting a screenshot. Without JavaScript the filter
// button and the file fields work.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function filterTree(input, tree, empty) {
    var needle = fold(input.value.trim());
    var shown = 0;
    // Deepest first: a parent stays visible when one of its children matches.
    var items = Array.prototype.slice.call(tree.querySelectorAll("li[data-category-text]")).reverse();
    items.forEach(function (item) {
      var own = !needle || fold(item.dataset.categoryText).indexOf(needle) !== -1;
      var child = item.querySelector(":scope > ul > li:not([hidden])") !== null;
      item.hidden = !(own || child);
      if (!item.hidden) {
        shown += 1;
      }
    });
    if (empty) {
      empty.hidden = shown !== 0;
    }
  }

  function setUpFilter() {
    var form = document.querySelector("[data-category-filter]");
    var tree = document.querySelector("[data-category-tree]");
    if (!form || !tree) {
      return;
    }
    var input = form.querySelector("input[type=search]");
    var empty = document.querySelector("[data-category-empty]");
    input.addEventListener("input", function () {
      filterTree(input, tree, empty);
    });
  }

  function screenshotName(file) {
    if (file.name && file.name !== "image.png" && file.name !== "blob") {
      return file;
    }
    var now = new Date();
    var pad = function (n) { return String(n).padStart(2, "0"); };
    var stamp = now.getFullYear() + pad(now.getMonth() + 1) + pad(now.getDate()) + "-" +
      pad(now.getHours()) + pad(now.getMinutes()) + pad(now.getSeconds());
    var extension = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
    return new File([file], "capture-" + stamp + "." + extension, { type: file.type });
  }

  // A form's files field ([data-files-form]: the deposit, an action of the ticket page): files chosen,
  // dropped on it or pasted join the field's list, each with a button to take it off.
  function setUpFiles(form) {
    if (form.dataset.filesReady || typeof DataTransfer === "undefined") {
      return;
    }
    var input = form.querySelector("input[type=file][name=files]");
    var list = form.querySelector("[data-file-list]");
    var zone = form.querySelector("[data-drop-zone]");
    if (!input || !list || !zone) {
      return;
    }
    form.dataset.filesReady = "1";

    function render() {
      list.querySelectorAll("li[data-new-file]").forEach(function (item) { item.remove(); });
      Array.prototype.forEach.call(input.files, function (file, index) {
        var item = document.createElement("li");
        item.dataset.newFile = "1";
        item.textContent = file.name + " ";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link-button";
        remove.textContent = list.dataset.removeLabel || "Retirer";
        // Several "Retirer" buttons: each says which file it takes off.
        remove.setAttribute("aria-label", remove.textContent + " " + file.name);
        remove.addEventListener("click", function () {
          var kept = new DataTransfer();
          Array.prototype.forEach.call(input.files, function (other, position) {
            if (position !== index) {
              kept.items.add(other);
            }
          });
          input.files = kept.files;
          render();
          input.focus();
        });
        item.appendChild(remove);
        list.appendChild(item);
      });
    }

    function addFiles(files) {
      var all = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (file) { all.items.add(file); });
      Array.prototype.forEach.call(files, function (file) { all.items.add(screenshotName(file)); });
      input.files = all.files;
      render();
    }

    input.addEventListener("change", render);
    form.addEventListener("assistance:add-files", function (event) { addFiles(event.detail); });
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        addFiles(event.dataTransfer.files);
      }
    });
  }

  function setUpAllFiles(root) {
    (root || document).querySelectorAll("[data-files-form]").forEach(setUpFiles);
  }

  // A pasted screenshot goes to the page's files form (the editor hands its own pastes over: richtext.js).
  document.addEventListener("paste", function (event) {
    var form = document.querySelector("[data-files-form][data-files-ready]");
    var files = event.clipboardData ? Array.prototype.filter.call(event.clipboardData.files, function (file) {
      return file.type.indexOf("image/") === 0;
    }) : [];
    if (form && files.length && !event.target.closest("trix-editor")) {
      event.preventDefault();
      form.dispatchEvent(new CustomEvent("assistance:add-files", { detail: files }));
    }
  });
  // Forms swapped in by htmx (an action refused, shown again) get theirs too.
  document.addEventListener("htmx:afterSettle", function (event) {
    setUpAllFiles(event.target);
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpFilter();
    setUpAllFiles(document);
  });
})();
