// Lists (templates/claims/_filters.html, list.html). Everything here only improves what already works without it.
// - The filter bar is a <details> rendered open: on a narrow screen it folds into its one summary line.
// - "Select all on this page" checks every row's box (without JavaScript the server reads it as every row of the
//   page); unchecking one row unchecks it, so what is posted is what is shown.
(() => {
  const narrow = window.matchMedia("(max-width: 767.98px)");
  document.addEventListener("DOMContentLoaded", () => {
    if (narrow.matches) document.querySelectorAll("details[data-fold-narrow]").forEach((bar) => (bar.open = false));
  });
  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-select-all]");
    if (all) {
      document.querySelectorAll(`[data-select="${all.dataset.selectAll}"]`).forEach((box) => (box.checked = all.checked));
      return;
    }
    const one = event.target.closest("[data-select]");
    if (one) {
      const boxes = [...document.querySelectorAll(`[data-select="${one.dataset.select}"]`)];
      const header = document.querySelector(`[data-select-all="${one.dataset.select}"]`);
      if (header) header.checked = boxes.every((box) => box.checked);
    }
  });
})();
