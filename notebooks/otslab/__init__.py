"""Helpers for the course "Is a Turkic NATO taking shape?": data, analysis, figures and widgets."""

import pandas as pd

# Tables shown in the notebooks hold data text: MathJax must not read '$...$' in it as math.
pd.set_option("display.html.use_mathjax", False)
