"""The map of the Turkic world's security ties: figure, text table and a view with layers."""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch

from otslab.data import Tables
from otslab.model import geo
from otslab.model.alignments import as_of, counted, current_year, statuses_as_of
from otslab.views.mapdraw import (
    CASPIAN,
    SEA,
    STATE_FILL,
    map_limits,
    visible_shapes,
)
from otslab.views.markup import html, join, rendered
from otslab.views.plots import (
    COLOURS,
    add_source_note,
    css_colour,
    figure_html,
    new_figure,
    source_ids_of,
)
from otslab.views.widgets import OUTPUT_LAYOUT, folded_table, hint, redraw_on, year_picker

ORG_STYLE = {
    "NATO": (COLOURS[4], "////"),
    "CSTO": (COLOURS[3], "\\\\\\\\"),
    "SCO": (COLOURS[5], "|||"),
    "NEUTRAL": (COLOURS[2], "---"),
}
"""Colour and hatching of each membership layer: four directions of line tell them apart without
colour (lines, not dots: a dotted hatch makes an SVG pattern of hundreds of kilobytes)."""
LAYERS = {
    "bases": "Russian bases",
    "summits": "summit sites",
    "transit": "Türkiye–Kazakhstan transit agreement",
    "exercises": "exercises and where they were held",
}
"""The layers besides memberships, by key, as the checkboxes name them."""
SHORT = {"recognised": "", "member": "", "suspended": " (suspended)"}
"""How a status reads after the organisation's name on the map (member: nothing)."""


def state_kinds(
    tables: Tables, status: dict[str, str], shapes: tuple[geo.Shape, ...]
) -> dict[str, str]:
    """How each shape is filled, given OTS statuses: member, observer, course or other."""
    ids = geo.shape_countries(shapes, tables.countries)
    kinds = {}
    for shape in shapes:
        cid = ids.get(shape.name)
        if cid is None:
            kinds[shape.name] = "other"
        elif status.get(cid) in ("member", "observer"):
            kinds[shape.name] = status[cid]
        else:
            kinds[shape.name] = "course"
    return kinds


NAME_NUDGE_KM = {
    "AZE": (-20, 440),
    "ARM": (-40, -300),
    "AFG": (0, -220),
    "GEO": (-300, 40),
    "XNC": (0, -110),
    "HUN": (0, 170),
    "KGZ": (330, -60),
    "TJK": (330, -330),
    "UZB": (-420, 250),
    "TKM": (120, -60),
    "TUR": (0, -40),
}
"""Where a state's name moves from the middle of its shape (km), so small states stay legible."""
PLACE_ANCHOR = {
    "kant_air_base": ("right", "bottom"),
    "bishkek": ("right", "top"),
    "cholpon_ata": ("left", "bottom"),
    "baku": ("left", "top"),
    "gabala": ("right", "bottom"),
    "shusha": ("left", "top"),
    "dushanbe": ("left", "top"),
    "samarkand": ("right", "bottom"),
    "ashgabat": ("right", "top"),
    "istanbul": ("right", "bottom"),
    "isparta": ("right", "top"),
    "budapest": ("left", "top"),
    "astana": ("left", "bottom"),
}
"""Which side of its mark a place's name sits (horizontal, vertical), to keep names apart."""


def _name_points(tables: Tables, shapes: tuple[geo.Shape, ...]) -> dict[str, tuple[float, float]]:
    """Where each state's name goes: the middle of its largest shape, nudged for small states."""
    points = {}
    ids = geo.shape_countries(shapes, tables.countries)
    for shape in shapes:
        cid = ids.get(shape.name)
        if cid:
            x, y = shape.label_point()
            dx, dy = NAME_NUDGE_KM.get(cid, (0, 0))
            points[cid] = (x + dx, y + dy)
    return points


def _arc(start: tuple[float, float], end: tuple[float, float], bend: float = 0.18) -> np.ndarray:
    """Points of a gentle arc from start to end (a quadratic curve bowed to the left)."""
    (x0, y0), (x1, y1) = start, end
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    cx, cy = mx - (y1 - y0) * bend, my + (x1 - x0) * bend
    t = np.linspace(0, 1, 40)[:, None]
    return (
        (1 - t) ** 2 * np.array([x0, y0])
        + 2 * (1 - t) * t * np.array([cx, cy])
        + t**2 * np.array([x1, y1])
    )


def map_layers(tables: Tables, year: int, orgs: list[str], layers: list[str]) -> dict:
    """Everything the map draws for a year and a choice of layers (pure data, no drawing)."""
    unknown = [layer for layer in layers if layer not in LAYERS]
    if unknown:
        raise ValueError(f"no map layer {unknown}; choose from {list(LAYERS)}")
    held = statuses_as_of(tables, year)
    sites = geo.event_sites(tables)
    return {
        "ots": geo.ots_layer(tables, year, held),
        "memberships": geo.membership_layer(tables, year, orgs, held),
        "bases": geo.base_layer(tables, year, sites) if "bases" in layers else None,
        "summits": geo.summit_layer(tables, year, sites) if "summits" in layers else None,
        "transit": geo.transit_layer(tables, year) if "transit" in layers else None,
        "exercises": geo.exercise_layer(tables, year, sites) if "exercises" in layers else None,
    }


def chosen_layers(full: dict, orgs: list[str], layers: list[str]) -> dict:
    """A year's layers (`map_layers` with every organisation and layer) narrowed to a choice.

    The same as `map_layers` with that choice, without working the year out again: the map view
    keeps each year's full layers, so ticking a box only redraws.
    """
    memberships = full["memberships"]
    return {
        "ots": full["ots"],
        "memberships": memberships[memberships["org_id"].isin(orgs)].reset_index(drop=True),
        **{key: full[key] if key in layers else None for key in LAYERS},
    }


def map_table(tables: Tables, year: int, drawn: dict) -> pd.DataFrame:
    """The map in words: one row per mark, with what, where, when and the source behind it."""
    names = tables.countries.set_index("country_id")["name"]
    rows = []
    for r in drawn["ots"].itertuples():
        rows.append(
            [
                "OTS",
                f"{names[r.country_id]}: OTS {r.shown}",
                names[r.country_id],
                str(r.start),
                r.source_id,
                r.locator,
            ]
        )
    for r in drawn["memberships"].itertuples():
        rows.append(
            [
                r.layer,
                f"{names[r.country_id]}: {r.layer} {r.shown}",
                names[r.country_id],
                str(r.start) if pd.notna(r.start) else "start not stated",
                r.source_id,
                r.locator,
            ]
        )
    if drawn["bases"] is not None:
        for r in drawn["bases"].itertuples():
            where = r.place if pd.notna(r.place) else "place not recorded: not drawn"
            rows.append(
                [
                    "Russian bases",
                    f"{r.agreement} ({r.event_id})",
                    f"{where}, {r.host}",
                    r.date,
                    r.source_id,
                    r.locator,
                ]
            )
    if drawn["summits"] is not None:
        for r in drawn["summits"].itertuples():
            where = r.place if pd.notna(r.x) else f"{r.place}: not drawn (no map point)"
            rows.append(
                ["summits", f"{r.title} ({r.event_id})", where, r.date, r.source_id, r.locator]
            )
    if drawn["transit"] is not None:
        for r in drawn["transit"].itertuples():
            ends = " and ".join(names[c] for c in r.ends)
            rows.append(
                [
                    "transit",
                    f"{r.title} ({r.event_id}); since then: {r.since_then}",
                    f"capitals of {ends} (arc)",
                    r.date,
                    r.source_id,
                    r.locator,
                ]
            )
    if drawn["exercises"] is not None:
        for r in drawn["exercises"].itertuples():
            who = ", ".join(names[c] for c in r.taking_part) or "no state recorded"
            away = f"; absent: {', '.join(names[c] for c in r.absent)}" if r.absent else ""
            rows.append(
                [
                    "exercises",
                    f"{r.title} ({r.event_id}); taking part: {who}{away}",
                    r.where,
                    r.date,
                    r.source_id,
                    r.locator,
                ]
            )
    columns = ["layer", "what", "where", "when", "source", "locator"]
    return pd.DataFrame(rows, columns=columns)


def describe_map(tables: Tables, year: int, drawn: dict) -> str:
    """One or two sentences on what the map shows, for the text description and alt text."""
    shown = drawn["ots"]["shown"]
    members, observers = int((shown == "member").sum()), int((shown == "observer").sum())
    parts = [
        f"Map of the region from Central Europe to western China {as_of(year)}: "
        f"{counted(members, 'OTS member')} and {counted(observers, 'observer')} filled in "
        "colour, the Caspian Sea "
        "shaded"
    ]
    layers = sorted(set(drawn["memberships"]["layer"]))
    if layers:
        parts.append("hatching marks " + ", ".join(layers))
    for key, frame in drawn.items():
        if key in LAYERS and frame is not None:
            parts.append(f"{len(frame)} {LAYERS[key].split(' and ')[0]} listed")
    return "; ".join(parts) + ". The table under the map lists every mark with its source."


def _sources(drawn: dict) -> list[str]:
    """Source ids behind everything drawn."""
    frames = [f[["source_id"]] for f in drawn.values() if f is not None and len(f)]
    ids = source_ids_of(pd.concat(frames)) if frames else []
    return [*ids, "places.csv", "Natural Earth"]


def _state_labels(tables: Tables, drawn: dict) -> dict[str, str]:
    """The lines under each state's name: its memberships shown and its exercises."""
    members = drawn["memberships"]
    tags = members["org_id"].map(lambda o: {"NEUTRAL": "neutral (UN)"}.get(o, o)) + members[
        "shown"
    ].map(lambda s: SHORT.get(s, f" ({s})"))
    lines: dict[str, list[str]] = {}
    for cid, tag in zip(members["country_id"], tags, strict=True):
        lines.setdefault(cid, []).append(tag)
    labels = {cid: " · ".join(tags) for cid, tags in lines.items()}
    if drawn["exercises"] is not None:
        hosts = pd.Series([c for h in drawn["exercises"]["hosts"] for c in h], dtype=object)
        for cid, n in geo.exercise_counts(drawn["exercises"]).items():
            hosted = int((hosts == cid).sum())
            text = f"exercises: {n}" + (f" (host of {hosted})" if hosted else "")
            labels[cid] = (labels[cid] + "\n" if cid in labels else "") + text
    return labels


def plot_map(tables: Tables, year: int, drawn: dict) -> Figure:
    """The map: states by OTS status, the Caspian, and the chosen layers (key: `map_key`)."""
    xlim, ylim = map_limits()
    shapes = visible_shapes()
    status = dict(zip(drawn["ots"]["country_id"], drawn["ots"]["shown"], strict=True))
    kinds = state_kinds(tables, status, shapes)
    ids = geo.shape_countries(shapes, tables.countries)
    fig = new_figure(12, 6.3, fixed=True)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.91))
    ax.set_facecolor(SEA)
    countries = [s for s in shapes if s.kind == "country"]
    ax.add_collection(
        PathCollection(
            [s.path for s in countries],
            facecolors=[STATE_FILL[kinds[s.name]] for s in countries],
            edgecolors="white",
            linewidths=0.7,
        )
    )
    for sea in (s for s in shapes if s.kind == "sea"):
        ax.add_patch(PathPatch(sea.path, facecolor=CASPIAN, edgecolor="0.35", linewidth=0.7))
        x, y = sea.label_point()
        ax.text(
            x + 40,
            y + 330,
            "Caspian\nSea",
            ha="center",
            va="center",
            fontsize=9,
            style="italic",
            color="0.15",
        )
    members = drawn["memberships"]
    path_of = {ids[s.name]: s.coarse_path for s in countries if s.name in ids}
    for org, (colour, hatch) in ORG_STYLE.items():
        bound = members[(members["org_id"] == org) & members["bound"]]
        paths = [path_of[c] for c in bound["country_id"] if c in path_of]
        if paths:
            ax.add_collection(
                PathCollection(
                    paths, facecolors="none", edgecolors=[colour], hatch=hatch, linewidths=0
                )
            )
    names = tables.countries.set_index("country_id")["name"]
    labels = _state_labels(tables, drawn)
    for cid, (x, y) in _name_points(tables, shapes).items():
        extra = labels.get(cid, "")
        ax.text(
            x,
            y,
            str(names[cid]),
            ha="center",
            va="bottom",
            fontsize=9,
            fontweight="bold",
            parse_math=False,
            bbox=_BOX,
            zorder=6,
        )
        if extra:
            ax.text(
                x,
                y - 25,
                extra,
                ha="center",
                va="top",
                fontsize=8,
                parse_math=False,
                bbox=_BOX,
                zorder=6,
            )
    _draw_layers(ax, drawn)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    fig.suptitle(
        f"The OTS space {as_of(year)}: who belongs where, and what lies between",
        x=0.01,
        ha="left",
        fontsize=13,
    )
    add_source_note(fig, _sources(drawn))
    return fig


_BOX = {"boxstyle": "round,pad=0.12", "facecolor": "white", "alpha": 0.8, "linewidth": 0}
"""A light box behind map labels, so they read over hatching."""


def _place_label(ax, place_id: str, x: float, y: float, text: str) -> None:
    """A place's name beside its mark, on the side PLACE_ANCHOR gives (right and above if none)."""
    ha, va = PLACE_ANCHOR.get(place_id, ("left", "bottom"))
    dx = 6 if ha == "left" else -6
    dy = 5 if va == "bottom" else -5
    ax.annotate(
        text,
        (x, y),
        xytext=(dx, dy),
        textcoords="offset points",
        ha=ha,
        va=va,
        fontsize=8,
        parse_math=False,
        bbox=_BOX,
        zorder=7,
    )


MARKS = {
    "bases": ("^", 130, COLOURS[3], 6),
    "summits": ("*", 190, COLOURS[8], 5),
    "exercises": ("P", 130, COLOURS[2], 6),
}
"""Marker, size, colour and drawing order of each layer's marks (shapes tell them apart)."""


def _draw_marks(ax, layer: str, placed: pd.DataFrame) -> None:
    """A layer's marks at the x and y of each row."""
    marker, size, colour, zorder = MARKS[layer]
    ax.scatter(
        placed["x"],
        placed["y"],
        marker=marker,
        s=size,
        color=colour,
        edgecolors="black",
        zorder=zorder,
    )


def _draw_layers(ax, drawn: dict) -> None:
    """Draw the bases, summit sites and transit arcs chosen."""
    named: dict[str, list[str]] = {}
    marks: dict[str, tuple[float, float]] = {}

    def name(row, text: str) -> None:
        """Say what a mark is: the texts of all marks at one place make one label."""
        named.setdefault(row.place_id, []).append(text)
        marks[row.place_id] = (row.x, row.y)

    if drawn["bases"] is not None:
        placed = drawn["bases"].dropna(subset=["x"]).drop_duplicates("place_id")
        _draw_marks(ax, "bases", placed)
        for r in placed.itertuples():
            name(r, f"Russian base: {r.place}")
    if drawn["summits"] is not None:
        placed = drawn["summits"].dropna(subset=["x"])
        counts = placed.groupby(["place_id", "place", "x", "y"]).size().reset_index(name="n")
        _draw_marks(ax, "summits", counts)
        for r in counts.itertuples():
            times = f" ×{r.n}" if r.n > 1 else ""
            name(r, f"{r.place}{times}")
    if drawn["exercises"] is not None:
        placed = drawn["exercises"].dropna(subset=["x"])
        _draw_marks(ax, "exercises", placed)
        for r in placed.itertuples():
            year = str(r.date)[:4]
            name(r, f"exercise {year}" if r.place_id in named else f"{r.where}: exercise {year}")
    for place_id, texts in named.items():
        _place_label(ax, place_id, *marks[place_id], "; ".join(texts))
    if drawn["transit"] is not None:
        for r in drawn["transit"].itertuples():
            if len(r.xy) == 2:
                arc = _arc(r.xy[0], r.xy[1])
                ax.plot(
                    arc[:, 0], arc[:, 1], color="black", linestyle="--", linewidth=2.2, zorder=4
                )


_SWATCH = (
    "display:inline-block;width:2.2em;height:1em;vertical-align:middle;"
    "border:1px solid #777;margin:0 0.3em 0 1em;"
)
"""A small box in the map's key, filled or hatched like the map."""


def _hatch_css(org: str) -> str:
    """CSS that draws an organisation's hatching the way the map does (lines in four directions)."""
    colour, _hatch = ORG_STYLE[org]
    hexa = css_colour(colour)
    return {
        "NATO": f"background:repeating-linear-gradient(45deg,{hexa} 0 1.5px,#fff 1.5px 5px);",
        "CSTO": f"background:repeating-linear-gradient(-45deg,{hexa} 0 1.5px,#fff 1.5px 5px);",
        "SCO": f"background:repeating-linear-gradient(90deg,{hexa} 0 1.5px,#fff 1.5px 4px);",
        "NEUTRAL": f"background:repeating-linear-gradient(0deg,{hexa} 0 1.5px,#fff 1.5px 4px);",
    }[org]


def map_key() -> HTML:
    """The key to every layer of the map, in HTML (text, so screen readers read it too)."""
    fills = [
        ("member", "OTS member"),
        ("observer", "OTS observer"),
        ("course", "other state in the course data"),
        ("other", "not in the course data"),
    ]
    items = [
        html('<span style="{}background:{};"></span>{}', _SWATCH, css_colour(STATE_FILL[k]), label)
        for k, label in fills
    ]
    items.append(
        html('<span style="{}background:{};"></span>Caspian Sea', _SWATCH, css_colour(CASPIAN))
    )
    items += [
        html(
            '<span style="{}{}"></span>{} member (other statuses: label only)',
            _SWATCH,
            _hatch_css(org),
            label,
        )
        for org, label in geo.LAYER_ORGS.items()
    ]
    marks = [
        ("▲", MARKS["bases"][2], "Russian base"),
        ("★", MARKS["summits"][2], "summit site (×n: summits held)"),
        ("✚", MARKS["exercises"][2], "exercise site, where a source names one"),
    ]
    items += [
        html(
            '<span style="margin:0 0.3em 0 1em;color:{};-webkit-text-stroke:0.5px #000;'
            'font-size:1.2em">{}</span>{}',
            css_colour(colour),
            symbol,
            label,
        )
        for symbol, colour, label in marks
    ]
    items.append(
        html(
            '<span style="display:inline-block;width:2.2em;border-top:2px dashed #000;'
            'vertical-align:middle;margin:0 0.3em 0 1em"></span>'
            "military transit agreement (capitals joined; not a flight path)"
        )
    )
    items.append(
        html('<span style="margin-left:1em">exercises: n</span> = exercises taken part in')
    )
    body = join((html('<span style="white-space:nowrap">{}</span>', item) for item in items), " ")
    return rendered(
        html('<p class="otslab-caption" style="line-height:2"><b>Key to the map:</b> {}</p>', body)
    )


def border_note(tables: Tables) -> str:
    """Which border conventions the map follows, checked against the boundary file.

    Areas drawn as most states recognise them are named apart from those drawn otherwise, so the
    note never puts an internationally recognised border among the de facto ones.
    """
    checks = geo.border_conventions(tables, geo.load_shapes())
    differ = checks[~checks["as recognised"]]
    agree = checks[checks["as recognised"]]
    parts = [
        "A map is a claim too. The borders are Natural Earth's (version 4.1.0), which draws who "
        "controls the ground (de facto)."
    ]
    if len(differ):
        drawn = "; ".join(
            f"{r.area} ({r.place}) is drawn inside {r._3}, although most states recognise it as "
            f"part of {r._4}"
            for r in differ.itertuples()
        )
        parts.append(f"Where that differs from what most states recognise: {drawn}.")
    if len(agree):
        drawn = "; ".join(
            f"{r.area} ({r.place}) is drawn inside {r._3}, as also recognised internationally"
            for r in agree.itertuples()
        )
        parts.append(f"Where the two agree: {drawn}.")
    parts.append(
        "See data/geo/README.md and the notes of data/places.csv for what the recognised "
        "borders are."
    )
    return " ".join(parts)


def map_view(
    tables: Tables,
    year: int,
    orgs: list[str],
    layers: list[str],
    note: str | None = None,
    full: dict | None = None,
) -> list[object]:
    """What the map shows: the figure with its description, the table of marks, the border note.

    `note` is `border_note(tables)` and `full` the year's `map_layers` with everything, which a
    view works out once (the note never changes, the layers only with the year).
    """
    drawn = (
        map_layers(tables, year, orgs, layers)
        if full is None
        else chosen_layers(full, orgs, layers)
    )
    fig = plot_map(tables, year, drawn)
    table = map_table(tables, year, drawn)
    return [
        figure_html(fig, describe_map(tables, year, drawn)),
        map_key(),
        folded_table(
            table, f"The map in words: {len(table)} marks {as_of(year)}, each with its source"
        ),
        hint(border_note(tables) if note is None else note),
    ]


def map_explorer(tables: Tables, year: int | None = None) -> w.VBox:
    """The map with a year (as in notebook 02) and a checkbox for each layer."""
    year_choice = year_picker(year if year is not None else current_year())
    org_boxes = {
        org: w.Checkbox(
            value=org in ("NATO", "CSTO"), description=label, indent=False, layout={"width": "auto"}
        )
        for org, label in geo.LAYER_ORGS.items()
    }
    layer_boxes = {
        key: w.Checkbox(
            value=key in ("bases", "transit"),
            description=label,
            indent=False,
            layout={"width": "auto"},
        )
        for key, label in LAYERS.items()
    }
    output = w.Output(layout=OUTPUT_LAYOUT)
    note = border_note(tables)

    years: dict[int, dict] = {}

    def draw() -> list[object]:
        orgs = [o for o, box in org_boxes.items() if box.value]
        layers = [k for k, box in layer_boxes.items() if box.value]
        year = year_choice.value
        if year not in years:
            years[year] = map_layers(tables, year, list(geo.LAYER_ORGS), [*LAYERS])
        return map_view(tables, year, orgs, layers, note, years[year])

    controls = (year_choice, *org_boxes.values(), *layer_boxes.values())
    redraw_on(controls, output, draw)
    return w.VBox(
        [
            year_choice,
            w.HBox([w.Label("Memberships:"), *org_boxes.values()]),
            w.HBox([w.Label("Layers:"), *layer_boxes.values()]),
            output,
        ]
    )


