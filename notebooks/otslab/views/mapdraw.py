"""The map as a ground for figures: its frame, the visible country shapes, a point per state."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.patches import PathPatch

from otslab.data import Tables
from otslab.model import geo
from otslab.views.plots import COLOURS

STATE_FILL = {
    "member": COLOURS[0],
    "observer": COLOURS[1],
    "course": (0.80, 0.80, 0.80),
    "other": (0.93, 0.93, 0.91),
}
"""Fill of a country: OTS member, OTS observer, another state of the course, any other."""


SEA = (0.86, 0.92, 0.97)


CASPIAN = (0.70, 0.82, 0.93)


FRAME_LONLAT = ((15.0, 31.0), (87.0, 56.5))
"""South-west and north-east corners (lon, lat) of what the map shows."""


def map_limits() -> tuple[tuple[float, float], tuple[float, float]]:
    """The map's x and y limits (km): the projected box around the edges of FRAME_LONLAT."""
    (west, south), (east, north) = FRAME_LONLAT
    along, across = np.linspace(west, east, 40), np.linspace(south, north, 40)
    lon = np.concatenate([along, along, np.full(40, west), np.full(40, east)])
    lat = np.concatenate([np.full(40, south), np.full(40, north), across, across])
    x, y = geo.project(lon, lat)
    return (float(x.min()), float(x.max())), (float(y.min()), float(y.max()))


@lru_cache(maxsize=1)
def visible_shapes() -> tuple[geo.Shape, ...]:
    """The shapes of the boundary file that reach into the map's view."""
    (x0, x1), (y0, y1) = map_limits()
    shown = []
    for shape in geo.load_shapes():
        box = shape.path.get_extents()
        if box.x1 >= x0 and box.x0 <= x1 and box.y1 >= y0 and box.y0 <= y1:
            shown.append(shape)
    return tuple(shown)


def state_points(tables: Tables) -> dict[str, tuple[float, float]]:
    """A point per state: its capital if recorded, else the middle of its shape's visible part."""
    shapes = visible_shapes()
    (x0, x1), (y0, y1) = map_limits()
    points = {}
    for name, cid in geo.shape_countries(shapes, tables.countries).items():
        ring = max(next(s for s in shapes if s.name == name).rings, key=len)
        inside = ring[
            (ring[:, 0] >= x0) & (ring[:, 0] <= x1) & (ring[:, 1] >= y0) & (ring[:, 1] <= y1)
        ]
        part = inside if len(inside) else ring
        points[cid] = (float(part[:, 0].mean()), float(part[:, 1].mean()))
    caps = geo.capitals(tables)
    points.update({cid: (float(r.x), float(r.y)) for cid, r in caps.iterrows()})
    return points


def draw_backdrop(ax) -> None:
    """Country shapes in light grey and the Caspian Sea, as the ground for another figure."""
    ax.set_facecolor(SEA)
    shapes = visible_shapes()
    countries = [s for s in shapes if s.kind == "country"]
    ax.add_collection(
        PathCollection(
            [s.path for s in countries],
            facecolors=[STATE_FILL["other"]],
            edgecolors="white",
            linewidths=0.7,
            zorder=1,
        )
    )
    for sea in (s for s in shapes if s.kind == "sea"):
        ax.add_patch(PathPatch(sea.path, facecolor=CASPIAN, edgecolor="0.35", linewidth=0.7))
