"""Build the course website (`make html`) and print it to PDF (`make pdf`).

The website is a Sphinx + MyST-NB book (settings and pages in book/): every notebook is executed,
with the guides, glossary, data dictionary and source cards as pages. The PDFs are printed from
the built pages by the course's one printer (tools/print_pdf.py: Debian's Chromium through
Playwright), so no LaTeX is needed.
"""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from print_pdf import lay_out, printer

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[1]
PORTS = range(18100, 18200)
NOTEBOOK_PAGES = sorted(f"notebooks/{p.stem}" for p in REPO.glob("notebooks/[0-9][0-9]_*.ipynb"))
PRINTS = {
    "course": ["book/index", *NOTEBOOK_PAGES, "notebooks/GLOSSARY"],
    "workbook": ["book/workbook"],
    "teachers": ["notebooks/INSTRUCTOR_GUIDE"],
    **{Path(page).name: [page] for page in NOTEBOOK_PAGES},
}
"""Each PDF and the pages it holds, in order."""
REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Is a "Turkic NATO" taking shape?</title>
<meta http-equiv="refresh" content="0; url=book/index.html"></head>
<body><p><a href="book/index.html">Open the course</a></p></body></html>
"""
WIDGETS_DRAWN = """() => {
  const type = "application/vnd.jupyter.widget-view+json";
  const views = document.querySelectorAll(`script[type="${type}"]`);
  return [...views].every((v) => v.previousElementSibling?.classList.contains("widget-subarea"));
}"""

PAPER_MARGIN = {"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"}
PRINT_AREA = {"width": 703, "height": 1016}
"""An A4 page less PAPER_MARGIN in CSS pixels (96 to the inch): the width a printed page is laid
out at, and the height of what one page holds."""
PRINT_LAYOUT = "window.otslabPrintLayout()"
"""Marks the tables wider than the paper to print as records (book/_static/otslab.js)."""


def build_site(out: Path) -> None:
    """Run Sphinx (warnings are errors) into out, with an index.html that opens the course."""
    doctrees = out.parent / f"{out.name}-doctrees"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    command += ["-c", "book", "-d", str(doctrees), ".", str(out)]
    # The pages show every notebook as a new student meets it: no one's saved answers (my_work/).
    with tempfile.TemporaryDirectory(prefix="otslab-site-work-") as work:
        subprocess.run(command, cwd=REPO, check=True, env={**os.environ, "OTSLAB_WORK": work})
    (out / "index.html").write_text(REDIRECT, encoding="utf-8")


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that does not log every request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Log nothing."""


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve the folder site on 127.0.0.1 (a port in 18100-18199); yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), handler)
            break
        except OSError:
            continue
    else:
        raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1} on 127.0.0.1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def lay_out_for_print(tab: Page, url: str) -> None:
    """Open a page in tab as a printed page lays it out: widgets drawn, print media, the paper's
    width, and tables wider than the paper marked to print as records (book/_static/otslab.js)."""
    tab.set_viewport_size(PRINT_AREA)
    lay_out(tab, url, ready=WIDGETS_DRAWN, prepare=PRINT_LAYOUT)


def print_pdfs(site: Path, out: Path) -> list[Path]:
    """Print the PDFs of PRINTS from the built site into out; return their paths."""
    from pypdf import PdfWriter

    out.mkdir(parents=True, exist_ok=True)
    pages: dict[str, bytes] = {}
    with serve(site) as base, printer(base, PRINT_AREA, PAPER_MARGIN) as print_page:
        for page in sorted({p for group in PRINTS.values() for p in group}):
            url = f"{base}/{page}.html"
            pages[page] = print_page(url, ready=WIDGETS_DRAWN, prepare=PRINT_LAYOUT)
    written = []
    for name, group in PRINTS.items():
        writer = PdfWriter()
        for page in group:
            tmp = out / f".{Path(page).name}.part.pdf"
            tmp.write_bytes(pages[page])
            writer.append(str(tmp))
            tmp.unlink()
        writer.write(out / f"{name}.pdf")
        written.append(out / f"{name}.pdf")
    return written


def main() -> int:
    """Build the website, and with --pdf print it; report where the results are."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "html")
    parser.add_argument("--pdf", type=Path, help="also print the PDFs into this folder")
    parser.add_argument("--skip-build", action="store_true", help="print an existing build")
    args = parser.parse_args()
    if not args.skip_build:
        build_site(args.out)
        print(f"website: {args.out / 'index.html'}")
    if args.pdf:
        for path in print_pdfs(args.out, args.pdf):
            print(f"pdf: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
