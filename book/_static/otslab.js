/* The course website's own script: views and self-checks made visibly inert, folded content
 * opened for print, and the print layout of tables too wide for the page.
 *
 * A view on the website is a snapshot, and a self-check (a question, an answer box) has no one to
 * answer it: without Python behind the page their controls do nothing. Once the widgets are drawn,
 * the controls of every cell's output are disabled (the browser's own disabled look, which screen
 * readers announce) and a note beside them says so, with a link to the live notebook.
 *
 * Folded content (a <details>: a long table, an evidence sheet, a model answer) would print as its
 * summary line alone. Before the page prints every fold is opened, and after it those are folded
 * again: a browser fires `beforeprint` and `afterprint` around its printing, and the course's
 * printer (tools/print_pdf.py) fires `beforeprint` before it lays the page out for paper.
 *
 * A table wider than the printed page would lose its right-hand columns, and squeezing it breaks
 * words mid-letter. On paper such a table is printed as records instead: each row a paragraph,
 * each non-empty cell after its column's name ("claim: C045 · type: interpretation · ...").
 * `otslabPrintLayout()` marks those tables while the page is laid out for print; `make pdf`
 * (tools/build_html.py) calls it, and a browser's own printing does through the print media
 * query. */
(function () {
  "use strict";

  /* A table's row of column headings: its head's last row, or a first row made only of header
   * cells; null if it has none. */
  function headRow(table) {
    const head = table.tHead && table.tHead.rows.length
      ? table.tHead.rows[table.tHead.rows.length - 1] : table.rows[0];
    return head && ![...head.cells].some((cell) => cell.tagName === "TD") ? head : null;
  }

  /* The header labels of a table, one per column (colspans repeated); a heading that opens its
   * meaning (a <details>) is labelled by its summary. */
  function columnLabels(table) {
    const head = headRow(table);
    if (!head) return [];
    const labels = [];
    for (const cell of head.cells) {
      const summary = cell.querySelector("summary");
      const label = (summary || cell).innerText.replace(/\s+/g, " ").trim();
      for (let i = 0; i < cell.colSpan; i += 1) labels.push(label);
    }
    return labels;
  }

  /* Mark a table to print as records: each cell's label, and which cells are empty. Headings
   * that open their meaning print first as a key ("name: meaning", one a line). */
  function stack(table) {
    const labels = columnLabels(table);
    const head = table.tHead ? null : (labels.length ? table.rows[0] : null);
    if (head) head.classList.add("otslab-stacked-head");
    const key = headRow(table);
    if (key && key.querySelector("details")) {
      key.classList.add("otslab-stacked-key");
      for (const cell of key.cells) {
        if (!cell.querySelector("details")) cell.classList.add("otslab-empty");
      }
    }
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

  /* The note set beside an output's disabled controls: a snapshot view's ("Snapshot controls
   * disabled: launch to explore") or a self-check's ("Self-check disabled: launch to answer"),
   * with the page's launch link (the one the snapshot labels carry). */
  function inertNote(snapshot) {
    const note = document.createElement("p");
    note.className = "otslab-inert";
    const badge = document.createElement("span");
    badge.className = "otslab-badge";
    badge.textContent = snapshot ? "Snapshot" : "Self-check";
    note.append(badge, snapshot ? " controls disabled: " : " disabled: ");
    const launch = document.querySelector("a.otslab-launch");
    const what = snapshot ? "explore" : "answer";
    if (launch) {
      const link = document.createElement("a");
      link.className = "otslab-launch";
      link.href = launch.href;
      link.textContent = `launch to ${what}`;
      note.append(link);
    } else {
      note.append(`open the notebook in JupyterLab to ${what}`);
    }
    return note;
  }

  /* Disable the controls of every cell's output: a view after a snapshot label, and any other
   * output with controls (a question, an answer box), which is a self-check. Returns how many. */
  function inertOutputs() {
    let disabled = 0;
    for (const output of document.querySelectorAll(".cell_output")) {
      const controls = output.querySelectorAll(CONTROLS);
      if (!controls.length || output.querySelector(".otslab-inert")) continue;
      const label = output.closest(".cell")?.previousElementSibling;
      const snapshot = Boolean(label?.matches(".otslab-snapshot"));
      for (const control of controls) {
        control.disabled = true;
        control.removeAttribute("placeholder"); // "Write here…" would invite typing
        disabled += 1;
      }
      for (const handle of output.querySelectorAll(".noUi-handle")) {
        handle.setAttribute("tabindex", "-1");
        handle.setAttribute("aria-disabled", "true");
      }
      output.classList.add("otslab-inert-view");
      output.prepend(inertNote(snapshot));
    }
    return disabled;
  }

  /* Folded content opened for print (the folds this opened, to fold again after). */
  let unfolded = [];

  /* True for a grid cell's own details when the grid also holds its table form (a fold with
   * the same details row by row), which prints instead of a panel in every cell. */
  function inTabledGrid(fold) {
    if (!fold.classList.contains("otslab-detail")) return false;
    for (let e = fold.parentElement; e && !e.classList.contains("cell_output"); e = e.parentElement) {
      if (e.querySelector(":scope > details.otslab-as-table")) return true;
    }
    return false;
  }

  /* Open every closed <details> of the page (but grid cells that print as a table); returns
   * how many it opened. */
  function openFolds() {
    const closed = [...document.querySelectorAll("details:not([open])")]
      .filter((fold) => !inTabledGrid(fold));
    for (const fold of closed) fold.open = true;
    unfolded = unfolded.concat(closed);
    return closed.length;
  }

  /* Fold again what openFolds opened. */
  function closeFolds() {
    for (const fold of unfolded) fold.open = false;
    unfolded = [];
  }

  /* Wait for the widget manager (it draws after the page loads), then make the views inert. */
  function whenDrawn(tries) {
    if (widgetsDrawn() || tries <= 0) {
      inertOutputs();
    } else {
      window.setTimeout(() => whenDrawn(tries - 1), 200);
    }
  }

  window.otslabPrintLayout = printLayout;
  window.addEventListener("load", () => whenDrawn(150));
  window.addEventListener("beforeprint", openFolds);
  window.addEventListener("afterprint", closeFolds);
  const print = window.matchMedia("print");
  print.addEventListener("change", (event) => {
    if (event.matches) printLayout();
  });
})();
