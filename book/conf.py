"""Sphinx settings for the course website: `make html` builds it into build/html."""

import os
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent
REPO = BOOK.parent
sys.path[:0] = [str(BOOK / "_ext"), str(REPO / "notebooks")]

from otslab_book import launch_settings  # noqa: E402

project = 'Is a "Turkic NATO" taking shape?'
author = 'The "Is a Turkic NATO taking shape?" course authors'
copyright = "the course authors. Text and data CC BY 4.0, code MIT"

extensions = [
    "myst_nb",
    "sphinx_exercise",
    "sphinx_design",
    "sphinx_togglebutton",
    "otslab_book",
]

# Sphinx reads the repository (`sphinx-build -c book . build/html`), so the notebooks, guides, data
# dictionary and source cards become pages where they live; only these files are read.
root_doc = "book/index"
include_patterns = [
    "book/*.md",
    "notebooks/*.ipynb",
    "notebooks/*.md",
    "data/README.md",
    "seeds/*.md",
]
exclude_patterns = [".*", "build", "test-artifacts", "book/node_modules", "**/.ipynb_checkpoints"]
# Answer keys are for teachers only (make answer-keys writes them to build/teachers): never a page.
exclude_patterns += ["**/ANSWER_KEYS*"]

myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

# Every notebook is run afresh; an error, or anything written to stderr (a warning), stops the
# build, because `make html` runs Sphinx with warnings as errors.
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_output_stderr = "warn"
nb_merge_streams = True
# The widget manager comes from the site itself (copied from npm's @jupyter-widgets/html-manager).
nb_ipywidgets_js = {"widgets/embed.js": {}}

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["otslab.css"]
html_js_files = ["otslab.js"]
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}

# Launch buttons: one setting, the repository URL (README, "Website"). An empty value means the
# pages get no launch buttons rather than a link that cannot work.
otslab_repository, otslab_hub = launch_settings(REPO, os.environ)
otslab_branch = os.environ.get("OTSLAB_BRANCH", "main")
