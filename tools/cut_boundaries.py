"""Cut the course's region out of Natural Earth's country boundaries: `make boundaries`.

Reads the TopoJSON of the npm package world-atlas 2.0.2 (Natural Earth 4.1.0, installed into
tools/geo/node_modules by `npm ci --prefix tools/geo`), decodes its arcs in plain Python, simplifies
them (Douglas-Peucker), clips every country and the Caspian Sea to the course's frame and writes
data/geo/region-50m.geojson. Each country also carries coarser rings (`coarse`), simplified here
once, over which the map lays its membership hatching.
No GIS package and no download: the only input is the installed npm package.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ATLAS = ROOT / "tools" / "geo" / "node_modules" / "world-atlas"
OUT = ROOT / "data" / "geo"
SCALE = "50m"
"""Natural Earth's 1:50m boundaries: Hungary, Cyprus and the Caucasus keep their shapes."""
FRAME = (-1.0, 23.0, 103.0, 62.0)
"""The region cut out (west, south, east, north, in degrees): wider than the map's view, whose
projected corners reach further west and east than its edges."""
TOLERANCE = 0.04
"""Douglas-Peucker tolerance in degrees (about 4 km): less than a pixel on the course's map.
Arcs are simplified once each, before rings are built, so neighbours keep a common border."""
COARSE = 0.1
"""Tolerance of the coarse rings in degrees (about 8-11 km, under two pixels on the course's map):
the hatching laid over the exact fill needs no more, and its SVG is a third of the size."""
DECIMALS = 3
"""Coordinates rounded to 0.001 degree (about 100 m), well under the data's own precision."""
CASPIAN_BOX = (46.0, 36.0, 55.5, 47.5)
"""Where the Caspian Sea lies: the hole in the land polygons inside this box is the sea."""

Ring = list[tuple[float, float]]


def decode_arcs(topology: dict) -> list[Ring]:
    """Every arc of a quantized TopoJSON topology as a list of (lon, lat) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: Ring, tolerance: float = TOLERANCE) -> Ring:
    """Douglas-Peucker: drop the points of an arc closer than tolerance to its simplified line."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        dx, dy = x1 - x0, y1 - y0
        norm = (dx * dx + dy * dy) ** 0.5
        far, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm:
                distance = abs(dy * (px - x0) - dx * (py - y0)) / norm
            else:
                distance = ((px - x0) ** 2 + (py - y0) ** 2) ** 0.5
            if distance > far:
                far, index = distance, i
        if far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring_of(indexes: list[int], arcs: list[Ring]) -> Ring:
    """Join arcs into one ring; a negative index ~i means arc i reversed."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def polygons_of(geometry: dict, arcs: list[Ring]) -> list[list[Ring]]:
    """A Polygon or MultiPolygon geometry as a list of polygons, each a list of rings."""
    if geometry["type"] == "Polygon":
        return [[ring_of(r, arcs) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring_of(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
    return []


def _clip_edge(ring: Ring, inside, cross) -> Ring:
    """One step of Sutherland-Hodgman: keep the part of a ring on the inner side of one edge."""
    out: Ring = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        if inside(current):
            if not inside(previous):
                out.append(cross(previous, current))
            out.append(current)
        elif inside(previous):
            out.append(cross(previous, current))
    return out


def clip_ring(ring: Ring, frame: tuple[float, float, float, float]) -> Ring:
    """A ring clipped to a longitude-latitude rectangle (empty if it lies outside)."""
    west, south, east, north = frame

    def at_x(x0: float):
        return lambda p, q: (x0, p[1] + (q[1] - p[1]) * (x0 - p[0]) / (q[0] - p[0]))

    def at_y(y0: float):
        return lambda p, q: (p[0] + (q[0] - p[0]) * (y0 - p[1]) / (q[1] - p[1]), y0)

    edges = [
        (lambda p: p[0] >= west, at_x(west)),
        (lambda p: p[0] <= east, at_x(east)),
        (lambda p: p[1] >= south, at_y(south)),
        (lambda p: p[1] <= north, at_y(north)),
    ]
    for inside, cross in edges:
        if not ring:
            break
        ring = _clip_edge(ring, inside, cross)
    return ring


def tidy(ring: Ring) -> list[list[float]]:
    """A ring rounded to DECIMALS, without repeated points, closed as GeoJSON wants."""
    points: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not points or point != points[-1]:
            points.append(point)
    if points and points[0] != points[-1]:
        points.append(points[0])
    return points


def clipped(polygons: list[list[Ring]], frame: tuple[float, float, float, float]) -> list:
    """Polygons clipped to the frame, as GeoJSON MultiPolygon coordinates (empty parts dropped)."""
    out = []
    for polygon in polygons:
        rings = [tidy(clip_ring(ring, frame)) for ring in polygon]
        if len(rings[0]) >= 4:
            out.append([r for r in rings if len(r) >= 4])
    return out


def _inside_box(ring: Ring, box: tuple[float, float, float, float]) -> bool:
    """Whether every point of a ring lies inside a box."""
    west, south, east, north = box
    return all(west <= x <= east and south <= y <= north for x, y in ring)


def caspian(land: dict) -> list[list[list[float]]]:
    """The Caspian Sea: the hole of Natural Earth's land inside CASPIAN_BOX, as a polygon."""
    arcs = [simplify(arc) for arc in decode_arcs(land)]
    holes = [
        ring
        for geometry in land["objects"]["land"]["geometries"]
        for polygon in polygons_of(geometry, arcs)
        for ring in polygon[1:]
        if _inside_box(ring, CASPIAN_BOX)
    ]
    if len(holes) != 1:
        raise SystemExit(f"expected one hole of the land in {CASPIAN_BOX}, found {len(holes)}")
    return [tidy(holes[0])]


def region(countries: dict, land: dict, frame: tuple[float, float, float, float]) -> dict:
    """The GeoJSON FeatureCollection of the countries (and the Caspian Sea) within the frame.

    Each country also holds `coarse`, its MultiPolygon simplified to COARSE (a foreign member,
    which GeoJSON readers that do not know it pass over).
    """
    decoded = decode_arcs(countries)
    arcs = [simplify(arc) for arc in decoded]
    coarse_arcs = [simplify(arc, COARSE) for arc in decoded]
    features = []
    for geometry in countries["objects"]["countries"]["geometries"]:
        parts = clipped(polygons_of(geometry, arcs), frame)
        if not parts:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kind": "country",
                    "iso_numeric": geometry.get("id"),
                    "ne_name": geometry["properties"]["name"],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": parts},
                "coarse": {
                    "type": "MultiPolygon",
                    "coordinates": clipped(polygons_of(geometry, coarse_arcs), frame),
                },
            }
        )
    features.sort(key=lambda f: f["properties"]["ne_name"])
    features.append(
        {
            "type": "Feature",
            "properties": {"kind": "sea", "iso_numeric": None, "ne_name": "Caspian Sea"},
            "geometry": {"type": "Polygon", "coordinates": caspian(land)},
        }
    )
    return {
        "type": "FeatureCollection",
        "bbox": list(frame),
        "source": f"Natural Earth 4.1.0 admin-0 countries 1:{SCALE} via npm world-atlas 2.0.2",
        "features": features,
    }


def main(argv: list[str] | None = None) -> int:
    """Write data/geo/region-<scale>.geojson from the installed world-atlas package."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--atlas", type=Path, default=ATLAS, help="world-atlas package folder")
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write into")
    args = parser.parse_args(argv)
    meta = json.loads((args.atlas / "package.json").read_text(encoding="utf-8"))
    if meta.get("version") != "2.0.2":
        print(f"{args.atlas}: world-atlas {meta.get('version')}, expected 2.0.2", file=sys.stderr)
        return 1
    countries = json.loads((args.atlas / f"countries-{SCALE}.json").read_text(encoding="utf-8"))
    land = json.loads((args.atlas / f"land-{SCALE}.json").read_text(encoding="utf-8"))
    collection = region(countries, land, FRAME)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"region-{SCALE}.geojson"
    target.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    size, count = target.stat().st_size // 1024, len(collection["features"])
    print(f"wrote {target} ({size} KB, {count} shapes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
