// Small progressive enhancements; every page works without this file.
document.addEventListener("change", (event) => {
  // Selects marked data-autosubmit submit their form (filters on list pages).
  if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
});
document.addEventListener("click", (event) => {
  // Buttons marked data-confirm ask first (archive, revoke, delete).
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
// Rows of a form that grow and shrink (an origin document's lines): fields are named <prefix><n>_<name>, and the
// server reads as many rows as were posted. The "Add" button is hidden until this file runs.
function showRowButtons(root) {
  root.querySelectorAll("[data-add-row][hidden]").forEach((button) => (button.hidden = false));
}
document.addEventListener("DOMContentLoaded", () => showRowButtons(document));
document.addEventListener("htmx:load", (event) => showRowButtons(event.detail.elt));
document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add-row]");
  if (add) {
    const body = document.getElementById(add.dataset.addRow);
    const last = body.rows[body.rows.length - 1];
    const row = last.cloneNode(true);
    const next = 1 + Math.max(...[...body.querySelectorAll("[name]")].map((f) => Number((f.name.match(/\d+/) || [0])[0])));
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((field) => {
      for (const attribute of ["name", "id", "for", "aria-describedby"]) {
        const value = field.getAttribute(attribute);
        if (value) field.setAttribute(attribute, value.replace(/line\d+_/, `line${next}_`));
      }
      if ("value" in field && field.tagName !== "BUTTON") field.value = "";
      field.classList.remove("is-invalid");
    });
    row.querySelectorAll(".invalid-feedback").forEach((error) => error.remove());
    body.appendChild(row);
    row.querySelector("input")?.focus();
    return;
  }
  const remove = event.target.closest("[data-remove-row]");
  if (remove) {
    const row = remove.closest("tr");
    if (row.parentElement.rows.length > 1) row.remove();
    else row.querySelectorAll("input").forEach((field) => (field.value = ""));
  }
});
