// Small enhancements for every page. Pages allow no inline scripts (see scheduler/security).
"use strict";

document.addEventListener("click", (event) => {
  const field = event.target.closest("[data-select-on-click]");
  if (field) field.select();
});

// Ready posts to share (event pages): a copy button beside each text, shown only with JS.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(field.value).then(() => {
      button.dataset.copied = "1";
    });
  });
}
