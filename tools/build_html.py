"""Build the static HTML edition: every notebook executed, plus a landing page (`make html`).

Interactive views need a kernel; in the static pages each one is replaced by a short note, and
the static default figure or table drawn above it carries the content.
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
VIEW_NOTE = (
    '<p class="otslab-static-note"><i>Interactive view: open this notebook in JupyterLab '
    "(or on Binder) to use it. The figure or table above shows its default.</i></p>"
)


def title_of(nb: nbformat.NotebookNode) -> str:
    """The notebook's first Markdown heading, without the leading #."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            return cell.source.lstrip().splitlines()[0].lstrip("#").strip()
    return "Untitled"


def replace_widget_views(nb: nbformat.NotebookNode) -> int:
    """Swap each widget view output for a note readable without a kernel; return how many."""
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                output["data"] = {"text/html": VIEW_NOTE}
                count += 1
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
shows its default figure or table. To use the views, open the notebooks in JupyterLab
(<code>make lab</code>) or on Binder.</p>
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
