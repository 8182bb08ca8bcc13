"""The course holds up in a classroom: any order, no network, nothing written, clear data errors."""

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from run_notebook import execute as run_in_kernel

from conftest import REPO, notebook_paths
from course_run import NO_NETWORK, CourseRun
from otslab.course import roleplay as rp
from otslab.data import load_tables
from otslab.model import feasibility as fz


def execute(notebook: Path, cwd: Path, allow_errors: bool = False) -> nbformat.NotebookNode:
    """Run a notebook file in a fresh kernel with cwd as its working directory."""
    return run_in_kernel(nbformat.read(notebook, as_version=4), cwd, allow_errors)


def test_course_runs_in_any_order_offline_and_writes_nothing(course_run: CourseRun) -> None:
    """The session's one run took the notebooks in a shuffled order, each in a fresh kernel with
    no network access: none needs another to have run first and none writes into the repo."""
    assert sorted(course_run.order) != course_run.order, "the run did not shuffle the notebooks"
    failed = {
        stem: [o.ename for c in run.cells for o in c.get("outputs", []) if o.output_type == "error"]
        for stem, run in course_run.runs.items()
    }
    assert not any(failed.values()), f"failed offline in the order {course_run.order}: {failed}"
    assert course_run.repo_after == course_run.repo_before, (
        "running the notebooks changed files in the repository:\n" + course_run.repo_after
    )


@pytest.mark.slow
def test_the_network_guard_really_refuses(tmp_path, monkeypatch) -> None:
    """The guard the course run uses blocks an outside address (so the offline test can fail)."""
    (tmp_path / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=1)"
        )
    ]
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    out = execute(path, tmp_path, allow_errors=True)
    error = out.cells[0].outputs[0]
    assert error.ename == "ConnectionRefusedError" and "no network access" in error.evalue


@pytest.mark.slow
def test_the_start_notebook_reads_nothing_outside_the_repository(tmp_path) -> None:
    """A hub's shared volume often sits beside a clone as shared/: an empty shared/seeds there
    changes nothing for a student (the seed texts are read only by the tests and check-data)."""
    course = tmp_path / "course"
    for name in ("notebooks", "data"):
        shutil.copytree(
            REPO / name,
            course / name,
            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "my_work"),
        )
    (tmp_path / "shared" / "seeds").mkdir(parents=True)
    nb = execute(course / "notebooks" / "00_start_here.ipynb", course / "notebooks", True)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]


@pytest.mark.slow
def test_a_broken_csv_shows_one_readable_message_in_the_notebook(tmp_path) -> None:
    """A bad edit to a CSV: the start notebook shows file, line and column, not a traceback."""
    for name in ("notebooks", "data"):
        shutil.copytree(
            REPO / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"),
        )
    events = tmp_path / "data" / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].replace(",agreement,", ",treaty,", 1)
    events.write_text("".join(lines), encoding="utf-8")
    nb = execute(
        tmp_path / "notebooks" / "00_start_here.ipynb", tmp_path / "notebooks", allow_errors=True
    )
    errors = [
        o
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.outputs
        if o.output_type == "error"
    ]
    first = errors[0]
    text = "\n".join(first.traceback)
    assert first.ename == "DataError"
    assert "data/events.csv, line 5, column 'kind'" in text and "'treaty' is not allowed" in text
    assert len(first.traceback) <= 3, f"the student sees a long traceback:\n{text}"


@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda p: p.stem)
def test_every_view_survives_edge_values(notebook: Path, course_run: CourseRun) -> None:
    """Empty selections, single items, extreme years and odd text give a result or a hint."""
    report = course_run[notebook.stem].probe("EDGES")
    assert not report["stderr"], (
        f"{notebook.name} views print warnings at edge values:\n{report['stderr']}"
    )
    assert report["controls"] > 0, f"{notebook.name} has no widget view to probe"
    assert not report["broken"], "\n".join(report["broken"])


def test_the_role_play_kit_keeps_a_teachers_edits(tmp_path: Path) -> None:
    """Files a teacher edited are never overwritten: the new version is written beside them."""
    T = load_tables()
    clashes, _coefs = fz.model(T)
    kit = tmp_path / "kit"
    first = rp.export_kit(T, kit, clashes)
    assert [p.parent for p in first] == [kit] * len(first)
    assert "roleplay_kit" in str(rp.KIT_DIR) and rp.KIT_DIR.parent == REPO / "notebooks"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(rp.KIT_DIR / "x.md")], cwd=REPO)
    assert ignored.returncode == 0, "the kit folder must be ignored by git"
    edited, untouched = first[1], first[2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOur class adds a rule.\n", "utf-8")
    mine = edited.read_text(encoding="utf-8")
    second = rp.export_kit(T, kit, clashes)
    assert edited.read_text(encoding="utf-8") == mine
    new = second[1]
    assert new.name == edited.name.removesuffix(".md") + ".new.md"
    assert new.read_text(encoding="utf-8") == rp.rc.role_card(T, first[1].stem[-3:], clashes) + "\n"
    assert second[2] == untouched
    assert f"{edited.name} was changed after it was written" in rp.describe_kit(second)
    # The data changes: files nobody edited follow it; the edited one is still kept.
    T.factors["name"] = T.factors["name"] + " (revised)"
    third = rp.export_kit(T, kit, clashes)
    assert edited.read_text(encoding="utf-8") == mine and third[1] == new
    assert "(revised)" in untouched.read_text(encoding="utf-8")
    assert "(revised)" in new.read_text(encoding="utf-8")
    assert rp.describe_kit(rp.export_kit(T, kit, clashes)) == rp.describe_kit(third)


@pytest.mark.slow
@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda p: p.stem)
def test_a_kernel_started_elsewhere_says_where_to_start_it(notebook: Path, tmp_path) -> None:
    """A kernel working in another folder fails on its first import, saying where to run it."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [next(cell for cell in nb.cells if cell.cell_type == "code")]
    error = execute_cells(nb, tmp_path)
    text = "\n".join(error.traceback)
    assert error.ename == "ModuleNotFoundError" and "otslab" in error.evalue
    assert "Run the kernel in notebooks/" in text, (
        f"{notebook.name}: its first otslab import must carry the comment "
        "'# ModuleNotFoundError? Run the kernel in notebooks/ (make lab)'"
    )


def execute_cells(nb: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    """Run nb's cells in a fresh kernel in cwd; return the first error output."""
    run_in_kernel(nb, cwd, allow_errors=True)
    return next(o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error")
