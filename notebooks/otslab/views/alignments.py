"""Figures and widget views for notebook 02: membership matrix, similarity, cross-pressures."""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from otslab.data import Tables
from otslab.model import alignments as al
from otslab.views.markup import Markup, html, join
from otslab.views.plots import (
    COLOURS,
    EFFECT_COLOURS,
    DetailGrid,
    add_source_note,
    colour_chips,
    figure_html,
    grid_html,
    new_figure,
    on_colour,
    source_ids_of,
)
from otslab.views.widgets import (
    OUTPUT_LAYOUT,
    CheckList,
    hint,
    redraw_on,
    table_html,
    year_picker,
)

STATUS_COLOURS = {
    "member": COLOURS[0],
    "recognised": COLOURS[2],
    "associate": COLOURS[9],
    "observer": COLOURS[8],
    "partner": COLOURS[1],
    "candidate": COLOURS[6],
    "signatory": COLOURS[5],
    "suspended": COLOURS[3],
    "frozen": COLOURS[4],
    "withdrawn": COLOURS[7],
    al.UNKNOWN: (0.9, 0.9, 0.9),
}
"""One colour-blind-safe colour per status; every cell also carries its status as text."""


def _source_ids(cells: pd.DataFrame) -> list[str]:
    """Source ids of the membership rows behind the non-empty cells."""
    return source_ids_of(cells.dropna(subset=["source_id"]))


def membership_grid(
    tables: Tables,
    year: int,
    org_ids: list[str] | None = None,
    cells: pd.DataFrame | None = None,
) -> HTML:
    """The membership matrix at the end of a year (optionally only some organisations).

    `cells` is `al.matrix_cells(tables, year)` when the caller has it already (a view keeps it).
    """
    cells = al.matrix_cells(tables, year) if cells is None else cells
    if org_ids is not None:
        cells = cells[cells["org_id"].isin(org_ids)]
    return matrix_html(
        cells,
        title=matrix_title(year),
        description=al.describe_matrix(cells, year),
        source_ids=_source_ids(cells),
    )


def _cell_title(cell: pd.Series) -> str:
    """Tooltip of one matrix cell: state, organisation, status, dates and source."""
    where = f"{cell['state']} – {cell['organisation']}"
    if not cell["status"]:
        return f"{where}: no status in data/memberships.csv"
    start = "start unknown" if cell["start_unknown"] else f"since {cell['start']}"
    end = f", until {cell['end']}" if pd.notna(cell["end"]) else ""
    medium = ", medium confidence" if cell["medium"] else ""
    return (
        f"{where}: {cell['status']} ({start}{end}{medium}; {cell['source_id']}, {cell['locator']})"
    )


def matrix_html(
    cells: pd.DataFrame, *, title: str, description: str, source_ids: list[str]
) -> HTML:
    """The membership matrix as a coloured HTML grid: a status (word and colour) in every cell.

    Hatching marks an unknown start, ° medium confidence; a cell opens its dates and source on
    click, tap or Enter (hover shows them too).
    """
    states = cells.drop_duplicates("country_id")
    orgs = cells.drop_duplicates("org_id")
    by_cell = {(c["country_id"], c["org_id"]): c for c in cells.to_dict("records")}
    details = DetailGrid(("state", "organisation"))
    head = join(
        html(
            '<th style="{}">{}{}</th>',
            _TH,
            o.organisation,
            html("<br><small>(from {})</small>", o.founded_year) if o.founded_later else "",
        )
        for o in orgs.itertuples()
    )
    body = []
    previous = None
    for state in states.itertuples():
        border = "border-top:2px solid #333;" if previous and state.role != previous else ""
        previous = state.role
        tds = []
        for org in orgs["org_id"]:
            cell = by_cell[(state.country_id, org)]
            status = cell["status"]
            colour = STATUS_COLOURS.get(status, (1, 1, 1))
            style = f"{_TD}{border}{on_colour(colour)}"
            if cell["start_unknown"] and status != al.UNKNOWN:
                style += _HATCH_CSS
            text = "?" if status == al.UNKNOWN else status
            text += "°" if cell["medium"] and text not in ("?", "") else ""
            tds.append(
                html(
                    '<td data-cell="{} {}" style="{}">{}</td>',
                    state.country_id,
                    org,
                    style,
                    details.cell(state.state, cell["organisation"], text, _cell_title(cell))
                    if text
                    else "",
                )
            )
        body.append(
            html(
                '<tr><th style="{}text-align:right;{}">{}</th>{}</tr>',
                _TH,
                border,
                state.state,
                join(tds),
            )
        )
    legend = colour_chips(
        {"?" if s == al.UNKNOWN else s: c for s, c in STATUS_COLOURS.items()}, _CHIP
    )
    legend += html(
        ' <span style="{}{}">hatched: start date unknown</span>'
        " ? = unknown before the source's date · blank = no status in the data"
        " · ° = medium confidence · click, tap or press Enter on a cell for its dates and source",
        _CHIP,
        _HATCH_CSS,
    )
    return grid_html(
        title,
        html(
            '<table class="otslab-matrix" style="border-collapse:collapse">'
            "<tr><th></th>{}</tr>{}</table>",
            head,
            join(body),
        ),
        legend=legend,
        description=description,
        source_ids=source_ids,
        details=details,
    )


_TH = "padding:2px 6px;font-weight:600;font-size:85%;"
_TD = "padding:2px 6px;border:1px solid #ddd;text-align:center;font-size:85%;min-width:5.5em;"
_CHIP = "padding:1px 6px;border:1px solid #ccc;margin-right:2px;white-space:nowrap;"
_HATCH_CSS = (
    "background-image:repeating-linear-gradient(45deg,transparent 0 5px,rgba(0,0,0,0.35) 5px 6px);"
)


def membership_explorer(tables: Tables, year: int | None = None) -> w.VBox:
    """Time travel: a year and an organisation filter redraw the membership matrix."""
    orgs = al.matrix_organisations(tables)
    short = orgs.set_index("org_id")["short_name"]
    year_choice = year_picker(year)
    chosen = CheckList(
        list(zip(orgs["short_name"], orgs["org_id"], strict=True)),
        value=tuple(orgs["org_id"]),
        description="Organisations shown",
    )
    output = w.Output(layout=OUTPUT_LAYOUT)
    changes_in: dict[int, pd.DataFrame] = {}  # a year's changes, worked out once per year
    cells_in: dict[int, pd.DataFrame] = {}  # a year's matrix cells, worked out once per year

    def draw() -> list[object]:
        if not chosen.value:
            return [hint("Pick at least one organisation: tick its box.")]
        if year_choice.value not in cells_in:
            cells_in[year_choice.value] = al.matrix_cells(tables, year_choice.value)
        grid = membership_grid(
            tables, year_choice.value, list(chosen.value), cells_in[year_choice.value]
        )
        if year_choice.value not in changes_in:
            changes_in[year_choice.value] = al.status_changes(tables, year_choice.value)
        changes = changes_in[year_choice.value]
        changes = changes[changes["organisation"].isin(short[list(chosen.value)])]
        caption = f"What changed during {year_choice.value}"
        table = (
            table_html(changes, f"{caption}: {len(changes)} cell(s), with date and source")
            if len(changes)
            else hint(f"{caption}: nothing, among the organisations shown.")
        )
        return [grid, table]

    redraw_on((year_choice, chosen), output, draw)
    return w.VBox([w.HBox([year_choice, chosen]), output])


def matrix_title(year: int) -> str:
    """Title of the membership matrix for a year."""
    return f"Who belonged to what {al.as_of(year)}"


def compare_view(tables: Tables, first: str = "KAZ", second: str = "UZB") -> w.VBox:
    """Two dropdowns of states; their memberships, posture, bases and voices side by side."""
    states = al.matrix_states(tables)
    options = list(zip(states["name"], states["country_id"], strict=True))
    left = w.Dropdown(options=options, value=first, description="State A")
    right = w.Dropdown(options=options, value=second, description="State B")
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        if left.value == right.value:
            return [hint("Pick two different states to compare them side by side.")]
        table = al.compare_states(tables, left.value, right.value)
        differ = int((table["differ"] == "differs").sum())
        caption = (
            f"{left.label} and {right.label}: they differ in {differ} of {len(table)} rows "
            "(organisation rows compare today's status; dates and source ids in each cell)"
        )
        return [table_html(table, caption)]

    redraw_on((left, right), output, draw)
    return w.VBox([w.HBox([left, right]), output])


def describe_similarity(similarity: pd.DataFrame, names: pd.Series, year: int) -> str:
    """One sentence on a similarity matrix: the most and least alike pairs."""
    pairs = similarity.where(~np.tril(np.ones(similarity.shape, dtype=bool))).stack().dropna()
    if pairs.empty:
        return f"No two states hold any current tie {al.as_of(year)}."
    best, score = pairs.idxmax(), pairs.max()
    zero = int((pairs == 0).sum())
    return (
        f"Similarity of {len(similarity)} states' current ties {al.as_of(year)}: the most "
        f"alike pair is {names[best[0]]} and {names[best[1]]} ({score:.2f}); {zero} of "
        f"{len(pairs)} pairs share no tie at all."
    )


SIMILARITY_CMAP = "viridis"
"""Colour-blind-safe and ordered: dark (nothing shared) to yellow (the same ties)."""


def similarity_html(tables: Tables, year: int) -> HTML:
    """Pairwise similarity as a lower-triangle HTML grid; a cell opens the ties behind it."""
    similarity = al.similarity_matrix(tables, year)
    profiles = al.alignment_profiles(tables, year)
    orgs = al.matrix_organisations(tables).set_index("org_id")["short_name"].to_dict()
    names = al.matrix_states(tables).set_index("country_id")["name"]
    cmap = colormaps[SIMILARITY_CMAP]
    states = list(similarity.index)
    details = DetailGrid(("state", "state"))
    head = join(html('<th style="{}">{}</th>', _TH, names[c]) for c in states[:-1])
    rows = []
    for i, state in enumerate(states[1:], start=1):
        tds = []
        for other in states[:i]:
            value, mine, theirs = similarity.loc[state, other], profiles[state], profiles[other]
            words = (
                f"{names[other]} – {names[state]}: shared {al.ties_in_words(mine & theirs, orgs)}; "
                f"only {names[other]}: {al.ties_in_words(theirs - mine, orgs)}; "
                f"only {names[state]}: {al.ties_in_words(mine - theirs, orgs)}"
            )
            unknown = pd.isna(value)
            tds.append(
                html(
                    '<td data-pair="{other} {state}" style="{td}{colour}">{shown}</td>',
                    other=other,
                    state=state,
                    td=_TD,
                    colour="background:#e6e6e6;color:#333;" if unknown else on_colour(cmap(value)),
                    shown=details.cell(
                        names[state],
                        names[other],
                        "no ties" if unknown else f"{value:.2f}",
                        words + ("; neither holds a current tie" if unknown else ""),
                    ),
                )
            )
        tds += [Markup("<td></td>")] * len(states[i:-1])
        rows.append(
            html('<tr><th style="{}text-align:right">{}</th>{}</tr>', _TH, names[state], join(tds))
        )
    steps = {f"{x:.2f}": cmap(x) for x in (0.0, 0.25, 0.5, 0.75, 1.0)}
    return grid_html(
        f"How alike are the states' ties? Jaccard similarity {al.as_of(year)}",
        html(
            '<table style="border-collapse:collapse"><tr><th></th>{}</tr>{}</table>',
            head,
            join(rows),
        ),
        legend=html(
            "0 = no tie in common, 1 = the same ties: {} · grey: neither state holds a current "
            "tie · click, tap or press Enter on a number for the ties shared and not shared",
            colour_chips(steps, _CHIP),
        ),
        description=describe_similarity(similarity, names, year),
        source_ids=_source_ids(al.matrix_cells(tables, year)),
        details=details,
    )


def similarity_view(tables: Tables, country_id: str = "TUR", year: int | None = None) -> w.VBox:
    """A state and a year: every other state ranked by similarity to it."""
    states = al.matrix_states(tables)
    state = w.Dropdown(
        options=list(zip(states["name"], states["country_id"], strict=True)),
        value=country_id,
        description="State",
    )
    year_choice = year_picker(year)
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        ranking = al.similarity_ranking(tables, state.value, year_choice.value)
        when = al.as_of(year_choice.value)
        caption = f"States ranked by how alike their ties are to {state.label}'s, {when}"
        if not al.alignment_profiles(tables, year_choice.value)[state.value]:
            return [
                hint(
                    f"{state.label} holds no current tie {al.as_of(year_choice.value)}: "
                    "there is nothing to compare. Choose another year."
                )
            ]
        return [table_html(ranking, caption)]

    redraw_on((state, year_choice), output, draw)
    return w.VBox([w.HBox([state, year_choice]), output])


def describe_cross_pressures(grid: pd.DataFrame, names: pd.Series) -> str:
    """One sentence on the cross-pressure grid: who has a 'rules out' and who has nothing."""
    ruled = [names[c] for c in grid.columns if (grid[c] == "rules out").any()]
    free = [names[c] for c in grid.columns if (grid[c] == "").all()]
    counts = {c: int((grid[c] != "").sum()) for c in grid.columns}
    most = max(counts, key=counts.get)
    return (
        f"Grid of {len(grid)} commitments by {len(grid.columns)} OTS states. A commitment rules "
        f"out an alliance for {', '.join(ruled) or 'no state'}; {names[most]} carries the most "
        f"({counts[most]}); no commitment is recorded for {', '.join(free) or 'no state'}."
    )


def _pressure_title(rows: pd.DataFrame, where: str) -> str:
    """Tooltip of one cross-pressure cell: the commitment(s), how each clashes, since, source."""
    lines = [
        f"{r.name} ({r.form}, since {r.since}; {r.source_id}): {r.conflict}"
        for r in rows.itertuples()
    ]
    return where + ":\n" + "\n".join(lines)


def cross_pressure_html(tables: Tables) -> HTML:
    """Commitments x OTS states as a coloured HTML grid; a cell opens the clash and its source.

    All foreign bases share one row, as in `al.cross_pressure_grid`; rows run from the hardest
    effect to the softest.
    """
    by_state = al.cross_pressures_by_state(tables, al.ots_states(tables)["country_id"])
    grid = al.pressure_grid(by_state)
    names = tables.countries.set_index("country_id")["name"]
    head = join(html('<th style="{}">{}</th>', _TH, names[c]) for c in grid.columns)
    details = DetailGrid(("commitment", "state"))
    body = []
    for commitment, row in grid.iterrows():
        tds = []
        for state, effect in row.items():
            if not effect:
                tds.append(html('<td data-cell="{}" style="{}"></td>', state, _TD))
                continue
            mine = by_state[state]
            if commitment == al.BASE_NAME:  # all basing agreements share this row
                rows = mine[mine["form"] == "basing agreement"]
            else:
                rows = mine[mine["name"] == commitment]
            colour = EFFECT_COLOURS[effect]
            title = _pressure_title(rows, f"{names[state]} – {commitment}")
            tds.append(
                html(
                    '<td data-cell="{state}" data-effect="{effect}" '
                    'style="{td}{colour}">{shown}</td>',
                    state=state,
                    effect=effect,
                    td=_TD,
                    colour=on_colour(colour),
                    shown=details.cell(commitment, names[state], effect, title),
                )
            )
        body.append(
            html('<tr><th style="{}text-align:right">{}</th>{}</tr>', _TH, commitment, join(tds))
        )
    legend = colour_chips(EFFECT_COLOURS, _CHIP)
    return grid_html(
        "What would clash with a collective-defence clause, state by state",
        html(
            '<table style="border-collapse:collapse"><tr><th></th>{}</tr>{}</table>',
            head,
            join(body),
        ),
        legend=html(
            "Effect on a collective-defence clause: {} · click, tap or press Enter on a cell "
            "for the clash, its date and its source",
            legend,
        ),
        description=describe_cross_pressures(grid, names),
        source_ids=source_ids_of(pd.concat(by_state.values(), ignore_index=True)),
        details=details,
    )


def cross_pressure_table(tables: Tables, country_id: str) -> pd.DataFrame:
    """One OTS state's cross-pressures as a readable table (the view's content)."""
    rows = al.cross_pressures(tables, country_id)
    return rows.rename(
        columns={
            "name": "commitment",
            "conflict": "how it would clash",
            "since": "binds it since",
            "date_source": "date from",
        }
    ).drop(columns="commitment_id")


def cross_pressure_view(tables: Tables, country_id: str = "KAZ") -> w.VBox:
    """A dropdown of OTS states: the commitments pulling that state away from an alliance."""
    states = al.ots_states(tables)
    state = w.Dropdown(
        options=list(zip(states["name"], states["country_id"], strict=True)),
        value=country_id,
        description="OTS state",
    )
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        table = cross_pressure_table(tables, state.value)
        if table.empty:
            return [hint(f"No commitment in the data would clash for {state.label}.")]
        counts = table["effect"].astype(str).value_counts()
        summary = ", ".join(f"{counts[e]} {e}" for e in al.EFFECTS if e in counts.index)
        return [table_html(table, f"{state.label}: {len(table)} commitments ({summary})")]

    redraw_on((state,), output, draw)
    return w.VBox([state, output])


FULL_TIES = ("member", "recognised")
"""Statuses drawn as a filled dot in the overlap diagram; any other tie is a hollow dot."""
NO_TIE = ("", "withdrawn")
"""Statuses that are no tie at all in the overlap diagram."""


def membership_combinations(tables: Tables, year: int) -> pd.DataFrame:
    """States grouped by the exact set of ties they hold at the end of a year (UpSet columns).

    One row per combination: the ties as a tuple of (org_id, 'full' or 'other' or 'unknown'),
    the states holding exactly that combination, and how many full memberships it has.
    """
    cells = al.matrix_cells(tables, year)
    cells = cells[~cells["status"].fillna("").isin(NO_TIE)]
    level = np.where(
        cells["status"].isin(FULL_TIES),
        "full",
        np.where(cells["status"] == al.UNKNOWN, "unknown", "other"),
    )
    cells = cells.assign(level=level)
    rows = []
    for (country_id, state), group in cells.groupby(["country_id", "state"], sort=False):
        ties = tuple(sorted(zip(group["org_id"], group["level"], strict=True)))
        rows.append({"country_id": country_id, "state": state, "ties": ties})
    frame = pd.DataFrame(rows, columns=["country_id", "state", "ties"])
    combos = (
        frame.groupby("ties", sort=False)
        .agg(states=("state", list), country_ids=("country_id", list))
        .reset_index()
    )
    combos["full"] = [sum(1 for _org, lv in t if lv == "full") for t in combos["ties"]]
    combos["first"] = combos["states"].str[0]
    ordered = combos.sort_values(["full", "first"], ascending=[False, True])
    return ordered.drop(columns="first").reset_index(drop=True)


def plot_membership_upset(tables: Tables, year: int) -> Figure:
    """UpSet-style picture of overlapping memberships: one column per combination of ties.

    Rows are organisations (bars: how many course states are full members); columns are the
    combinations states hold, with the states named under each and their number of full
    memberships above; filled dot: member (or recognised neutrality), hollow dot: another tie
    (observer, partner, suspended, frozen...), question mark: unknown. The axes are placed by
    hand (no layout pass), and each kind of mark is one collection.
    """
    cells = al.matrix_cells(tables, year)
    combos = membership_combinations(tables, year)
    orgs = al.matrix_organisations(tables).set_index("org_id")["short_name"]
    full = dict.fromkeys(orgs.index, 0)
    for ties, states in zip(combos["ties"], combos["states"], strict=True):
        for org, level in ties:
            full[org] += len(states) if level == "full" else 0
    used = [o for o in orgs.index if any(o == t[0] for ties in combos["ties"] for t in ties)]
    used.sort(key=lambda o: -full[o])
    rows_in, names_in, top_in = 0.36 * len(used), 1.5, 1.4
    height = 0.9 + top_in + rows_in + names_in + 0.2
    fig = new_figure(12, height, fixed=True)
    y_dots = (names_in + 0.2) / height
    h_dots = rows_in / height
    top = fig.add_axes((0.23, y_dots + h_dots + 0.02, 0.76, top_in / height - 0.03))
    left = fig.add_axes((0.12, y_dots, 0.09, h_dots))
    dots = fig.add_axes((0.23, y_dots, 0.76, h_dots), sharex=top)
    xs = np.arange(len(combos))
    top.bar(xs, combos["full"], color=COLOURS[0], width=0.6)
    top.set_ylabel("full memberships", fontsize=9)
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    top.tick_params(labelbottom=False)
    top.grid(False, axis="x")
    left.barh(range(len(used)), [full[o] for o in used], color=COLOURS[7])
    left.set_yticks(range(len(used)), [orgs[o] for o in used])
    left.invert_xaxis()
    left.set_xlabel("full members", fontsize=9)
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_ylim(len(used) - 0.5, -0.5)
    row_of = {o: i for i, o in enumerate(used)}
    grid_x, grid_y = np.meshgrid(xs, np.arange(len(used)))
    dots.scatter(grid_x.ravel(), grid_y.ravel(), s=40, color="0.9", zorder=1)
    marks = {"full": [], "other": [], "unknown": []}
    lines = []
    for x, ties in zip(xs, combos["ties"], strict=True):
        for org, level in ties:
            marks[level].append((x, row_of[org]))
        filled = [row_of[o] for o, lv in ties if lv == "full"]
        if len(filled) > 1:
            lines.append([(x, min(filled)), (x, max(filled))])
    dots.add_collection(LineCollection(lines, colors="0.2", linewidths=2, zorder=2))
    if marks["full"]:
        dots.scatter(*zip(*marks["full"], strict=True), s=80, color="0.15", zorder=3)
    if marks["other"]:
        dots.scatter(
            *zip(*marks["other"], strict=True),
            s=80,
            facecolors="white",
            edgecolors="0.15",
            linewidths=1.6,
            zorder=3,
        )
    for x, y in marks["unknown"]:
        dots.text(x, y, "?", ha="center", va="center", fontsize=11, fontweight="bold")
    dots.set_yticks(range(len(used)), [""] * len(used))
    dots.set_ylim(len(used) - 0.5, -0.5)
    dots.set_xticks(list(xs), ["\n".join(s) for s in combos["states"]], rotation=90, fontsize=9)
    dots.set_xlim(-0.6, len(combos) - 0.4)
    dots.grid(False)
    fig.suptitle(
        f"Who overlaps with whom at the end of {year}: one column per state (states with the "
        "same ties share one)\nfilled dot: member (or recognised neutrality) · hollow dot: "
        "observer, partner, suspended, frozen or another tie · ?: unknown",
        x=0.01,
        y=1 - 0.1 / height,
        ha="left",
        va="top",
        fontsize=12,
    )
    add_source_note(fig, _source_ids(cells))
    return fig


def describe_upset(tables: Tables, year: int) -> str:
    """The overlap diagram in words: each state's full memberships, then shared combinations."""
    combos = membership_combinations(tables, year)
    parts = []
    for row in combos.itertuples():
        members = ", ".join(o for o, lv in row.ties if lv == "full") or "no full membership"
        parts.append(f"{' and '.join(row.states)}: {members}")
    return f"At the end of {year}, full memberships by state: " + "; ".join(parts) + "."


def upset_html(tables: Tables, year: int) -> HTML:
    """The overlap diagram as an SVG image with its alt text and description (for a notebook)."""
    return figure_html(plot_membership_upset(tables, year), describe_upset(tables, year))
