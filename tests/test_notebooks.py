"""Each notebook is stored clean and runs top to bottom in a fresh kernel without errors."""

from pathlib import Path

import nbformat
import pytest

from conftest import NOTEBOOKS, notebook_paths
from course_run import CourseRun

NOTEBOOK_PATHS = notebook_paths()


def test_course_starts_at_notebook_00() -> None:
    assert (NOTEBOOKS / "00_start_here.ipynb") in NOTEBOOK_PATHS


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_notebook_is_stored_clean(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", (
        f"{path.name}: kernelspec metadata must name python3, or JupyterLab asks for a kernel"
    )
    dirty = [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} carry stored outputs; clear them before saving"


def problems(cells: list[nbformat.NotebookNode]) -> list[str]:
    """Return one line per error or stderr output of a notebook's executed cells."""
    found = []
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {index}: stderr: {output.text.strip()}")
    return found


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_notebook_runs_without_errors_or_warnings(path: Path, course_run: CourseRun) -> None:
    """In a fresh kernel of its own, offline, whatever ran before it (the session's one run)."""
    found = problems(course_run[path.stem].cells)
    assert not found, f"{path.name} (run in the order {course_run.order}):\n" + "\n".join(found)
