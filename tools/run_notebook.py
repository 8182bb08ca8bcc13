"""Run a notebook in a fresh kernel, optionally with a probe cell that reports back as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def execute(
    nb: nbformat.NotebookNode, cwd: Path = NOTEBOOKS, allow_errors: bool = False
) -> nbformat.NotebookNode:
    """Execute every cell of nb in a fresh python3 kernel working in cwd; return nb."""
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(cwd)}},
    ).execute()
    return nb


def probe(path: Path, code: str, marker: str, cwd: Path = NOTEBOOKS) -> Any:
    """Run the notebook, then code, which must print marker followed by JSON; return that JSON.

    Warnings the probe cell prints are returned as "stderr" when the JSON is a dict.
    """
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(code))
    execute(nb, cwd)
    return printed(nb.cells[-1], marker)


def printed(cell: nbformat.NotebookNode, marker: str) -> Any:
    """The JSON an executed probe cell printed after marker; a dict also gets its "stderr".

    ValueError naming the cell's error (or the end of what it printed) when the marker is missing.
    """
    outputs = cell.get("outputs", [])
    streams = [o for o in outputs if o.output_type == "stream"]
    stdout = "".join(o.text for o in streams if o.name == "stdout")
    if marker not in stdout:
        errors = "\n".join(f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error")
        raise ValueError(f"the {marker} probe printed nothing:\n{errors or stdout[-500:]}")
    result = json.loads(stdout.split(marker, 1)[1].splitlines()[0])
    if isinstance(result, dict):
        result["stderr"] = "".join(o.text for o in streams if o.name == "stderr")
    return result
