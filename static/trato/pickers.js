// Searching pickers (trato/core/pickers.py): a select[data-picker] becomes a Tom Select that asks its URL for
// choices as the user types. Without this file the select still holds its chosen option and the form still works.
(() => {
  "use strict";

  function forwarded(select) {
    const params = new URLSearchParams();
    for (const name of (select.dataset.pickerForward || "").split(" ").filter(Boolean)) {
      const field = select.form && select.form.elements.namedItem(name);
      if (field) params.set(name, field.value);
    }
    return params;
  }

  function choices(select, query, callback) {
    const params = forwarded(select);
    params.set("q", query);
    fetch(`${select.dataset.picker}?${params}`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((data) => callback(data.results))
      .catch(() => callback());
  }

  function setUp(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    const preload = select.dataset.pickerPreload === "true";
    new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      score: () => () => 1, // the server has searched: every choice it sends is shown, in its order
      preload: preload ? "focus" : false,
      loadThrottle: 250,
      maxOptions: null,
      hidePlaceholder: true,
      placeholder: select.dataset.pickerPlaceholder || "",
      plugins: select.multiple ? ["remove_button"] : [],
      shouldLoad: (query) => preload || query.trim().length >= 2,
      load(query, callback) {
        this.clearOptions(); // the previous search's choices are not this one's
        choices(select, query, callback);
      },
      render: {
        option: (item, escape) =>
          `<div>${escape(item.text)}${item.detail ? `<small class="d-block text-body-secondary">${escape(item.detail)}</small>` : ""}</div>`,
        no_results: (data, escape) => `<div class="no-results">${escape(select.dataset.pickerEmpty || "")}</div>`,
      },
    });
    // Tom Select points the field's label at its own box; the select it keeps (hidden, still read by screen
    // readers) is named by the same label, or it would be a control without a name.
    const label = document.getElementById(`${select.id}-ts-label`);
    if (label) select.setAttribute("aria-labelledby", label.id);
  }

  // A picker narrowed by another field (a partner's contacts) starts again when that field changes.
  document.addEventListener("change", (event) => {
    const field = event.target;
    if (!field.form || !field.name) return;
    for (const select of field.form.querySelectorAll("select[data-picker-forward]")) {
      if (select === field || !select.tomselect) continue;
      if (!select.dataset.pickerForward.split(" ").includes(field.name)) continue;
      select.tomselect.clear();
      select.tomselect.clearOptions();
      select.tomselect.loadedSearches = {};
    }
  });

  function setUpIn(root) {
    root.querySelectorAll("select[data-picker]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", () => setUpIn(document));
  document.addEventListener("htmx:load", (event) => setUpIn(event.detail.elt));
})();
