// The list pattern's small behaviours: "select all" in a table, and the type-ahead pickers.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) { return; }
    var table = all.closest("table");
    table.querySelectorAll("tbody input[type=checkbox]").forEach(function (box) { box.checked = all.checked; });
  });

  function close(picker) {
    var results = picker.querySelector(".picker-results");
    results.innerHTML = "";
    picker.querySelector("[data-picker-search]").setAttribute("aria-expanded", "false");
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-picker] [data-value]");
    if (option) {
      var picker = option.closest("[data-picker]");
      picker.querySelector("[data-picker-value]").value = option.dataset.value;
      picker.querySelector("[data-picker-search]").value = option.dataset.label;
      close(picker);
      return;
    }
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      if (!picker.contains(event.target)) { close(picker); }
    });
  });

  document.addEventListener("input", function (event) {
    var search = event.target.closest("[data-picker-search]");
    if (!search) { return; }
    var picker = search.closest("[data-picker]");
    // Typing replaces the choice: the value is what is picked, or the text itself where free text is allowed.
    picker.querySelector("[data-picker-value]").value = picker.hasAttribute("data-picker-free") ? search.value.trim() : "";
    search.setAttribute("aria-expanded", "true");
  });
})();
