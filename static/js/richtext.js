// Assistance: turns every <textarea data-rich-text> into a Trix editor (bold, italic, lists, links,
// quotes, code). Without JavaScript, or if Trix did not load, the plain textarea stays and works.
(function () {
  "use strict";

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function asHtml(value) {
    // A plain-text value (typed without the editor, sent back after an error) keeps its line breaks.
    if (!value || /<[a-z][\s\S]*>/i.test(value)) {
      return value;
    }
    return escapeHtml(value).replace(/\r?\n/g, "<br>");
  }

  function enhance(textarea) {
    if (textarea.dataset.richTextReady) {
      return;
    }
    textarea.dataset.richTextReady = "1";
    var id = textarea.id || "rich-text-" + Math.random().toString(36).slice(2);
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = textarea.name;
    hidden.id = id + "-value";
    hidden.value = asHtml(textarea.value);
    var editor = document.createElement("trix-editor");
    editor.setAttribute("input", hidden.id);
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      label.id = label.id || id + "-label";
      editor.setAttribute("aria-labelledby", label.id);
    }
    if (textarea.getAttribute("aria-describedby")) {
      editor.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    }
    editor.className = "rich-text-editor";
    textarea.removeAttribute("name");
    // A hidden required field would silently stop the form; the server still checks the text.
    textarea.required = false;
    textarea.hidden = true;
    textarea.id = id + "-source";
    if (label) {
      label.htmlFor = id;
    }
    editor.id = id;
    textarea.insertAdjacentElement("afterend", hidden);
    hidden.insertAdjacentElement("afterend", editor);
  }

  function enhanceAll(root) {
    if (!window.customElements || !window.customElements.get("trix-editor")) {
      return;
    }
    (root || document).querySelectorAll("textarea[data-rich-text]").forEach(enhance);
  }

  // Trix defines its element once the page has loaded; until then (or if it never loads) the textarea stays.
  if (window.customElements) {
    window.customElements.whenDefined("trix-editor").then(function () {
      enhanceAll(document);
    });
  }
  // Forms swapped in by htmx get their editors too.
  document.addEventListener("htmx:afterSettle", function (event) {
    enhanceAll(event.target);
  });
  // Files go in the form's file field, never inside the text.
  document.addEventListener("trix-file-accept", function (event) {
    event.preventDefault();
    var form = event.target.closest("form");
    if (form && event.file) {
      form.dispatchEvent(new CustomEvent("assistance:add-files", { detail: [event.file] }));
    }
  });
})();
