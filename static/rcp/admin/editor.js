/* The profile editor: the live check of a pasted list of countries.
   Without JavaScript the list is checked on Save, with the same preview (rendered by the
   server, rcp/admin/countries.py); here it is checked as the editor types, and the rows of
   countries already listed are marked too. */
(function () {
  "use strict";

  function setUp(box) {
    var form = box.closest("form");
    var list = box.querySelector("textarea");
    if (!form || !list) return;
    var prefix = list.name.replace(/-countries$/, "");
    var preview = box.querySelector(".add-countries__preview");
    var button = box.querySelector(".add-countries__check");
    var timer = null;
    var sent = 0;

    var summary = box.querySelector(".add-countries__summary");

    // One line for screen readers, not the whole table again after each pause in typing.
    function announce() {
      if (!summary) return;
      var caption = preview.querySelector("caption");
      var problems = preview.querySelectorAll(".country-preview__problem, .errorlist li").length;
      summary.textContent = (caption ? caption.textContent : "") +
        (problems ? " " + (box.dataset.problemsNote || "") + " " + problems + "." : "");
    }

    function markListedRows() {
      var codes = {};
      preview.querySelectorAll("tr.country-preview__problem[data-country]").forEach(function (row) {
        if (row.dataset.country) codes[row.dataset.country] = true;
      });
      form.querySelectorAll(".country-rows tr[data-country]").forEach(function (row) {
        var listed = Boolean(codes[row.dataset.country]);
        var note = row.querySelector(".duplicate-note");
        row.classList.toggle("is-duplicate", listed);
        // Said in words too, not by the colour alone.
        if (listed && !note) {
          note = document.createElement("strong");
          note.className = "duplicate-note";
          note.textContent = " " + (box.dataset.duplicateNote || "");
          row.querySelector("th").appendChild(note);
        } else if (!listed && note) {
          note.remove();
        }
      });
    }

    function check() {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      data.append("prefix", prefix.replace(/-add$/, ""));
      ["countries", "role", "group", "new_group"].forEach(function (name) {
        var field = form.querySelector("[name='" + prefix + "-" + name + "']");
        if (field) data.append(field.name, field.value);
      });
      preview.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
        data.append(box.name, box.value);
      });
      var number = ++sent;
      fetch(box.dataset.checkUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) {
          if (number !== sent) return; // an answer to an older version of the list
          // The markup is the server's, escaped there (country_preview.html).
          var focused = preview.contains(document.activeElement) ? document.activeElement : null;
          var focusedValue = focused && focused.value;
          preview.innerHTML = html;
          markListedRows();
          announce();
          if (focused) {
            // A box the editor just ticked keeps the focus once the list is read again.
            preview.querySelectorAll("input[type=checkbox]").forEach(function (input) {
              if (input.value === focusedValue) input.focus();
            });
          }
        })
        .catch(function () {
          if (number === sent) {
            preview.textContent = box.dataset.checkFailed || "";
          }
        });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    }

    list.addEventListener("input", later);
    preview.addEventListener("change", later);
    if (button) {
      button.hidden = false;
      button.addEventListener("click", check);
    }
    if (list.value.trim()) markListedRows();
  }

  /* A box in each group's heading ticks or unticks all of the group's countries. */
  function setUpGroupTicks(table) {
    table.querySelectorAll("label.select-group").forEach(function (label) {
      var box = label.querySelector("input");
      var rows = table.querySelectorAll("tr[data-group='" + box.dataset.group + "'] td:first-child input");
      label.hidden = false;
      box.addEventListener("change", function () {
        rows.forEach(function (row) { row.checked = box.checked; });
      });
    });
  }

  /* The admin's autocompletes (select2) show a combobox named by its current value only, or by
     nothing: name it by the field's label (or its column's, given as aria-label) as well. */
  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var box = container && container.querySelector("[role=combobox]");
      if (!box || !select.id) return;
      var label = document.querySelector("label[for='" + select.id + "']");
      var names = [];
      if (label) {
        label.id = label.id || select.id + "_label";
        names.push(label.id);
      } else if (select.getAttribute("aria-label")) {
        var name = document.createElement("span");
        name.hidden = true;
        name.id = select.id + "_name";
        name.textContent = select.getAttribute("aria-label");
        container.appendChild(name);
        names.push(name.id);
      }
      var value = box.getAttribute("aria-labelledby");
      if (!names.length) return;
      box.setAttribute("aria-labelledby", value ? names.concat([value]).join(" ") : names[0]);
      container.querySelectorAll(".select2-search__field, [role=textbox]").forEach(function (field) {
        field.setAttribute("aria-labelledby", names[0]);
      });
    });
  }

  // After the admin's autocomplete.js has set select2 up: jQuery runs its ready handlers, late
  // (asynchronously), in the order they were given, and this file comes after that one.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(function () { nameComboboxes(document); });
  }
  document.addEventListener("formset:added", function (event) {
    setTimeout(function () { nameComboboxes(event.target); }, 0);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".add-countries[data-check-url]").forEach(setUp);
    document.querySelectorAll("table.country-rows").forEach(setUpGroupTicks);
  });
})();
