"""What notebook 02 uses, for its one-line set-up cell `from otslab.nb02 import *`."""

from otslab import alignments as al
from otslab import alignments_views as views
from otslab.data import load_tables
from otslab.quiz import question
from otslab.widgets import table_html

__all__ = ["al", "load_tables", "question", "table_html", "views"]
