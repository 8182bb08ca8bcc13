"""Data never becomes code: script and HTML in every text field stay text in every output.

A copy of the course gets a payload appended to every free-text cell of every table (see
tests/hostile.py); every notebook runs on it, every control of every view is moved and every
button pressed, and the static edition is built from it. No payload may reach an output as
markup, and each notebook must show some payload as text (or the test proves nothing).
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from hostile import ESCAPED, leaks, make_hostile_copy
from run_notebook import execute

from conftest import REPO, notebook_paths

pytestmark = pytest.mark.slow

RENDERED = ("text/html", "text/markdown")
"""Output types a browser renders as markup (text/plain and streams are shown as text)."""
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

# Runs in the kernel after a notebook: moves every control of every view through its values,
# types a payload into every text box, presses every button (Check after each answer of every
# question), and reports every payload that any Output or HTML widget then shows as markup.
DRIVE_ALL = r"""
import json, re, warnings
import ipywidgets as w

TYPED = "<script>alert('typed')</script><img/src=x/onerror=alert('typed')>"
PATTERNS = {
    "text/html": re.compile(r"<img/src=x|<script>alert", re.I),
    "text/markdown": re.compile(
        r"(?<!\\)<img/src=x|(?<!\\)<script>alert|(?<!\\)\]\(javascript:", re.I
    ),
}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    live = list(w.Widget.widgets.values())

def shown(widget):
    if isinstance(widget, w.Output):
        return [(m, o.get("data", {}).get(m, "")) for o in widget.outputs for m in PATTERNS]
    if isinstance(widget, (w.HTML, w.HTMLMath)):
        return [("text/html", widget.value)]
    return []

found = []
def scan(step):
    for widget in live:
        for mime, text in shown(widget):
            for m in PATTERNS[mime].finditer(str(text)):
                found.append(f"{step}: ...{str(text)[max(0, m.start() - 80):m.end() + 40]}")

def values(control):
    if isinstance(control, w.SelectMultiple) or type(control).__name__ == "CheckList":
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return [(o,) for o in options] + [tuple(options)]
    if isinstance(control, (w.Dropdown, w.RadioButtons, w.Select, w.ToggleButtons)):
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    if isinstance(control, w.Text):
        return [TYPED, ""]
    if isinstance(control, w.Checkbox):
        return [not control.value, control.value]
    if isinstance(control, (w.IntSlider, w.FloatSlider, w.IntRangeSlider, w.FloatRangeSlider)):
        return [control.min, control.max] if not isinstance(control.value, tuple) else [
            (control.min, control.min), (control.max, control.max), (control.min, control.max)]
    return []

buttons = [x for x in live if isinstance(x, w.Button)]
checks = [x for x in buttons if x.description == "Check"]
moved = 0
for control in [x for x in live if values(x)]:
    start = control.value
    for value in values(control):
        control.value = value
        moved += 1
        scan(f"{control.description or type(control).__name__} = {value!r}")
        if isinstance(control, w.RadioButtons):
            for button in checks:
                button.click()
                scan(f"Check after {value!r}")
    control.value = start
for button in buttons:
    button.click()
    scan(f"button {button.description!r}")
print("HOSTILE" + json.dumps({"moved": moved, "leaks": found[:40]}))
"""


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A copy of the course whose every free-text field carries a payload."""
    root = tmp_path_factory.mktemp("hostile")
    fields = make_hostile_copy(REPO, root)
    return root, fields


def test_payloads_go_into_every_field_the_review_found_unescaped(hostile_repo) -> None:
    """The 16 fields of the reliability review (where they still exist) all carry a payload."""
    root, fields = hostile_repo
    descriptor = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    columns = {
        f"{r['name']}.{f['name']}" for r in descriptor["resources"] for f in r["schema"]["fields"]
    }
    review = [
        "countries.name",
        "countries.security_posture",
        "scenarios.name",
        "scenarios.description",
        "factors.name",
        "factors.description",
        "events.title",
        "events.summary",
        "claims.statement",
        "voices.name",
        "voices.affiliation",
        "voices.position",
        "commitments.name",
        "commitments.conflict",
        "commitment_requirements.reason",
        "organisations.short_name",
    ]
    assert [f for f in review if f in columns and f not in fields] == []
    assert len(fields) >= len(review)


def rendered_outputs(nb: nbformat.NotebookNode) -> list[tuple[str, str, str]]:
    """(where, MIME type, text) of everything a browser would render as markup in nb."""
    found = []
    for number, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            for mime in RENDERED:
                if mime in output.get("data", {}):
                    found.append((f"cell {number}", mime, output["data"][mime]))
    states = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model_id, model in states.items():
        state = model.get("state", {})
        if state.get("_model_name") == "OutputModel":
            for output in state.get("outputs", []):
                for mime in RENDERED:
                    if mime in output.get("data", {}):
                        found.append((f"view {model_id}", mime, output["data"][mime]))
        elif state.get("_model_name") in ("HTMLModel", "HTMLMathModel"):
            found.append((f"widget {model_id}", "text/html", state.get("value", "")))
        if state.get("description_allow_html"):
            found.append((f"label {model_id}", "text/html", state.get("description", "")))
    return found


@pytest.mark.parametrize("notebook", notebook_paths(), ids=lambda p: p.stem)
def test_no_payload_reaches_a_notebook_output_as_markup(hostile_repo, notebook: Path) -> None:
    """Run the notebook on hostile data, drive every view: every payload shows as text."""
    root, _fields = hostile_repo
    nb = nbformat.read(root / "notebooks" / notebook.name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(DRIVE_ALL))
    execute(nb, root / "notebooks")
    outputs = rendered_outputs(nb)
    found = [
        f"{where} ({mime}): ...{leak}"
        for where, mime, text in outputs
        for leak in leaks(text, mime)
    ]
    stdout = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    report = json.loads(stdout.split("HOSTILE", 1)[1].splitlines()[0])
    assert report["moved"] > 0, f"{notebook.name}: no control was moved"
    assert not found + report["leaks"], "payloads rendered as markup:\n" + "\n".join(
        found + report["leaks"]
    )
    assert any(ESCAPED.search(text) for _where, _mime, text in outputs), (
        f"{notebook.name} shows no payload at all, so this test proves nothing"
    )


STATE_SCRIPT = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.DOTALL
)
"""Widget state embedded in a page; a browser ends the script at the first '</script>'."""


def page_leaks(page: Path) -> list[str]:
    """Payloads rendered as markup on a built page, in its HTML or in its embedded views."""
    text = page.read_text(encoding="utf-8")
    found = [f"{page.name}: ...{leak}" for leak in leaks(STATE_SCRIPT.sub("", text))]
    for block in STATE_SCRIPT.findall(text):
        try:
            state = json.loads(block)
        except ValueError:
            found.append(f"{page.name}: data broke out of the embedded widget state")
            continue
        nb = nbformat.v4.new_notebook(metadata={"widgets": {WIDGET_STATE: state}})
        found += [
            f"{page.name} {where} ({mime}): ...{leak}"
            for where, mime, shown in rendered_outputs(nb)
            for leak in leaks(shown, mime)
        ]
    return found


def test_no_payload_reaches_the_static_edition_as_markup(hostile_repo, tmp_path: Path) -> None:
    """The static edition (`make html`) built from hostile data holds every payload as text."""
    root, _fields = hostile_repo
    out = tmp_path / "html"
    done = subprocess.run(
        [sys.executable, "tools/build_html.py", "--out", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    pages = sorted(out.rglob("*.html"))
    built = {p.stem for p in pages}
    assert {p.stem for p in notebook_paths()} <= built, f"notebook pages missing: {sorted(built)}"
    found = [leak for page in pages for leak in page_leaks(page)]
    assert not found, "payloads rendered as markup in the static edition:\n" + "\n".join(found)
    assert any(ESCAPED.search(page.read_text(encoding="utf-8")) for page in pages)
