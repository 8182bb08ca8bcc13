"""The text of a PDF's pages, read with PDFium (pypdfium2): about fifteen times faster than
pypdf's text extraction, which took most of the printed-page tests' time (400 pages a run).

Good for counting a page's lines and reading its last one; not for finding words in order:
PDFium gives right-to-left script in visual order and marks a hyphen at a line's end as U+FFFE.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pypdfium2 as pdfium


def page_texts(pdf: Path | bytes) -> list[str]:
    """Each page's text, its lines ending with a newline (what it is good for: see above)."""
    document = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range().replace("\r\n", "\n"))
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


@cache
def printed_texts(pdf: Path) -> tuple[str, ...]:
    """page_texts of a PDF the session's site build printed, read once per session."""
    return tuple(page_texts(pdf))
