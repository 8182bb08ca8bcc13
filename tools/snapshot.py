"""Snapshot what the course shows, to compare before and after a change that must not alter it.

    python tools/snapshot.py build/snapshot-before      # run every notebook, walk every control
    python tools/snapshot.py build/snapshot-after
    python tools/snapshot.py --compare build/snapshot-before build/snapshot-after

A snapshot holds, per notebook, every cell's outputs (HTML, text, Markdown; each figure's PNG),
then what every view shows at each value of each control (the controls are moved in the order the
notebook made them), and the role-play kit's documents. Random widget and element ids are masked.
"""

from __future__ import annotations

import argparse
import base64
import difflib
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from run_notebook import execute

REPO = Path(__file__).resolve().parents[1]

# Move each control through its values and record what every Output widget shows after each move.
WALK = r"""
import json, warnings
import ipywidgets as w
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    live = list(w.Widget.widgets.values())
outputs = [x for x in live if isinstance(x, w.Output)]
def shown():
    return [[o.get("data", {}).get("text/html") or o.get("data", {}).get("text/plain")
             or o.get("text", "") for o in out.outputs] for out in outputs]
def values(c):
    if hasattr(c, "options") and not isinstance(c, w.SelectMultiple):
        return [o[1] if isinstance(o, tuple) else o for o in c.options]
    if isinstance(c, w.Checkbox) or isinstance(c, w.ToggleButton):
        return [not c.value, c.value]
    return []
walk = []
for c in [x for x in live if hasattr(x, "description") and hasattr(x, "value")]:
    start = c.value
    for v in values(c):
        try:
            c.value = v
        except Exception as error:
            walk.append([c.description, repr(v), f"{type(error).__name__}: {error}"])
            continue
        walk.append([c.description, repr(v), shown()])
    c.value = start
print("WALK" + json.dumps(walk))
"""

MASKS = [
    (re.compile(r"[0-9a-f]{32}"), "<id>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"0x[0-9a-f]{6,}"), "<addr>"),
    (re.compile(r"/tmp/[^\s\"'<]+"), "<tmp>"),
]


SVG_URI = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")
SVG_NOISE = [
    (re.compile(r"<metadata>.*?</metadata>", re.S), ""),  # the date a figure was drawn
    (re.compile(r"\bp[0-9a-f]{10}\b"), "p<clip>"),  # clip-path ids, salted per process
]


def svg_digest(match: re.Match) -> str:
    """An embedded SVG figure as the hash of its drawing, without its date and random ids."""
    svg = base64.b64decode(match.group(1)).decode("utf-8")
    for pattern, replacement in SVG_NOISE:
        svg = pattern.sub(replacement, svg)
    return "data:image/svg+xml;sha256=" + hashlib.sha256(svg.encode()).hexdigest()[:16]


def mask(text: str) -> str:
    """Text with embedded SVG figures hashed, and random ids, addresses and temporary paths
    masked."""
    text = SVG_URI.sub(svg_digest, text)
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def cell_outputs(cell: nbformat.NotebookNode, figures: Path, label: str) -> list[str]:
    """One cell's outputs as text; each PNG written to figures and named by its hash."""
    shown = []
    for output in cell.get("outputs", []):
        if "text" in output:
            shown.append(mask(output["text"]))
        for mime, value in sorted(output.get("data", {}).items()):
            if mime == "image/png":
                data = base64.b64decode(value)
                digest = hashlib.sha256(data).hexdigest()[:16]
                (figures / f"{label}-{digest}.png").write_bytes(data)
                shown.append(f"PNG {digest}")
            elif mime == "application/vnd.jupyter.widget-view+json":
                shown.append("WIDGET")
            else:
                shown.append(f"{mime}\n{mask(str(value))}")
        if output.get("output_type") == "error":
            shown.append(f"ERROR {output['ename']}: {output['evalue']}")
    return shown


def snapshot(out: Path) -> None:
    """Run every notebook in a copy of the repository and write what it shows into out."""
    out.mkdir(parents=True, exist_ok=True)
    figures = out / "figures"
    figures.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "repo"
        files = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard"],
            cwd=REPO, capture_output=True, text=True, check=True,
        ).stdout.split()
        for name in files:
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if (REPO / name).is_file():
                shutil.copy2(REPO / name, target)
        notebooks = copy / "notebooks"
        for path in sorted(notebooks.glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            nb.cells.append(nbformat.v4.new_code_cell(WALK))
            execute(nb, notebooks, allow_errors=True)
            cells = [cell_outputs(c, figures, path.stem) for c in nb.cells[:-1]]
            walk_text = "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []))
            walk = json.loads(walk_text.split("WALK", 1)[1]) if "WALK" in walk_text else walk_text
            record = {"cells": cells, "walk": walk}
            text = mask(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True))
            (out / f"{path.stem}.json").write_text(text, encoding="utf-8")
            print(f"{path.name}: {len(cells)} cells, {len(walk)} control values", flush=True)
        subprocess.run(
            [sys.executable, "-m", "otslab.course.roleplay"], cwd=notebooks, check=True,
            capture_output=True,
        )
        kit = notebooks / "roleplay_kit"
        for path in sorted(kit.rglob("*")):
            if path.is_file() and path.suffix in {".md", ".html", ".csv"}:
                name = "kit-" + str(path.relative_to(kit)).replace("/", "-")
                (out / name).write_text(mask(path.read_text(encoding="utf-8")), encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    """Print every difference between two snapshots; return the number of differing files."""
    names = sorted({p.name for p in before.iterdir() if p.is_file()}
                   | {p.name for p in after.iterdir() if p.is_file()})
    differing = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'after' if not a.exists() else 'before'}")
            differing += 1
            continue
        lines_a = mask(a.read_text(encoding="utf-8")).splitlines()
        lines_b = mask(b.read_text(encoding="utf-8")).splitlines()
        if lines_a != lines_b:
            differing += 1
            diff = list(difflib.unified_diff(lines_a, lines_b, str(a), str(b), lineterm="", n=1))
            print("\n".join(diff[:80]))
    print(f"{differing} of {len(names)} files differ")
    return differing


def main() -> None:
    """Write a snapshot, or compare two."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    if args.compare:
        sys.exit(1 if compare(*args.folders) else 0)
    snapshot(args.folders[0])


if __name__ == "__main__":
    main()
