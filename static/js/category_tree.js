// A service's categories: drag a category onto another to move it (upper quarter: before it, lower quarter:
// after it, in between: inside it). The drop posts the same move as the "Déplacer" form, which works
// without this file, as do the "Monter" and "Descendre" buttons.
(function () {
  "use strict";
  var dragged = null;
  var MARKS = ["drop-before", "drop-after", "drop-into"];

  function rowOf(element) {
    return element && element.closest ? element.closest("[data-drag-row]") : null;
  }

  function itemOf(row) {
    return row.closest("li[data-category]");
  }

  function placeFor(row, event) {
    var box = row.getBoundingClientRect();
    var offset = (event.clientY - box.top) / Math.max(box.height, 1);
    if (offset < 0.25) {
      return "before";
    }
    return offset > 0.75 ? "after" : "into";
  }

  function clearMarks(tree) {
    tree.querySelectorAll("[data-drag-row]").forEach(function (row) {
      row.classList.remove.apply(row.classList, MARKS);
    });
  }

  function allowed(row) {
    // Never onto itself nor into its own branch.
    return dragged !== null && !dragged.contains(row);
  }

  function postMove(item, where) {
    var token = item.querySelector("input[name=csrfmiddlewaretoken]");
    var form = document.createElement("form");
    form.method = "post";
    form.action = item.getAttribute("data-move-url");
    [["csrfmiddlewaretoken", token ? token.value : ""], ["where", where]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function setUp(tree) {
    tree.classList.add("drag-ready");
    tree.querySelectorAll("[data-drag-row]").forEach(function (row) {
      row.setAttribute("draggable", "true");
    });
    tree.addEventListener("dragstart", function (event) {
      var row = rowOf(event.target);
      if (!row) {
        return;
      }
      dragged = itemOf(row);
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.getAttribute("data-category"));
    });
    tree.addEventListener("dragover", function (event) {
      var row = rowOf(event.target);
      if (!row || !allowed(row)) {
        return;
      }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      clearMarks(tree);
      row.classList.add("drop-" + placeFor(row, event));
    });
    tree.addEventListener("dragleave", function (event) {
      var row = rowOf(event.target);
      if (row && !row.contains(event.relatedTarget)) {
        row.classList.remove.apply(row.classList, MARKS);
      }
    });
    tree.addEventListener("drop", function (event) {
      var row = rowOf(event.target);
      clearMarks(tree);
      if (!row || !allowed(row)) {
        return;
      }
      event.preventDefault();
      var target = itemOf(row).getAttribute("data-category");
      postMove(dragged, placeFor(row, event) + "-" + target);
      dragged = null;
    });
    tree.addEventListener("dragend", function () {
      dragged = null;
      clearMarks(tree);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-category-admin-tree]").forEach(setUp);
  });
})();
