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
from packaging.requirements import Requirement

from conftest import NOTEBOOKS, REPO, notebook_paths, require
from course_run import CourseRun, kernel_venv

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


def read_lock(path: Path) -> dict[str, str]:
    """Return {distribution: version} that a lock written by `make lock` installs on this machine.

    The lock is universal (other systems get their own markers); every pin carries its hashes.
    """
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in "# ":
            continue
        assert line.endswith(" \\"), f"{path.name}: {line!r} carries no hashes"
        requirement = Requirement(line.removesuffix(" \\"))
        if requirement.marker is None or requirement.marker.evaluate():
            pins[normalise(requirement.name)] = str(requirement.specifier).removeprefix("==")
    assert pins, f"{path.name} locks nothing"
    return pins


@pytest.mark.parametrize(
    ("human", "lock"),
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_each_lock_holds_its_human_list(human: str, lock: str) -> None:
    """The lock of the whole tree pins each package of the short list at the same version."""
    pins, locked = read_pins(REPO / human), read_lock(REPO / lock)
    if human == "requirements-dev.txt":
        pins |= read_pins(REQUIREMENTS)
    drift = [
        f"{p}: {human} {v}, {lock} {locked.get(p, 'missing')}"
        for p, v in pins.items()
        if locked.get(p) != v
    ]
    assert not drift, "run `make lock`:\n" + "\n".join(drift)


def test_the_dev_lock_keeps_the_runtime_versions() -> None:
    """Tests run what students run: every runtime package at the same version in both locks."""
    runtime, dev = read_lock(REPO / "requirements.lock"), read_lock(REPO / "requirements-dev.lock")
    drift = [f"{p}: {v} and {dev.get(p)}" for p, v in runtime.items() if dev.get(p) != v]
    assert not drift, "run `make lock`:\n" + "\n".join(drift)


def test_binder_installs_the_runtime_lock() -> None:
    """Binder and the hub image install binder/requirements.txt: the runtime lock, as it is."""
    binder = (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8")
    assert binder == (REPO / "requirements.lock").read_text(encoding="utf-8"), (
        "binder/requirements.txt is not requirements.lock: run `make lock`"
    )


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


def fresh_env() -> dict[str, str]:
    """The environment for the Binder venv: nothing of ours on the path but the notebooks."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONHOME"}}
    return {**env, "PYTHONPATH": str(NOTEBOOKS), "MPLBACKEND": "Agg"}


@pytest.fixture(scope="module")
def binder_python() -> Path:
    """The Python of the environment make builds from binder/requirements.txt alone."""
    python = kernel_venv() / "bin" / "python"
    require(python.exists(), f"{python} (the Binder environment): make .venv-binder/.stamp")
    return python


@pytest.mark.slow  # the Binder environment is built by `make test`, not by `make check`
def test_the_binder_environment_is_exactly_the_lock(binder_python: Path) -> None:
    """What the tests' kernels run from holds the runtime lock's packages and nothing else."""
    frozen = subprocess.run(
        [str(REPO / ".venv" / "bin" / "uv"), "pip", "freeze", "--python", str(binder_python)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = {normalise(n): v for n, v in re.findall(r"^(\S+)==(\S+)$", frozen, re.M)}
    locked = read_lock(REPO / "binder" / "requirements.txt")
    extra = {p: v for p, v in installed.items() if locked.get(p) != v}
    missing = {p: v for p, v in locked.items() if p not in installed}
    assert not extra and not missing, f"not the lock: extra {extra}, missing {missing}"


@pytest.mark.slow
def test_fresh_venv_imports_everything(binder_python: Path) -> None:
    """Every module the notebooks and otslab import, imported in the Binder environment."""
    # The standard library's own modules come with Python (some only on Windows, as msvcrt).
    modules = sorted((course_imports() - set(sys.stdlib_module_names)) | set(otslab_modules()))
    result = subprocess.run(
        [str(binder_python), "-c", IMPORT_EACH, *modules],
        env=fresh_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        f"the Binder environment cannot import the course:\n{result.stdout}{result.stderr}"
    )


def test_every_notebook_ran_in_the_binder_environment(course_run: CourseRun) -> None:
    """The session's one run of the course used the Binder environment's kernel throughout."""
    prefixes = {stem: run.probe("KERNEL")["prefix"] for stem, run in course_run.runs.items()}
    expected = str(kernel_venv())
    assert set(prefixes.values()) == {expected}, f"kernels ran from {prefixes}, not {expected}"


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
