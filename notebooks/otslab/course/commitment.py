"""Notebook 04's commitment: the student sets weights and says why, commits them to a file, then
compares them with the defaults. The only views of the model that write a file."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import ipywidgets as w
import pandas as pd

from otslab.course.work import save_file
from otslab.data import Tables
from otslab.model import feasibility as fz
from otslab.views.markup import Markup, html, join, rendered
from otslab.views.weights import WeightPanel, names_list, weight_columns, weight_inputs
from otslab.views.widgets import button, hint, render_into, table_html


def my_weights_path() -> Path:
    """Where notebook 04 keeps a student's weights and reason: my_work/04_my_weights.json beside
    the notebooks (a visible folder; the environment variable OTSLAB_WORK names another)."""
    folder = os.environ.get("OTSLAB_WORK") or Path(__file__).resolve().parents[2] / "my_work"
    return Path(folder) / "04_my_weights.json"


def save_commitment(path: Path, weights: Mapping[str, float], reason: str) -> dict:
    """Write a student's weights and reason (before they see the answer) to a JSON file."""
    reason = reason.strip()
    if not reason:
        raise ValueError("write a reason for your weights before you commit them")
    record = {
        "weights": {k: float(v) for k, v in weights.items()},
        "reason": reason,
        "committed": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
    }
    save_file(Path(path), json.dumps(record, indent=1, ensure_ascii=False).encode())
    return record


def load_commitment(path: Path) -> dict | None:
    """A committed record from save_commitment, None when there is none; a clear error if broken."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: not readable JSON ({exc}); delete it and commit again") from None
    weights = record.get("weights") if isinstance(record, dict) else None
    if not isinstance(weights, dict) or not isinstance(record.get("reason"), str):
        raise ValueError(f"{path}: needs 'weights' (name -> number) and 'reason' (text)")
    bad = [k for k, v in weights.items() if not isinstance(v, int | float) or v < 0]
    if bad:
        raise ValueError(f"{path}: weights must be numbers of 0 or more; not: {', '.join(bad)}")
    return record


def commit_view(panel: WeightPanel) -> w.VBox:
    """Set your own weights and say why, then commit them to a file before seeing any verdict.

    Committing also puts the weights in the model's controls, so every view below follows them.
    """
    saved = panel.committed()
    start = saved["weights"] if saved else dict(panel.defaults)
    inputs = weight_inputs(
        {name: float(start.get(name, panel.defaults[name])) for name in panel.defaults.index}
    )
    reason = w.Textarea(
        value=saved["reason"] if saved else "",
        description="Why",
        placeholder="Which weights did you change, and which claims or sources back you?",
        layout={"width": "95%", "max_width": "700px", "height": "90px"},
    )
    commit_button = button("Commit my weights", "lock")
    output = w.Output()

    def differing(reference: dict) -> list[str]:
        return [n for n, s in inputs.items() if abs(s.value - float(reference[n])) > 1e-9]

    def status() -> list[object]:
        found = panel.committed()
        if not found:
            moved = differing(dict(panel.defaults))
            where = f"away from the defaults: {', '.join(moved)}" if moved else "at the defaults"
            return [
                hint(
                    f"Nothing committed yet. Your weights are {where}. "
                    "Set them, write why, then commit."
                )
            ]
        text = f"Committed {found['committed']} to {os.path.relpath(panel.path)}."
        changed = differing(found["weights"])
        if changed:
            text += (
                f" Your weights now differ from what you committed on: {', '.join(changed)}; "
                "commit again to keep them."
            )
        return [hint(text)]

    def commit(_button: object) -> None:
        if not reason.value.strip():
            asking = "First write a reason for your weights, then commit."
            render_into(output, lambda: [hint(asking)])
            return
        weights = {name: s.value for name, s in inputs.items()}

        def save() -> list[object]:
            commit_weights(panel, weights, reason.value)
            return status()

        render_into(output, save)

    commit_button.on_click(commit)
    for control in inputs.values():
        control.observe(lambda _c: render_into(output, status), names="value")
    render_into(output, status)
    return w.VBox([weight_columns(inputs, panel.tables.factors), reason, commit_button, output])


def reveal_items(panel: WeightPanel) -> list[object]:
    """Your committed weights against the defaults: the group's answer under each, and who
    holds back under yours."""
    found = panel.committed()
    if not found:
        return [hint("Commit your weights in the cell above first; then run this cell again.")]
    table = fz.compare_weights(found["weights"], panel.defaults)
    group = panel.judged_group()
    answers = []
    for who, weights in (
        ("your weights", found["weights"]),
        ("the default weights", panel.defaults),
    ):
        ready = fz.above_record(
            fz.readiness(panel.coefs, pd.Series(weights)[panel.defaults.index]), panel.floors
        )
        rung = fz.highest_common_rung(ready, group) if group else None
        line = f"Under {who}, every judged state accepts up to rung {rung}."
        if who == "your weights" and rung is not None:
            back = fz.blockers(ready, group)
            if back:
                verb = "holds" if len(back) == 1 else "hold"
                line += (
                    f" Under your weights, {names_list(back, panel.names)} {verb} the group "
                    f"below rung {rung + 1}."
                )
        answers.append(line)
    items: list[object] = [
        rendered(
            html(
                "<p><b>Your reason</b> ({}): {}</p><p>{}</p>",
                found["committed"],
                found["reason"],
                join(answers, Markup("<br>")),
            )
        )
    ]
    items.append(
        table_html(table, f"The {len(table)} weights you set differently from the defaults")
        if len(table)
        else hint("You kept every default weight.")
    )
    return items


def reveal_view(panel: WeightPanel) -> w.VBox:
    """Compare your committed weights with the defaults; put them in the controls if you like."""
    output = w.Output()
    load = button("Put my weights in the controls", "sliders")

    def use(_button: object) -> None:
        found = panel.committed()
        if found:
            weights = found["weights"].items()
            panel.set_weights({k: v for k, v in weights if k in panel.weight_inputs})

    load.on_click(use)
    panel.on_change(lambda: render_into(output, lambda: reveal_items(panel)))
    render_into(output, lambda: reveal_items(panel))
    return w.VBox([load, output])


def weight_panel(tables: Tables, path: Path | None = None) -> WeightPanel:
    """The model's weight panel for notebook 04, holding the student's saved commitment (from
    path, by default my_work/04_my_weights.json) if there is one. A file that cannot be read is
    reported and left as it is: the notebook goes on as if nothing were committed."""
    path = Path(path) if path else my_weights_path()
    try:
        saved = load_commitment(path)
    except ValueError as error:
        print(f"Your committed weights could not be read: {error}. Commit them again.")
        saved = None
    return WeightPanel(tables, path, saved)


def commit_weights(panel: WeightPanel, weights: Mapping[str, float], reason: str) -> dict:
    """Save the student's weights and reason to the panel's file, then put them in the controls."""
    panel.commitment = save_commitment(panel.path, weights, reason)
    panel.set_weights(dict(weights))
    return panel.commitment
