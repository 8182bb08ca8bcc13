"""The course's one PDF printer: HTML pages printed by Debian's Chromium through Playwright.

`make pdf` prints the website with it (tools/build_html.py) and `make roleplay-kit` prints the
role-play kit with it: `python tools/print_pdf.py notebooks/roleplay_kit/print/kit.html` writes
kit.pdf beside the page. Nothing prints from a student's kernel (Binder and the hub image have no
Chromium): a student opens the page in the browser and prints it there.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium (`apt-get install chromium`); Playwright drives it, downloads no browser."""

Printer = Callable[..., bytes]


def lay_out(tab: Page, url: str, ready: str | None = None, prepare: str | None = None) -> None:
    """Open url in tab as it prints: `ready` (a JavaScript function) true, `beforeprint` fired
    (as a browser's Print does: the website opens its folds), print media, then `prepare`
    (JavaScript, e.g. the website's print layout of wide tables) run.

    Chromium fires `beforeprint` and `afterprint` itself around tab.pdf(), but only then, after
    `prepare` measured the page: fired here first, what it unfolds is measured too."""
    tab.goto(url, wait_until="networkidle")
    if ready:
        tab.wait_for_function(ready, timeout=30_000)
    tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    tab.emulate_media(media="print")
    if prepare:
        tab.evaluate(prepare)


@contextmanager
def printer(
    allowed: str, viewport: dict[str, int] | None = None, margin: dict[str, str] | None = None
) -> Iterator[Printer]:
    """One headless Chromium; yields print(url, ready=None, prepare=None) -> PDF bytes (A4, with
    backgrounds, the page's own margins unless `margin` is given; `viewport`, when given, is the
    window's size while the page loads).

    Only addresses starting with `allowed` load: a page cannot fetch anything from elsewhere.
    `ready` and `prepare` are as for lay_out.
    """
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        tab = browser.new_page(**({"viewport": viewport} if viewport else {}))
        tab.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith(allowed) else r.abort()
        )

        def print_page(url: str, ready: str | None = None, prepare: str | None = None) -> bytes:
            """The page at url as PDF bytes, printed as the browser's Print to PDF does."""
            lay_out(tab, url, ready, prepare)
            return tab.pdf(
                format="A4", margin=margin, print_background=True, outline=True, tagged=True
            )

        try:
            yield print_page
        finally:
            browser.close()


def print_file(page: Path, target: Path | None = None) -> Path:
    """Print a local HTML page to PDF (beside it unless target is given); return the PDF's path."""
    page = page.resolve()
    if not page.is_file():
        raise SystemExit(f"{page} is missing: write it first (make roleplay-kit writes the kit)")
    target = target or page.with_suffix(".pdf")
    with printer(page.as_uri()) as print_page:
        data = print_page(page.as_uri())
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return target


def main(argv: list[str] | None = None) -> int:
    """Print one HTML page to PDF and say where the PDF is."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="the HTML page to print")
    parser.add_argument("--out", type=Path, help="the PDF to write (default: beside the page)")
    args = parser.parse_args(argv)
    print(f"pdf: {print_file(args.page, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
