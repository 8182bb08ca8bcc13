"""Shared paths and helpers for the test suite."""

import csv
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# Answers and weights that tests save (tasks, quiz, commit-then-reveal) go to a scratch folder,
# never to a student's notebooks/my_work; kernels the tests start inherit it.
os.environ.setdefault("OTSLAB_WORK", tempfile.mkdtemp(prefix="otslab-work-"))

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SHARED = REPO.parent / "shared"
DATA = REPO / "data"


def data_rows(name: str) -> list[dict[str, str]]:
    """The rows of data/<name>.csv as the csv module reads them (independently of otslab)."""
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_rows(path: Path) -> list[list[str]]:
    """A CSV file's rows as lists, header first (line n of an editor is rows[n - 1])."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows back as a comma-separated UTF-8 file."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def put_cell(data_dir: Path, table: str, column: str, value: str, line: int = 2) -> None:
    """Put value into one cell of a table in data_dir (line as an editor counts it, header 1)."""
    rows = read_rows(data_dir / f"{table}.csv")
    rows[line - 1][rows[0].index(column)] = value
    write_rows(data_dir / f"{table}.csv", rows)


@pytest.fixture(scope="module")
def T():
    """The course's tables, loaded once per test module (a module that changes them copies them)."""
    from otslab.data import load_tables

    return load_tables()


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip when `condition` is false, but fail instead when running in CI (env CI set)."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def notebook_paths() -> list[Path]:
    """Return the course notebooks (notebooks/*.ipynb), sorted by name."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


REPOSITORY = "https://github.com/example-school/otslab-course"
"""The repository URL the website test build is given (OTSLAB_REPOSITORY), as a teacher sets it."""


@dataclass
class Site:
    """A built website and its PDFs."""

    html: Path
    pdf: Path

    def page(self, name: str) -> str:
        """The HTML of a page, by its path without .html (e.g. notebooks/02_member_alignments)."""
        return (self.html / f"{name}.html").read_text(encoding="utf-8")

    def pages(self) -> list[Path]:
        """Every page of the site (the theme's template fragments in _static are not pages)."""
        return sorted(p for p in self.html.rglob("*.html") if "_static" not in p.parts)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The website and PDFs, built by tools/build_html.py as `make html` and `make pdf` do."""
    require_or_skip(
        (REPO / "book" / "node_modules" / "@jupyter-widgets").exists(),
        "book/node_modules is missing: npm ci --prefix book",
    )
    require_or_skip(
        Path("/usr/bin/chromium").exists(), "/usr/bin/chromium is missing (prints the PDFs)"
    )
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "tools/build_html.py", "--out", out / "html", "--pdf", out / "pdf"],
        cwd=REPO,
        env={**os.environ, "OTSLAB_REPOSITORY": REPOSITORY, "OTSLAB_HUB": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return Site(out / "html", out / "pdf")
