"""Measure the course against its budgets and print a Markdown table (run by `make bench`).

For each notebook: its fresh-kernel run time as a ratio to a floor notebook (kernel start,
`import pandas, seaborn, ipywidgets`, one small plot) run alternately with it; the kernel's peak
memory; and, for every widget control wired to a view, the median time of a value change until its
output is redrawn (observers run synchronously, so the change returns when the view is drawn).
Then the same in the browser (tools/bench_browser.py): JupyterLab in headless Chromium, from a
real change of a control to the first change of the view's output in the page.
Last, the time `make lab` needs to build its environment from nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from bench_browser import measure as measure_browser
from bench_browser import met as browser_met
from bench_browser import report as browser_report
from bench_browser import verdict
from run_notebook import execute
from run_notebook import probe as probe_notebook

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
BUDGET_RATIO, BUDGET_MS, BUDGET_MB = 1.7, 150.0, 250.0
BROWSER_MEDIAN_MS, BROWSER_P90_MS = 150.0, 250.0

FLOOR_CELLS = [
    "import pandas, seaborn, ipywidgets",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])\nplt.show()",
]

# Runs in the kernel after a notebook: change every control that a view observes, time each change.
PROBE = """
import json as _json, resource as _resource, statistics as _stats, time as _time
import warnings as _warnings
import ipywidgets as _w
import traitlets as _traitlets

def _values(widget, changes):
    options = [o[1] if isinstance(o, tuple) else o for o in getattr(widget, "options", ())]
    if isinstance(widget, _w.SelectMultiple) or type(widget).__name__ == "CheckList":
        pool = [(o,) for o in options] + [tuple(options[i:i + 2]) for i in range(len(options) - 1)]
    elif isinstance(widget, (_w.IntRangeSlider, _w.FloatRangeSlider)):
        lo, hi = widget.min, widget.max
        pool = [(lo, hi), (lo + (hi - lo) // 2, hi), (lo, lo + (hi - lo) // 2)]
    elif isinstance(widget, (_w.IntSlider, _w.FloatSlider)):
        lo, hi = widget.min, widget.max
        pool = [lo + (hi - lo) * k // 4 for k in range(5)]
    elif isinstance(widget, _w.Checkbox):
        pool = [not widget.value, widget.value]
    elif isinstance(widget, _w.BoundedIntText):
        pool = list(range(widget.min, widget.max + 1))
    elif isinstance(widget, _w.Text):
        pool = ["Uzbekistan", "CSTO", "2025", ""]
    else:
        pool = options
    values, last, i = [], widget.value, 0
    while len(values) < changes and len(set(map(repr, pool))) > 1:
        value = pool[i % len(pool)]
        i += 1
        if value != last:  # every change must be a real change, or nothing is redrawn
            values.append(value)
            last = value
    return values

_results = []
with _warnings.catch_warnings():  # the registry of live widgets; its accessor is deprecated
    _warnings.simplefilter("ignore", DeprecationWarning)
    _live = list(_w.Widget.widgets.values())
for _widget in _live:
    _observers = _widget._trait_notifiers.get("value", {}).get("change", [])
    if all(isinstance(_h, _traitlets.ObserveHandler) for _h in _observers):
        continue  # only the widget class's own bookkeeping listens: not wired to a view
    if not hasattr(_widget, "description"):
        continue
    _times = []
    for _value in _values(_widget, CHANGES):  # none: the control offers no other value now
        _start = _time.perf_counter()
        _widget.value = _value
        _times.append((_time.perf_counter() - _start) * 1000)
    if not _times:
        continue
    _label = f"{type(_widget).__name__} '{_widget.description}'"
    _results.append({"control": _label, "median_ms": _stats.median(_times)})
_peak_mb = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024
print("BENCH" + _json.dumps({"widgets": _results, "peak_mb": _peak_mb}))
"""


def floor_notebook() -> nbformat.NotebookNode:
    """The floor: what any notebook of the course pays before doing anything."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in FLOOR_CELLS]
    return nb


def run(nb: nbformat.NotebookNode) -> float:
    """Execute a notebook in a fresh kernel; return the wall time in seconds, start to finish."""
    start = time.perf_counter()
    execute(nb)
    return time.perf_counter() - start


def probe(path: Path, changes: int) -> dict:
    """Run a notebook, then time its widget controls and read the kernel's peak memory."""
    return probe_notebook(path, f"CHANGES = {changes}\n{PROBE}", "BENCH")


def setup_seconds() -> float:
    """Time `make lab`'s environment build from nothing: a new venv, pins installed, no cache."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", f"{tmp}/venv"], check=True)
        subprocess.run(
            [
                f"{tmp}/venv/bin/python",
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-cache-dir",
                "-r",
                str(REPO / "requirements.txt"),
            ],
            check=True,
        )
        return time.perf_counter() - start


def load_average() -> str:
    """The machine's load average now (1, 5 and 15 minutes), as the report prints it."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    """Measure, print the Markdown report, and save it to build/bench.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh-kernel runs per notebook")
    parser.add_argument("--changes", type=int, default=20, help="value changes per control")
    parser.add_argument("--skip-setup", action="store_true", help="do not time the venv build")
    parser.add_argument("--skip-browser", action="store_true", help="do not time the browser")
    parser.add_argument(
        "--browser-changes", type=int, default=2, help="changes per control in the browser"
    )
    parser.add_argument("--only", default="", help="only the notebooks whose name contains this")
    args = parser.parse_args()
    paths = sorted(p for p in NOTEBOOKS.glob("*.ipynb") if args.only in p.name)
    load_at_start = load_average()
    floor_times: list[float] = []
    times: dict[str, list[float]] = {p.name: [] for p in paths}
    for _ in range(args.runs):
        for path in paths:
            floor_times.append(run(floor_notebook()))
            times[path.name].append(run(nbformat.read(path, as_version=4)))
    floor = statistics.median(floor_times)
    lines = [
        f"Load average at the start: {load_at_start}; at the end of the runs: "
        f"{load_average()} (1, 5, 15 minutes; 2 cores, shared).",
        "",
        f"Floor notebook: median {floor:.1f} s over {len(floor_times)} runs.",
        "",
        f"| notebook | median run (s) | ratio to floor (budget {BUDGET_RATIO}x) | peak kernel "
        f"memory, MB (budget {BUDGET_MB:.0f}) | slowest widget update in Python, median ms "
        f"(budget {BUDGET_MS:.0f}) |",
        "|---|---|---|---|---|",
    ]
    details = ["", "| notebook | control | median update (ms) |", "|---|---|---|"]
    all_met = True
    for path in paths:
        measured = probe(path, args.changes)
        median = statistics.median(times[path.name])
        ratio = median / floor
        slowest = max((w["median_ms"] for w in measured["widgets"]), default=0.0)
        met = (ratio <= BUDGET_RATIO, measured["peak_mb"] <= BUDGET_MB, slowest <= BUDGET_MS)
        all_met &= all(met)
        lines.append(
            f"| {path.stem} | {median:.1f} | {ratio:.2f}x {verdict(met[0])} | "
            f"{measured['peak_mb']:.0f} {verdict(met[1])} | {slowest:.0f} {verdict(met[2])} |"
        )
        details += [
            f"| {path.stem} | {w['control']} | {w['median_ms']:.0f} |" for w in measured["widgets"]
        ]
    if not args.skip_browser:
        results = measure_browser(paths, args.browser_changes)
        lines += [
            "",
            "In the browser (JupyterLab in headless Chromium): a real change of a control to "
            "the first change of the view's output in the page.",
            "",
            *browser_report(results, BROWSER_MEDIAN_MS, BROWSER_P90_MS),
            "",
            f"Load average after the browser runs: {load_average()}.",
        ]
        all_met &= browser_met(results, BROWSER_MEDIAN_MS, BROWSER_P90_MS)
    if not args.skip_setup:
        lines += [
            "",
            f"`make lab` environment from nothing (new venv, no pip cache): "
            f"{setup_seconds():.0f} s.",
        ]
    report = "\n".join(lines + details) + "\n"
    print(report)
    out = REPO / "build" / "bench.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report, encoding="utf-8")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
