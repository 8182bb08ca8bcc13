"""Figures and widget views for the feasibility debate (notebook 04)."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib import colormaps
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from otslab import feasibility as fz
from otslab.alignments_views import EFFECT_COLOURS
from otslab.data import Tables
from otslab.markup import Markup, html, join, markdown_html, rendered
from otslab.plots import (
    COLOURS,
    DetailGrid,
    add_source_note,
    colour_chips,
    css_colour,
    detail,
    figure_html,
    grid_html,
    new_figure,
    on_colour,
    shorten,
    source_ids_of,
)
from otslab.widgets import (
    OUTPUT_LAYOUT,
    TABLE_STYLE,
    button,
    hint,
    redraw_on,
    render_into,
    table_html,
)

READINESS_CMAP = "PuOr"
"""Diverging, colour-blind-safe: orange below 0 (refuses), purple above (accepts)."""

STANCES = [
    "favours alliance",
    "favours cooperation short of alliance",
    "describes without judging",
    "warns against the project",
    "hostile to the project",
    "not stated",
]
"""Order of the voices' stances in legends."""
STANCE_MARKERS = dict(zip(STANCES, ["^", "o", "s", "v", "X", "D"], strict=True))
"""A marker shape per stance, so that colour is not the only thing telling them apart."""

WEIGHTS_NOTE = Markup("<i>Weights: set them with the sliders above.</i>")
"""Under the views that follow the weight sliders."""


def state_names(countries: pd.DataFrame) -> dict[str, str]:
    """Country id -> short name (without a parenthesised abbreviation)."""
    return {r.country_id: fz.short_name(r.name) for r in countries.itertuples()}


def source_list(*frames: pd.DataFrame) -> list[str]:
    """The distinct source ids behind several tables, seed texts first."""
    ids = pd.concat([f[["source_id"]] for f in frames], ignore_index=True)
    return source_ids_of(ids)


def model_sources(tables: Tables) -> list[str]:
    """The sources behind the model: ladder, commitments, readings, and the factors' claims."""
    claims = {c for cell in tables.factors["evidence"] for c in fz.split_ids(cell)}
    evidence = tables.claim_sources[tables.claim_sources["claim_id"].isin(claims)]
    return source_list(
        tables.scenarios, tables.commitments, tables.commitment_requirements.dropna(), evidence
    )


def markdown_view(markdown: str) -> HTML:
    """Markdown built by `otslab.feasibility` (data escaped) shown as HTML, raw HTML as text."""
    return rendered(markdown_html(markdown))


def briefing_view(tables: Tables) -> HTML:
    """The role play's briefing (decision point, procedure, debrief), shown as HTML."""
    return markdown_view(fz.briefing(tables))


# --- figures ----------------------------------------------------------------------------------


def ladder_html(scenarios: pd.DataFrame, codes: list[str]) -> HTML:
    """The ladder as a grid: rungs (top: highest) x requirements, new vs kept requirements.

    A column heading opens what the requirement means (from data/README.md) on click, tap or
    Enter; each cell says in words whether the rung adds the requirement or keeps it.
    """
    matrix = fz.requirement_matrix(scenarios).reindex(columns=codes, fill_value=0)
    steps, meanings = fz.ladder(scenarios), fz.requirement_meanings()
    blue = COLOURS[0]
    fills = {0: "#fff", 1: f"rgba({','.join(str(round(c * 255)) for c in blue)},0.35)"}
    fills[2] = css_colour(blue)
    cell = "border:1px solid #ccc;min-width:4.5em;height:1.8em;text-align:center;font-size:85%;"
    words = {0: "", 1: "kept", 2: "new"}
    head = join(
        html(
            "<th scope='col' style='font-size:85%;padding:2px 4px'>{}</th>",
            detail(c.replace("_", " "), meanings[c]) if meanings.get(c) else c.replace("_", " "),
        )
        for c in codes
    )
    rows = join(
        html(
            "<tr><th style='text-align:right;padding-right:6px'>{} · {}</th>{}</tr>",
            rung,
            steps.loc[rung, "name"],
            join(
                html(
                    "<td data-rung='{rung}' data-code='{code}' data-level='{level}' "
                    "style='{cell}background:{fill};color:{ink}'>{word}</td>",
                    rung=rung,
                    code=c,
                    level=int(matrix.loc[rung, c]),
                    cell=cell,
                    fill=fills[int(matrix.loc[rung, c])],
                    ink="#fff" if int(matrix.loc[rung, c]) == 2 else "#000",
                    word=words[int(matrix.loc[rung, c])],
                )
                for c in codes
            ),
        )
        for rung in matrix.index[::-1]
    )
    legend = html(
        "<span style='padding:0 6px;background:{};color:#fff'>new</span> first required at "
        "this rung · <span style='padding:0 6px;background:{}'>kept</span> kept "
        "from the rung below · click, tap or press Enter on a requirement for its meaning",
        fills[2],
        fills[1],
    )
    return grid_html(
        "The ladder: what each rung requires",
        html(
            "<table style='border-collapse:collapse'><tr><th>Rung (1 = loosest)</th>{}</tr>"
            "{}</table>",
            head,
            rows,
        ),
        legend=legend,
        description=describe_ladder(scenarios, codes),
        source_ids=source_ids_of(scenarios),
    )


def describe_ladder(scenarios: pd.DataFrame, codes: list[str]) -> str:
    """One line for screen readers: the rungs, what they add, and what no rung requires."""
    steps = fz.ladder(scenarios)
    parts = [
        f"rung {rung} '{row['name']}' adds {', '.join(row['adds'])}"
        for rung, row in steps.iterrows()
    ]
    unused = [c for c in codes if not any(c in reqs for reqs in steps["requirements"])]
    tail = f" No rung requires {', '.join(unused)}." if unused else ""
    return (
        f"Grid of {len(steps)} rungs by {len(codes)} requirements: " + "; ".join(parts) + "." + tail
    )


def plot_factor_support(support: pd.DataFrame) -> Figure:
    """Horizontal bars: how many distinct sources assert each factor's evidence, by direction."""
    frame = support.iloc[::-1].reset_index(drop=True)
    fig = new_figure(10, 0.32 * len(frame) + 1.6)
    ax = fig.subplots()
    palette = COLOURS
    colours = {"driver": palette[2], "constraint": palette[1]}
    ax.barh(
        frame.index, frame["n_asserting"], color=[colours[d] for d in frame["direction"]], zorder=3
    )
    for y, row in frame.iterrows():
        ax.text(
            row["n_asserting"] + 0.08,
            y,
            f"{row['claims']} claim" + "s" * (row["claims"] != 1),
            va="center",
            fontsize=8,
        )
    labels = [f"{r.factor_id} {shorten(r.name, 52)}" for r in frame.itertuples()]
    ax.set_yticks(frame.index, labels, fontsize=9)
    ax.set_xlim(0, frame["n_asserting"].max() + 1.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("How many sources back each argument", loc="left", fontsize=13)
    ax.set_xlabel("Sources asserting at least one of its evidence claims")
    ax.set_ylabel("Factor")
    ax.legend(
        handles=[Patch(color=c, label=d) for d, c in colours.items()],
        title="Direction",
        frameon=False,
        loc="lower right",
    )
    sources = sorted({s for ids in support["asserting_sources"] for s in ids})
    add_source_note(fig, sorted(sources, key=lambda s: (not s.startswith("S"), s)))
    return fig


def describe_factor_support(support: pd.DataFrame) -> str:
    """One line: the best- and least-supported factors of each direction."""
    parts = []
    for direction, rows in support.groupby("direction"):
        best = rows.loc[rows["n_asserting"].idxmax()]
        least = rows.loc[rows["n_asserting"].idxmin()]
        parts.append(
            f"{len(rows)} {direction}s, best backed {best['factor_id']} ({best['n_asserting']} "
            f"sources), least {least['factor_id']} ({least['n_asserting']})"
        )
    return "Bar chart of how many sources back each factor: " + "; ".join(parts) + "."


_CELL = "padding:3px 8px;border:2px solid #fff;text-align:center;min-width:3.2em;"
EFFECT_MARKS = {"rules out": "✕", "limits": "!", "pulls elsewhere": "→"}
"""A mark per effect in the clash grid, so the effect never rests on colour alone."""


def _clash_title(rows: pd.DataFrame, where: str) -> str:
    """Tooltip of one clash-grid cell: every commitment in it, with its effect and source."""
    lines = [f"{r.name}: {r.effect} ({r.source_id})" for r in rows.itertuples()]
    return where + ":\n" + "\n".join(lines)


def clash_grid_html(
    clashes: pd.DataFrame, states: list[str], codes: list[str], names: dict[str, str]
) -> HTML:
    """States x requirements: the hardest effect of any clash, and the number of commitments.

    A cell opens the commitments behind it, each with its effect and source, on click, tap or
    Enter; its mark (✕ rules out, ! limits, → pulls elsewhere) says the effect without colour.
    """
    grid = fz.clash_grid(clashes, states, codes)
    mine = clashes[clashes["country_id"].isin(states)].drop_duplicates(
        ["country_id", "commitment_id", "name", "requirement"]
    )
    head = join(html("<th style='{}'>{}</th>", _CELL, c.replace("_", " ")) for c in codes)
    details = DetailGrid(("state", "requirement"))
    body = []
    for state in states:
        cells = []
        for code in codes:
            effect = grid["hardest"].loc[state, code]
            if not effect:
                cells.append(
                    html(
                        "<td data-cell='{} {}' style='{}background:#f0f0f0'></td>",
                        state,
                        code,
                        _CELL,
                    )
                )
                continue
            colour = EFFECT_COLOURS[effect]
            rows = mine[(mine["country_id"] == state) & (mine["requirement"] == code)]
            title = _clash_title(rows, f"{names[state]} – {code.replace('_', ' ')}")
            cells.append(
                html(
                    "<td data-cell='{state} {code}' data-effect='{effect}' "
                    "style='{cell}{colour}font-weight:bold'>{shown}</td>",
                    state=state,
                    code=code,
                    effect=effect,
                    cell=_CELL,
                    colour=on_colour(colour),
                    shown=details.cell(
                        names[state],
                        code.replace("_", " "),
                        f"{grid['count'].loc[state, code]} {EFFECT_MARKS[effect]}",
                        title,
                    ),
                )
            )
        body.append(
            html("<tr><th style='text-align:right'>{}</th>{}</tr>", names[state], join(cells))
        )
    legend = colour_chips(
        {f"{EFFECT_MARKS[e]} {e}": c for e, c in EFFECT_COLOURS.items()},
        "padding:1px 6px;margin-right:4px;",
    )
    return grid_html(
        "Where commitments already signed meet the ladder",
        html(
            "<table style='border-collapse:collapse'><tr><th>State</th>{}</tr>{}</table>",
            head,
            join(body),
        ),
        legend=html(
            "Hardest effect in the cell: {} · number: how many commitments · "
            "grey: none · click, tap or press Enter on a cell for the commitments",
            legend,
        ),
        description=describe_clash_grid(grid["hardest"], names),
        source_ids=source_ids_of(mine),
        details=details,
    )


def describe_clash_grid(hardest: pd.DataFrame, names: dict[str, str]) -> str:
    """One line on clash_grid's 'hardest': which states have a 'rules out', which have none."""
    ruled = {
        names[s]: [c for c in hardest.columns if hardest.loc[s, c] == "rules out"]
        for s in hardest.index
    }
    parts = [f"{n}: {', '.join(c)}" for n, c in ruled.items() if c]
    free = [names[s] for s in hardest.index if not hardest.loc[s].astype(bool).any()]
    text = "Grid of clashes between commitments and requirements. Ruled out: " + "; ".join(parts)
    return text + (f". No clash at all: {', '.join(free)}." if free else ".")


def readiness_norm(values: np.ndarray) -> TwoSlopeNorm:
    """Colour scale centred on 0, each side stretched to its own extreme (at least 1)."""
    return TwoSlopeNorm(0, min(-1.0, float(values.min())), max(1.0, float(values.max())))


def _names_list(ids: list[str], names: dict[str, str]) -> str:
    """State names joined with commas and a final 'and'."""
    shown = [names[c] for c in ids]
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else "".join(shown)


def describe_answer(answer: dict, names: dict[str, str]) -> str:
    """The judged answer in words: the rung, who stops the climb, whom the model cannot judge."""
    unjudged = answer["not judged"]
    skipped = (
        f" Not judged (not enough evidence): {_names_list(unjudged, names)}." if unjudged else ""
    )
    if answer["rung"] is None:
        return "The model cannot judge any state of the group: not enough evidence." + skipped
    stop = answer["blockers"]
    verb = "stops" if len(stop) == 1 else "stop"
    who = f" {_names_list(stop, names)} {verb} the climb." if stop else ""
    return (
        f"The {len(answer['judged'])} judged states of the group all accept up to rung "
        f"{answer['rung']}.{who}{skipped}"
    )


def describe_readiness(
    ready: pd.DataFrame, group: list[str], names: dict[str, str], evidence: pd.DataFrame
) -> str:
    """One line: the judged answer, who stops it, who is not judged, and every state's verdict."""
    answer = fz.judged_answer(ready, group, evidence)
    tops = fz.ceilings(ready)
    ceilings = ", ".join(
        f"{names[s]} {tops[s]}" if evidence.loc[s, "judged"] else f"{names[s]} not judged"
        for s in ready.index
    )
    return (
        f"Readiness of {len(ready)} states on {ready.shape[1]} rungs. "
        f"{describe_answer(answer, names)} Highest rung each state accepts: {ceilings}."
    )


def evidence_line(row: pd.Series) -> str:
    """A state's evidence in one line: own and general factors, commitments, claims, sources."""
    return (
        f"{row['own drivers']} own drivers, {row['own constraints']} own constraints, "
        f"{row['general factors']} general factors; {row['commitments']} commitments; "
        f"{row['claims']} claims; {row['voices']} voices; {row['sources']} sources"
    )


def readiness_html(
    ready: pd.DataFrame,
    group: list[str],
    names: dict[str, str],
    scenarios: pd.DataFrame,
    evidence: pd.DataFrame,
    per_rung: pd.DataFrame,
) -> HTML:
    """Readiness of each state on each rung, with its verdict and the evidence it rests on.

    `per_rung` is `fz.rung_evidence` for these states: it does not change with the weights.
    """
    norm, cmap = readiness_norm(ready.to_numpy()), colormaps[READINESS_CMAP]
    answer = fz.judged_answer(ready, group, evidence)
    common = answer["rung"]
    marked = -1 if common is None else common + 1
    verdict = fz.verdicts(ready, evidence)
    tops = fz.ceilings(ready)
    steps = fz.ladder(scenarios)
    line = "border-left:4px solid black;"
    head = join(
        html("<th style='{}'>{} {}</th>", line if r == marked else "", r, steps.loc[r, "name"])
        for r in ready.columns
    )
    rows = []
    for state, row in ready.iterrows():
        cells = []
        for rung, value in row.items():
            said = verdict.loc[state, rung]
            clash_count = int(per_rung.loc[(state, rung), "clashes"])
            clash_note = f"{clash_count} clash{'es' * (clash_count != 1)}"
            edge = line if rung == marked else ""
            if said == "not enough evidence":
                cells.append(
                    html(
                        "<td style='background:#e6e6e6;color:#333;text-align:center;{edge}' "
                        "data-state='{state}' data-rung='{rung}' data-value='{value:g}' "
                        "data-verdict='{said}'>? not enough evidence<br>"
                        "<small>({value:+.1f}; {clashes})</small></td>",
                        edge=edge,
                        state=state,
                        rung=rung,
                        said=said,
                        value=value,
                        clashes=clash_note,
                    )
                )
                continue
            style = on_colour(cmap(norm(value))) + "text-align:center;" + edge
            mark = "\u2713" if said == "accepts" else "\u2717"
            cells.append(
                html(
                    "<td style='{style}' data-state='{state}' data-rung='{rung}' "
                    "data-value='{value:g}' data-verdict='{said}'>{value:+.1f} {mark}<br>"
                    "<small>{clashes}</small></td>",
                    style=style,
                    state=state,
                    rung=rung,
                    said=said,
                    value=value,
                    mark=mark,
                    clashes=clash_note,
                )
            )
        judged = bool(evidence.loc[state, "judged"])
        label = names[state] + ("" if state in group else " (not in group)")
        top = tops[state] if judged else "not judged"
        why = "" if judged else f" Not judged: {evidence.loc[state, 'why not']}."
        rows.append(
            html(
                "<tr><th>{}</th>{}<td>{}</td><td style='font-size:85%'>{}.{}</td></tr>",
                label,
                join(cells),
                top,
                evidence_line(evidence.loc[state]),
                why,
            )
        )
    return rendered(
        html(
            "{style}<table class='otslab-table'><thead><tr><th>state</th>{head}"
            "<th>highest rung accepted</th><th>evidence the verdicts rest on</th></tr></thead>"
            "<tbody>{rows}</tbody></table>"
            "<p><i>{answer} The black line marks that rung. \u2713 accepts (readiness \u2265 0), "
            "\u2717 refuses, ? not enough evidence to judge (grey: a state judged only by the "
            "arguments that bear on every state, or named by fewer than {min} sources).</i></p>",
            style=TABLE_STYLE,
            head=head,
            rows=join(rows),
            answer=describe_answer(answer, names),
            min=fz.MIN_SOURCES,
        )
    )


# --- tables -----------------------------------------------------------------------------------


def formula_lines(explained: pd.DataFrame, weights: pd.Series) -> list[str]:
    """The formula with one state's numbers filled in, one line per rung."""
    lines = []
    for rung, row in explained.iterrows():
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


# --- views ------------------------------------------------------------------------------------


def rung_view(tables: Tables, clashes: pd.DataFrame, rung: int) -> list[object]:
    """Everything about one rung: what it means, requires, who clashes, which voices stand there."""
    steps = fz.ladder(tables.scenarios)
    if rung not in steps.index:
        return [hint(f"There is no rung {rung}: pick one of {list(steps.index)}.")]
    row = tables.scenarios.set_index("rung").loc[rung]
    meanings = fz.requirement_meanings()
    reqs = pd.DataFrame(
        {
            "requirement": steps.loc[rung, "requirements"],
            "meaning": [meanings.get(c, "") for c in steps.loc[rung, "requirements"]],
            "new at this rung": [
                "yes" if c in steps.loc[rung, "adds"] else ""
                for c in steps.loc[rung, "requirements"]
            ],
        }
    )
    states = fz.ots_states(tables.countries, include_observers=True)
    found = fz.rung_clashes(tables.scenarios, clashes, states)
    new = found[(found["rung"] == rung) & found["requirement"].isin(steps.loc[rung, "adds"])]
    names = state_names(tables.countries)
    clash_rows = new.assign(state=new["country_id"].map(names))[
        ["state", "requirement", "effect", "name", "source_id"]
    ].rename(columns={"name": "commitment"})
    voices = tables.voices[tables.voices["rung"] == rung][
        ["voice_id", "name", "source_id", "stance", "rung_basis"]
    ]
    items: list[object] = [
        rendered(
            html(
                "<h4>Rung {rung}: {name}</h4><p>{description}</p>"
                "<p><i>Source:</i> {source}, \u201c{locator}\u201d</p>",
                rung=rung,
                name=row["name"],
                description=row["description"],
                source=row["source_id"],
                locator=row["locator"],
            )
        ),
        table_html(reqs, f"What rung {rung} requires"),
    ]
    items.append(
        table_html(clash_rows, f"Clashes with what rung {rung} adds ({len(clash_rows)})")
        if len(clash_rows)
        else hint(
            f"No OTS member or observer has a commitment that clashes with what rung {rung} adds."
        )
    )
    items.append(
        table_html(voices, f"Voices that place themselves at rung {rung} ({len(voices)})")
        if len(voices)
        else hint(f"No voice in the sources places itself at rung {rung}.")
    )
    return items


def rung_explorer(tables: Tables, clashes: pd.DataFrame) -> w.VBox:
    """Pick a rung: its meaning, requirements, clashing commitments and the voices there."""
    steps = fz.ladder(tables.scenarios)
    rung = w.Dropdown(
        options=[(f"{r} {steps.loc[r, 'name']}", r) for r in steps.index],
        value=int(steps.index[0]),
        description="Rung",
        layout={"width": "420px"},
    )
    output = w.Output(layout=OUTPUT_LAYOUT)
    rung.observe(
        lambda _c: render_into(output, lambda: rung_view(tables, clashes, rung.value)),
        names="value",
    )
    render_into(output, lambda: rung_view(tables, clashes, rung.value))
    return w.VBox([rung, output])


def factor_view(tables: Tables, factor_id: str) -> list[object]:
    """One factor: direction, description, the states it bears on, and its evidence claims."""
    factors = tables.factors.set_index("factor_id")
    if factor_id not in factors.index:
        return [hint(f"There is no factor '{factor_id}'.")]
    row = factors.loc[factor_id]
    names = state_names(tables.countries)
    targets = fz.split_ids(row["applies_to"])
    reach = ", ".join(names[c] for c in targets) if targets else "every state"
    claims = tables.claims.set_index("claim_id")
    rows = []
    for cid in fz.split_ids(row["evidence"]):
        links = tables.claim_sources[tables.claim_sources["claim_id"] == cid]
        by = {
            verb: ", ".join(sorted(links.loc[links["stance"].astype(str) == s, "source_id"]))
            for s, verb in fz.STANCE_VERBS.items()
        }
        rows.append(
            {
                "claim": cid,
                "type": claims.loc[cid, "claim_type"],
                "statement": claims.loc[cid, "statement"],
                **by,
            }
        )
    return [
        rendered(
            html(
                "<h4>{id} {name} ({direction})</h4><p>{description}</p>"
                "<p><i>Bears on:</i> {reach}</p>",
                id=factor_id,
                name=row["name"],
                direction=row["direction"],
                description=row["description"],
                reach=reach,
            )
        ),
        table_html(pd.DataFrame(rows), f"The evidence behind {factor_id}: {len(rows)} claims"),
    ]


def factor_explorer(tables: Tables) -> w.VBox:
    """Pick a driver or constraint: what it says and which claims and sources stand behind it."""
    factor = w.Dropdown(
        options=[(f"{r.factor_id} {r.name}", r.factor_id) for r in tables.factors.itertuples()],
        description="Factor",
        layout={"width": "600px"},
    )
    output = w.Output(layout=OUTPUT_LAYOUT)
    factor.observe(
        lambda _c: render_into(output, lambda: factor_view(tables, factor.value)), names="value"
    )
    render_into(output, lambda: factor_view(tables, factor.value))
    return w.VBox([factor, output])


class WeightPanel:
    """The model's sliders (one weight per factor and per clash effect), shared by three views."""

    def __init__(self, tables: Tables):
        self.tables = tables
        self.clashes, self.coefs = fz.model(tables)
        self.evidence = fz.state_evidence(
            tables, self.clashes, list(self.coefs.index.get_level_values("country").unique())
        )
        # What the weights do not change, worked out once rather than at every slider move.
        self.per_rung = fz.rung_evidence(tables.scenarios, self.clashes, self.evidence)
        self.practice = fz.record_practice(tables, list(self.evidence.index))
        self.names = state_names(tables.countries)
        self.sources = model_sources(tables)
        self.defaults = fz.default_weights(tables.factors)
        factors = tables.factors.set_index("factor_id")
        self.sliders = {}
        for name, value in self.defaults.items():
            low, high = fz.weight_grid(name)[0], fz.weight_grid(name)[-1]
            full = f"{name} {factors.loc[name, 'name']}" if name in factors.index else ""
            label = shorten(full, 33) if full else f"each clash: {name}"
            self.sliders[name] = w.FloatSlider(
                value=value,
                min=low,
                max=high,
                step=fz.STEP,
                description=label,
                tooltip=full or f"Weight of one clash whose effect is '{name}'",
                continuous_update=False,
                readout_format=".1f",
                style={"description_width": "260px"},
                layout={"width": "470px"},
            )
        self.observers = w.Checkbox(
            value=False, description="Observers must agree too", indent=False
        )
        self.reset = button("Reset weights", "undo")
        self.reset.on_click(lambda _b: self.set_weights(self.defaults))
        self._listeners: list[Callable[[], None]] = []
        self._quiet = False
        for control in [*self.sliders.values(), self.observers]:
            control.observe(lambda _c: self._changed(), names="value")

    def weights(self) -> pd.Series:
        """The weights the sliders show now."""
        return pd.Series({name: s.value for name, s in self.sliders.items()}, dtype=float)

    def group(self) -> list[str]:
        """The states that must all agree: OTS members, plus observers when ticked."""
        return fz.ots_states(self.tables.countries, include_observers=self.observers.value)

    def judged_group(self) -> list[str]:
        """The states of the group with enough evidence to judge (see fz.state_evidence)."""
        return [c for c in self.group() if bool(self.evidence.loc[c, "judged"])]

    def set_weights(self, weights: dict[str, float] | pd.Series) -> None:
        """Move several sliders at once and redraw the views once."""
        self._quiet = True
        try:
            for name, value in dict(weights).items():
                self.sliders[name].value = value
        finally:
            self._quiet = False
        self._changed()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call listener whenever a weight or the group changes."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        """Tell every view to redraw (unless several sliders are being moved together)."""
        if not self._quiet:
            for listener in self._listeners:
                listener()

    def controls(self) -> w.Box:
        """The sliders laid out in columns: drivers, constraints, clash effects."""
        direction = self.tables.factors.set_index("factor_id")["direction"].astype(str)

        def column(title: str, names: list[str]) -> w.VBox:
            return w.VBox([w.HTML(html("<b>{}</b>", title)), *(self.sliders[n] for n in names)])

        drivers = [n for n in direction.index if direction[n] == "driver"]
        constraints = [n for n in direction.index if direction[n] == "constraint"]
        left = column("Drivers (push up the ladder)", drivers)
        left.children += (column("Clashes (each one counts)", list(fz.CLASH_WEIGHTS)),)
        right = column("Constraints (hold back; bite harder on higher rungs)", constraints)
        return w.VBox([w.HBox([left, right]), w.HBox([self.observers, self.reset])])


def readiness_items(panel: WeightPanel) -> list[object]:
    """The readiness of every state on every rung under the panel's weights and group."""
    ready = fz.readiness(panel.coefs, panel.weights())
    group, names = panel.group(), panel.names
    return [
        rendered(
            html(
                "<p class='otslab-caption'><b>Readiness of each state for each rung "
                "(\u2713 = accepts)</b></p><p class='otslab-description'>{}</p>",
                describe_readiness(ready, group, names, panel.evidence),
            )
        ),
        readiness_html(ready, group, names, panel.tables.scenarios, panel.evidence, panel.per_rung),
        rendered(
            html(
                "<p style='font-size:85%;color:#555'>Source: {} (see data/sources.csv)</p>",
                ", ".join(panel.sources),
            )
        ),
    ]


def readiness_explorer(panel: WeightPanel) -> w.VBox:
    """Move the weights: the readiness of every state on every rung and the common rung redraw."""
    output = w.Output(layout=OUTPUT_LAYOUT)
    panel.on_change(lambda: render_into(output, lambda: readiness_items(panel)))
    render_into(output, lambda: readiness_items(panel))
    return w.VBox([panel.controls(), output])


def state_items(panel: WeightPanel, country_id: str) -> list[object]:
    """One state's readiness term by term, the formula with its numbers, and its clashes."""
    weights = panel.weights()
    explained = fz.explain(panel.coefs, weights, country_id)
    name = panel.names[country_id]
    evidence = panel.evidence.loc[country_id]
    top = fz.ceilings(fz.readiness(panel.coefs, weights)).loc[country_id]
    if not evidence["judged"]:
        top = f"not judged ({evidence['why not']})"
    lines = join(formula_lines(explained, weights), Markup("<br>"))
    mine = fz.rung_clashes(panel.tables.scenarios, panel.clashes, [country_id])
    first = mine.sort_values("rung").drop_duplicates(["commitment_id", "name", "requirement"])
    table = first[["rung", "requirement", "effect", "name", "source_id"]].rename(
        columns={"rung": "first at rung", "name": "commitment"}
    )
    items: list[object] = [
        rendered(
            html(
                "<h4>{}: highest rung accepted {}</h4><p><i>Evidence:</i> {} ({}).</p>"
                "<p style='font-family:monospace'>{}</p>",
                name,
                top,
                evidence_line(evidence),
                evidence["source ids"] or "no source",
                lines,
            )
        ),
        table_html(explained.reset_index(), f"{name}: the terms of the formula per rung"),
    ]
    items.append(
        table_html(table, f"{name}: clashes on the ladder ({len(table)})")
        if len(table)
        else hint(f"{name} has no commitment in the data that clashes with any rung.")
    )
    return items


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
    return w.VBox([state, w.HTML(WEIGHTS_NOTE), output])


DIRECTIONS = {"either way": None, "up the ladder": "up", "down the ladder": "down"}
"""Sensitivity view: which moves of the answer to list."""


def sensitivity_items(panel: WeightPanel, direction: str | None) -> list[object]:
    """The single weight changes that move the group's highest common rung (up, down or either)."""
    weights, group = panel.weights(), panel.judged_group()
    if not group:
        return [hint("No state of the group has enough evidence to judge: nothing can move.")]
    table = fz.sensitivity(panel.coefs, weights, group)
    now = int(table["answer now"].iloc[0])
    factors = panel.tables.factors.set_index("factor_id")["name"]
    rows = []
    for r in table.itertuples():
        for side, to, answer in (("lower", r[4], r[5]), ("raise", r[6], r[7])):
            if pd.isna(to):
                continue
            way = "up" if answer > now else "down"
            if direction in (None, way):
                rows.append(
                    {
                        "weight": f"{r.weight} {factors.get(r.weight, '(clash effect)')}",
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
        return [head, hint(f"No single weight, anywhere on its slider, moves the answer {label}.")]
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
    return w.VBox([direction, w.HTML(WEIGHTS_NOTE), output])


def evidence_table(panel: WeightPanel) -> HTML:
    """Per state: the evidence behind its verdicts, and whether the model can judge it."""
    frame = panel.evidence.reset_index()
    frame.insert(0, "state", frame["country_id"].map(panel.names))
    frame["judged"] = frame["judged"].map({True: "yes", False: "no: not enough evidence"})
    return table_html(
        frame.drop(columns="country_id"),
        f"How much evidence each verdict rests on (judged: at least one factor names the state "
        f"and at least {fz.MIN_SOURCES} sources speak about it)",
    )


def record_items(panel: WeightPanel) -> list[object]:
    """Where the model, under the panel's weights, contradicts what states already did."""
    ready = fz.readiness(panel.coefs, panel.weights())
    found = fz.record_contradictions(panel.tables.scenarios, panel.practice, ready)
    if found.empty:
        return [hint("Under these weights the model contradicts nothing the record shows.")]
    found.insert(0, "state", found["country_id"].map(panel.names))
    same = found[found["match"] == "the requirement itself"]
    head = rendered(
        html(
            "<p>Under these weights the model contradicts the record {} times ({} of them on "
            "the requirement itself, the rest on something close to it). Which is wrong: the "
            "weights, or the ladder that puts every rung in one order?</p>",
            len(found),
            len(same),
        )
    )
    return [
        head,
        table_html(found.drop(columns="country_id"), "The model against the record"),
    ]


def record_explorer(panel: WeightPanel) -> w.VBox:
    """The contradictions between the model and the record, redrawn as the weights move."""
    output = w.Output(layout=OUTPUT_LAYOUT)
    panel.on_change(lambda: render_into(output, lambda: record_items(panel)))
    render_into(output, lambda: record_items(panel))
    return w.VBox([w.HTML("<i>Weights: set them with the sliders above.</i>"), output])


def commit_view(panel: WeightPanel, path: Path | None = None) -> w.VBox:
    """Set your own weights and say why, then commit them to a file before seeing the answer."""
    path = path or fz.my_weights_path()
    saved = fz.load_commitment(path)
    start = saved["weights"] if saved else dict(panel.defaults)
    sliders = {
        name: w.FloatSlider(
            value=float(start.get(name, panel.defaults[name])),
            min=fz.weight_grid(name)[0],
            max=fz.weight_grid(name)[-1],
            step=fz.STEP,
            description=panel.sliders[name].description,
            tooltip=panel.sliders[name].tooltip,
            continuous_update=False,
            readout_format=".1f",
            style={"description_width": "260px"},
            layout={"width": "470px"},
        )
        for name in panel.defaults.index
    }
    reason = w.Textarea(
        value=saved["reason"] if saved else "",
        description="Why",
        placeholder="Which weights did you change, and which claims or sources back you?",
        layout={"width": "95%", "max_width": "700px", "height": "90px"},
    )
    commit_button = button("Commit my weights", "lock")
    output = w.Output()

    def differing(reference: dict) -> list[str]:
        return [n for n, s in sliders.items() if abs(s.value - float(reference[n])) > 1e-9]

    def status() -> list[object]:
        found = fz.load_commitment(path)
        if not found:
            moved = differing(dict(panel.defaults))
            where = f"away from the defaults: {', '.join(moved)}" if moved else "at the defaults"
            return [
                hint(
                    f"Nothing committed yet. Your sliders are {where}. "
                    "Set them, write why, then commit."
                )
            ]
        text = f"Committed {found['committed']} to {os.path.relpath(path)}."
        changed = differing(found["weights"])
        if changed:
            text += (
                f" Your sliders now differ from what you committed on: {', '.join(changed)}; "
                "commit again to keep them."
            )
        return [hint(text)]

    def commit(_button: object) -> None:
        if not reason.value.strip():
            asking = "First write a reason for your weights, then commit."
            render_into(output, lambda: [hint(asking)])
            return
        weights = {name: s.value for name, s in sliders.items()}
        def save() -> list[object]:
            fz.save_commitment(path, weights, reason.value)
            return status()

        render_into(output, save)

    commit_button.on_click(commit)
    redraw_on(tuple(sliders.values()), output, status)
    half = len(sliders) // 2 + 1
    names = list(sliders)
    columns = w.HBox(
        [w.VBox([sliders[n] for n in names[:half]]), w.VBox([sliders[n] for n in names[half:]])]
    )
    return w.VBox([columns, reason, commit_button, output])


def reveal_items(panel: WeightPanel, path: Path | None = None) -> list[object]:
    """Your committed weights against the defaults, and the answer under each."""
    path = path or fz.my_weights_path()
    found = fz.load_commitment(path)
    if not found:
        return [hint("Commit your weights in the cell above first; then run this cell again.")]
    table = fz.compare_weights(found["weights"], panel.defaults)
    mine = fz.readiness(panel.coefs, pd.Series(found["weights"])[panel.defaults.index])
    default = fz.readiness(panel.coefs, panel.defaults)
    group = fz.ots_states(panel.tables.countries)
    lines = [
        f"{who}: {describe_answer(fz.judged_answer(ready, group, panel.evidence), panel.names)}"
        for who, ready in (("Your weights", mine), ("Default weights", default))
    ]
    items: list[object] = [
        rendered(
            html(
                "<p><b>Your reason</b> ({}): {}</p><p>{}</p>",
                found["committed"],
                found["reason"],
                join(lines, Markup("<br>")),
            )
        )
    ]
    items.append(
        table_html(table, f"The {len(table)} weights you set differently from the defaults")
        if len(table)
        else hint("You kept every default weight.")
    )
    return items


def reveal_view(panel: WeightPanel, path: Path | None = None) -> w.VBox:
    """Compare your committed weights with the defaults; load them into the sliders if you like."""
    path = path or fz.my_weights_path()
    output = w.Output()
    compare = button("Compare again", "refresh")
    load = button("Put my weights on the sliders", "sliders")
    compare.on_click(lambda _b: render_into(output, lambda: reveal_items(panel, path)))

    def use(_button: object) -> None:
        found = fz.load_commitment(path)
        if found:
            panel.set_weights({k: v for k, v in found["weights"].items() if k in panel.sliders})

    load.on_click(use)
    render_into(output, lambda: reveal_items(panel, path))
    return w.VBox([w.HBox([compare, load]), output])


def kit_view(tables: Tables, clashes: pd.DataFrame, folder: Path = fz.KIT_DIR) -> w.VBox:
    """Two buttons: write the kit (Markdown and printable HTML), or write it and print one PDF."""
    from otslab import roleplay as rp

    output = w.Output()
    write = button("Write the kit", "file-text")
    printing = button("Print the kit to PDF", "print")

    def written(pdf: bool) -> list[object]:
        markdown, printable = rp.export_all(tables, folder, clashes, pdf=pdf)
        return [hint(fz.describe_kit(markdown)), hint(fz.describe_kit(printable))]

    def pdf() -> list[object]:
        if rp.chromium() is None:
            return [
                hint(
                    "No Chromium on this machine: press Write the kit, then open "
                    "roleplay_kit/print/kit.html in a browser and print it (each card starts on a "
                    "new page), or run make roleplay-kit where Chromium is installed."
                )
            ]
        return written(pdf=True)

    write.on_click(lambda _b: render_into(output, lambda: written(pdf=False)))
    printing.on_click(lambda _b: render_into(output, pdf))
    where = os.path.relpath(folder)
    render_into(
        output,
        lambda: [
            hint(
                f"Nothing is written until you press a button. Write the kit puts the briefing "
                f"and every card into {where} as Markdown and, in {where}/print, as HTML; Print "
                "the kit to PDF also prints kit.pdf. A file you changed is never overwritten."
            )
        ],
    )
    return w.VBox([w.HBox([write, printing]), output])


def outcome_items(tables: Tables, paths: list[Path]) -> list[object]:
    """The summary of every outcome CSV given: rungs reached, who held out, summit vs model."""
    from otslab import roleplay as rp

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
    """Pick a state: its role card for the summit simulation, built from the data."""
    names = state_names(tables.countries)
    state = w.Dropdown(
        options=[(names[c], c) for c in fz.role_card_states(tables.countries)],
        description="Role",
    )
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        return [markdown_view(fz.role_card(tables, state.value, clashes))]

    redraw_on((state,), output, draw)
    return w.VBox([state, output])


CLAUSES = (
    ("Gabala Declaration (2025)", "event", "E047", "solidarity_clause"),
    ("Shusha Declaration (2021)", "event", "E022", "mutual_assistance_clause"),
    ("CSTO Article 4", "commitment", "K002", "collective_defence_clause"),
    ("NATO Article 5", "commitment", "K008", "collective_defence_clause"),
)
"""The four clauses on the strength scale: name, table, row id, and the kind of clause it is
(the requirement codes of data/scenarios.csv, explained in data/README.md). Which kind each
clause is, is our reading of its wording: a judgement to question, not a fact."""
CLAUSE_LEVELS = ("solidarity_clause", "mutual_assistance_clause", "collective_defence_clause")
"""The kinds of clause from weakest to strongest duty: the order the ladder's rungs add them."""


def clause_scale(tables: Tables) -> pd.DataFrame:
    """The four clauses with their level, the wording the data gives, and its source."""
    events = tables.events.set_index("event_id")
    commitments = tables.commitments.set_index("commitment_id")
    meanings = fz.requirement_meanings()
    rows = []
    for name, table, row_id, code in CLAUSES:
        row = events.loc[row_id] if table == "event" else commitments.loc[row_id]
        wording = row["summary"] if table == "event" else row["name"]
        rows.append(
            {
                "clause": name,
                "id": row_id,
                "level": CLAUSE_LEVELS.index(code) + 1,
                "kind": meanings.get(code, code),
                "first rung": fz.first_rung_with(tables.scenarios, code),
                "wording": str(wording),
                "source_id": row["source_id"],
                "locator": row["locator"],
            }
        )
    return pd.DataFrame(rows)


def plot_clause_scale(scale: pd.DataFrame) -> Figure:
    """The clauses as bars on one strength scale, each with its line of wording underneath."""
    height = 1.4 + 1.25 * len(scale)
    fig = new_figure(12, height, fixed=True)  # placed by hand: no layout pass to pay for
    ax = fig.add_axes((0.015, 1.0 / height, 0.97, 1 - 1.45 / height))
    palette = COLOURS
    hatches = {1: "..", 2: "//", 3: "xx"}
    for i, row in enumerate(scale.itertuples()):
        y = -2 * i
        ax.barh(
            y,
            row.level,
            height=0.8,
            color=palette[row.level - 1],
            hatch=hatches[row.level],
            edgecolor="0.2",
            alpha=0.85,
        )
        ax.text(
            0.05,
            y,
            f"{row.clause} ({row.id})",
            va="center",
            fontsize=10,
            fontweight="bold",
            parse_math=False,
            bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0},
        )
        wording = textwrap.fill(shorten(row.wording, 340), 150)
        ax.text(0.05, y - 0.62, wording, va="top", fontsize=8.5, parse_math=False)
    ax.set_xlim(0, len(CLAUSE_LEVELS) + 0.05)
    ax.set_ylim(-2 * len(scale) + 0.6, 0.8)
    ax.set_yticks([])
    meanings = scale.drop_duplicates("level").set_index("level")["kind"]
    ax.set_xticks(
        [level - 0.5 for level in range(1, len(CLAUSE_LEVELS) + 1)],
        [
            textwrap.fill(f"{level}. " + meanings.get(level, CLAUSE_LEVELS[level - 1]), 40)
            for level in range(1, len(CLAUSE_LEVELS) + 1)
        ],
        fontsize=9,
    )
    ax.grid(False, axis="y")
    ax.set_xlabel("How strong a duty the clause states (our reading of its wording: question it)")
    ax.set_title(
        "Four promises on one scale: from solidarity to 'an attack on one is an attack on all'",
        loc="left",
        fontsize=13,
    )
    add_source_note(fig, source_ids_of(scale))
    return fig


def describe_clause_scale(scale: pd.DataFrame) -> str:
    """One sentence per level: which clauses sit there."""
    parts = [
        f"level {level} ({group['kind'].iloc[0]}): {', '.join(group['clause'])}"
        for level, group in scale.groupby("level")
    ]
    return "Strength scale of four clauses; " + "; ".join(parts) + "."


def plot_staircase(scenarios: pd.DataFrame, voices: pd.DataFrame, scale: pd.DataFrame) -> Figure:
    """The ladder as a staircase: each rung a step, the voices on the rung they argue for.

    The step where the Gabala Declaration's kind of clause first appears is marked: that
    clause exists already, though the rungs below it are not all climbed.
    """
    ladder = fz.ladder(scenarios)
    placed = fz.voice_positions(voices).dropna(subset=["rung"])
    per_rung = placed.groupby("rung").size()
    most = int(per_rung.max()) if len(per_rung) else 1
    height = 2.6 + 0.22 * most + 0.5 * len(ladder)
    fig = new_figure(12, height, fixed=True)  # placed by hand: no layout pass to pay for
    ax = fig.add_axes((0.01, 0.15 / height, 0.98, 1 - 0.6 / height))
    palette = COLOURS[: len(STANCES)]
    colours = dict(zip(STANCES, palette, strict=True))
    step_height = 1.0
    for row in ladder.itertuples():
        rung = int(row.Index)
        ax.add_patch(_step(rung, step_height))
        ax.text(
            rung - 0.95,
            rung * step_height - 0.08,
            textwrap.fill(f"{rung}. {row.name}", 28),
            va="top",
            fontsize=9,
            fontweight="bold",
            parse_math=False,
        )
    for rung, group in placed.groupby("rung"):
        for k, voice in enumerate(group.itertuples()):
            x = float(rung) - 0.9
            y = float(rung) * step_height + 0.18 + 0.22 * k
            stance = str(voice.stance)
            ax.scatter(
                [x],
                [y],
                marker=STANCE_MARKERS.get(stance, "o"),
                s=40,
                color=colours.get(stance, "0.5"),
                edgecolors="0.2",
                zorder=4,
            )
            who = f"{voice.voice_id} {shorten(voice.name, 26)}"
            if pd.notna(voice.country_id):
                who += f" ({voice.country_id})"
            ax.text(x + 0.06, y, who, va="center", fontsize=7.5, parse_math=False)
    gabala = scale[scale["id"] == "E047"]
    if len(gabala):
        rung = int(gabala["first rung"].iloc[0])
        ax.annotate(
            "Gabala Declaration (2025): a solidarity clause\nalready exists; this rung asks for it",
            xy=(rung - 0.5, rung * step_height),
            xytext=(rung - 2.6, rung * step_height + 1.9 + 0.22 * most),
            arrowprops={"arrowstyle": "->", "color": "0.2"},
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "0.4"},
        )
    top = len(ladder) * step_height + 0.6 + 0.22 * most
    ax.set_xlim(0, len(ladder) + 0.1)
    ax.set_ylim(0, top + 1.6)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title(
        "The ladder as a staircase: who stands on which rung (our reading of each voice)",
        loc="left",
        fontsize=13,
    )
    handles = [
        Line2D(
            [],
            [],
            marker=STANCE_MARKERS[s],
            linestyle="",
            color=colours[s],
            markeredgecolor="0.2",
            label=s,
        )
        for s in STANCES
        if s in set(placed["stance"].astype(str))
    ]
    ax.legend(handles=handles, title="Stance", loc="upper left", frameon=False, fontsize=8)
    add_source_note(
        fig, source_ids_of(pd.concat([scenarios[["source_id"]], voices[["source_id"]]]))
    )
    return fig


def _step(rung: int, height: float) -> Rectangle:
    """One step of the staircase: a block as high as its rung."""
    return Rectangle((rung - 1, 0), 1.0, rung * height, facecolor="0.93", edgecolor="0.5")


def describe_staircase(scenarios: pd.DataFrame, voices: pd.DataFrame) -> str:
    """How many voices stand on each rung, and how many take no position."""
    placed = fz.voice_positions(voices)
    counts = placed["rung"].value_counts()
    steps = "; ".join(
        f"rung {int(r.Index)} ({r.name}): {int(counts.get(r.Index, 0))} voices"
        for r in fz.ladder(scenarios).itertuples()
    )
    return (
        f"Staircase of {len(fz.ladder(scenarios))} rungs; {steps}; "
        f"{int(placed['rung'].isna().sum())} voices take no position on the ladder."
    )


def clause_scale_html(tables: Tables) -> HTML:
    """The clause scale as an SVG image with its alt text and description (for a notebook)."""
    scale = clause_scale(tables)
    return figure_html(plot_clause_scale(scale), describe_clause_scale(scale))


def staircase_html(tables: Tables) -> HTML:
    """The staircase as an SVG image with its alt text and description (for a notebook)."""
    figure = plot_staircase(tables.scenarios, tables.voices, clause_scale(tables))
    return figure_html(figure, describe_staircase(tables.scenarios, tables.voices))
