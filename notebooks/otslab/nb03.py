"""What notebook 03 uses, for its one-line set-up cell `from otslab.nb03 import *`."""

import pandas as pd
from IPython.display import display

from otslab.data import load_tables
from otslab.network import (
    dyad_table,
    evidence,
    filter_events,
    share_with,
    timeline_table,
)
from otslab.network_views import (
    default_years,
    dyad_explorer,
    dyad_matrix_html,
    focus_box,
    network_explorer,
    timeline_explorer,
)
from otslab.quiz import question
from otslab.widgets import table_html

__all__ = [
    "default_years",
    "display",
    "dyad_explorer",
    "dyad_matrix_html",
    "dyad_table",
    "evidence",
    "filter_events",
    "focus_box",
    "load_tables",
    "network_explorer",
    "pd",
    "question",
    "share_with",
    "table_html",
    "timeline_explorer",
    "timeline_table",
]
