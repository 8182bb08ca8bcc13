"""Build the static HTML edition: every notebook executed, plus a landing page (`make html`).

Interactive views need a kernel. In the static pages each one shows what it showed when the
notebook ran (its default figure, grid or table, kept in the saved widget state), followed by a
short note that the controls work in JupyterLab.
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from run_notebook import execute

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
VIEW_NOTE = (
    '<p class="otslab-static-note"><i>Interactive view, shown here with its default settings '
    "(listed above it): open this notebook in JupyterLab (or on Binder) to use its controls."
    "</i></p>"
)


def title_of(nb: nbformat.NotebookNode) -> str:
    """The notebook's first Markdown heading, without the leading #."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            return cell.source.lstrip().splitlines()[0].lstrip("#").strip()
    return "Untitled"


def control_html(state: dict) -> str | None:
    """A control as a line of text with its setting ("Year: 2012"), or None for other widgets."""
    model, label = state.get("_model_name", ""), html.escape(state.get("description", ""))
    labels = state.get("_options_labels", [])
    if model == "HTMLModel":
        return state.get("value", "")
    if model == "RadioButtonsModel":
        return "<ul>" + "".join(f"<li>{html.escape(o)}</li>" for o in labels) + "</ul>"
    if model in ("DropdownModel", "SelectModel") and state.get("index") is not None:
        value = labels[state["index"]]
    elif model == "SelectMultipleModel":
        value = ", ".join(labels[i] for i in state.get("index", [])) or "(none)"
    elif model == "CheckboxModel":
        value = "ticked" if state.get("value") else "not ticked"
    elif model.endswith("SliderModel") or model == "TextModel":
        value = state.get("value")
        value = "–".join(map(str, value)) if isinstance(value, list) else value
    else:
        return None
    return f'<p style="margin:0"><b>{label}</b>: {html.escape(str(value))}</p>'


def view_outputs(states: dict, model_id: str) -> list[dict]:
    """What a widget view shows, in display order: its controls' settings and its outputs."""
    state = states.get(model_id, {}).get("state", {})
    if state.get("_model_name") == "OutputModel":
        return list(state.get("outputs", []))
    if "children" not in state:
        text = control_html(state)
        return [] if not text else [nbformat.v4.new_output("display_data", {"text/html": text})]
    found = []
    for child in state["children"]:
        found += view_outputs(states, child.removeprefix("IPY_MODEL_"))
    return found


def replace_widget_views(nb: nbformat.NotebookNode) -> int:
    """Swap each widget view for the outputs it showed and a note; return how many views."""
    states = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    count = 0
    for cell in nb.cells:
        outputs = []
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                outputs.append(output)
                continue
            shown = view_outputs(states, view["model_id"])
            outputs += [nbformat.from_dict(o) for o in shown]
            outputs.append(nbformat.v4.new_output("display_data", {"text/html": VIEW_NOTE}))
            count += 1
        if "outputs" in cell:
            cell["outputs"] = outputs
    return count


def build_page(path: Path, out_dir: Path) -> str:
    """Execute one notebook and write it as HTML; return its title."""
    nb = nbformat.read(path, as_version=4)
    execute(nb)
    replace_widget_views(nb)
    nb.metadata.pop("widgets", None)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    (out_dir / f"{path.stem}.html").write_text(body, encoding="utf-8")
    return title_of(nb)


def landing_page(pages: list[tuple[str, str]]) -> str:
    """The index page linking the notebooks in course order."""
    items = "\n".join(
        f'<li><a href="{html.escape(stem)}.html">{html.escape(title)}</a></li>'
        for stem, title in pages
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Is a "Turkic NATO" taking shape? Static edition</title>
<style>body {{font-family: sans-serif; max-width: 44em; margin: 2em auto; line-height: 1.5}}</style>
</head><body>
<h1>Is a "Turkic NATO" taking shape?</h1>
<p>The static edition of the course: every notebook has been run, and each interactive view
shows what it shows with its default settings. To use the views' controls, open the notebooks in
JupyterLab (<code>make lab</code>) or on Binder.</p>
<ol>
{items}
</ol>
</body></html>
"""


def main() -> int:
    """Build every notebook and the landing page into the output folder (default build/html)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "html")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = [(p.stem, build_page(p, args.out)) for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
    (args.out / "index.html").write_text(landing_page(pages), encoding="utf-8")
    print(f"wrote {len(pages)} pages and index.html to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
