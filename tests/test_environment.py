"""The environment: exact pins, Binder matching them, imports, and the shipped lab settings."""

import ast
import importlib.metadata
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from conftest import NOTEBOOKS, REPO, notebook_paths

REQUIREMENTS = REPO / "requirements.txt"
LAB_OVERRIDES = REPO / "binder" / "overrides.json"
LOCAL_PACKAGES = {"otslab"}
# Modules the course may import without their own pin: they come with a pinned package.
ARRIVES_WITH = {"IPython": "ipykernel"}
# Run in the fresh venv: import each module named on the command line, print each failure.
IMPORT_EACH = """
import importlib, sys
failures = []
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception as error:
        failures.append(f"cannot import {name}: {error!r}")
print("\\n".join(failures))
sys.exit(bool(failures))
"""
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)$")


def normalise(name: str) -> str:
    """Return a distribution name in PEP 503 normal form."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> dict[str, str]:
    """Return {distribution: version} from a requirements file, skipping `-r` includes."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: {line!r} is not an exact `name==version` pin"
        pins[normalise(match[1])] = match[2]
    return pins


def top_level_imports(source: str, filename: str) -> set[str]:
    """Return the top-level module names that absolute imports in `source` name."""
    modules = set()
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


def course_imports() -> set[str]:
    """Return the top-level modules imported by the notebooks' code cells and by otslab."""
    transform = TransformerManager().transform_cell  # turns %magics into plain Python
    modules = set()
    for path in notebook_paths():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                modules |= top_level_imports(transform(cell.source), path.name)
    for path in (NOTEBOOKS / "otslab").rglob("*.py"):
        modules |= top_level_imports(path.read_text(encoding="utf-8"), str(path))
    return modules


def otslab_modules() -> list[str]:
    """Return the dotted names of the otslab package and its submodules."""
    found = pkgutil.walk_packages([str(NOTEBOOKS / "otslab")], prefix="otslab.")
    return ["otslab", *(m.name for m in found if not m.name.endswith("__main__"))]


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_requirements_are_exact_pins(name: str) -> None:
    assert read_pins(REPO / name), f"{name} pins nothing"


def test_binder_pins_match_requirements() -> None:
    runtime, binder = read_pins(REQUIREMENTS), read_pins(REPO / "binder" / "requirements.txt")
    drift = sorted(
        f"{pkg}: requirements.txt {runtime.get(pkg, 'missing')}, "
        f"binder/requirements.txt {binder.get(pkg, 'missing')}"
        for pkg in runtime.keys() | binder.keys()
        if runtime.get(pkg) != binder.get(pkg)
    )
    assert not drift, "binder/requirements.txt drifted from requirements.txt:\n" + "\n".join(drift)


def test_binder_runtime_is_python_311() -> None:
    assert (REPO / "binder" / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"


def test_course_imports_are_pinned() -> None:
    pins = read_pins(REQUIREMENTS)
    providers = importlib.metadata.packages_distributions()
    unpinned = []
    for module in sorted(course_imports() - LOCAL_PACKAGES - set(sys.stdlib_module_names)):
        dists = {normalise(d) for d in providers.get(module, [])}
        if normalise(ARRIVES_WITH.get(module, "")) in pins or dists & pins.keys():
            continue
        unpinned.append(f"{module} (from {', '.join(sorted(dists)) or 'no installed package'})")
    assert not unpinned, "the course imports modules requirements.txt does not pin: " + "; ".join(
        unpinned
    )


# Run in the fresh venv: execute each notebook named on the command line, print each failure.
RUN_EACH = """
import sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient
failures = []
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    where = {"metadata": {"path": str(Path(path).parent)}}
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", resources=where).execute()
    except Exception as error:
        failures.append(f"{path}: {error}")
        continue
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error" or out.get("name") == "stderr":
                failures.append(f"{path}: {out.get('ename') or out.get('text')}")
print("\\n".join(failures))
sys.exit(bool(failures))
"""


@pytest.fixture(scope="module")
def binder_venv(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh venv from binder/requirements.txt alone (its pins equal requirements.txt's)."""
    venv = tmp_path_factory.mktemp("binder") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(REPO / "binder" / "requirements.txt")], check=True)
    return python


def fresh_env() -> dict[str, str]:
    """The environment for the fresh venv: nothing of ours on the path but the notebooks."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONHOME"}}
    return {**env, "PYTHONPATH": str(NOTEBOOKS), "MPLBACKEND": "Agg"}


def run_fresh(python: str, script: str, args: list[str]) -> subprocess.CompletedProcess:
    """Run a script with arguments in the fresh venv, output captured."""
    return subprocess.run(
        [python, "-c", script, *args], env=fresh_env(), capture_output=True, text=True
    )


@pytest.mark.slow
def test_fresh_venv_imports_everything(binder_venv: str) -> None:
    """Every module the notebooks and otslab import, imported in the fresh environment."""
    modules = sorted(course_imports() | set(otslab_modules()))
    result = run_fresh(binder_venv, IMPORT_EACH, modules)
    assert result.returncode == 0, (
        f"a fresh venv from the pinned requirements fails:\n{result.stdout}{result.stderr}"
    )


@pytest.mark.slow
def test_every_notebook_runs_in_the_binder_environment(binder_venv: str) -> None:
    """What Binder would install, and nothing else, runs every notebook without error."""
    notebooks = [str(p) for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
    result = run_fresh(binder_venv, RUN_EACH, notebooks)
    assert result.returncode == 0, (
        f"notebooks fail in the Binder environment:\n{result.stdout}{result.stderr[-3000:]}"
    )


def test_lab_settings_silence_news_and_update_checks() -> None:
    overrides = json.loads(LAB_OVERRIDES.read_text(encoding="utf-8"))
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification["fetchNews"] == "false"
    assert notification["checkForUpdates"] is False


def test_lab_settings_match_jupyterlab_schemas() -> None:
    schemas = Path(sys.prefix, "share", "jupyter", "lab", "schemas")
    for plugin, settings in json.loads(LAB_OVERRIDES.read_text(encoding="utf-8")).items():
        package, name = plugin.split(":")
        schema_file = schemas / package / f"{name}.json"
        assert schema_file.exists(), f"JupyterLab has no settings plugin {plugin}"
        properties = json.loads(schema_file.read_text(encoding="utf-8"))["properties"]
        for key, value in settings.items():
            assert key in properties, f"{plugin} has no setting {key!r}"
            jsonschema.validate(value, properties[key])


def test_make_venv_carries_lab_settings() -> None:
    installed = Path(sys.prefix, "share", "jupyter", "lab", "settings", "overrides.json")
    if Path(sys.prefix).resolve() != (REPO / ".venv").resolve():
        pytest.skip("not running from the repo's .venv built by make")
    shipped = LAB_OVERRIDES.read_text(encoding="utf-8")
    assert installed.is_file() and installed.read_text(encoding="utf-8") == shipped, (
        "run `make lab` or `make test` to copy binder/overrides.json into .venv"
    )
