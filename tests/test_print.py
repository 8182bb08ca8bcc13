"""The printed course (`make pdf`): whole columns, whole figures, folds open, no empty pages.

Each printed page is laid out again in Chromium exactly as tools/build_html.py prints it (print
media, the paper's width, tables too wide for it marked to print as records) and measured there;
the PDFs the session's one site build printed are read page by page.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import pytest
from build_html import PRINTS
from pdf_text import page_texts, printed_texts
from playwright.sync_api import Browser
from pypdf import PageObject, PdfReader

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
    from build_html import PRINT_AREA, lay_out_for_print, serve

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


MIN_LINES = 5
"""A page before a document's last holds at least this many lines of text, unless it is a
drawing: fewer is a stray tail (a paragraph's last line, a table's last row) pushed over."""
DRAWING = 100
"""Drawn paths (PDF path operators) from which a page counts as a drawing, i.e. a whole figure;
a page of text with code boxes and table rules has fewer than this per line of text."""


def text_lines(text: str) -> list[str]:
    """The lines of a PDF page's text that hold something, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def is_drawing(page: PageObject, reader: PdfReader) -> bool:
    """True for a page that holds a picture, or many drawn paths for its few lines (a figure)."""
    from pypdf.generic import ContentStream

    if page.images:
        return True
    content = page.get_contents()
    operations = ContentStream(content, reader).operations if content is not None else []
    paths = sum(1 for _, operator in operations if operator in {b"m", b"l", b"c", b"re"})
    return paths >= DRAWING


def sparse_pages(reader: PdfReader, starts: list[int], texts: list[str]) -> list[str]:
    """The pages of a PDF that are empty, or (but for the last of each document, whose first
    pages are `starts`) hold fewer than MIN_LINES lines and are no drawing (texts: each page's
    text)."""
    count = len(reader.pages)
    lasts = {start - 1 for start in starts[1:]} | {count - 1}
    found = []
    for number, page in enumerate(reader.pages):
        lines = len(text_lines(texts[number]))
        fewest = 1 if number in lasts else MIN_LINES
        if lines < fewest and not is_drawing(page, reader):
            found.append(f"page {number + 1} of {count} holds {lines} lines")
    return found


def document_starts(site: Site, name: str, texts: list[str]) -> list[int]:
    """Where each page printed into a PDF begins in it (0-based). The course's notebooks are
    found by the first pages of their own PDFs (the same pages); a page printed only into this
    PDF (the index, the glossary) begins where the one before it ends."""
    starts, at = [], 0
    for page in PRINTS[name]:
        if pdf_of(page) == name:
            starts.append(at)
            continue
        own = printed_texts(site.pdf / f"{pdf_of(page)}.pdf")
        at += next(i for i, text in enumerate(texts[at:]) if text == own[0])
        starts.append(at)
        at += len(own)
    return starts


HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S)
PERMALINK = re.compile(r'<a class="headerlink".*?</a>', re.S)


def headings(site: Site, name: str) -> set[str]:
    """The text of every heading on the pages printed into a PDF."""
    found = set()
    for page in PRINTS[name]:
        for heading in HEADING.findall(site.page(page)):
            text = html.unescape(re.sub(r"<[^>]+>", "", PERMALINK.sub("", heading)))
            found.add(" ".join(text.split()))
    return found


@pytest.mark.slow
def test_no_page_of_any_pdf_is_empty_a_stray_tail_or_ends_with_a_heading(site: Site) -> None:
    """Every page of every PDF carries text or a drawing; no page but a document's last holds
    only a few lines (MIN_LINES) unless it is a whole figure, and none ends with a heading whose
    section starts on the next: nothing is pushed over alone, nothing left behind alone."""
    found = []
    for pdf in sorted(site.pdf.glob("*.pdf")):
        reader = PdfReader(pdf)
        texts = list(printed_texts(pdf))
        starts = document_starts(site, pdf.stem, texts)
        found += [f"{pdf.name} {problem}" for problem in sparse_pages(reader, starts, texts)]
        titles = headings(site, pdf.stem)
        for number, text in enumerate(texts[:-1], start=1):
            lines = text_lines(text)
            if lines and lines[-1] in titles:
                found.append(f"{pdf.name} page {number} ends with the heading {lines[-1]!r}")
    assert len(found) == 0, "pages that print badly:\n" + "\n".join(found)
    assert titles, "no heading found in the pages: is the site's HTML read?"


@pytest.mark.slow
@pytest.mark.browser
def test_the_sparse_page_check_finds_a_line_pushed_over(browser: Browser) -> None:
    """The check above fails a page that holds one line pushed over from the page before (and an
    empty last page), and passes the same document when its first page holds the line."""
    import io

    tab = browser.new_page()
    margin = {side: "10mm" for side in ("top", "bottom", "left", "right")}
    try:
        found = {}
        # An A4 page less 10 mm margins holds 1,046 CSS px: 52 lines of 20 px.
        for first_page in (53, 52):
            line = "<p style='margin:0;line-height:20px'>Line {}</p>"
            body = "".join(line.format(i) for i in range(first_page))
            body += "<div style='break-before:page'>" + line.format("after") * 10 + "</div>"
            body += "<div style='break-before:page'></div>"
            tab.set_content(f"<body style='margin:0;font:14px sans-serif'>{body}</body>")
            printed = tab.pdf(format="A4", margin=margin)
            reader, texts = PdfReader(io.BytesIO(printed)), page_texts(printed)
            found[first_page] = sparse_pages(reader, [0], texts)
    finally:
        tab.close()
    assert found[53] == ["page 2 of 4 holds 1 lines", "page 4 of 4 holds 0 lines"], found
    assert found[52] == ["page 3 of 3 holds 0 lines"], found


FOLDED_TEXTS = r"""() => [...document.querySelectorAll('.bd-article details:not([open])')]
  .map(fold => {
    const texts = [];
    for (const part of fold.childNodes) {
      if (part.nodeName === 'SUMMARY') continue;
      const walk = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
      for (let t = part.nodeType === 3 ? part : walk.nextNode(); t; t = walk.nextNode()) {
        if (!t.parentElement.closest('style, script') && t.data.trim().length >= 12) {
          texts.push(t.data.trim());
        }
        if (part.nodeType === 3) break;
      }
    }
    return texts;
  })"""
"""The text (runs of 12 characters or more) inside each closed <details> of a page, summary
excepted: what a reader sees only after unfolding it."""


def squeezed(text: str) -> str:
    """Text without any white space, in compatibility form (a PDF's ligatures and line breaks
    do not change it)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_of(page: str) -> str:
    """The PDF `make pdf` prints a page into: its own if it has one, else the course's."""
    own = [name for name, group in PRINTS.items() if group == [page]]
    return (own or ["course"])[0]


@pytest.mark.slow
@pytest.mark.browser
def test_folded_content_prints_unfolded(site: Site, browser: Browser) -> None:
    """Whatever a page folds away (a long table, an evidence sheet, a model answer) is in its PDF:
    every text of every closed <details> on screen is found in the printed text. Printing opens
    the folds (`beforeprint`) and folds them again after (`afterprint`)."""
    from build_html import WIDGETS_DRAWN, serve

    pdfs: dict[str, str] = {}
    missing, checked, folds = [], 0, 0
    with serve(site.html) as base:
        tab = browser.new_page(viewport={"width": 1300, "height": 900})
        try:
            for page in sorted({page for group in PRINTS.values() for page in group}):
                tab.goto(f"{base}/{page}.html", wait_until="networkidle")
                tab.wait_for_function(WIDGETS_DRAWN, timeout=30_000)
                found = tab.evaluate(FOLDED_TEXTS)
                if not found:
                    continue
                folds += len(found)
                name = pdf_of(page)
                if name not in pdfs:
                    # pypdf, not PDFium: it reads right-to-left text (the Arabic quotation) in
                    # its logical order, as the page's HTML holds it.
                    reader = PdfReader(site.pdf / f"{name}.pdf")
                    pdfs[name] = squeezed("".join(p.extract_text() for p in reader.pages))
                for text in (text for texts in found for text in texts):
                    checked += 1
                    if squeezed(text) not in pdfs[name]:
                        missing.append(f"{Path(page).name} ({name}.pdf): {text[:80]!r}")
                closed = "document.querySelectorAll('details:not([open])').length"
                before = tab.evaluate(closed)
                tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
                assert tab.evaluate(closed) < before, f"{page}: no fold opens for print"
                tab.evaluate("window.dispatchEvent(new Event('afterprint'))")
                assert tab.evaluate(closed) == before, f"{page}: folds stay open after printing"
        finally:
            tab.close()
    assert not missing, f"{len(missing)} of {checked} folded texts not printed:\n" + "\n".join(
        missing[:30]
    )
    # Folds there are: the notebooks fold long tables, evidence sheets and model answers.
    assert folds > 100 and checked > 500, (folds, checked)
