"""The views layer: figures, tables and widget views on a shared kit (markup, plots, widgets).

Importing any view lets a notebook show DataFrames the course's way: escaped, left-aligned,
scrolling sideways, a long one folded.
"""

import pandas as pd
from IPython import get_ipython

from otslab.views.markup import Markup, html

# Tables shown in the notebooks hold data text: MathJax must not read '$...$' in it as math.
pd.set_option("display.html.use_mathjax", False)


FOLD_ROWS = 20
"""A table longer than this shows its first SHOWN_ROWS rows and folds the whole table below."""
SHOWN_ROWS = 10
LEFT = Markup(
    "<style>.otslab-scroll td, .otslab-scroll th {text-align: left !important; "
    "vertical-align: top !important;}</style>"
)
"""Text reads from the left: pandas and JupyterLab right-align every cell."""


LONG_TEXT = 80
"""In a table of CROWDED columns or more, the column of the longest text, past this many
characters, gets a reading width (20em, or 30em past three times as many): otherwise a browser
squeezes it to a word a line beside the other columns. The others keep the widths the browser
gives them, as do all the columns of a narrower table."""
CROWDED = 5


def _longest(column: pd.Series) -> float:
    """The length of a column's longest text as pandas shows it, NaN if it holds none (what
    `astype(str).str.len().max()` says, in a third of the time: tables are redrawn often)."""
    return max(
        (len(text) for text in column.astype(str) if isinstance(text, str)), default=float("nan")
    )


def reading_widths(frame: pd.DataFrame, index: bool = False) -> tuple[str, Markup]:
    """A class and a style giving the long-text column of frame's HTML table a reading width
    (index: the table shows the index as its first column)."""
    if frame.shape[1] < CROWDED or frame.empty or frame.columns.nlevels > 1:
        return "", Markup("")
    if index and frame.index.nlevels > 1:
        return "", Markup("")
    lengths = [_longest(frame.iloc[:, i]) for i in range(frame.shape[1])]
    longest = max(range(len(lengths)), key=lengths.__getitem__)
    if not lengths[longest] > LONG_TEXT:
        return "", Markup("")
    column = longest + (2 if index else 1)
    em = 30 if lengths[longest] > 3 * LONG_TEXT else 20
    scope = f"otslab-w{column}x{em}"
    return scope, html("<style>.{} td:nth-child({}) {{min-width: {}em}}</style>", scope, column, em)


def _scroller(table: str, scope: str = "") -> Markup:
    """An escaped pandas table in a sideways scroller the keyboard can reach."""
    return html(
        '<div class="otslab-scroll {}" role="region" tabindex="0" aria-label="Table" '
        'style="overflow-x:auto;overflow-y:hidden;max-width:100%">{}</div>',
        scope,
        Markup(table),  # pandas escapes every cell and heading of its HTML table
    )


def _scrolling_table(frame: pd.DataFrame) -> str | None:
    """A DataFrame as pandas shows it (escaped), left-aligned, scrolling sideways, long text
    given room to read; a long one shows its first rows and folds the rest."""
    table = frame._repr_html_()
    if table is None:
        return None
    scope, widths = reading_widths(frame, index=True)
    if len(frame) <= FOLD_ROWS:
        return str(html("{}{}{}", LEFT, widths, _scroller(table, scope)))
    return str(
        html(
            '{}{}{}<details class="otslab-fold"><summary>The first {} of {} rows are shown: open '
            "the whole table</summary>{}</details>",
            LEFT,
            widths,
            _scroller(frame.head(SHOWN_ROWS)._repr_html_(), scope),
            SHOWN_ROWS,
            len(frame),
            _scroller(table, scope),
        )
    )


if (_shell := get_ipython()) is not None:
    _shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _scrolling_table)
