"""The printed course (`make pdf`): whole columns, whole figures, no empty pages.

Each printed page is laid out again in Chromium exactly as tools/build_html.py prints it (print
media, the paper's width, tables too wide for it marked to print as records) and measured there;
the PDFs the session's one site build printed are read page by page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from conftest import Site

PRINT_PROBLEMS = r"""pageHeight => {
  const article = document.querySelector('.bd-article') || document.body;
  const right = document.documentElement.clientWidth;
  const where = e => {
    const cell = e.closest('.cell');
    const code = cell && cell.querySelector('.cell_input');
    const head = [...document.querySelectorAll('h1, h2, h3')]
      .filter(h => h.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
    return code ? code.innerText.trim().split('\n').pop() : (head ? head.innerText : '');
  };
  const found = [];
  const outer = 'table, img, svg, figure, pre, canvas, video, .widget-subarea';
  for (const e of article.querySelectorAll(outer)) {
    if (e.tagName === 'svg' && e.parentElement.closest('svg')) continue;
    const box = e.getBoundingClientRect();
    if (box.width === 0) continue;
    if (box.right > right + 1) {
      found.push(`${e.tagName.toLowerCase()} ${Math.round(box.width)} px wide, past the page's `
        + `${right} px, at "${where(e)}"`);
    }
    if (/^(IMG|svg|FIGURE|CANVAS|VIDEO)$/.test(e.tagName) && box.height > pageHeight) {
      found.push(`${e.tagName.toLowerCase()} ${Math.round(box.height)} px tall, taller than a `
        + `page, at "${where(e)}"`);
    }
  }
  for (const e of article.querySelectorAll('div, pre, td')) {
    const overflow = getComputedStyle(e).overflowX;
    if (overflow !== 'visible' && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) {
      found.push(`${e.tagName.toLowerCase()} cuts ${e.scrollWidth - e.clientWidth} px of its `
        + `content (overflow ${overflow}) at "${where(e)}"`);
    }
  }
  // A word of a table cell set on two lines: its column is narrower than the word.
  for (const cell of article.querySelectorAll('td, th')) {
    if (cell.closest('.otslab-stacked')) continue;
    const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) {
      for (const word of node.data.matchAll(/[^\s\-\u2010-\u2014\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
          .map(r => Math.round(r.top)));
        if (lines.size > 1) {
          found.push(`the word "${word[0]}" is broken across lines in a column too narrow `
            + `for it, at "${where(cell)}"`);
        }
      }
    }
  }
  return found;
}"""
"""What a printed page would lose: anything running past the paper's right edge or cut off
inside its box, a figure taller than a page, a table column narrower than one of its words."""


@pytest.mark.slow
@pytest.mark.browser
def test_every_printed_page_shows_whole_columns_and_whole_figures(
    site: Site, browser: Browser
) -> None:
    """Every page a PDF holds, laid out as `make pdf` prints it: no table, figure, code block or
    view is wider than the paper or cut inside its box, no column is narrower than its longest
    word, and no figure is taller than a page."""
    from build_html import PRINT_AREA, PRINTS, lay_out_for_print, serve

    problems: list[str] = []
    stacked = 0
    with serve(site.html) as base:
        tab = browser.new_page()
        try:
            for page in sorted({page for group in PRINTS.values() for page in group}):
                lay_out_for_print(tab, f"{base}/{page}.html")
                found = tab.evaluate(PRINT_PROBLEMS, PRINT_AREA["height"])
                problems += [f"{page}: {problem}" for problem in dict.fromkeys(found)]
                stacked += tab.locator("table.otslab-stacked").count()
        finally:
            tab.close()
    assert not problems, f"{len(problems)} problems in print:\n" + "\n".join(problems[:40])
    # The layout does work here: the corroboration matrix alone is far wider than a page.
    assert stacked > 0, "no table was wide enough to print as records: is otslab.js loaded?"


@pytest.mark.slow
def test_no_page_of_any_pdf_is_empty(site: Site) -> None:
    """Every page of every PDF carries text or a picture: no blank page where a block too tall
    to break was pushed on to the next."""
    from pypdf import PdfReader

    empty = []
    for pdf in sorted(site.pdf.glob("*.pdf")):
        for number, page in enumerate(PdfReader(pdf).pages, start=1):
            if not page.extract_text().strip() and not page.images:
                empty.append(f"{pdf.name} page {number}")
    assert not empty, "empty pages: " + ", ".join(empty)
