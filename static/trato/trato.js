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
