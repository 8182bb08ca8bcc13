"""Figures and widget views for the timeline, the network of states and the dyads."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w
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

from otslab.data import Tables
from otslab.model import network as net
from otslab.views.mapdraw import draw_backdrop, map_limits, state_points
from otslab.views.markup import Markup, html, join, rendered
from otslab.views.plots import (
    COLOURS,
    PALETTE,
    DetailGrid,
    add_source_note,
    event_source_ids,
    figure_html,
    grid_html,
    new_figure,
    on_colour,
)
from otslab.views.widgets import (
    GRID_CELL,
    OUTPUT_LAYOUT,
    WIDE,
    CheckList,
    folded_table,
    hint,
    redraw_on,
    state_dropdown,
    table_html,
    table_markup,
    year_range,
)


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
    sources = event_source_ids(tables, chosen)
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
        items.append(table_html(away, "States recorded as absent (not dropped)", compact=True))
    ties = net.tie_table(graph)
    items.append(
        folded_table(ties, f"Ties: which events link each pair of states ({len(ties)} pairs)")
    )
    return items


def network_explorer(tables: Tables) -> w.VBox:
    """Network of states for a period and kinds of event, with a centrality table."""
    years = year_range(tables, "Period")
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
    return event_source_ids(tables, tables.events[tables.events["event_id"].isin(involved)])


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


def dyad_view(
    tables: Tables, state: str, kinds: list[str], dyads: pd.DataFrame | None = None
) -> list[object]:
    """What the dyad explorer shows: a heatmap of all pairs or one state's partners, and rows.

    `dyads` is `net.dyad_table` of these kinds when the caller has it already (a view keeps it).
    """
    if not kinds:
        return [hint("Pick agreements, exercises or both.")]
    if dyads is None:
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
    head = join(html("<th style='{}'>{}</th>", GRID_CELL, names[c]) for c in shown.columns)
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
                    cell=GRID_CELL,
                    colour=on_colour(colour),
                    shown=shown_n,
                )
            )
        rows.append(
            html("<tr><th style='{}'>{}</th>{}</tr>", GRID_CELL, names[state], join(cells))
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
    every = net.dyad_table(tables.events, tables.event_participants)
    in_pairs = tables.countries["country_id"].isin(every[["state_a", "state_b"]].stack())
    state = state_dropdown(tables.countries[in_pairs], "all states")
    state.value = start
    kinds = CheckList(list(net.DYAD_KINDS), value=list(net.DYAD_KINDS), description="Count")
    output = w.Output(layout=OUTPUT_LAYOUT)
    tables_of = {tuple(net.DYAD_KINDS): every}  # the dyads of each choice of kinds, once

    def draw() -> list[object]:
        chosen = tuple(kinds.value)
        if chosen and chosen not in tables_of:
            tables_of[chosen] = net.dyad_table(tables.events, tables.event_participants, chosen)
        return dyad_view(tables, state.value, list(chosen), tables_of.get(chosen))

    redraw_on((state, kinds), output, draw)
    return w.VBox([w.HBox([state, kinds]), output])


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
    (x0, x1), (y0, y1) = map_limits()
    points = state_points(tables)
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
    draw_backdrop(ax)

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


