"""The role play in notebook 04: the briefing, each delegation's card, the kit to print and the
summits' outcomes, as views."""

from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as w
import pandas as pd
from IPython.display import HTML

from otslab.course import rolecards as rc
from otslab.course import roleplay as rp
from otslab.data import Tables
from otslab.model import feasibility as fz
from otslab.views.feasibility import markdown_view
from otslab.views.markup import html, markdown_html, rendered
from otslab.views.widgets import OUTPUT_LAYOUT, button, hint, redraw_on, render_into, table_html


def briefing_view(tables: Tables) -> HTML:
    """The role play's briefing (decision point, procedure, debrief), shown as HTML."""
    return markdown_view(rp.briefing(tables))


def kit_view(tables: Tables, clashes: pd.DataFrame, folder: Path | None = None) -> w.VBox:
    """A button that writes the kit (Markdown and printable HTML), and how to print it."""
    folder = folder or rp.KIT_DIR
    output = w.Output()
    write = button("Write the kit", "file-text")
    where = os.path.relpath(folder)
    printing = (
        f"To print it, open {where}/print/kit.html in your browser (in JupyterLab: right-click "
        "it in the file browser, Open in New Browser Tab) and print it (Ctrl+P or Cmd+P) to "
        "paper or to PDF: each card starts on a new page."
    )

    def written() -> list[object]:
        markdown, printable = rp.export_all(tables, folder, clashes)
        return [hint(rp.describe_kit(markdown)), hint(rp.describe_kit(printable)), hint(printing)]

    write.on_click(lambda _b: render_into(output, written))
    render_into(
        output,
        lambda: [
            hint(
                f"Nothing is written until you press the button. Write the kit puts the briefing "
                f"and every card into {where} as Markdown and, in {where}/print, as HTML. A file "
                "you changed is never overwritten."
            )
        ],
    )
    return w.VBox([write, output])


def outcome_items(tables: Tables, paths: list[Path]) -> list[object]:
    """The summary of every outcome CSV given: rungs reached, who held out, summit vs model."""
    outcomes = rp.read_outcomes(paths, tables)
    if outcomes.empty:
        return [
            hint(
                f"No outcome recorded yet: fill {rp.OUTCOME_FILE} in the kit folder (one row per "
                "group and question) and run this cell again."
            )
        ]
    summary = rp.summarise_outcomes(outcomes)
    return [
        table_html(summary["reached"], f"Rungs reached ({len(outcomes)} rows, {len(paths)} files)"),
        table_html(summary["held out"], "Who held out, how often"),
        table_html(summary["summit vs model"], "The summits against the model's answer"),
    ]


def role_card_explorer(tables: Tables, clashes: pd.DataFrame) -> w.VBox:
    """Pick a state: its one-page role card, and the evidence sheet behind it folded below."""
    names = fz.state_names(tables.countries)
    state = w.Dropdown(
        options=[(names[c], c) for c in fz.role_card_states(tables.countries)],
        description="Role",
    )
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        card = rc.role_card(tables, state.value, clashes)
        sheet = markdown_html(rc.evidence_sheet(tables, state.value, clashes))
        return [
            markdown_view(card),
            rendered(
                html(
                    "<details><summary>The evidence sheet behind this card ({} words on the "
                    "card)</summary>{}</details>",
                    rc.word_count(card),
                    sheet,
                )
            ),
        ]

    redraw_on((state,), output, draw)
    return w.VBox([state, output])
