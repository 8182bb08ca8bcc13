"""The package's shape: four layers that import only downward (data, model, views, course), views
that never import one another, no import circle, no module over 700 lines.

The layer contracts live in pyproject.toml ([tool.importlinter]); these tests run them, and show
that they catch an upward import.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
MAX_LINES = 700
LAYERS = ("data", "model", "views", "course")


def lint_imports(notebooks: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run import-linter's contracts from pyproject.toml on the package in notebooks/otslab."""
    return subprocess.run(
        [Path(sys.executable).with_name("lint-imports"), REPO / "pyproject.toml", "--no-cache"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(notebooks)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_import_contract_is_kept(tmp_path: Path) -> None:
    """Layers, independent views and a pure model, as import-linter reads them from the code."""
    result = lint_imports(NOTEBOOKS, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_contracts_catch_an_upward_import_and_a_view_importing_a_view(tmp_path: Path) -> None:
    """A model module that imports the course, and a view that imports another view, break them."""
    copy = tmp_path / "notebooks"
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(NOTEBOOKS / "otslab", copy / "otslab", ignore=skip)
    with (copy / "otslab" / "model" / "network.py").open("a", encoding="utf-8") as module:
        module.write("\nfrom otslab.course import tasks  # an upward import\n")
    with (copy / "otslab" / "views" / "geo.py").open("a", encoding="utf-8") as module:
        module.write("\nfrom otslab.views import alignments  # a view importing a view\n")
    result = lint_imports(copy, tmp_path)
    assert result.returncode == 1
    assert "otslab.model.network -> otslab.course.tasks" in result.stdout
    assert "otslab.views.geo -> otslab.views.alignments" in result.stdout


def package_imports() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports."""
    sys.path.insert(0, str(NOTEBOOKS))
    try:
        graph = grimp.build_graph("otslab", cache_dir=None)
    finally:
        sys.path.remove(str(NOTEBOOKS))
    return {
        module: {d for d in graph.find_modules_directly_imported_by(module) if d != module}
        for module in graph.modules
    }


def test_no_module_imports_itself_round_a_circle() -> None:
    """No chain of imports leads back to where it started (the data layer's old circle is gone)."""
    imports = package_imports()
    done: set[str] = set()

    def walk(module: str, path: list[str]) -> None:
        for other in imports[module]:
            assert other not in path, "import circle: " + " -> ".join([*path, other])
            if other not in done:
                walk(other, [*path, other])
        done.add(module)

    for module in sorted(imports):
        walk(module, [module])
    assert {m.split(".")[1] for m in imports if m.count(".") >= 1} >= set(LAYERS)


@pytest.mark.parametrize("folder", ["notebooks/otslab", "tools"])
def test_no_module_is_over_700_lines(folder: str) -> None:
    """A module a newcomer can read: at most 700 lines."""
    sizes = {
        str(path.relative_to(REPO)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (REPO / folder).rglob("*.py")
        if "node_modules" not in path.parts
    }
    assert sizes, folder
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
