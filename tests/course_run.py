"""The course executed once per test session: each notebook in a fresh kernel, as on Binder.

Each notebook runs in a shuffled order (none may depend on another having run), with no network,
in a kernel started from the Binder environment (`.venv-binder`, binder/requirements.txt), with
probe cells appended after its own cells. Tests read what they need from the one run: the
notebook's own outputs, the self-check questions it created, the kernel's environment and what
its views show at their controls' edge values.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from answer_keys import COLLECT
from run_notebook import execute, printed

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"

# Loaded by the kernel at start-up: refuses every connection that does not stay on this machine.
NO_NETWORK = """
import ipaddress, socket

_connect = socket.socket.connect


def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise ConnectionRefusedError(f"course test: no network access to {host}")
    return _connect(self, address)


socket.socket.connect = _loopback_only
"""

# The self-check questions the notebook created: the probe `make answer-keys` runs.
QUIZ_PROBE = COLLECT

# Where the kernel runs from, and what it sees on its path.
KERNEL_PROBE = "import json, sys\nprint('KERNEL' + json.dumps({'prefix': sys.prefix}))"

# Push every control wired to a view to its edge values and collect any view that then shows an
# error instead of a result or a hint. It runs last: it leaves the controls where it found them.
EDGE_PROBE = r"""
import json
import warnings
import ipywidgets as w
import traitlets

with warnings.catch_warnings():  # the registry of live widgets; its accessor is deprecated
    warnings.simplefilter("ignore", DeprecationWarning)
    live = list(w.Widget.widgets.values())

def edges(widget):
    if isinstance(widget, w.SelectMultiple) or type(widget).__name__ == "CheckList":
        options = [o[1] if isinstance(o, tuple) else o for o in widget.options]
        return [(), tuple(options[:1]), tuple(options)]
    if isinstance(widget, (w.IntRangeSlider, w.FloatRangeSlider)):
        lo, hi = widget.min, widget.max
        return [(lo, lo), (hi, hi), (lo, hi)]
    if hasattr(widget, "min") and hasattr(widget, "max"):  # sliders, bounded number boxes
        return [widget.min, widget.max, widget.value]
    if isinstance(widget, w.Checkbox):
        return [not widget.value, widget.value]
    if isinstance(widget, (w.Text, w.Textarea)):
        return ["", "   ", "zzzz-no-such-thing", "<b>'\"", ""]
    if hasattr(widget, "options"):
        return [o[1] if isinstance(o, tuple) else o for o in widget.options]
    return [widget.value]

def shown(output):
    return " ".join(
        str(item.get("data", {}).get("text/html") or item.get("data", {}).get("text/plain") or "")
        for item in output.outputs
    )

broken = []
controls = [
    x for x in live
    if hasattr(x, "description")
    and not all(isinstance(h, traitlets.ObserveHandler)
                for h in x._trait_notifiers.get("value", {}).get("change", []))
]
outputs = [x for x in live if isinstance(x, w.Output)]
for control in controls:
    start = control.value
    for value in edges(control):
        try:
            control.value = value
        except Exception as error:
            broken.append(f"{control.description!r} = {value!r}: {type(error).__name__}: {error}")
            continue
        for output in outputs:
            text = shown(output)
            if "Something went wrong" in text or "Traceback" in text:
                broken.append(f"{control.description!r} = {value!r}: {text[:300]}")
    control.value = start
print("EDGES" + json.dumps({"controls": len(controls), "broken": broken}))
"""

PROBES = {"QUIZ": QUIZ_PROBE, "KERNEL": KERNEL_PROBE, "EDGES": EDGE_PROBE}


@dataclass
class Run:
    """One notebook as the course run executed it: its own cells, then one cell per probe."""

    path: Path
    nb: nbformat.NotebookNode
    own_cells: int

    @property
    def cells(self) -> list[nbformat.NotebookNode]:
        """The notebook's own cells, executed (the probes' cells left out)."""
        return self.nb.cells[: self.own_cells]

    def probe(self, marker: str) -> Any:
        """The JSON a probe printed after its marker; a dict also gets the probe's "stderr"."""
        try:
            return printed(self.nb.cells[self.own_cells + list(PROBES).index(marker)], marker)
        except ValueError as error:
            raise AssertionError(f"{self.path.name}: {error}") from None


@dataclass
class CourseRun:
    """Every notebook executed once, with the order and the repository's state around the run."""

    runs: dict[str, Run] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    repo_before: str = ""
    repo_after: str = ""
    kernel_python: Path = Path()

    def __getitem__(self, stem: str) -> Run:
        return self.runs[stem]


def repo_state() -> str:
    """Everything git sees as changed or new in the repository (ignored files excluded)."""
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def kernel_venv() -> Path:
    """The Binder environment the tests' kernels run from (make builds it from the runtime lock)."""
    return Path(os.environ.get("OTSLAB_KERNEL_VENV") or REPO / ".venv-binder").resolve()


@contextmanager
def kernel_from(python: Path, scratch: Path, env: dict[str, str]):
    """Make the python3 kernelspec, for kernels started inside the block, run from python."""
    spec_dir = scratch / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (Binder environment)",
        "language": "python",
        "env": env,
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    before = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(scratch / "jupyter"), before]))
    try:
        yield
    finally:
        if before is None:
            del os.environ["JUPYTER_PATH"]
        else:
            os.environ["JUPYTER_PATH"] = before


def run_course(
    scratch: Path, python: Path, seed: int = 2026, only: list[Path] | None = None
) -> CourseRun:
    """Execute every notebook (or only those given) once, shuffled, offline, in python's kernel."""
    guard = scratch / "guard"
    guard.mkdir(parents=True, exist_ok=True)
    (guard / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    env = {"PYTHONPATH": str(guard)}
    paths = sorted(only if only is not None else NOTEBOOKS.glob("*.ipynb"))
    random.Random(seed).shuffle(paths)
    course = CourseRun(order=[p.stem for p in paths], kernel_python=python)
    course.repo_before = repo_state()
    with kernel_from(python, scratch, env):
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            own = len(nb.cells)
            nb.cells += [nbformat.v4.new_code_cell(code) for code in PROBES.values()]
            execute(nb, NOTEBOOKS, allow_errors=True)
            course.runs[path.stem] = Run(path, nb, own)
    course.repo_after = repo_state()
    return course
