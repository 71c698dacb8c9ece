// A form refused by a view that redirects (web/refusals.py `refuse`) comes back as it was typed:
// its values, kept for one page, are put back into the form that posts to the same address.
(function () {
  "use strict";
  const data = document.getElementById("kept-input");
  if (!data) return;
  const kept = JSON.parse(data.textContent);
  for (const form of document.querySelectorAll("form[method=post], form[method=POST]")) {
    if (new URL(form.action, document.baseURI).pathname !== kept.action) continue;
    for (const [name, values] of Object.entries(kept.values)) {
      for (const field of form.querySelectorAll("[name]")) {
        if (field.name !== name || field.type === "hidden" || field.type === "file") continue;
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = values.includes(field.value);
        } else if (field.tagName === "SELECT") {
          for (const option of field.options) option.selected = values.includes(option.value);
        } else if (values.length) {
          field.value = values[0];
        }
      }
    }
  }
})();
