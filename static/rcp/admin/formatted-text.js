/* The profile editor: a live preview of formatted text (objectives, secretariat details).
   The server renders the text with the public page's own pipeline and says what the page
   leaves out (rcp/admin/formatted_text.py); here the preview follows the editor's typing,
   a moment after they stop, or at once with the Preview button. Without JavaScript the text
   box works as before and the preview stays hidden. */
(function () {
  "use strict";

  var DELAY_MS = 500;

  function setUp(box) {
    var textarea = box.querySelector("textarea");
    var form = textarea && textarea.form;
    var token = form && form.querySelector("[name=csrfmiddlewaretoken]");
    if (!token) return;
    var preview = box.querySelector(".formatted-text__preview");
    var result = box.querySelector(".formatted-text__result");
    var warnings = box.querySelector(".formatted-text__warnings");
    var output = box.querySelector(".formatted-text__output");
    var button = box.querySelector(".formatted-text__button");
    var timer = null;
    var sent = 0;
    var shown = null;

    // notes: [kind, text] pairs, kind "error" (stops a save) or "warning" (left out).
    function showNotes(notes) {
      warnings.replaceChildren();
      notes.forEach(function (note) {
        var item = document.createElement("li");
        item.className = "formatted-text__" + note[0];
        item.textContent = note[1];
        warnings.appendChild(item);
      });
      warnings.hidden = notes.length === 0;
    }

    function tagged(kind, texts) {
      return (texts || []).map(function (text) { return [kind, text]; });
    }

    function show(data) {
      showNotes(tagged("error", data.errors).concat(tagged("warning", data.warnings)));
      if (data.html) {
        // Sanitised by the server (nh3), exactly as the public page shows it.
        output.innerHTML = data.html;
      } else {
        var paragraph = document.createElement("p");
        paragraph.className = "formatted-text__empty";
        paragraph.textContent = box.dataset.empty;
        output.replaceChildren(paragraph);
      }
    }

    function refresh() {
      clearTimeout(timer);
      var text = textarea.value;
      if (text === shown) return;
      var number = ++sent;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token.value);
      body.append("text", text);
      result.setAttribute("aria-busy", "true");
      fetch(box.dataset.previewUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (answer) {
          if (number !== sent) return; // a later text is on its way
          if (answer.ok) {
            shown = text;
            show(answer.data);
          } else {
            shown = null;
            showNotes([["error", answer.data.error || box.dataset.failed]]);
            output.replaceChildren();
          }
        })
        .catch(function () {
          if (number !== sent) return;
          shown = null;
          showNotes([["error", box.dataset.failed]]);
        })
        .finally(function () {
          if (number === sent) result.removeAttribute("aria-busy");
        });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY_MS);
    });
    button.addEventListener("click", refresh);
    preview.hidden = false;
    refresh();
  }

  function start() {
    document.querySelectorAll(".formatted-text[data-preview-url]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
