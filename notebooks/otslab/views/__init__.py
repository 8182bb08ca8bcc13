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


def _scroller(table: str) -> Markup:
    """An escaped pandas table in a sideways scroller the keyboard can reach."""
    return html(
        '<div class="otslab-scroll" role="region" tabindex="0" aria-label="Table" '
        'style="overflow-x:auto;overflow-y:hidden;max-width:100%">{}</div>',
        Markup(table),  # pandas escapes every cell and heading of its HTML table
    )


def _scrolling_table(frame: pd.DataFrame) -> str | None:
    """A DataFrame as pandas shows it (escaped), left-aligned, scrolling sideways; a long one
    shows its first rows and folds the rest."""
    table = frame._repr_html_()
    if table is None:
        return None
    if len(frame) <= FOLD_ROWS:
        return str(html("{}{}", LEFT, _scroller(table)))
    return str(
        html(
            '{}{}<details class="otslab-fold"><summary>The first {} of {} rows are shown: open '
            "the whole table</summary>{}</details>",
            LEFT,
            _scroller(frame.head(SHOWN_ROWS)._repr_html_()),
            SHOWN_ROWS,
            len(frame),
            _scroller(table),
        )
    )


if (_shell := get_ipython()) is not None:
    _shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _scrolling_table)
