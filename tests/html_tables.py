"""The cell texts of the HTML tables a view shows, read with the standard library's parser."""

from html.parser import HTMLParser

import pandas as pd


class _Tables(HTMLParser):
    """Collects the cell texts of every HTML table, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> list[pd.DataFrame]:
    """Every HTML table in a view's output as a DataFrame of strings (first row = header)."""
    parser = _Tables()
    parser.feed(html)
    return [pd.DataFrame(t[1:], columns=t[0]) for t in parser.tables if t]
