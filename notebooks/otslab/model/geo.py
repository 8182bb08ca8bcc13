"""The map's data: boundaries, projection, places and the layers drawn on them (pure functions).

The boundaries are Natural Earth's (data/geo, cut by tools/cut_boundaries.py, which also writes
the coarser rings the map hatches); places and where events were held come from data/places.csv
and data/event_places.csv. Nothing is downloaded.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.path import Path as MplPath

from otslab.data import DATA_DIR, Tables
from otslab.model.alignments import BOUND_STATUSES, foreign_bases, statuses_as_of

BOUNDARIES = DATA_DIR / "geo" / "region-50m.geojson"
"""Natural Earth 1:50m countries clipped to the region, and the Caspian Sea."""
NE_NAMES = {"XNC": "N. Cyprus"}
"""States whose Natural Earth name differs from ours and that have no ISO number to match by."""
EARTH_KM = 6371.0
"""Radius of the sphere the projection uses, so map units are kilometres."""
CENTRE = (53.0, 42.0)
"""Longitude and latitude at the middle of the map (the Caspian Sea)."""
PARALLELS = (35.0, 50.0)
"""Standard parallels of the Albers projection: areas stay true, shapes bend little."""
LAYER_ORGS = {"NATO": "NATO", "CSTO": "CSTO", "SCO": "SCO", "NEUTRAL": "neutrality (UN)"}
"""The memberships a student can switch on, and what the map calls them."""
BORDER_CHECKS = {
    "simferopol": ("Crimea", "Ukraine"),
    "shusha": ("Karabakh", "Azerbaijan"),
    "north_nicosia": ("Northern Cyprus", "Cyprus"),
}
"""Places whose polygon shows which border convention the boundary file follows, with the state
most states recognise the area as part of: Ukraine (UN General Assembly resolution 68/262, see the
note of Simferopol in data/places.csv), Azerbaijan (UN Security Council resolution 853, source
R175) and the Republic of Cyprus (see the note of North Nicosia)."""
NOT_HELD = ("withdrawn",)
"""Statuses that are not a tie, so the map leaves them out (the membership grid shows them)."""
TIE_ROLES = ("party", "host", "participant")
"""Roles that count as taking part in an exercise or agreement on the map."""


@dataclass(frozen=True, eq=False)
class Shape:
    """One country (or the Caspian Sea) of the boundary file, in projected kilometres.

    Shapes compare and hash by identity: the file is read once, so each shape is one object.
    """

    name: str
    kind: str
    iso_numeric: str | None
    rings: tuple[np.ndarray, ...]
    coarse_rings: tuple[np.ndarray, ...] = ()

    @cached_property
    def path(self) -> MplPath:
        """All rings as one matplotlib path (outer rings and holes alike)."""
        return MplPath.make_compound_path(*(MplPath(ring, closed=True) for ring in self.rings))

    @cached_property
    def coarse_path(self) -> MplPath:
        """The coarse rings the boundary file holds (the exact ones where it has none), as one
        path: enough for hatching laid over the exact fill."""
        rings = self.coarse_rings or self.rings
        return MplPath.make_compound_path(*(MplPath(ring, closed=True) for ring in rings))

    @cached_property
    def area(self) -> float:
        """Area of the outer rings in square kilometres (the projection keeps areas)."""
        return float(sum(abs(_signed_area(ring)) for ring in self.rings))

    def label_point(self) -> tuple[float, float]:
        """The centre of the largest ring: where the shape's name goes."""
        ring = max(self.rings, key=lambda r: abs(_signed_area(r)))
        return float(ring[:, 0].mean()), float(ring[:, 1].mean())

    def contains(self, x: float, y: float) -> bool:
        """Whether a projected point lies inside the shape."""
        return any(MplPath(ring).contains_point((x, y)) for ring in self.rings)


def _signed_area(ring: np.ndarray) -> float:
    """Shoelace area of a closed ring."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def project(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Albers equal-area conic coordinates (km) of longitudes and latitudes in degrees."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if np.any(np.abs(lat) > 90) or np.any(np.abs(lon) > 180):
        raise ValueError("latitude must lie within ±90 and longitude within ±180 degrees")
    phi1, phi2 = (math.radians(p) for p in PARALLELS)
    lon0, phi0 = math.radians(CENTRE[0]), math.radians(CENTRE[1])
    n = (math.sin(phi1) + math.sin(phi2)) / 2
    c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)
    rho0 = EARTH_KM * math.sqrt(c - 2 * n * math.sin(phi0)) / n
    rho = EARTH_KM * np.sqrt(c - 2 * n * np.sin(np.radians(lat))) / n
    theta = n * (np.radians(lon) - lon0)
    return rho * np.sin(theta), rho0 - rho * np.cos(theta)


def _projected(polygons: list) -> tuple[np.ndarray, ...]:
    """Every ring of GeoJSON polygon coordinates (lon, lat), projected to kilometres."""
    rings = []
    for polygon in polygons:
        for ring in polygon:
            lonlat = np.asarray(ring, dtype=float)
            rings.append(np.column_stack(project(lonlat[:, 0], lonlat[:, 1])))
    return tuple(rings)


@lru_cache(maxsize=2)
def load_shapes(path: Path = BOUNDARIES) -> tuple[Shape, ...]:
    """The shapes of the boundary file, projected, largest first (so enclaves draw on top)."""
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path} is missing: run `make boundaries` to cut it from Natural Earth"
        ) from None
    shapes = []
    for number, feature in enumerate(collection.get("features", []), start=1):
        geometry, props = feature.get("geometry") or {}, feature.get("properties") or {}
        polygons = {
            "Polygon": [geometry.get("coordinates")],
            "MultiPolygon": geometry.get("coordinates"),
        }.get(geometry.get("type"))
        if not polygons or "ne_name" not in props:
            raise ValueError(
                f"{path}, feature {number}: expected a Polygon or MultiPolygon with an 'ne_name'"
            )
        coarse = (feature.get("coarse") or {}).get("coordinates") or []
        shapes.append(
            Shape(
                props["ne_name"],
                props.get("kind", "country"),
                props.get("iso_numeric"),
                _projected(polygons),
                _projected(coarse),
            )
        )
    return tuple(sorted(shapes, key=lambda s: -s.area))


def shape_countries(shapes: tuple[Shape, ...], countries: pd.DataFrame) -> dict[str, str]:
    """Which course state each shape is (Natural Earth name -> country_id), where it is one."""
    rows = tuple(
        zip(countries["country_id"], countries["name"], countries["iso_numeric"], strict=True)
    )
    return dict(_shape_countries(shapes, rows))


@lru_cache(maxsize=8)
def _shape_countries(
    shapes: tuple[Shape, ...], rows: tuple[tuple[str, str, object], ...]
) -> tuple[tuple[str, str], ...]:
    """shape_countries on hashable input, worked out once per set of shapes and countries."""
    by_number = {str(number): cid for cid, _name, number in rows if pd.notna(number)}
    by_name = {name: cid for cid, name, _number in rows}
    by_name |= {name: cid for cid, name in NE_NAMES.items() if cid in {r[0] for r in rows}}
    found = []
    for shape in shapes:
        cid = by_number.get(shape.iso_numeric or "") or by_name.get(shape.name)
        if cid:
            found.append((shape.name, cid))
    return tuple(found)


def places(tables: Tables) -> pd.DataFrame:
    """The places table with numeric coordinates and their projected x and y."""
    frame = tables.places.copy()
    for column in ("lat", "lon"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 2
            raise ValueError(
                f"data/places.csv, line {row}, column '{column}': "
                f"'{frame[column].iloc[row - 2]}' is not a number in decimal degrees"
            )
        frame[column] = values
    frame["x"], frame["y"] = project(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    return frame


def shape_at(shapes: tuple[Shape, ...], x: float, y: float) -> str | None:
    """The Natural Earth name of the country drawn at a projected point (None at sea)."""
    for shape in sorted(shapes, key=lambda s: s.area):  # enclaves before what surrounds them
        if shape.kind == "country" and shape.contains(x, y):
            return shape.name
    return None


BORDER_KM = 0.5
"""Two shapes share a border when some vertex of one lies this close to a vertex of the other."""


def shares_border(a: Shape, b: Shape, tolerance: float = BORDER_KM) -> bool:
    """Whether two shapes touch: neighbours in the boundary file share the arcs of their border."""
    cells_a = {tuple(p) for ring in a.rings for p in np.floor(ring / tolerance).astype(int)}
    for ring in b.rings:
        cells = np.floor(ring / tolerance).astype(int)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if any((x + dx, y + dy) in cells_a for x, y in cells):
                    return True
    return False


def neighbours(tables: Tables, shapes: tuple[Shape, ...], country_id: str) -> list[str]:
    """The course states whose shape shares a border with country_id's, sorted by id."""
    by_id = {cid: name for name, cid in shape_countries(shapes, tables.countries).items()}
    if country_id not in by_id:
        raise ValueError(f"the boundary file has no shape for {country_id}")
    named = {s.name: s for s in shapes}
    home = named[by_id[country_id]]
    return sorted(
        cid for cid, name in by_id.items() if cid != country_id and shares_border(home, named[name])
    )


def border_conventions(tables: Tables, shapes: tuple[Shape, ...]) -> pd.DataFrame:
    """For each contested area: the place checked, the polygon the boundary file puts it in, the
    state most states recognise it as part of, and whether the two agree."""
    here = places(tables).set_index("place_id")
    rows = []
    for place_id, (area, recognised) in BORDER_CHECKS.items():
        if place_id not in here.index:
            raise ValueError(f"data/places.csv has no row '{place_id}' to check how {area} looks")
        place = here.loc[place_id]
        drawn = shape_at(shapes, place["x"], place["y"]) or "no country"
        rows.append(
            {
                "area": area,
                "place": place["name"],
                "drawn inside": drawn,
                "recognised as part of": recognised,
                "as recognised": drawn == recognised,
                "note": place["note"] if pd.notna(place["note"]) else "",
            }
        )
    return pd.DataFrame(rows)


_PLACE_SOURCE = {"source_id": "place_source", "locator": "place_locator"}
"""Names for the source of an event's place, kept apart from the event's own source."""


def _dated_by(events: pd.DataFrame, year: int) -> pd.DataFrame:
    """Events dated in or before a year (undated events are left out: when is unknown)."""
    return events[events["date_year"].le(year).fillna(False).astype(bool)]


def event_sites(tables: Tables) -> pd.DataFrame:
    """Every event with a place of its own: event, place, coordinates, and the place's source."""
    sites = tables.event_places.merge(places(tables), on="place_id", suffixes=("", "_place"))
    return sites[["event_id", "place_id", "name", "x", "y", "source_id", "locator"]]


def ots_layer(tables: Tables, year: int, held: pd.DataFrame | None = None) -> pd.DataFrame:
    """OTS statuses held at the end of a year (members, observers), with their sources.

    `held` is `statuses_as_of(tables, year)` if the caller has it already.
    """
    held = statuses_as_of(tables, year) if held is None else held
    held = held[held["org_id"] == "OTS"]
    return held[["country_id", "shown", "start", "source_id", "locator"]].reset_index(drop=True)


def ots_status(tables: Tables, year: int) -> dict[str, str]:
    """Each state's OTS status at the end of a year (member, observer; absent means none)."""
    held = ots_layer(tables, year)
    return dict(zip(held["country_id"], held["shown"], strict=True))


def membership_layer(
    tables: Tables, year: int, org_ids: list[str], held: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Statuses held at the end of a year in the chosen organisations, with their sources.

    `held` is `statuses_as_of(tables, year)` if the caller has it already.
    """
    unknown = [o for o in org_ids if o not in LAYER_ORGS]
    if unknown:
        raise ValueError(f"no map layer for {unknown}; choose from {list(LAYER_ORGS)}")
    held = statuses_as_of(tables, year) if held is None else held
    held = held[held["org_id"].isin(org_ids) & ~held["shown"].isin(NOT_HELD)].copy()
    held["bound"] = held["shown"].isin(BOUND_STATUSES)
    held["layer"] = held["org_id"].map(LAYER_ORGS)
    columns = ["country_id", "org_id", "layer", "shown", "bound", "start", "source_id", "locator"]
    return held[columns].reset_index(drop=True)


def base_layer(tables: Tables, year: int, sites: pd.DataFrame | None = None) -> pd.DataFrame:
    """Foreign (Russian) bases agreed by the end of a year, at the place each agreement names.

    `sites` is `event_sites(tables)` if the caller has it already (so with the other layers).
    """
    bases = foreign_bases(tables, year)
    sites = (event_sites(tables) if sites is None else sites).rename(columns=_PLACE_SOURCE)
    return bases.merge(sites, on="event_id", how="left").rename(columns={"name": "place"})


def summit_layer(tables: Tables, year: int, sites: pd.DataFrame | None = None) -> pd.DataFrame:
    """Summits held by the end of a year, with their sites (or the location the event gives).

    `sites` is `event_sites(tables)` if the caller has it already.
    """
    events = _dated_by(tables.events[tables.events["kind"] == "summit"], year)
    sites = (event_sites(tables) if sites is None else sites).rename(columns=_PLACE_SOURCE)
    merged = events.merge(sites, on="event_id", how="left")
    merged["place"] = merged["name"].fillna(merged["location"])
    columns = ["event_id", "date", "title", "place_id", "place", "x", "y", "source_id", "locator"]
    return merged[columns]


def capitals(tables: Tables) -> pd.DataFrame:
    """The capital of each state that has one in data/places.csv, indexed by country_id."""
    here = places(tables)
    return here[here["kind"] == "capital"].set_index("country_id")


def transit_layer(tables: Tables, year: int, caps: pd.DataFrame | None = None) -> pd.DataFrame:
    """Military transit agreements by the end of a year, drawn between the parties' capitals.

    One row per agreement (events of domain 'logistics' and kind 'agreement'), with the
    ratifications of the same domain recorded by then, in words. `caps` is `capitals(tables)`
    if the caller has it already.
    """
    logistics = _dated_by(tables.events[tables.events["domain"] == "logistics"], year)
    deals = logistics[logistics["kind"] == "agreement"]
    later = logistics[logistics["kind"] == "ratification"]
    caps = capitals(tables) if caps is None else caps
    rows = []
    for deal in deals.itertuples():
        parties = tables.event_participants.query("event_id == @deal.event_id and role == 'party'")
        ends = [c for c in parties["country_id"] if c in caps.index]
        steps = "; ".join(f"{r.title} ({r.date}, {r.event_id})" for r in later.itertuples())
        rows.append(
            {
                "event_id": deal.event_id,
                "date": deal.date,
                "title": deal.title,
                "ends": ends,
                "xy": [(caps.loc[c, "x"], caps.loc[c, "y"]) for c in ends],
                "since_then": steps or "no ratification recorded by then",
                "source_id": deal.source_id,
                "locator": deal.locator,
            }
        )
    columns = ["event_id", "date", "title", "ends", "xy", "since_then", "source_id", "locator"]
    return pd.DataFrame(rows, columns=columns)


def exercise_layer(tables: Tables, year: int, sites: pd.DataFrame | None = None) -> pd.DataFrame:
    """Exercises held by the end of a year: who took part, who was absent, and where (if known).

    `where` is the place of data/event_places.csv (then x and y put it on the map), else the
    location events.csv gives in words, else 'not stated in the sources'. `sites` is
    `event_sites(tables)` if the caller has it already.
    """
    exercises = _dated_by(tables.events[tables.events["kind"] == "exercise"], year)
    people = tables.event_participants
    sites = (event_sites(tables) if sites is None else sites).set_index("event_id")
    rows = []
    for event in exercises.itertuples():
        here = people[people["event_id"] == event.event_id]
        hosts = list(here.loc[here["role"] == "host", "country_id"])
        placed = sites.loc[event.event_id] if event.event_id in sites.index else None
        if placed is not None:
            where = placed["name"]
        elif pd.notna(event.location):
            where = event.location
        else:
            where = "not stated in the sources"
        rows.append(
            {
                "event_id": event.event_id,
                "date": event.date,
                "title": event.title,
                "taking_part": list(here.loc[here["role"].isin(TIE_ROLES), "country_id"]),
                "hosts": hosts,
                "absent": list(here.loc[here["role"] == "absent", "country_id"]),
                "where": where,
                "place_id": placed["place_id"] if placed is not None else None,
                "x": placed["x"] if placed is not None else np.nan,
                "y": placed["y"] if placed is not None else np.nan,
                "source_id": event.source_id,
                "locator": event.locator,
            }
        )
    columns = ["event_id", "date", "title", "taking_part", "hosts", "absent", "where"]
    columns += ["place_id", "x", "y"]
    return pd.DataFrame(rows, columns=[*columns, "source_id", "locator"])


def exercise_counts(layer: pd.DataFrame) -> pd.Series:
    """How many of the exercises shown each state took part in (hosts count as taking part)."""
    counts: dict[str, int] = {}
    for states in layer["taking_part"]:
        for country in set(states):
            counts[country] = counts.get(country, 0) + 1
    return pd.Series(counts, dtype="int64").sort_index()
