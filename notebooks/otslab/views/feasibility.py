"""Figures and widget views for the feasibility debate (notebook 04)."""

from __future__ import annotations

import textwrap

import ipywidgets as w
import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from otslab.data import Tables
from otslab.model import feasibility as fz
from otslab.views.markup import html, join, markdown_html, rendered
from otslab.views.plots import (
    COLOURS,
    EFFECT_COLOURS,
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
from otslab.views.widgets import (
    OUTPUT_LAYOUT,
    hint,
    render_into,
    table_html,
)

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

state_names = fz.state_names


def markdown_view(markdown: str) -> HTML:
    """Markdown built from the data (escaped) shown as HTML; raw HTML in it shows as text."""
    return rendered(markdown_html(markdown))


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
    lines = [f"{r.name}: {r.effect} ({r.source_id}; {r.status})" for r in rows.itertuples()]
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
    by_cell = dict(iter(mine.groupby(["country_id", "requirement"], sort=False, observed=True)))
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
            rows = by_cell[(state, code)]
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
        ["state", "requirement", "effect", "name", "status", "source_id"]
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
