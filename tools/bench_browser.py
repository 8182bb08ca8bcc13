"""Time widget views in the browser: a real change of a control until the page's output changes.

JupyterLab serves a copy of the course (as the browser tests start it, tests/jupyterlab.py);
headless Chromium opens each notebook and runs all its cells. Then, in every view (a code cell
with an ipywidgets Output), each control a student uses is operated a few times as a student
would (an option chosen in a dropdown, a checkbox pressed, Earlier or Later clicked). The page
itself records when the control's event fired and when any view's output first changed in the
DOM (a MutationObserver), so the time covers the message to the kernel, the redraw in Python,
the message back and JupyterLab's rendering up to its first change. `settled` is the time to the
last change of that redraw (outputs quiet for QUIET_MS with the kernel idle).
"""

from __future__ import annotations

import argparse
import math
import shutil
import signal
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))  # the tests' JupyterLab driver, shared rather than copied

from jupyterlab import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    COPIED,
    PANEL,
    REPO,
    LabPages,
    running_lab,
)

QUIET_MS = 300
"""A redraw is over when no output has changed for this long and the kernel is idle."""
CHANGE_TIMEOUT_MS = 10_000
"""A change whose output has not changed by then is listed, not timed: a view whose new content
equals what it shows sends nothing (render_into sets the items only when they differ), e.g. a
kind of event ticked off when none of that kind falls in the years chosen."""

# Installed once per page: the capture-phase listeners see a control's event before ipywidgets
# does; the observer watches every Output of the notebook (a weight panel redraws other cells).
INSTRUMENT = """panel => {
    const lat = window.__otslabLatency = {armed: false, start: null, first: null, last: null};
    const started = () => { if (lat.armed && lat.start === null) lat.start = performance.now(); };
    for (const kind of ['change', 'click']) document.addEventListener(kind, started, true);
    const changed = () => {
        if (lat.start === null) return;
        const now = performance.now();
        if (lat.first === null) lat.first = now;
        lat.last = now;
    };
    const observer = new MutationObserver(changed);
    for (const output of document.querySelectorAll(panel + ' .widget-output')) {
        observer.observe(output, {childList: true, subtree: true, characterData: true});
    }
}"""
ARM = """() => Object.assign(
    window.__otslabLatency, {armed: true, start: null, first: null, last: null})"""
READ = "() => window.__otslabLatency"
SETTLED = """([panel, quiet]) => {
    const lat = window.__otslabLatency;
    const idle = document.querySelector(panel + ' .jp-Notebook-ExecutionIndicator')
        ?.dataset.status === 'idle';
    return lat.first !== null && idle && performance.now() - lat.last > quiet;
}"""

# The controls a student operates in a view: dropdowns, checkboxes, and the year steps.
CONTROLS = "select, input[type=checkbox], button"
STEP_BUTTONS = ("Earlier", "Later")
# Marks each control of a view (a cell with an Output) that lies outside the outputs; other
# buttons save, print or check answers. Returns [view number, mark] pairs in page order.
MARK_CONTROLS = """([panel, selector, steps]) => {
    const marked = [];
    const cells = [...document.querySelectorAll(panel + ' .jp-CodeCell')]
        .filter(cell => cell.querySelector('.widget-output'));
    cells.forEach((cell, view) => {
        for (const el of cell.querySelectorAll(selector)) {
            if (el.closest('.widget-output')) continue;
            if (el.tagName === 'BUTTON' && !steps.includes(el.textContent.trim())) continue;
            el.dataset.benchControl = marked.length;
            marked.push([view + 1, marked.length]);
        }
    });
    return marked;
}"""


@dataclass
class Timed:
    """The changes timed in one notebook, in milliseconds, and the ones that never showed."""

    first: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    controls: dict[str, list[float]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of values (share 0.9 is the p90)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def name_of(control: Locator) -> str:
    """What a student reads for a control: its label, or a button's text."""
    return control.evaluate(
        """el => {
            if (el.tagName === 'BUTTON') return 'button ' + el.textContent.trim();
            if (el.type === 'checkbox') return 'checkbox ' + el.closest('label').textContent.trim();
            const label = el.closest('.widget-inline-hbox')?.querySelector('label');
            return 'dropdown ' + (label?.textContent.trim() || '');
        }"""
    )


def operate(control: Locator, step: int) -> bool:
    """Change the control as a student would; False if it offers no change now."""
    tag = control.evaluate("el => el.tagName")
    if tag == "SELECT":
        values = control.evaluate("s => Array.from(s.options).map(o => o.value)")
        current = control.evaluate("s => s.value")
        others = [value for value in values if value != current]
        if not others:
            return False
        control.select_option(value=others[step % len(others)])
        return True
    if control.is_disabled():
        return False
    control.click()
    return True


def time_change(page: Page, control: Locator, step: int) -> tuple[float, float] | None:
    """Operate control once; the ms to the first and the last change of the outputs, or None
    when the control offers no change. Raises Playwright's TimeoutError if no output changes."""
    page.evaluate(ARM)
    if not operate(control, step):
        return None
    page.wait_for_function(SETTLED, arg=[PANEL, QUIET_MS], timeout=CHANGE_TIMEOUT_MS, polling=50)
    lat = page.evaluate(READ)
    return lat["first"] - lat["start"], lat["last"] - lat["start"]


def view_controls(page: Page) -> list[tuple[int, Locator]]:
    """Every control of every view, with the view's number, in page order: dropdowns,
    checkboxes, Earlier and Later. Each is marked in the page, so its locator stays on it
    while outputs (which may hold buttons of their own) are redrawn."""
    marked = page.evaluate(MARK_CONTROLS, [PANEL, CONTROLS, list(STEP_BUTTONS)])
    return [(view, page.locator(f'[data-bench-control="{n}"]')) for view, n in marked]


def time_notebook(pages: LabPages, notebook: Path, changes: int) -> Timed:
    """Run the notebook in JupyterLab, then time `changes` changes of each view control."""
    print(f"{notebook.stem}: Run All", file=sys.stderr)
    page = pages(notebook).page
    page.evaluate(INSTRUMENT, PANEL)
    timed = Timed()
    for view, control in view_controls(page):
        label = f"view {view}, {name_of(control)}"
        control.scroll_into_view_if_needed()
        for step in range(changes):
            try:
                result = time_change(page, control, step)
            except PlaywrightTimeout:
                timed.unchanged.append(label)
                print(f"  {label}: no output changed", file=sys.stderr)
                break
            if result is None:
                break
            timed.first.append(result[0])
            timed.settled.append(result[1])
            timed.controls.setdefault(label, []).append(result[0])
        shown = [round(t) for t in timed.controls.get(label, [])]
        print(f"  {label}: {shown} ms", file=sys.stderr)
    return timed


def measure(notebooks: list[Path], changes: int) -> dict[str, Timed]:
    """Serve a copy of the course in JupyterLab and time every notebook's views in Chromium."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "my_work")
        for name in COPIED:
            if (REPO / name).is_dir():
                shutil.copytree(REPO / name, tmp / "course" / name, ignore=ignore)
        with running_lab(tmp) as lab, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            pages = LabPages(browser, lab)
            try:
                for notebook in notebooks:
                    results[notebook.stem] = time_notebook(pages, notebook, changes)
                    pages.pages.pop(notebook.stem).page.close()  # one kernel at a time
            finally:
                browser.close()
    return results


def met(results: dict[str, Timed], budget_median: float, budget_p90: float) -> bool:
    """Whether every notebook's median and the p90 over all changes keep their budgets."""
    pooled = [t for timed in results.values() for t in timed.first]
    return (
        bool(pooled)
        and all(statistics.median(t.first) <= budget_median for t in results.values() if t.first)
        and percentile(pooled, 0.9) <= budget_p90
    )


def report(results: dict[str, Timed], budget_median: float, budget_p90: float) -> list[str]:
    """Markdown lines: per notebook the median and p90, and the p90 over all changes."""
    lines = [
        f"| notebook | changes timed | median to first change, ms (budget {budget_median:.0f}) "
        "| p90, ms | median to last change, ms | slowest control (median ms) |",
        "|---|---|---|---|---|---|",
    ]
    pooled = []
    for stem, timed in results.items():
        if not timed.first:
            lines.append(f"| {stem} | 0 | - | - | - | - |")
            continue
        pooled += timed.first
        median = statistics.median(timed.first)
        slowest = max(timed.controls.items(), key=lambda item: statistics.median(item[1]))
        lines.append(
            f"| {stem} | {len(timed.first)} | {median:.0f} {verdict(median <= budget_median)} | "
            f"{percentile(timed.first, 0.9):.0f} | {statistics.median(timed.settled):.0f} | "
            f"{slowest[0]} ({statistics.median(slowest[1]):.0f}) |"
        )
    if pooled:
        p90 = percentile(pooled, 0.9)
        lines += [
            "",
            f"p90 over all {len(pooled)} changes: {p90:.0f} ms "
            f"(budget {budget_p90:.0f}) {verdict(p90 <= budget_p90)}.",
        ]
    unchanged = [f"{stem}: {label}" for stem, timed in results.items() for label in timed.unchanged]
    if unchanged:
        lines += [
            "",
            f"No output changed within {CHANGE_TIMEOUT_MS // 1000} s (not timed; the view's "
            "content may be the same, which sends nothing): " + "; ".join(unchanged) + ".",
        ]
    return lines


def verdict(ok: bool) -> str:
    """A table cell saying whether a budget is met."""
    return "met" if ok else "**missed**"


def main() -> int:
    """Time the views of the notebooks (all, or those whose name contains --only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=2, help="changes per control")
    parser.add_argument("--only", default="", help="only the notebooks whose name contains this")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop JupyterLab on the way out
    notebooks = sorted(p for p in (REPO / "notebooks").glob("*.ipynb") if args.only in p.name)
    results = measure(notebooks, args.changes)
    print("\n".join(report(results, 150, 250)))
    return 0 if met(results, 150, 250) else 1


if __name__ == "__main__":
    sys.exit(main())
