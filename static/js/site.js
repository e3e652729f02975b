// Small enhancements for every page. Pages allow no inline scripts (see scheduler/security).
"use strict";

document.addEventListener("click", (event) => {
  const field = event.target.closest("input[data-select-on-click]");
  if (field) field.select();
});
