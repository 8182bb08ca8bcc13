"""Helpers for the course "Is a Turkic NATO taking shape?": data, analysis, figures and widgets."""

import pandas as pd
from IPython import get_ipython

from otslab.markup import Markup, html

# Tables shown in the notebooks hold data text: MathJax must not read '$...$' in it as math.
pd.set_option("display.html.use_mathjax", False)


def _scrolling_table(frame: pd.DataFrame) -> str | None:
    """A DataFrame as pandas shows it (escaped), in a sideways scroller the keyboard can reach."""
    table = frame._repr_html_()
    if table is None:
        return None
    return str(
        html(
            '<div class="otslab-scroll" role="region" tabindex="0" aria-label="Table" '
            'style="overflow-x:auto;overflow-y:hidden;max-width:100%">{}</div>',
            Markup(table),  # pandas escapes every cell and heading of its HTML table
        )
    )


if (_shell := get_ipython()) is not None:
    _shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _scrolling_table)
