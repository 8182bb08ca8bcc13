"""Each notebook is stored clean and runs top to bottom in a fresh kernel without errors."""

from pathlib import Path

import nbformat
import pytest
from run_notebook import execute

from conftest import NOTEBOOKS, notebook_paths

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


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """Return one line per error or stderr output of an executed notebook."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {index}: stderr: {output.text.strip()}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_notebook_runs_without_errors_or_warnings(path: Path) -> None:
    nb = execute(nbformat.read(path, as_version=4), NOTEBOOKS, allow_errors=True)
    found = problems(nb)
    assert not found, f"{path.name}:\n" + "\n".join(found)
