"""`make html` builds a static edition for readers without a kernel; the answer keys are current."""

import re
import subprocess
import sys

import nbformat
import pytest

from conftest import REPO, notebook_paths

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """The static edition, built by the same script `make html` runs, into a temporary folder."""
    out = tmp_path_factory.mktemp("html")
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_html.py"), "--out", str(out)],
        check=True,
        cwd=REPO,
    )
    return out


def figure_cells(notebook) -> int:
    """How many code cells of a notebook draw a static figure with otslab.plots.show."""
    nb = nbformat.read(notebook, as_version=4)
    return sum(c.cell_type == "code" and "show(" in c.source for c in nb.cells)


def test_landing_page_links_every_notebook_in_order(edition) -> None:
    """index.html lists the notebooks in course order, each linking to its page."""
    index = (edition / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)\.html"', index)
    assert links == [p.stem for p in notebook_paths()]


@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda p: p.stem)
def test_each_page_has_its_figures_and_no_errors(edition, notebook) -> None:
    """Every static figure is on the page as an image; no error or warning output; views noted."""
    page = (edition / f"{notebook.stem}.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64") >= figure_cells(notebook)
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page  # errors and warnings
    assert "Loading widget" not in page and "widget-view+json" not in page


VIEW_DEFAULTS = {
    "02_member_alignments": ["Who belonged to what at the end of 2012", "they differ in"],
    "03_agreements_and_exercises": ["Events in the record, 2009", "data:image/svg+xml;base64"],
    "04_feasibility_debate": ["Readiness of each state for each rung", "Role card:"],
}
"""Text a reader sees in each page only if its views show their default content."""


@pytest.mark.parametrize("stem", VIEW_DEFAULTS)
def test_views_show_their_default_content_with_a_note(edition, stem) -> None:
    """Each view is replaced by what it showed when the notebook ran, then a note."""
    page = (edition / f"{stem}.html").read_text(encoding="utf-8")
    for text in VIEW_DEFAULTS[stem]:
        assert text in page, text
    nb = nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4)
    views = sum(c.cell_type == "code" and "explorer(" in c.source for c in nb.cells)
    assert page.count('class="otslab-static-note"') >= views > 0


def test_answer_keys_are_up_to_date() -> None:
    """notebooks/ANSWER_KEYS.md matches what the notebooks ask and answer when they run."""
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "answer_keys.py"), "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
