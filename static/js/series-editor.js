// The series editor's live preview: as you type, the form's fields go to the preview
// endpoint (debounced) and its HTML fragment replaces the preview. Without JavaScript the
// "Preview" button renders the same fragment in the page.
"use strict";

(() => {
  const form = document.getElementById("series-form");
  const section = document.getElementById("preview");
  const body = document.getElementById("preview-body");
  if (!form || !section || !body) return;
  const url = section.getAttribute("data-preview-url");
  let timer = null;
  let latest = 0;

  const query = () => {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrf_token" && typeof value === "string") params.append(name, value);
    }
    return params.toString();
  };

  const refresh = async () => {
    const ticket = ++latest;
    section.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`${url}?${query()}`, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (ticket !== latest) return;
      if (response.ok) body.innerHTML = await response.text();
    } catch (error) {
      // offline or refused: the Preview button still works
    } finally {
      if (ticket === latest) section.removeAttribute("aria-busy");
    }
  };

  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  };

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  refresh();
})();
