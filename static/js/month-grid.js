// The month grid as a WAI-ARIA grid: one cell in the tab order (roving tabindex), arrow
// keys move between days, Home/End go to the start/end of the week row, PageUp/PageDown
// open the previous/next month, Enter opens the day's agenda. Without this script the grid
// is a plain table of links. Pages allow no inline scripts (see scheduler/security).
"use strict";

(function () {
  function setUp(grid) {
    const rows = Array.from(grid.querySelectorAll("tbody tr"));
    const cells = rows.map((row) => Array.from(row.querySelectorAll("[role=gridcell]")));
    if (!cells.length || !cells[0].length) return;
    grid.querySelectorAll("[role=gridcell] a").forEach((link) => link.setAttribute("tabindex", "-1"));
    const asked = new URLSearchParams(window.location.search).get("date");
    let current =
      (asked && grid.querySelector(`[role=gridcell][data-date="${CSS.escape(asked)}"]:not(.other-month)`)) ||
      grid.querySelector("[role=gridcell][aria-current=date]") ||
      grid.querySelector("[role=gridcell]:not(.other-month)") ||
      cells[0][0];
    cells.flat().forEach((cell) => cell.setAttribute("tabindex", cell === current ? "0" : "-1"));

    function position(cell) {
      for (let r = 0; r < cells.length; r += 1) {
        const c = cells[r].indexOf(cell);
        if (c >= 0) return [r, c];
      }
      return [0, 0];
    }

    function focus(cell) {
      if (!cell) return;
      current.setAttribute("tabindex", "-1");
      cell.setAttribute("tabindex", "0");
      current = cell;
      cell.focus();
    }

    // PageUp/PageDown: the same day of the previous/next month (or its last day), focused
    // in the grid when the page opens (#focus-grid).
    function follow(name, cell) {
      const href = grid.dataset[name];
      if (!href) return;
      const url = new URL(href, window.location.href);
      const [year, month] = url.searchParams.get("date").split("-").map(Number);
      const wanted = Number(cell.dataset.date.split("-")[2]);
      const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      const day = String(Math.min(wanted, last)).padStart(2, "0");
      url.searchParams.set("date", `${year}-${String(month).padStart(2, "0")}-${day}`);
      url.hash = "focus-grid"; // no element has this id: the browser must not move focus itself
      window.location.assign(url.toString());
    }

    if (window.location.hash === "#focus-grid") current.focus();

    grid.addEventListener("click", (event) => {
      const cell = event.target.closest("[role=gridcell]");
      if (cell && !event.target.closest("a")) focus(cell);
    });

    grid.addEventListener("keydown", (event) => {
      const cell = event.target.closest("[role=gridcell]");
      if (!cell || event.altKey || event.ctrlKey || event.metaKey) return;
      const [r, c] = position(cell);
      const last = cells[r].length - 1;
      let target = null;
      switch (event.key) {
        case "ArrowRight":
          target = cells[r][c + 1] || (cells[r + 1] && cells[r + 1][0]);
          break;
        case "ArrowLeft":
          target = cells[r][c - 1] || (cells[r - 1] && cells[r - 1][cells[r - 1].length - 1]);
          break;
        case "ArrowDown":
          target = cells[r + 1] && cells[r + 1][c];
          break;
        case "ArrowUp":
          target = cells[r - 1] && cells[r - 1][c];
          break;
        case "Home":
          target = cells[r][0];
          break;
        case "End":
          target = cells[r][last];
          break;
        case "PageUp":
          event.preventDefault();
          follow("prev", cell);
          return;
        case "PageDown":
          event.preventDefault();
          follow("next", cell);
          return;
        case "Enter":
        case " ": {
          const link = cell.querySelector("a.day-link");
          if (link) {
            event.preventDefault();
            window.location.assign(link.href);
          }
          return;
        }
        default:
          return;
      }
      event.preventDefault();
      focus(target);
    });
  }

  function start() {
    document.querySelectorAll("table.month-grid[role=grid]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
