/* The course website's own script: snapshot views made visibly inert, and the print layout of
 * tables too wide for the page.
 *
 * A view on the website is a snapshot: without Python behind the page its controls redraw
 * nothing. Once the widgets are drawn, each snapshot view's controls are disabled (the browser's
 * own disabled look, which screen readers announce) and a note beside them says where to explore.
 *
 * A table wider than the printed page would lose its right-hand columns, and squeezing it breaks
 * words mid-letter. On paper such a table is printed as records instead: each row a paragraph,
 * each non-empty cell after its column's name ("claim: C045 · type: interpretation · ...").
 * `otslabPrintLayout()` marks those tables while the page is laid out for print; `make pdf`
 * (tools/build_html.py) calls it, and a browser's own printing does through the print media
 * query. */
(function () {
  "use strict";

  /* The header labels of a table, one per column (colspans repeated): its head's last row, or a
   * first row made only of header cells. */
  function columnLabels(table) {
    const head = table.tHead && table.tHead.rows.length
      ? table.tHead.rows[table.tHead.rows.length - 1] : table.rows[0];
    if (!head || [...head.cells].some((cell) => cell.tagName === "TD")) return [];
    const labels = [];
    for (const cell of head.cells) {
      const label = cell.innerText.replace(/\s+/g, " ").trim();
      for (let i = 0; i < cell.colSpan; i += 1) labels.push(label);
    }
    return labels;
  }

  /* Mark a table to print as records: each cell's label, and which cells are empty. */
  function stack(table) {
    const labels = columnLabels(table);
    const head = table.tHead ? null : (labels.length ? table.rows[0] : null);
    if (head) head.classList.add("otslab-stacked-head");
    for (const row of table.rows) {
      if (row === head || row.parentElement === table.tHead) continue;
      let column = 0;
      let first = true;
      for (const cell of row.cells) {
        const text = cell.textContent.trim();
        const label = labels[column] || "";
        column += cell.colSpan;
        if (!text) {
          cell.classList.add("otslab-empty");
          continue;
        }
        const name = label && label !== text ? `${label}: ` : "";
        cell.dataset.label = (first ? "" : " · ") + name;
        first = false;
      }
    }
    table.classList.add("otslab-stacked");
  }

  /* While the page is laid out for print: print as records every table of the article that runs
   * past the page's right edge. Returns how many tables it marked. */
  function printLayout() {
    const article = document.querySelector(".bd-article") || document.body;
    const right = document.documentElement.clientWidth;
    let marked = 0;
    for (const table of article.querySelectorAll("table")) {
      if (table.closest(".otslab-stacked")) continue;
      const box = table.getBoundingClientRect();
      if (box.width === 0 || box.right <= right + 1) continue;
      stack(table);
      marked += 1;
    }
    return marked;
  }

  const CONTROLS = "input, select, button, textarea";
  const WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';

  /* True once the widget manager has drawn every view of the page. */
  function widgetsDrawn() {
    return [...document.querySelectorAll(WIDGET_VIEW)]
      .every((view) => view.previousElementSibling?.classList.contains("widget-subarea"));
  }

  /* The note set beside a snapshot's controls, with the launch link of the label above. */
  function inertNote(label) {
    const note = document.createElement("p");
    note.className = "otslab-inert";
    const badge = document.createElement("span");
    badge.className = "otslab-badge";
    badge.textContent = "Snapshot";
    note.append(badge, " controls disabled: ");
    const launch = label.querySelector("a.otslab-launch");
    if (launch) {
      const link = document.createElement("a");
      link.className = "otslab-launch";
      link.href = launch.href;
      link.textContent = "launch to explore";
      note.append(link);
    } else {
      note.append("open the notebook in JupyterLab to explore");
    }
    return note;
  }

  /* Disable the controls of every view that follows a snapshot label; returns how many. */
  function inertSnapshots() {
    let disabled = 0;
    for (const label of document.querySelectorAll(".otslab-snapshot")) {
      const cell = label.nextElementSibling;
      const output = cell && cell.querySelector(".cell_output");
      if (!output || output.querySelector(".otslab-inert")) continue;
      for (const control of output.querySelectorAll(CONTROLS)) {
        control.disabled = true;
        disabled += 1;
      }
      for (const handle of output.querySelectorAll(".noUi-handle")) {
        handle.setAttribute("tabindex", "-1");
        handle.setAttribute("aria-disabled", "true");
      }
      output.classList.add("otslab-inert-view");
      output.prepend(inertNote(label));
    }
    return disabled;
  }

  /* Wait for the widget manager (it draws after the page loads), then make the views inert. */
  function whenDrawn(tries) {
    if (widgetsDrawn() || tries <= 0) {
      inertSnapshots();
    } else {
      window.setTimeout(() => whenDrawn(tries - 1), 200);
    }
  }

  window.otslabPrintLayout = printLayout;
  window.addEventListener("load", () => whenDrawn(150));
  const print = window.matchMedia("print");
  print.addEventListener("change", (event) => {
    if (event.matches) printLayout();
  });
})();
