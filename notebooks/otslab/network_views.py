"""Figures and widget views for the timeline, the network of states and the dyads."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w
import matplotlib.dates as mdates
import networkx as nx
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import HTML
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from otslab import geo_views
from otslab import network as net
from otslab.alignments import closing_in_words, record_closes
from otslab.data import Tables
from otslab.markup import Markup, html, join, rendered
from otslab.plots import (
    COLOURS,
    PALETTE,
    DetailGrid,
    add_source_note,
    colour_chips,
    figure_html,
    grid_html,
    new_figure,
    on_colour,
    source_ids_of,
)
from otslab.widgets import (
    OUTPUT_LAYOUT,
    CheckList,
    YearRange,
    folded_table,
    hint,
    redraw_on,
    table_html,
    table_markup,
)

LABEL_FONT = 8
"""Font size of event and state labels."""
CHAR_WIDTH_IN = LABEL_FONT * 0.62 / 72
"""Generous width of one label character in inches (so estimated labels never run into others)."""
LABEL_PAD_IN = 0.08
"""Space between the end of an event's bar (or its dot) and its label, in inches."""
WIDE = {"width": "auto", "margin": "0 0 0 24px"}
"""Layout of a checkbox whose whole description must stay readable."""


def framework_colours(frameworks: list[str]) -> dict[str, tuple]:
    """A fixed colour for every framework (the schema's list), so colours stay put under filters."""
    return dict(zip(frameworks, sns.color_palette(PALETTE, n_colors=len(frameworks)), strict=True))


def stack_rows(extents: list[tuple[float, float]], gap: float) -> list[int]:
    """Put each (start, end) interval in the lowest row where it keeps `gap` from the one before."""
    row_ends: list[float] = []
    rows = [0] * len(extents)
    for index in sorted(range(len(extents)), key=lambda i: extents[i]):
        start, end = extents[index]
        free = [r for r, last in enumerate(row_ends) if last + gap <= start]
        if free:
            row_ends[free[0]] = end
        else:
            row_ends.append(end)
        rows[index] = free[0] if free else len(row_ends) - 1
    return rows


def _label_width(text: str) -> float:
    """Estimated width of a label in inches."""
    return len(text) * CHAR_WIDTH_IN


def _circle_positions(states: list[str]) -> dict[str, np.ndarray]:
    """States evenly on a circle, the first at the top, going clockwise."""
    angles = [math.pi / 2 - 2 * math.pi * i / len(states) for i in range(len(states))]
    return {s: np.array([math.cos(a), math.sin(a)]) for s, a in zip(states, angles, strict=True)}


_STATUS_COLOUR = {"member": COLOURS[0], "observer": COLOURS[1], "none": COLOURS[7]}
"""Fill of a state in the network, by OTS status."""


@dataclass(frozen=True)
class _NetworkLook:
    """What differs in how a layout draws ties and states (sizes in the axes' data units)."""

    tie_colour: str
    tie_alpha: float
    radius: tuple[float, float]
    """A state's circle: its smallest radius, and what it grows by for the most joint events."""
    ring_gap: float
    """How far the dashed ring of a state recorded as absent lies outside its circle."""
    outline: str
    """Edge colour of a state with ties (one without is white, edged in its status colour)."""
    zorder: tuple[int, int]
    """Drawing order of the ties and of the states (the dashed rings go one above the states)."""


_CIRCLE = _NetworkLook("0.35", 0.55, (0.045, 0.06), 0.035, "0.2", (1, 3))
_MAP = _NetworkLook("0.15", 0.6, (45, 70), 35, "0.1", (3, 4))


def _draw_network(
    ax: Axes,
    graph: nx.Graph,
    info: pd.DataFrame,
    pos: dict[str, np.ndarray],
    look: _NetworkLook,
    place_label: Callable[[float, float, str], None],
    notes: dict[str, str] | None = None,
) -> int:
    """Draw the ties and states of a network at `pos` (in `info`'s order); return the heaviest tie.

    Ties are lines as thick as their number of joint events, states circles as large as theirs;
    `place_label(x, y, text)` writes each state's name (with its note, and any absence).
    """
    notes = notes or {}
    states = [s for s in info.index if s in graph]
    edges = list(graph.edges(data="weight"))
    heaviest = max((weight for *_ab, weight in edges), default=1)
    ax.add_collection(
        LineCollection(
            [[pos[a], pos[b]] for a, b, _weight in edges],
            colors=look.tie_colour,
            alpha=look.tie_alpha,
            linewidths=[0.6 + 5.4 * weight / heaviest for *_ab, weight in edges],
            capstyle="round",
            zorder=look.zorder[0],
        )
    )
    events_of = {
        s: len({e for *_ab, ev in graph.edges(s, data="events") for e in ev}) for s in states
    }
    most = max(events_of.values(), default=1) or 1
    nodes, rings, faces, edge_colours, widths = [], [], [], [], []
    for state in states:
        x, y = pos[state]
        colour = _STATUS_COLOUR[str(info.loc[state, "ots_status"])]
        radius = look.radius[0] + look.radius[1] * math.sqrt(events_of[state] / most)
        tied = graph.degree(state) > 0
        nodes.append(Circle((x, y), radius))
        faces.append(colour if tied else "white")
        edge_colours.append(look.outline if tied else colour)
        widths.append(0.8 if tied else 2)
        label = str(info.loc[state, "name"]) + notes.get(state, "")
        if graph.nodes[state]["absent_from"]:
            rings.append(Circle((x, y), radius + look.ring_gap))
            label += f"\n(absent from {', '.join(graph.nodes[state]['absent_from'])})"
        place_label(x, y, label)
    ax.add_collection(
        PatchCollection(
            nodes,
            facecolors=faces,
            edgecolors=edge_colours,
            linewidths=widths,
            zorder=look.zorder[1],
        )
    )
    ax.add_collection(
        PatchCollection(
            rings,
            facecolors="none",
            edgecolors="0.1",
            linestyles="--",
            linewidths=1.6,
            zorder=look.zorder[1] + 1,
        )
    )
    return heaviest


def _network_legend(ax: Axes, look: _NetworkLook, heaviest: int, order: list[str]) -> None:
    """The network's key under the axes, its groups of entries in `order`.

    The groups: "statuses", "ties" (the thinnest and the thickest), "untied", "absent", "size".
    """
    marker = {"marker": "o", "linestyle": ""}
    tie = {"color": look.tie_colour, "alpha": look.tie_alpha}
    groups = {
        "statuses": [
            Line2D([], [], **marker, markersize=10, color=_STATUS_COLOUR[s], label=lab)
            for s, lab in [
                ("member", "OTS member"),
                ("observer", "OTS observer"),
                ("none", "not in OTS"),
            ]
        ],
        "ties": [
            Line2D([], [], **tie, linewidth=0.6 + 5.4 / heaviest, label="1 joint event"),
            *(
                [Line2D([], [], **tie, linewidth=6.0, label=f"{heaviest} joint events")]
                if heaviest > 1
                else []
            ),
        ],
        "untied": [
            Line2D(
                [],
                [],
                **marker,
                markersize=10,
                markerfacecolor="white",
                markeredgecolor="0.4",
                markeredgewidth=2,
                label="no tie in this selection",
            )
        ],
        "absent": [
            Line2D(
                [],
                [],
                **marker,
                markersize=14,
                markerfacecolor="none",
                markeredgecolor="0.1",
                label="recorded as absent (dashed ring)",
            )
        ],
        "size": [
            Line2D(
                [],
                [],
                **marker,
                markersize=6,
                color="0.6",
                label="bigger circle: more joint events",
            )
        ],
    }
    ax.legend(
        handles=[handle for group in order for handle in groups[group]],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        frameon=False,
        fontsize=9,
    )


def plot_network(
    graph: nx.Graph, countries: pd.DataFrame, *, title: str, source_ids: list[str]
) -> Figure:
    """States on a circle, ties as lines as thick as their number of joint events.

    Lines and circles are drawn as collections on fixed axes: the figure is redrawn on every
    move of the explorer's controls, and this keeps it quick.
    """
    info = countries.set_index("country_id")
    pos = _circle_positions([s for s in countries["country_id"] if s in graph])
    fig = new_figure(9, 7.6, fixed=True)
    ax = fig.add_axes((0.02, 0.11, 0.96, 0.82))  # room for the title above, the legend below

    def place_label(x: float, y: float, label: str) -> None:
        """A state's name outside the circle, aligned away from its middle."""
        ax.text(
            1.2 * x,
            1.2 * y,
            label,
            ha="center" if abs(x) < 0.15 else ("left" if x > 0 else "right"),
            va="center" if abs(y) < 0.9 else ("bottom" if y > 0 else "top"),
            fontsize=9,
        )

    heaviest = _draw_network(ax, graph, info, pos, _CIRCLE, place_label)
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.45, 1.45)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.suptitle(title, x=0.02, ha="left", fontsize=13)
    _network_legend(ax, _CIRCLE, heaviest, ["statuses", "untied", "absent", "ties", "size"])
    add_source_note(fig, source_ids)
    return fig


def plot_partner_bars(
    dyads: pd.DataFrame,
    state: str,
    names: pd.Series,
    kinds: list[str],
    *,
    title: str,
    source_ids: list[str],
) -> Figure:
    """One state's partners as horizontal bars, stacked by kind of joint event."""
    partner = dyads["state_b"].where(dyads["state_a"] == state, dyads["state_a"])
    counts = dyads.assign(partner=partner.map(names)).set_index("partner")[[f"{k}s" for k in kinds]]
    counts = counts.loc[counts.sum(axis=1).sort_values().index]
    height = 1.3 + 0.4 * max(len(counts), 2)
    fig = new_figure(8, height, fixed=True)  # redrawn in a view: margins set here, in inches
    ax = fig.add_axes((2.1 / 8, 0.65 / height, 1 - 3.8 / 8, 1 - 1.15 / height))
    colours = sns.color_palette(PALETTE, n_colors=len(net.DYAD_KINDS))
    left = pd.Series(0, index=counts.index)
    for kind, column in zip(kinds, counts.columns, strict=True):
        colour = colours[list(net.DYAD_KINDS).index(kind)]
        ax.barh(counts.index, counts[column], left=left, color=colour, label=column)
        left = left + counts[column]
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Joint events in the record")
    ax.set_ylabel("Partner state")
    ax.set_title(title, loc="left", fontsize=13)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    add_source_note(fig, source_ids)
    return fig


def focus_box(title: str, evidence: pd.DataFrame) -> HTML:
    """A framed box: a title and the evidence rows with their sources and locators."""
    table = table_markup(evidence, "What the record says, and where")
    return rendered(
        html(
            '<div class="otslab-focus" style="border-left:4px solid #0173b2;padding:4px 12px;'
            'margin:8px 0;background:#f5f9fc"><h4 style="margin-top:4px">{}</h4>{}</div>',
            title,
            table,
        )
    )


def _sources_of(tables: Tables, events: pd.DataFrame) -> list[str]:
    """Source ids behind a set of events: their own rows and their further sources."""
    further = tables.event_sources[tables.event_sources["event_id"].isin(events["event_id"])]
    return source_ids_of(pd.concat([events[["source_id"]], further[["source_id"]]]))


def default_years(tables: Tables) -> tuple[int, int]:
    """From the year the OTS was founded to the last year in the record."""
    founded = tables.organisations.set_index("org_id").loc["OTS", "founded_year"]
    return int(founded), int(tables.events["date_year"].max())


def _state_dropdown(states: pd.DataFrame, everyone: str) -> w.Dropdown:
    """A "State" dropdown: first an option for all states (value ""), then each state by name."""
    return w.Dropdown(
        options=[(everyone, "")]
        + [(f"{r.name} ({r.country_id})", r.country_id) for r in states.itertuples()],
        value="",
        description="State",
    )


def _year_range(tables: Tables, label: str) -> YearRange:
    """Two dropdowns over all years of the record (from, to), set to the default years."""
    years = tables.events["date_year"].dropna()
    span = list(range(int(years.min()), int(years.max()) + 1))
    return YearRange(span, default_years(tables), label)


_CHIP = "padding:0 4px;margin:1px;border-radius:3px;display:inline-block;white-space:nowrap;"
_GRID_CELL = "border:1px solid #e4e4e4;padding:2px;vertical-align:top;text-align:left;"


def timeline_grid_html(
    tables: Tables, table: pd.DataFrame, years: tuple[int, int], who: str = "", undated: bool = True
) -> HTML:
    """The timeline as a grid: a row per kind, a column per year, one chip per event.

    Chips are coloured by framework; a chip opens the event's title,
    date, states and sources on click, tap or Enter (hover shows them too). `table` is
    `net.timeline_table` of the events shown.
    """
    colours = framework_colours(list(tables.events["framework"].cat.categories))
    year_of = tables.events.set_index("event_id")["date_year"]
    columns: list[int | str] = list(range(years[0], years[1] + 1))
    if undated:
        columns.append(net.UNDATED)
    cells: dict[tuple[str, int | str], list[Markup]] = {}
    details = DetailGrid(("kind", "year"))
    for row in table.to_dict("records"):
        event, colour = row["event"], colours[row["framework"]]
        tip = " · ".join(
            [event, row["title"], row["date"], row["framework"], row["states and roles"]]
        )
        year = year_of[event]
        chip = html(
            '<span data-event="{event}">{chip}</span>',
            event=event,
            chip=details.cell(
                row["kind"],
                "date not stated" if pd.isna(year) else int(year),
                event,
                tip + " · sources: " + row["sources"],
                style=_CHIP + on_colour(colour),
            ),
        )
        cells.setdefault((row["kind"], net.UNDATED if pd.isna(year) else int(year)), []).append(
            chip
        )
    kinds = [k for k in tables.events["kind"].cat.categories if k in set(table["kind"])]
    head = join(
        html("<th style='{}'>{}</th>", _GRID_CELL, "date not stated" if c == net.UNDATED else c)
        for c in columns
    )
    body = join(
        html(
            "<tr><th style='{cell}'>{kind}</th>{tds}</tr>",
            cell=_GRID_CELL,
            kind=kind,
            tds=join(
                html("<td style='{}'>{}</td>", _GRID_CELL, join(cells.get((kind, c), [])))
                for c in columns
            ),
        )
        for kind in kinds
    )
    shown = {f: c for f, c in colours.items() if f in set(table["framework"])}
    legend = colour_chips(shown, _CHIP)
    events = tables.events[tables.events["event_id"].isin(table["event"])]
    return grid_html(
        f"Events in the record, {years[0]}–{years[1]}{who}",
        html(
            "<table style='border-collapse:collapse;font-size:80%'>"
            "<tr><th style='{}'>kind</th>{}</tr>{}</table>",
            _GRID_CELL,
            head,
            body,
        ),
        legend=html(
            "Framework: {} · click, tap or press Enter on an event for its title, date, states "
            "and sources",
            legend,
        ),
        description=net.describe_timeline(events, tables.events),
        source_ids=_sources_of(tables, events),
        details=details,
    )


def timeline_view(
    tables: Tables,
    years: tuple[int, int],
    kinds: list[str],
    country: str = "",
    undated: bool = True,
) -> list[object]:
    """What the timeline explorer shows: the figure, its description and the list of events."""
    if not kinds:
        return [hint("Pick at least one kind of event: tick its box.")]
    shown = net.filter_events(
        tables.events,
        tables.event_participants,
        years=years,
        kinds=kinds,
        countries=[country] if country else None,
        undated=undated,
    )
    who = f" involving {country}" if country else ""
    if shown.empty:
        return [
            hint(
                f"No events of the kinds {', '.join(kinds)}{who} in {years[0]}–{years[1]}. "
                "Widen the years, pick more kinds or another state."
            )
        ]
    table = net.timeline_table(shown, tables.event_participants, tables.event_sources)
    undated_n = int(shown["date_year"].isna().sum())
    return [
        timeline_grid_html(tables, table, years, who, undated),
        folded_table(
            table,
            f"{len(table)} events shown ({undated_n} with no stated date)",
            "Each row names its source and further sources",
        ),
    ]


def timeline_explorer(tables: Tables) -> w.VBox:
    """Timeline filtered by years, kinds of event and one state, with the list of events."""
    years = _year_range(tables, "Years")
    all_kinds = list(tables.events["kind"].cat.categories)
    kinds = CheckList(all_kinds, value=all_kinds, description="Kinds of event")
    ids = tables.event_participants["country_id"]
    country = _state_dropdown(
        tables.countries[tables.countries["country_id"].isin(ids)], "any state"
    )
    undated = w.Checkbox(
        value=True, description="show events with no stated date", indent=False, layout=WIDE
    )
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        return timeline_view(tables, years.value, list(kinds.value), country.value, undated.value)

    redraw_on((years, kinds, country, undated), output, draw)
    return w.VBox([w.HBox([years, kinds]), w.HBox([country, undated]), output])


def network_kinds(tables: Tables) -> list[str]:
    """Kinds of event the network can count (a conflict never makes a tie)."""
    return [k for k in tables.events["kind"].cat.categories if k not in net.NOT_TIES]


def network_figure(
    tables: Tables,
    chosen: pd.DataFrame,
    years: tuple[int, int],
    graph: nx.Graph | None = None,
    layout: str = "circle",
) -> tuple[Figure, str]:
    """The network of the chosen events (built from them unless given), and its description.

    `layout` is "circle" (states evenly on a circle) or "map" (states where they are).
    """
    graph = net.build_network(chosen, tables.event_participants) if graph is None else graph
    undated = " (and undated events)" if chosen["date_year"].isna().any() else ""
    title = f"Who shares events with whom, {years[0]}–{years[1]}{undated}"
    sources = _sources_of(tables, chosen)
    if layout == "map":
        fig = plot_network_geo(graph, tables, title=title, source_ids=sources)
    else:
        fig = plot_network(graph, tables.countries, title=title, source_ids=sources)
    table = net.centrality_table(graph, tables.countries)
    return fig, net.describe_network(graph, table, len(chosen))


def network_view(
    tables: Tables,
    years: tuple[int, int],
    kinds: list[str],
    undated: bool = True,
    layout: str = "circle",
) -> list[object]:
    """What the network explorer shows: the figure, its description, centralities, absences."""
    if not kinds:
        return [hint("Pick at least one kind of event: tick its box.")]
    chosen = net.filter_events(
        tables.events, tables.event_participants, years=years, kinds=kinds, undated=undated
    )
    graph = net.build_network(chosen, tables.event_participants)
    if graph.number_of_edges() == 0:
        return [
            hint(
                f"No two states share an event of the kinds {', '.join(kinds)} in "
                f"{years[0]}–{years[1]}: proposals and statements have speakers and addressees, "
                "not partners. Pick more kinds or widen the years."
            )
        ]
    away = net.absences(chosen, tables.event_participants)
    items = [
        figure_html(*network_figure(tables, chosen, years, graph, layout)),
        table_html(
            net.centrality_table(graph, tables.countries),
            "Centrality: partners, joint events, degree and betweenness",
        ),
    ]
    if away.empty:
        items.append(hint("No state is recorded as absent from the selected events."))
    else:
        items.append(table_html(away, "States recorded as absent (not dropped)"))
    ties = net.tie_table(graph)
    items.append(
        folded_table(ties, f"Ties: which events link each pair of states ({len(ties)} pairs)")
    )
    return items


def network_explorer(tables: Tables) -> w.VBox:
    """Network of states for a period and kinds of event, with a centrality table."""
    years = _year_range(tables, "Period")
    options = network_kinds(tables)
    kinds = CheckList(options, value=options, description="Kinds of event")
    undated = w.Checkbox(
        value=True, description="count events with no stated date", indent=False, layout=WIDE
    )
    layout = w.Dropdown(
        options=[(label, key) for key, label in LAYOUTS.items()],
        value="circle",
        description="Layout",
        layout={"width": "max-content", "min_width": "24em"},  # the longest option reads in full
    )
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        return network_view(tables, years.value, list(kinds.value), undated.value, layout.value)

    redraw_on((years, kinds, undated, layout), output, draw)
    return w.VBox([w.HBox([years, undated]), w.HBox([kinds, layout]), output])


def _dyad_sources(tables: Tables, dyads: pd.DataFrame) -> list[str]:
    """Source ids of the events counted in a dyad table."""
    involved = {e for ids in dyads["events"] for e in ids.split(", ")}
    return _sources_of(tables, tables.events[tables.events["event_id"].isin(involved)])


def dyad_figure(tables: Tables, dyads: pd.DataFrame, state: str) -> tuple[Figure, str]:
    """One state's partners as bars, and the description."""
    names = tables.countries.set_index("country_id")["name"]
    counted = [c.removesuffix("s") for c in dyads.columns if c in {f"{k}s" for k in net.DYAD_KINDS}]
    what = " and ".join(f"{k}s" for k in counted)
    fig = plot_partner_bars(
        dyads,
        state,
        names,
        counted,
        title=f"{names[state]}'s partners in {what}",
        source_ids=_dyad_sources(tables, dyads),
    )
    return fig, net.describe_partners(dyads, state, names)


def dyad_view(tables: Tables, state: str, kinds: list[str]) -> list[object]:
    """What the dyad explorer shows: a heatmap of all pairs or one state's partners, and rows."""
    if not kinds:
        return [hint("Pick agreements, exercises or both.")]
    dyads = net.dyad_table(tables.events, tables.event_participants, kinds)
    if state:
        dyads = dyads[(dyads["state_a"] == state) | (dyads["state_b"] == state)]
    if dyads.empty:
        who = f" involving {state}" if state else ""
        return [hint(f"No pair of states shares {' or '.join(kinds)}s{who} in the record.")]
    picture = (
        figure_html(*dyad_figure(tables, dyads, state))
        if state
        else dyad_matrix_html(tables, dyads)
    )
    return [picture, table_html(dyads, f"{len(dyads)} pairs of states, most joint events first")]


def dyad_matrix_html(tables: Tables, dyads: pd.DataFrame, focus: str = "TUR") -> HTML:
    """The dyad heatmap as an HTML table: the lower triangle, each cell shaded by its count."""
    names = tables.countries.set_index("country_id")["name"]
    shown = net.dyad_matrix(dyads, tables.countries["country_id"]).iloc[1:, :-1]
    blues, most = sns.color_palette("Blues", as_cmap=True), max(int(shown.to_numpy().max()), 1)
    counted = [c for c in dyads.columns if c in {f"{k}s" for k in net.DYAD_KINDS}]
    pair_events = {}
    for pair in dyads.itertuples():
        pair_events[(pair.state_a, pair.state_b)] = pair.events
        pair_events[(pair.state_b, pair.state_a)] = pair.events
    head = join(html("<th style='{}'>{}</th>", _GRID_CELL, names[c]) for c in shown.columns)
    details = DetailGrid(("state", "state"))
    rows = []
    for i, (state, counts) in enumerate(shown.iterrows()):
        cells = []
        for j, (other, n) in enumerate(counts.items()):
            if j > i:
                cells.append(Markup("<td></td>"))
                continue
            colour = blues(0.15 + 0.85 * n / most) if n else (1, 1, 1)
            shown_n = (
                details.cell(
                    names[state],
                    names[other],
                    n,
                    f"{names[other]} – {names[state]}: {n} joint {' and '.join(counted)} "
                    f"({pair_events.get((other, state), '')})",
                )
                if n
                else ""
            )
            cells.append(
                html(
                    "<td data-pair='{other} {state}' style='{cell}text-align:center;{colour}'>"
                    "{shown}</td>",
                    other=other,
                    state=state,
                    cell=_GRID_CELL,
                    colour=on_colour(colour),
                    shown=shown_n,
                )
            )
        rows.append(
            html("<tr><th style='{}'>{}</th>{}</tr>", _GRID_CELL, names[state], join(cells))
        )
    return grid_html(
        f"Pairs of states: joint {' and '.join(counted)}",
        html(
            "<table style='border-collapse:collapse;font-size:80%'>"
            "<tr><th></th>{}</tr>{}</table>",
            head,
            join(rows),
        ),
        legend="Darker = more joint events · click, tap or press Enter on a number for the "
        "events behind it",
        description=net.describe_dyads(dyads, focus, names),
        source_ids=_dyad_sources(tables, dyads),
        details=details,
    )


def dyad_explorer(tables: Tables, start: str = "") -> w.VBox:
    """Dyads for one state (at first `start`; "" for all), counting agreements and/or exercises."""
    pairs = net.dyad_table(tables.events, tables.event_participants)[["state_a", "state_b"]]
    in_pairs = tables.countries["country_id"].isin(pairs.stack())
    state = _state_dropdown(tables.countries[in_pairs], "all states")
    state.value = start
    kinds = CheckList(list(net.DYAD_KINDS), value=list(net.DYAD_KINDS), description="Count")
    output = w.Output(layout=OUTPUT_LAYOUT)

    def draw() -> list[object]:
        return dyad_view(tables, state.value, list(kinds.value))

    redraw_on((state, kinds), output, draw)
    return w.VBox([w.HBox([state, kinds]), output])


STORY_STYLE = {
    "promised": ("s", 0, "promised: signed or said"),
    "practised": ("o", 2, "practised: done"),
    "context": ("D", 7, "context"),
    "forecasts": ("o", 3, "forecast: open until it comes true or not"),
}
"""Marker, palette index and legend text of each lane: shapes tell lanes apart without colour."""
STORY_YEARS = (2009, 2027)
"""The story timeline's years (it ends the year after the record closes, for the forecasts)."""


def _story_rows(items: pd.DataFrame, span: float, width_in: float) -> list[int]:
    """Rows within a lane so that no two labels overlap (labels run right of their marker)."""
    per_inch = span / width_in
    extents = [
        (x, x + (_label_width(t) + 2 * LABEL_PAD_IN) * per_inch)
        for x, t in zip(items["x"], items["label"], strict=True)
    ]
    return stack_rows(extents, gap=0.1 * per_inch)


def plot_story_timeline(
    items: pd.DataFrame,
    sources: pd.DataFrame,
    closes: pd.Timestamp,
    *,
    closes_in_words: str,
    title: str,
    source_ids: list[str],
) -> Figure:
    """The story in lanes: texts written, promised, practised, forecasts, context; the close marked.

    Labels are short titles; forecasts are open markers at the date they fall due, with the
    period they name as a dashed bar. A label that would run past the last year sits left of
    its marker.
    """
    width = 13.0
    first = mdates.date2num(pd.Timestamp(year=STORY_YEARS[0], month=1, day=1))
    last = mdates.date2num(pd.Timestamp(year=STORY_YEARS[1] + 1, month=1, day=1))
    axes_in = width - 1.65
    span = last - first
    frame = items.copy()
    frame["x"] = [mdates.date2num(d) for d in frame["start"]]
    frame["x_end"] = [mdates.date2num(d) for d in frame["end"]]
    frame.loc[frame["lane"] == "forecasts", "x"] = frame["x_end"]
    frame["label"] = frame["title"]
    written = sources.dropna(subset=["date"]).copy()
    written["lane"] = "sources written"
    written["x"] = [mdates.date2num(d) for d in written["date"]]
    written["label"] = [
        f"{s} ({'after ' if h.startswith('date not') else ''}{d:%b %Y})"
        for s, h, d in zip(written["source_id"], written["how"], written["date"], strict=True)
    ]
    lanes: dict[str, pd.DataFrame] = {"sources written": written}
    for lane in net.STORY_LANES[1:]:
        lanes[lane] = frame[frame["lane"] == lane].copy()
    tops, top = {}, 0
    for lane, part in lanes.items():
        part["flip"] = part["x"] > last - 2.6 * span / axes_in
        shifted = part["x"].where(~part["flip"], part["x"] - 2.6 * span / axes_in)
        part["row"] = _story_rows(part.assign(x=shifted), span, axes_in) if len(part) else []
        lanes[lane] = part
        tops[lane] = top
        top += max(int(part["row"].max()) + 1 if len(part) else 1, 1)
    rows = top
    left_in, right_in, top_in, bottom_in = 1.45, 0.2, 0.45, 1.25
    height = top_in + 0.26 * (rows + 0.5) + bottom_in
    fig = new_figure(width, height, fixed=True)  # placed by hand: no layout pass to pay for
    ax = fig.add_axes(
        (
            left_in / width,
            bottom_in / height,
            1 - (left_in + right_in) / width,
            1 - (top_in + bottom_in) / height,
        )
    )
    pad = LABEL_PAD_IN * span / axes_in
    for lane, part in lanes.items():
        y = tops[lane] + part["row"]
        if lane == "sources written":
            ax.scatter(part["x"], y, marker="|", s=160, color="0.2", zorder=3)
        else:
            marker, colour_index, _text = STORY_STYLE[lane]
            colour = COLOURS[colour_index]
            open_marker = lane == "forecasts"
            bars = part[part["x_end"] > part["start"].map(mdates.date2num)]
            ax.hlines(
                tops[lane] + bars["row"],
                bars["start"].map(mdates.date2num),
                bars["x_end"],
                color=colour,
                linewidth=3,
                alpha=0.5,
                linestyles="--" if open_marker else "-",
            )
            ax.scatter(
                part["x"],
                y,
                marker=marker,
                s=60,
                facecolors="white" if open_marker else [colour],
                edgecolors=[colour] if open_marker else "0.2",
                linewidths=2 if open_marker else 0.8,
                zorder=3,
            )
        start = part["start"].map(mdates.date2num) if "start" in part else part["x"]
        end = part["x_end"] if "x_end" in part else part["x"]
        anchors = start.where(part["flip"], end)
        for x, yy, label, flip in zip(anchors, y, part["label"], part["flip"], strict=True):
            ax.text(
                x - pad if flip else x + pad,
                yy,
                label,
                ha="right" if flip else "left",
                va="center",
                fontsize=LABEL_FONT + 0.5,
                parse_math=False,
            )
    for lane in list(lanes)[1:]:
        ax.axhline(tops[lane] - 0.5, color="0.8", linewidth=0.8)
    close_x = mdates.date2num(closes)
    ax.axvline(close_x, color="black", linestyle=":", linewidth=1.5)
    ax.text(
        close_x,
        -0.9,
        f"record closes: {closes_in_words}",
        ha="center",
        va="bottom",
        fontsize=9,
        parse_math=False,
    )
    ax.set_xlim(first, last)
    ax.set_ylim(rows - 0.5, -1.0)
    years = range(STORY_YEARS[0], STORY_YEARS[1] + 1, 2)
    ax.set_xticks([mdates.date2num(pd.Timestamp(year=y, month=1, day=1)) for y in years], years)
    ax.set_yticks(
        [tops[lane] + (max(len(set(p["row"])), 1) - 1) / 2 for lane, p in lanes.items()],
        list(lanes),
    )
    ax.grid(False, axis="y")
    ax.set_xlabel(
        "Year (a bar: a date known only to the month or year; dashed: a forecast's period)"
    )
    ax.set_title(title, loc="left", fontsize=13)
    handles = [
        Line2D([], [], marker="|", linestyle="", markersize=12, color="0.2", label="text written")
    ]
    for lane, (marker, colour_index, text) in STORY_STYLE.items():
        colour = COLOURS[colour_index]
        handles.append(
            Line2D(
                [],
                [],
                marker=marker,
                linestyle="",
                markersize=8,
                markerfacecolor="white" if lane == "forecasts" else colour,
                markeredgecolor=colour if lane == "forecasts" else "0.2",
                markeredgewidth=2 if lane == "forecasts" else 0.8,
                label=text,
            )
        )
    handles.append(Line2D([], [], color="black", linestyle=":", label="the record closes"))
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, 0),
        bbox_transform=ax.transAxes + ScaledTranslation(0, -0.55, fig.dpi_scale_trans),
        ncol=3,
        frameon=False,
        fontsize=9,
    )
    add_source_note(fig, source_ids)
    return fig


def describe_story(items: pd.DataFrame, sources: pd.DataFrame, closes_in_words: str) -> str:
    """The story timeline in one paragraph: counts per lane, the texts' dates, the forecasts."""
    counts = items["lane"].value_counts()
    lanes = ", ".join(
        f"{int(counts.get(lane, 0))} {lane}" for lane in net.STORY_LANES[1:] if lane != "forecasts"
    )
    texts = "; ".join(f"{r.source_id}: {r.how}" for r in sources.itertuples())
    due = items[items["lane"] == "forecasts"]
    forecasts = "; ".join(f"{r.title} (due {r.end:%B %Y})" for r in due.itertuples())
    return (
        f"Story timeline of {len(items) - len(due)} key events ({lanes}) from "
        f"{items['start'].min():%Y} to {items['start'].max():%Y}; the record closes in "
        f"{closes_in_words}. When the texts were written: {texts}. Open forecasts to check: "
        f"{forecasts or 'none'}."
    )


def story_figure(tables: Tables) -> tuple[Figure, str]:
    """The story timeline of the record and its text description."""
    items = net.story_items(tables)
    sources = net.source_dates(tables)
    closes = record_closes()
    in_words = closing_in_words()
    start = pd.Timestamp(closes + "-01" * ((10 - len(closes)) // 3))
    used = pd.concat([items[["source_id"]], sources[["source_id"]]])
    fig = plot_story_timeline(
        items,
        sources,
        start,
        closes_in_words=in_words,
        title="The story so far: promised, practised, and what the sources expect next",
        source_ids=source_ids_of(used),
    )
    return fig, describe_story(items, sources, in_words)


LAYOUTS = {"circle": "states on a circle", "map": "states where they are (capitals on a map)"}
"""The network's layouts, as the explorer's dropdown names them."""


def plot_network_geo(
    graph: nx.Graph, tables: Tables, *, title: str, source_ids: list[str]
) -> Figure:
    """The network on a map: each state at its capital (or the middle of its shape), ties as lines.

    A state whose middle lies beyond the map's edge sits at the edge; states with no shape on
    the map are set in a row along its bottom edge, and say so.
    """
    info = tables.countries.set_index("country_id")
    states = [s for s in tables.countries["country_id"] if s in graph]
    (x0, x1), (y0, y1) = geo_views.map_limits()
    points = geo_views.state_points(tables)
    pos, elsewhere = {}, []
    margin = 0.04 * (x1 - x0)
    for state in states:
        if state in points:  # a state reaching into the map but centred beyond it sits at the edge
            x, y = points[state]
            pos[state] = np.array(
                [min(max(x, x0 + margin), x1 - margin), min(max(y, y0 + margin), y1 - margin)]
            )
        else:
            elsewhere.append(state)
    for i, state in enumerate(elsewhere):
        pos[state] = np.array([x0 + (i + 0.5) * (x1 - x0) / max(len(elsewhere), 1) / 2, y0 + 180])
    fig = new_figure(12, 6.9, fixed=True)
    ax = fig.add_axes((0.01, 0.13, 0.98, 0.8))
    geo_views.draw_backdrop(ax)

    def place_label(x: float, y: float, label: str) -> None:
        """A state's name beside its mark, on a light box so it reads over the map."""
        ax.annotate(
            label,
            (x, y),
            xytext=(9, 5),
            textcoords="offset points",
            fontsize=8.5,
            parse_math=False,
            bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.8, "lw": 0},
            zorder=6,
        )

    notes = {state: " (not on this map)" for state in elsewhere}
    heaviest = _draw_network(ax, graph, info, pos, _MAP, place_label, notes)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=13)
    _network_legend(ax, _MAP, heaviest, ["statuses", "untied", "ties", "absent"])
    add_source_note(fig, [*source_ids, "Natural Earth"])
    return fig


def story_html(tables: Tables) -> HTML:
    """The story timeline as an SVG image with its alt text and description (for a notebook)."""
    return figure_html(*story_figure(tables))
