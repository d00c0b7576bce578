/* The profile editor: each text in English, French and Spanish (rcp/admin/translations.py).
   The form lists every language's input, one under the other; here the inputs of one text
   become tabs (English, Français, Español, each saying whether it is still to translate), or,
   at the editor's choice, stand side by side. The choice is remembered in this browser. Without
   JavaScript, every input stays in view. */
(function () {
  "use strict";

  var STORAGE_KEY = "rcp-translations-layout";
  var groups = [];

  function rememberedLayout() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) === "side" ? "side" : "tabs";
    } catch (error) {
      return "tabs";
    }
  }

  function remember(layout) {
    try {
      window.localStorage.setItem(STORAGE_KEY, layout);
    } catch (error) {
      /* private browsing: the choice lasts for this page only */
    }
  }

  function collect(section) {
    var byName = {};
    var order = [];
    var names = JSON.parse(document.getElementById("language-names").textContent);
    section.querySelectorAll("input[lang], textarea[lang]").forEach(function (input) {
      var row = input.closest(".form-row");
      var name = input.name.replace(/_[a-z]{2}$/, "");
      if (!row || !names[input.lang] || name === input.name) return;
      if (!byName[name]) {
        byName[name] = [];
        order.push(name);
      }
      byName[name].push({ row: row, input: input, language: input.lang, name: names[input.lang] });
    });
    return order.map(function (name) { return { name: name, panels: byName[name] }; });
  }

  function build(group, switchBox, index) {
    var first = group.panels[0];
    var box = document.createElement("div");
    box.className = "translations";
    first.row.parentNode.insertBefore(box, first.row);
    var list = document.createElement("div");
    list.className = "translations__tabs";
    list.setAttribute("role", "tablist");
    var label = document.querySelector("label[for='" + first.input.id + "']");
    var field = label ? label.textContent.replace(/\s*\(.*$/, "").replace(/:$/, "") : group.name;
    list.setAttribute("aria-label", (switchBox.dataset.tabsLabel || "%(field)s").replace("%(field)s", field));
    box.appendChild(list);
    group.box = box;
    group.tabs = [];
    group.panels.forEach(function (panel, number) {
      var tab = document.createElement("button");
      tab.type = "button";
      tab.className = "translations__tab";
      tab.id = "translations-" + index + "-tab-" + number;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.row.id || (panel.row.id = "translations-" + index + "-panel-" + number));
      panel.row.setAttribute("role", "tabpanel");
      panel.row.setAttribute("aria-labelledby", tab.id);
      panel.row.classList.add("translations__panel");
      tab.addEventListener("click", function () { select(group, number, true); });
      tab.addEventListener("keydown", function (event) {
        var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        event.preventDefault();
        select(group, (number + step + group.panels.length) % group.panels.length, true);
      });
      panel.input.addEventListener("input", function () { describe(group, switchBox); });
      list.appendChild(tab);
      box.appendChild(panel.row);
      group.tabs.push(tab);
    });
    describe(group, switchBox);
    var withError = group.panels.findIndex(function (panel) {
      return panel.row.querySelector(".errorlist, .errors");
    });
    select(group, withError < 0 ? 0 : withError, false);
  }

  /* Each tab's name, and whether its text is still to translate (English written, not this). */
  function describe(group, switchBox) {
    var english = group.panels[0].input.value.trim();
    group.panels.forEach(function (panel, number) {
      var missing = number > 0 && english && !panel.input.value.trim();
      group.tabs[number].textContent = panel.name + (missing ? " · " + (switchBox.dataset.toTranslate || "") : "");
      group.tabs[number].classList.toggle("translations__tab--missing", Boolean(missing));
    });
  }

  function select(group, chosen, focus) {
    group.selected = chosen;
    var side = group.box.classList.contains("translations--side");
    group.tabs.forEach(function (tab, number) {
      var on = number === chosen;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      group.panels[number].row.hidden = !side && !on;
    });
    if (focus) group.tabs[chosen].focus();
  }

  function setLayout(layout, switchBox) {
    switchBox.querySelectorAll("button[data-layout]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.dataset.layout === layout ? "true" : "false");
    });
    groups.forEach(function (group) {
      group.box.classList.toggle("translations--side", layout === "side");
      group.panels.forEach(function (panel) {
        if (layout === "side") {
          panel.row.removeAttribute("role");
        } else {
          panel.row.setAttribute("role", "tabpanel");
        }
      });
      select(group, group.selected || 0, false);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("profile-section");
    var switchBox = document.querySelector(".language-switch");
    if (!section || !switchBox) return;
    groups = collect(section);
    if (!groups.length) return;
    groups.forEach(function (group, index) { build(group, switchBox, index); });
    switchBox.hidden = false;
    switchBox.querySelectorAll("button[data-layout]").forEach(function (button) {
      button.addEventListener("click", function () {
        remember(button.dataset.layout);
        setLayout(button.dataset.layout, switchBox);
      });
    });
    setLayout(rememberedLayout(), switchBox);
  });
})();
