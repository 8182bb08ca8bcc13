"""What notebook 04 uses, for its one-line set-up cell `from otslab.nb04 import *`."""

from otslab import feasibility as fz
from otslab import feasibility_views as fv
from otslab import model_views as mv
from otslab import roleplay as rp
from otslab.data import load_tables
from otslab.plots import show
from otslab.quiz import question

__all__ = ["fv", "fz", "load_tables", "mv", "question", "rp", "show"]
