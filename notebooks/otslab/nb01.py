"""What notebook 01 uses, for its one-line set-up cell `from otslab.nb01 import *`."""

import pandas as pd
from IPython.display import display

from otslab.data import load_tables
from otslab.plots import show, source_ids_of
from otslab.quiz import question
from otslab.sources import (
    claim_support,
    corroboration_matrix,
    coverage_spans,
    describe_label_grid,
    describe_publication_timeline,
    describe_support_profile,
    label_coverage_problems,
    label_grid,
    label_uses,
    part_words,
    rate_comparison,
    source_overview,
    support_profile,
    vocabulary_table,
    voices_by_country,
    voices_table,
)
from otslab.sources_views import (
    corroboration_explorer,
    plot_label_grid,
    plot_publication_timeline,
    plot_support_profile,
    source_card,
    source_card_viewer,
    term_explorer,
    term_heatmap,
)

__all__ = [
    "claim_support",
    "corroboration_explorer",
    "corroboration_matrix",
    "coverage_spans",
    "describe_label_grid",
    "describe_publication_timeline",
    "describe_support_profile",
    "display",
    "label_coverage_problems",
    "label_grid",
    "label_uses",
    "load_tables",
    "part_words",
    "pd",
    "plot_label_grid",
    "plot_publication_timeline",
    "plot_support_profile",
    "question",
    "rate_comparison",
    "show",
    "source_card",
    "source_card_viewer",
    "source_ids_of",
    "source_overview",
    "support_profile",
    "term_explorer",
    "term_heatmap",
    "vocabulary_table",
    "voices_by_country",
    "voices_table",
]
