"""Notebook 04's model in views: the record first, the weights, and the group's answer.

No view names a state as holding back unless the student has committed weights: before that, the
views describe the group (the highest rung every judged state accepts, and how that holds over
random settings of the weights). The record is shown first, and no weight can make a state
refuse a rung the record already shows it doing (`feasibility.above_record`).
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib import colormaps
from matplotlib.colors import TwoSlopeNorm

from otslab.data import Tables
from otslab.model import feasibility as fz
from otslab.model import record as rec
from otslab.views.markup import Markup, html, join, rendered
from otslab.views.plots import on_colour, source_ids_of
from otslab.views.weights import (
    WeightPanel,
    names_list,
    weight_label,
)
from otslab.views.widgets import OUTPUT_LAYOUT, TABLE_STYLE, hint, render_into, table_html

READINESS_CMAP = "PuOr"
"""Diverging, colour-blind-safe: orange below 0 (refuses), purple above (accepts)."""

RECORD_COLOUR = "#d9ead3"
"""Cells the record already fills (at or below a state's floor): pale green, with words."""

RECORD_EVENTS_SHOWN = 2
"""A record cell names this many events in full, then the ids of the others."""


def model_sources(tables: Tables) -> list[str]:
    """The sources behind the model: ladder, commitments, record, readings, factors' claims."""
    claims = {c for cell in tables.factors["evidence"] for c in fz.split_ids(cell)}
    evidence = tables.claim_sources[tables.claim_sources["claim_id"].isin(claims)]
    frames = [tables.scenarios, tables.commitments, tables.commitment_requirements.dropna()]
    return source_ids_of(pd.concat([f[["source_id"]] for f in [*frames, evidence]]))


# --- the record first ---------------------------------------------------------------------------


def record_cells(panel: WeightPanel) -> pd.DataFrame:
    """States x rungs: the events that show the state already doing what the rung adds ('' none)."""
    steps = fz.ladder(panel.tables.scenarios)
    states = list(panel.floors.index)
    cells = pd.DataFrame("", index=states, columns=list(steps.index))
    for (state, rung), rows in panel.practice.groupby(["country_id", "rung"]):
        seen = rows.drop_duplicates("event_id")
        close = (seen["match"] != "the requirement itself").all()
        events = "; ".join(
            f"{r.title} ({'undated' if pd.isna(r.date) else r.date}, {r.source_id})"
            for r in seen.head(RECORD_EVENTS_SHOWN).itertuples()
        )
        more = len(seen) - RECORD_EVENTS_SHOWN
        others = f"; and {more} more ({', '.join(seen['event_id'].iloc[RECORD_EVENTS_SHOWN:])})"
        cells.loc[state, int(rung)] = (
            ("close: " if close else "") + events + (others if more > 0 else "")
        )
    return cells


def record_html(panel: WeightPanel) -> HTML:
    """What each state already does, rung by rung, with the events and their sources."""
    steps = fz.ladder(panel.tables.scenarios)
    cells = record_cells(panel)
    head = join(html("<th>{} {}</th>", r, steps.loc[r, "name"]) for r in steps.index)
    rows = []
    for state in cells.index:
        floor = int(panel.floors[state])
        tds = []
        for rung in steps.index:
            text = cells.loc[state, rung]
            if text:
                tds.append(
                    html(
                        "<td style='background:{};vertical-align:top;font-size:85%' "
                        "data-state='{}' data-rung='{}' data-record='already does'>"
                        "<b>already does</b><br>{}</td>",
                        RECORD_COLOUR,
                        state,
                        rung,
                        text,
                    )
                )
            elif rung < floor:
                tds.append(
                    html(
                        "<td style='background:{};font-size:85%' data-state='{}' data-rung='{}' "
                        "data-record='under its record'>not in the record, but below rung {}, "
                        "which it does: not weighed</td>",
                        RECORD_COLOUR,
                        state,
                        rung,
                        floor,
                    )
                )
            else:
                tds.append(
                    html(
                        "<td style='font-size:85%;color:#555' data-state='{}' data-rung='{}' "
                        "data-record=''>not in the record: the model weighs it</td>",
                        state,
                        rung,
                    )
                )
        rows.append(html("<tr><th>{}</th>{}</tr>", panel.names[state], join(tds)))
    floors = ", ".join(f"{panel.names[s]} {int(f)}" for s, f in panel.floors.items())
    return rendered(
        html(
            "{style}<p class='otslab-caption'><b>The record first: what each state already does, "
            "rung by rung</b></p><p class='otslab-description'>Highest rung each state already "
            "does something of (its floor): {floors}. No weight can make a state refuse a rung "
            "at or below its floor.</p><table class='otslab-table'><thead><tr><th>state</th>"
            "{head}</tr></thead><tbody>{rows}</tbody></table><p style='font-size:85%'><i>"
            "'close': exercises of OTS states together, not yet under the OTS flag. Which event "
            "does what a rung asks is our reading (otslab.model.record.RECORD_EVENTS, and "
            "every exercise with two or more OTS states). Source ids in brackets: see "
            "data/sources.csv.</i></p>",
            style=TABLE_STYLE,
            floors=floors,
            head=head,
            rows=join(rows),
        )
    )


# --- the group's answer, and how robust it is ---------------------------------------------------


def group_robustness(panel: WeightPanel) -> dict:
    """fz.robustness for the panel's judged group and coefficients, worked out once for each."""
    key = (bool(panel.unsure.value), tuple(panel.judged_group()))
    if key not in panel.robust:
        panel.robust[key] = fz.robustness(panel.coefs, list(key[1]), panel.floors)
    return panel.robust[key]


def _percent(share: float) -> str:
    """A share as a whole percentage, never rounding a non-zero share to 0."""
    return f"{share:.0%}" if share == 0 or share >= 0.005 else "under 1%"


def describe_group(panel: WeightPanel) -> str:
    """The group's answer under the weights set and over random settings, without naming a state."""
    group, judged = panel.group(), panel.judged_group()
    kind = "members and observers" if panel.observers.value else "members"
    unjudged = [c for c in group if c not in judged]
    skipped = (
        f" Not judged, for lack of evidence: {names_list(unjudged, panel.names)}."
        if unjudged
        else ""
    )
    if not judged:
        return f"The model cannot judge any of the {kind}: not enough evidence." + skipped
    steps = fz.ladder(panel.tables.scenarios)
    floor = int(panel.floors[judged].min())
    answer = fz.highest_common_rung(panel.ready(), judged)
    found = group_robustness(panel)
    shares = found["answers"]["share"]
    spread = "; ".join(f"rung {r} in {_percent(s)}" for r, s in shares.items() if s > 0)
    higher = found["next rung"]
    reach = found["accepting"]["share"]
    reaching = "; ".join(f"{k} of {len(judged)} in {_percent(s)}" for k, s in reach.items() if s)
    movers = found["influence"].head(3)
    moved = ", ".join(
        f"{weight_label(r.weight, panel.tables.factors)} ({r.correlation:+.2f})"
        for r in movers.itertuples()
        if abs(r.correlation) >= 0.05
    )
    inputs = panel.weight_inputs
    changed = [f"{n} {s.value:g}" for n, s in inputs.items() if s.value != panel.defaults[n]]
    moved = (
        f"Your weights differ from the defaults on {', '.join(changed)}. "
        if changed
        else "Your weights are at the defaults. "
    )
    text = moved + (
        f"The record alone already puts every judged one of the {kind} at rung {floor} or above. "
        f"Under the weights now set, all {len(judged)} accept up to rung {answer} "
        f"('{steps.loc[answer, 'name'] if answer else 'none'}'). Over {fz.SETTINGS:,} random "
        f"settings of the weights, the highest rung they all accept is {spread}."
    )
    if higher > answer or shares.get(higher, 0) < 1:
        text += (
            f" How many of them would accept rung {higher} ('{steps.loc[higher, 'name']}'): "
            f"{reaching}."
        )
    if moved:
        text += f" The weights that move that number most: {moved}."
    return text + skipped


# --- the readiness table: veiled until the student commits -------------------------------------


def readiness_norm(values: np.ndarray) -> TwoSlopeNorm:
    """Colour scale centred on 0, each side stretched to its own extreme (at least 1)."""
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if finite.size else -1.0
    high = float(finite.max()) if finite.size else 1.0
    return TwoSlopeNorm(0, min(-1.0, low), max(1.0, high))


def readiness_html(panel: WeightPanel, revealed: bool) -> HTML:
    """Every state on every rung: the record where it speaks, the model above it.

    Before the student commits (revealed False) the model's cells are veiled: no state is shown
    refusing anything under weights it did not choose.
    """
    ready = panel.ready()
    group = panel.judged_group()
    verdict = rec.verdicts(ready, panel.evidence, panel.practice)
    steps = fz.ladder(panel.tables.scenarios)
    norm, cmap = readiness_norm(ready.to_numpy(dtype=float)), colormaps[READINESS_CMAP]
    marked = (fz.highest_common_rung(ready, group) + 1) if group and revealed else -1
    line = "border-left:4px solid black;"
    head = join(
        html("<th style='{}'>{} {}</th>", line if r == marked else "", r, steps.loc[r, "name"])
        for r in ready.columns
    )
    tops = fz.ceilings(ready)
    found = panel.rung_clashes()
    counts = found.drop_duplicates(["country_id", "rung", "commitment_id", "name", "requirement"])
    counts = counts.groupby(["country_id", "rung"]).size()
    rows = []
    for state, row in ready.iterrows():
        cells = []
        for rung, value in row.items():
            said = verdict.loc[state, rung]
            edge = line if rung == marked else ""
            clashes = int(counts.get((state, rung), 0))
            if said in ("already does", "under its record"):
                style, shown = f"background:{RECORD_COLOUR};", said
            elif not revealed:
                style, shown = "background:#f4f4f4;color:#555;", "weighed: commit to see"
            elif said == "not enough evidence":
                style, shown = (
                    "background:#e6e6e6;color:#333;",
                    f"? not enough evidence ({value:+.1f})",
                )
            else:
                mark = "\u2713" if said == "accepts" else "\u2717"
                style, shown = on_colour(cmap(norm(value))), f"{value:+.1f} {mark} {said}"
            recorded = said in ("already does", "under its record")
            value_attr = "" if recorded or not revealed else f" data-value='{value:g}'"
            cells.append(
                html(
                    "<td style='{}text-align:center;font-size:90%;{}' data-state='{}' "
                    "data-rung='{}' data-verdict='{}'{}>{}<br><small>{} clash{}</small></td>",
                    style,
                    edge,
                    state,
                    rung,
                    said if (revealed or recorded) else "veiled",
                    Markup(value_attr),
                    shown,
                    clashes,
                    "es" * (clashes != 1),
                )
            )
        judged = bool(panel.evidence.loc[state, "judged"])
        top = (tops[state] if judged else "not judged") if revealed else "commit to see"
        rows.append(html("<tr><th>{}</th>{}<td>{}</td></tr>", panel.names[state], join(cells), top))
    note = (
        "\u2713 accepts (readiness \u2265 0), \u2717 refuses; green: the record, not weighed; "
        "the black line marks the highest rung every judged state accepts."
        if revealed
        else "Green: the record, which no weight changes. The cells the model weighs stay veiled "
        "until you commit your own weights above: the course shows no state refusing anything "
        "under weights you did not choose."
    )
    return rendered(
        html(
            "{style}<table class='otslab-table'><thead><tr><th>state</th>{head}"
            "<th>highest rung accepted</th></tr></thead><tbody>{rows}</tbody></table>"
            "<p style='font-size:85%'><i>{note} Clashes: commitments {which} that touch what the "
            "rung asks.</i></p>",
            style=TABLE_STYLE,
            head=head,
            rows=join(rows),
            note=note,
            which="of any status" if panel.unsure.value else "in force",
        )
    )


def weights_words(panel: WeightPanel, found: dict) -> str:
    """'under your weights (committed ...)' or how the weights set differ from those committed."""
    moved = [
        n
        for n, s in panel.weight_inputs.items()
        if abs(s.value - float(found["weights"].get(n, -1))) > 1e-9
    ]
    if not moved:
        return f"under your weights (committed {found['committed']})"
    return (
        "under the weights now set, which you chose (they differ from your committed "
        f"weights on {', '.join(moved)})"
    )


def holding_back(panel: WeightPanel) -> pd.DataFrame:
    """Under the weights set: the judged states whose ceiling is the group's answer, with the
    commitments and constraints that weigh on them at the next rung and the smallest single
    weight change that would bring each one up."""
    ready, group = panel.ready(), panel.judged_group()
    answer = fz.highest_common_rung(ready, group)
    top = int(ready.columns.max())
    if not group or answer >= top:
        return pd.DataFrame()
    higher = answer + 1
    weights = panel.weights()
    found = panel.rung_clashes()
    factors = panel.tables.factors
    reach = fz.factor_reach(factors, group)
    constraint = factors.set_index("factor_id")["direction"].astype(str) == "constraint"
    rows = []
    for state in fz.blockers(ready, group):
        here = found[(found["country_id"] == state) & (found["rung"] == higher)]
        here = here.drop_duplicates(["commitment_id", "name"])
        ids = [f for f in reach.index if reach.loc[f, state] and constraint[f]]
        moves = fz.sensitivity(panel.coefs, weights, [state], panel.floors)
        change = []
        for _i, move in moves.iterrows():
            for side, past in (("raise", "raised"), ("lower", "lowered")):
                then = move[f"answer if {past}"]
                if pd.notna(then) and int(then) > answer:
                    change.append(f"{side} {move['weight']} to {move[f'{past} to']:g}")
        rows.append(
            {
                "state": panel.names[state],
                f"readiness at rung {higher}": float(ready.loc[state, higher]),
                "commitments that weigh": "; ".join(
                    f"{r.name} ({r.effect}; {r.source_id})" for r in here.itertuples()
                )
                or "none",
                "constraints that bear on it": ", ".join(ids) or "only the general ones",
                "one weight that would change it": ", ".join(change[:3])
                or "no single weight: it takes several",
            }
        )
    return pd.DataFrame(rows)


def readiness_items(panel: WeightPanel) -> list[object]:
    """The group's answer and its robustness; after a commit, every state and who holds back."""
    found = panel.committed()
    items: list[object] = [
        rendered(
            html(
                "<p class='otslab-caption'><b>How far up the ladder, for the group</b></p>"
                "<p class='otslab-description' role='status' aria-live='polite'>{}</p>",
                describe_group(panel),
            )
        ),
        readiness_html(panel, revealed=found is not None),
        rendered(
            html(
                "<p style='font-size:85%;color:#555'>Source: {} (see data/sources.csv)</p>",
                ", ".join(model_sources(panel.tables)),
            )
        ),
    ]
    if found is None:
        items.append(
            hint(
                "Who holds back is shown only under weights you chose: set the weights in "
                "'Commit first' above, write why, and press Commit my weights."
            )
        )
        return items
    back = holding_back(panel)
    words = weights_words(panel, found)
    if back.empty:
        items.append(hint(f"Nobody holds the group below the top rung {words}."))
    else:
        items.append(
            table_html(back, f"Who holds back, {words}: the evidence, and what would change it")
        )
    return items


def readiness_explorer(panel: WeightPanel) -> w.VBox:
    """Move the weights: the group's answer redraws; the states' verdicts after a commit."""
    output = w.Output(layout=OUTPUT_LAYOUT)
    panel.on_change(lambda: render_into(output, lambda: readiness_items(panel)))
    render_into(output, lambda: readiness_items(panel))
    return w.VBox([panel.controls(), output])


def record_check_items(panel: WeightPanel) -> list[object]:
    """How often the bare formula would contradict the record; what the course shows never does."""
    raw = fz.readiness(panel.coefs, panel.weights())
    bare = rec.record_contradictions(panel.tables.scenarios, panel.practice, raw)
    shown = rec.record_contradictions(panel.tables.scenarios, panel.practice, panel.ready())
    return [
        hint(
            f"Under the weights now set, the bare formula would contradict the record in "
            f"{len(bare)} place{'s' * (len(bare) != 1)} (a state refusing, or stopping below, a "
            f"rung it already does). What the course shows contradicts it in {len(shown)}: the "
            "record comes first, and the model weighs only the rungs above it."
        )
    ]


def record_check_view(panel: WeightPanel) -> w.VBox:
    """The record check, redrawn as the weights move."""
    output = w.Output(layout=OUTPUT_LAYOUT)
    panel.on_change(lambda: render_into(output, lambda: record_check_items(panel)))
    render_into(output, lambda: record_check_items(panel))
    return w.VBox([w.HTML("<i>Weights: set them in the weight controls above.</i>"), output])


# --- one state, term by term; what moves the answer ---------------------------------------------


def formula_lines(explained: pd.DataFrame, weights: pd.Series) -> list[str]:
    """The formula with one state's numbers filled in, one line per rung."""
    lines = []
    for rung, row in explained.iterrows():
        if not row["weighed"]:
            lines.append(f"rung {rung}: not weighed (the record already shows it)")
            continue
        depth = 0.0 if pd.isna(row["depth"]) else row["depth"]
        clash = " ".join(
            f"- {int(row[f'clashes: {e}'])}\u00d7{weights[e]:g}"
            for e in fz.CLASH_WEIGHTS
            if row[f"clashes: {e}"]
        )
        verdict = "accepts" if row["accepts"] else "refuses"
        lines.append(
            f"rung {rung}: {row['drivers']:g} - {depth:g}\u00d7{row['constraints']:g} {clash} "
            f"= {row['readiness']:+g} ({verdict})".replace("  ", " ")
        )
    return lines


def state_items(panel: WeightPanel, country_id: str) -> list[object]:
    """One state's readiness term by term under the student's weights (after a commit)."""
    found = panel.committed()
    name = panel.names[country_id]
    if found is None:
        return [hint(f"Commit your weights first: then you can read {name}'s numbers under them.")]
    weights = panel.weights()
    floor = int(panel.floors[country_id])
    explained = fz.explain(panel.coefs, weights, country_id, floor)
    evidence = panel.evidence.loc[country_id]
    top = fz.ceilings(panel.ready()).loc[country_id]
    if not evidence["judged"]:
        top = f"not judged ({evidence['why not']})"
    lines = join(formula_lines(explained, weights), Markup("<br>"))
    return [
        rendered(
            html(
                "<h4>{}, {}: highest rung accepted {}</h4><p><i>The record:</i> floor {} "
                "(see the record table). <i>Evidence:</i> {} sources ({}).</p>"
                "<p style='font-family:monospace'>{}</p>",
                name,
                weights_words(panel, found),
                top,
                floor,
                evidence["sources"],
                evidence["source ids"] or "none",
                lines,
            )
        ),
        table_html(explained.reset_index(), f"{name}: the terms of the formula per rung"),
    ]


def state_explorer(panel: WeightPanel) -> w.VBox:
    """Pick a state: its readiness per rung, term by term, under the weights set above."""
    state = w.Dropdown(
        options=[(panel.names[c], c) for c in panel.coefs.index.get_level_values(0).unique()],
        description="State",
    )
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        return state_items(panel, state.value)

    state.observe(lambda _c: render_into(output, draw), names="value")
    panel.on_change(lambda: render_into(output, draw))
    render_into(output, draw)
    return w.VBox([state, w.HTML("<i>Weights: set them in the weight controls above.</i>"), output])


DIRECTIONS = {"either way": None, "up the ladder": "up", "down the ladder": "down"}
"""Sensitivity view: which moves of the answer to list."""


def sensitivity_items(panel: WeightPanel, direction: str | None) -> list[object]:
    """The single weight changes that move the group's highest common rung (up, down or either)."""
    weights, group = panel.weights(), panel.judged_group()
    if not group:
        return [hint("No state of the group has enough evidence to judge: nothing can move.")]
    table = fz.sensitivity(panel.coefs, weights, group, panel.floors)
    now = int(table["answer now"].iloc[0])
    rows = []
    for r in table.itertuples():
        for side, to, answer in (("lower", r[4], r[5]), ("raise", r[6], r[7])):
            if pd.isna(to):
                continue
            way = "up" if answer > now else "down"
            if direction in (None, way):
                rows.append(
                    {
                        "weight": weight_label(r.weight, panel.tables.factors),
                        "now": r.now,
                        "change": f"{side} to {to:g}",
                        "answer then": int(answer),
                        "moves": way,
                    }
                )
    label = next(k for k, v in DIRECTIONS.items() if v == direction)
    head = rendered(
        html(
            "<p>Now the {} judged states of the group all accept up to <b>rung {}</b>. "
            "Single weight changes that move this answer ({}):</p>",
            len(group),
            now,
            label,
        )
    )
    if not rows:
        return [head, hint(f"No single weight, anywhere on its scale, moves the answer {label}.")]
    frame = pd.DataFrame(rows)
    return [head, table_html(frame, f"{len(frame)} single changes that move the answer ({label})")]


def sensitivity_explorer(panel: WeightPanel) -> w.VBox:
    """Which single weight, changed alone, moves the highest rung all states accept?"""
    direction = w.Dropdown(options=list(DIRECTIONS), value="either way", description="Moves")
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        return sensitivity_items(panel, DIRECTIONS[direction.value])

    direction.observe(lambda _c: render_into(output, draw), names="value")
    panel.on_change(lambda: render_into(output, draw))
    render_into(output, draw)
    note = w.HTML("<i>Weights: set them in the weight controls above.</i>")
    return w.VBox([direction, note, output])


def evidence_table(panel: WeightPanel) -> HTML:
    """Per state: the evidence behind its verdicts, and whether the model can judge it."""
    frame = panel.evidence.reset_index()
    frame.insert(0, "state", frame["country_id"].map(panel.names))
    frame["judged"] = frame["judged"].map({True: "yes", False: "no: not enough evidence"})
    return table_html(
        frame.drop(columns="country_id"),
        f"How much evidence each verdict rests on (judged: at least one factor names the state "
        f"and at least {rec.MIN_SOURCES} sources speak about it)",
        fold=("source ids", "Each state's sources, by id"),  # as a column: 2,700 px of ids
    )


