"""Figures and widget views for the record over time: the timeline grid and the story timeline."""

from __future__ import annotations

import ipywidgets as w
import matplotlib.dates as mdates
import pandas as pd
import seaborn as sns
from IPython.display import HTML
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import ScaledTranslation

from otslab.data import Tables
from otslab.model import network as net
from otslab.model.alignments import closing_in_words, record_closes
from otslab.views.markup import Markup, html, join
from otslab.views.plots import (
    COLOURS,
    LABEL_FONT,
    LABEL_PAD_IN,
    PALETTE,
    DetailGrid,
    add_source_note,
    colour_chips,
    event_source_ids,
    figure_html,
    grid_html,
    label_width,
    new_figure,
    on_colour,
    source_ids_of,
    stack_rows,
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
    year_range,
)

_CHIP = "padding:0 4px;margin:1px;border-radius:3px;display:inline-block;white-space:nowrap;"


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
        html("<th style='{}'>{}</th>", GRID_CELL, "date not stated" if c == net.UNDATED else c)
        for c in columns
    )
    body = join(
        html(
            "<tr><th style='{cell}'>{kind}</th>{tds}</tr>",
            cell=GRID_CELL,
            kind=kind,
            tds=join(
                html("<td style='{}'>{}</td>", GRID_CELL, join(cells.get((kind, c), [])))
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
            GRID_CELL,
            head,
            body,
        ),
        legend=html(
            "Framework: {} · click, tap or press Enter on an event for its title, date, states "
            "and sources",
            legend,
        ),
        description=net.describe_timeline(events, tables.events),
        source_ids=event_source_ids(tables, events),
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
    years = year_range(tables, "Years")
    all_kinds = list(tables.events["kind"].cat.categories)
    kinds = CheckList(all_kinds, value=all_kinds, description="Kinds of event")
    ids = tables.event_participants["country_id"]
    country = state_dropdown(
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
        (x, x + (label_width(t) + 2 * LABEL_PAD_IN) * per_inch)
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


def story_html(tables: Tables) -> HTML:
    """The story timeline as an SVG image with its alt text and description (for a notebook)."""
    return figure_html(*story_figure(tables))


def framework_colours(frameworks: list[str]) -> dict[str, tuple]:
    """A fixed colour for every framework (the schema's list), so colours stay put under filters."""
    return dict(zip(frameworks, sns.color_palette(PALETTE, n_colors=len(frameworks)), strict=True))
