// Assistance: the "Réponses enregistrées" menu of an action's editor. The page renders the responses in the
// select of its fallback ([data-saved-responses]), each with its text already filled for the ticket by the
// server (data-text, sanitised HTML). Choosing one inserts it at the cursor. Without this file, or where the
// editor did not load, the select and its "Insérer" button stay and work through the server.
(function () {
  "use strict";

  var count = 0;

  function setUp(editor) {
    var form = editor.closest("form");
    var source = form && form.querySelector("[data-saved-responses]");
    if (!source || source.dataset.savedResponses !== editor.id || editor.dataset.savedResponsesReady) {
      return;
    }
    var toolbar = editor.toolbarElement;
    var row = toolbar && toolbar.querySelector(".trix-button-row");
    if (!row || !editor.editor) {
      return;
    }
    editor.dataset.savedResponsesReady = "1";
    count += 1;
    var listId = "saved-responses-menu-" + count;
    var lastRange = editor.editor.getSelectedRange();
    editor.addEventListener("trix-selection-change", function () {
      if (document.activeElement === editor) {
        lastRange = editor.editor.getSelectedRange();
      }
    });

    var group = document.createElement("span");
    group.className = "saved-responses-menu";
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "saved-responses-toggle";
    toggle.textContent = source.dataset.menuLabel;
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", listId);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "saved-responses-list";
    list.hidden = true;

    function close(refocus) {
      list.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      if (refocus) {
        toggle.focus();
      }
    }

    function insert(html) {
      close(false);
      editor.focus();
      editor.editor.setSelectedRange(lastRange);
      editor.editor.insertHTML(html);
      lastRange = editor.editor.getSelectedRange();
    }

    source.querySelectorAll("option").forEach(function (option) {
      var item = document.createElement("li");
      var choice = document.createElement("button");
      choice.type = "button";
      choice.textContent = option.textContent;
      choice.addEventListener("click", function () {
        insert(option.dataset.text);
      });
      item.appendChild(choice);
      list.appendChild(item);
    });

    toggle.addEventListener("click", function () {
      var opening = list.hidden;
      list.hidden = !opening;
      toggle.setAttribute("aria-expanded", opening ? "true" : "false");
      if (opening) {
        list.querySelector("button").focus();
      }
    });
    group.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close(true);
      }
    });
    group.addEventListener("focusout", function (event) {
      if (!group.contains(event.relatedTarget)) {
        close(false);
      }
    });

    group.appendChild(toggle);
    group.appendChild(list);
    // Beside the row of buttons, not in it: the row scrolls sideways and would clip the list.
    toolbar.appendChild(group);
    source.hidden = true;
  }

  document.addEventListener("trix-initialize", function (event) {
    setUp(event.target);
  });
  // Editors set up before this file ran.
  document.querySelectorAll("trix-editor").forEach(function (editor) {
    if (editor.editor) {
      setUp(editor);
    }
  });
})();
