"""otslab.model.geo, otslab.views.geo, tools/cut_boundaries.py: boundaries, places, layers, map.

Expectations come from hand-built inputs, from the CSV rows (read with the csv module) or from
facts about Natural Earth 4.1.0 stated in data/geo/README.md, never from the functions' output.
"""

import base64
import importlib.util
import json
import math
import re
import subprocess
import sys
from html import escape as html_escape

import pandas as pd
import pytest

from conftest import DATA, REPO, data_rows, require
from otslab.data import Tables
from otslab.model import geo
from otslab.views import geo as gv
from otslab.views.widgets import shown_text

ATLAS = REPO / "tools" / "geo" / "node_modules" / "world-atlas"


def _cut_module():
    """tools/cut_boundaries.py imported as a module."""
    spec = importlib.util.spec_from_file_location(
        "cut_boundaries", REPO / "tools" / "cut_boundaries.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cut = _cut_module()


def copy_of(tables: Tables) -> Tables:
    """A copy of the tables whose frames can be changed without touching the fixture."""
    return Tables({name: frame.copy() for name, frame in tables.items()})


# --- tools/cut_boundaries.py ----------------------------------------------------------------


def test_arcs_are_decoded_from_deltas_and_joined_reversed() -> None:
    topology = {
        "transform": {"scale": [0.5, 2.0], "translate": [10.0, 20.0]},
        "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]],
    }
    arcs = cut.decode_arcs(topology)
    assert arcs[0] == [(10.0, 20.0), (11.0, 20.0), (11.0, 22.0)]
    assert arcs[1] == [(11.0, 22.0), (10.0, 22.0), (10.0, 20.0)]
    # arcs join end to start, the shared point written once; ~i is arc i reversed
    square = [(10.0, 20.0), (11.0, 20.0), (11.0, 22.0), (10.0, 22.0), (10.0, 20.0)]
    assert cut.ring_of([0, 1], arcs) == square
    assert cut.ring_of([~1, ~0], arcs) == square[::-1]


def test_a_ring_is_clipped_to_the_frame() -> None:
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]
    clipped = cut.clip_ring(square, (1.0, 1.0, 3.0, 3.0))
    assert sorted(set(clipped)) == [(1.0, 1.0), (1.0, 3.0), (3.0, 1.0), (3.0, 3.0)]
    assert cut.clip_ring(square, (5.0, 5.0, 6.0, 6.0)) == []


def test_simplify_keeps_corners_and_drops_near_points() -> None:
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (2.0, 2.0)]
    assert cut.simplify(line, tolerance=0.05) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0)]
    assert cut.simplify(line, tolerance=0.001) == line


def test_committed_boundaries_are_what_make_boundaries_cuts(tmp_path) -> None:
    require(
        (ATLAS / "package.json").exists(),
        "npm world-atlas not installed (run `make boundaries` to install and cut)",
    )
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "cut_boundaries.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "region-50m.geojson").read_bytes() == geo.BOUNDARIES.read_bytes()


def test_boundary_file_is_small_and_credits_natural_earth() -> None:
    collection = json.loads(geo.BOUNDARIES.read_text(encoding="utf-8"))
    assert geo.BOUNDARIES.stat().st_size < 400_000

    assert "Natural Earth" in collection["source"]
    readme = (DATA / "geo" / "README.md").read_text(encoding="utf-8")
    for needed in ("public domain", "world-atlas 2.0.2", "make boundaries", "Crimea", "Karabakh"):
        assert needed in readme


def test_the_hatched_states_have_coarse_rings_written_at_cut_time(T) -> None:
    """The hatching's rings come from the file (make boundaries), with about half the points."""
    shapes = geo.load_shapes()
    states = geo.shape_countries(shapes, T.countries)
    hatched = [s for s in shapes if s.name in states]
    assert len(hatched) == len(states) and all(s.coarse_rings for s in hatched)
    coarse = sum(len(r) for s in hatched for r in s.coarse_rings)
    assert coarse < 0.6 * sum(len(r) for s in hatched for r in s.rings)
    assert all(s.coarse_path.get_extents().overlaps(s.path.get_extents()) for s in hatched)


def test_a_broken_boundary_file_names_the_feature(tmp_path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"features": [{"geometry": {"type": "Point"}, "properties": {}}]}))
    with pytest.raises(ValueError, match=r"bad.geojson, feature 1"):
        geo.load_shapes(bad)
    with pytest.raises(FileNotFoundError, match="make boundaries"):
        geo.load_shapes(tmp_path / "missing.geojson")


# --- otslab.model.geo: projection, shapes, places -----------------------------------------------


def test_projection_puts_the_centre_at_the_origin_and_keeps_areas() -> None:
    x, y = geo.project(geo.CENTRE[0], geo.CENTRE[1])
    assert abs(float(x)) < 1e-6 and abs(float(y)) < 1e-6
    # a 1° x 1° cell at 40-41°N: its area on the sphere is R² Δλ (sin φ2 - sin φ1)
    lon = [60, 61, 61, 60]
    lat = [40, 40, 41, 41]
    px, py = geo.project(lon, lat)
    shoelace = 0.5 * abs(sum(px[i] * py[i - 1] - px[i - 1] * py[i] for i in range(4)))
    sphere = (
        geo.EARTH_KM**2
        * math.radians(1)
        * (math.sin(math.radians(41)) - math.sin(math.radians(40)))
    )
    assert shoelace == pytest.approx(sphere, rel=2e-3)
    with pytest.raises(ValueError, match="latitude"):
        geo.project(0, 95)


def test_every_ots_state_has_a_shape_on_the_map(T) -> None:
    ots = {
        r["country_id"] for r in data_rows("countries") if r["ots_status"] in ("member", "observer")
    }
    assert ots == {"TUR", "AZE", "KAZ", "KGZ", "UZB", "HUN", "TKM", "XNC"}
    found = set(geo.shape_countries(geo.load_shapes(), T.countries).values())
    assert ots <= found
    caspian = [s for s in geo.load_shapes() if s.kind == "sea"]
    assert [s.name for s in caspian] == ["Caspian Sea"]


def test_border_conventions_are_those_of_natural_earth(T) -> None:
    checks = geo.border_conventions(T, geo.load_shapes()).set_index("area")["drawn inside"]
    assert checks.to_dict() == {
        "Crimea": "Russia",
        "Karabakh": "Azerbaijan",
        "Northern Cyprus": "N. Cyprus",
    }
    note = gv.border_note(T)
    assert "a claim too" in note and "Crimea (Simferopol) is drawn inside Russia" in note
    # Karabakh is drawn as recognised (UNSC res. 853): never among the de facto exceptions
    # (content review N06).
    differ, agree = note.split("Where the two agree:")
    assert "Karabakh" not in differ
    assert "Karabakh (Shusha (Shushi)) is drawn inside Azerbaijan, as also recognised" in agree
    assert "Northern Cyprus" in differ and "part of Cyprus" in differ


def test_places_have_checked_public_pages_and_sit_in_their_state(T) -> None:
    shapes = geo.load_shapes()
    names = {cid: name for name, cid in geo.shape_countries(shapes, T.countries).items()}
    by_name = {s.name: s for s in shapes}
    for row in data_rows("places"):
        assert re.match(r"https?://\S+$", row["url"]), row["place_id"]
        assert row["locator"].strip(), row["place_id"]
        if not row["country_id"]:
            continue
        x, y = (float(v) for v in geo.project(float(row["lon"]), float(row["lat"])))
        inside = geo.shape_at(shapes, x, y)
        if inside is None:  # a port may fall just offshore of a simplified coast
            state = by_name[names[row["country_id"]]]
            nearest = min(math.dist((x, y), p) for ring in state.rings for p in ring)
            assert nearest < 15, (row["place_id"], nearest)
        else:
            assert inside == names[row["country_id"]], row


def test_a_coordinate_that_is_not_a_number_names_file_line_and_column(T) -> None:
    broken = copy_of(T)
    broken.places["lat"] = broken.places["lat"].astype(object)
    broken.places.loc[1, "lat"] = "forty"
    with pytest.raises(ValueError, match=r"data/places.csv, line 3, column 'lat': 'forty'"):
        geo.places(broken)


def test_event_places_agree_with_the_location_the_events_give() -> None:
    location = {r["event_id"]: r["location"] for r in data_rows("events")}
    place_name = {r["place_id"]: r["name"] for r in data_rows("places")}
    checked = 0
    for row in data_rows("event_places"):
        assert row["role"] in ("held", "site"), row
        given, name = location[row["event_id"]], place_name[row["place_id"]]
        if row["role"] == "held" and given:
            # the same place: 'Gabala' in 'Gabala (Qabala)', 'Samarkand' in 'Samarkand region'
            assert given in name or name.split(" (")[0] in given, row
            checked += 1
    assert checked >= 15


# --- otslab.model.geo: layers ---------------------------------------------------------------------


def test_membership_layer_keeps_held_ties_and_leaves_out_withdrawals(T) -> None:
    layer = geo.membership_layer(T, 2013, ["NATO", "CSTO"])
    got = {(r.country_id, r.org_id, r.shown, r.bound) for r in layer.itertuples()}
    assert ("TUR", "NATO", "member", True) in got
    assert ("HUN", "NATO", "member", True) in got
    assert ("UZB", "CSTO", "suspended", False) in got
    assert not any(c == "AZE" and o == "CSTO" for c, o, _s, _b in got)  # withdrew in 1999
    with pytest.raises(ValueError, match="no map layer"):
        geo.membership_layer(T, 2013, ["EU"])


def test_bases_sit_where_their_agreements_place_them(T) -> None:
    layer = geo.base_layer(T, 2013)
    placed = {(r.event_id, r.place) for r in layer.itertuples() if pd.notna(r.place)}
    assert placed == {("E003", "Kant air base"), ("E007", "Kant air base"), ("E008", "Dushanbe")}
    assert set(layer.loc[layer["place"].isna(), "event_id"]) == {"E001"}
    assert set(geo.base_layer(T, 2005)["event_id"]) == {"E001", "E003"}


def test_summits_by_a_year_are_those_the_csv_dates_by_then(T) -> None:
    expected = {
        r["event_id"]
        for r in data_rows("events")
        if r["kind"] == "summit" and r["date"] and int(r["date"][:4]) <= 2019
    }
    layer = geo.summit_layer(T, 2019)
    assert set(layer["event_id"]) == expected == {"E012", "E018"}
    assert list(layer.sort_values("event_id")["place"]) == ["Cholpon-Ata", "Baku"]


def test_transit_layer_joins_the_capitals_and_follows_ratification(T) -> None:
    assert geo.transit_layer(T, 2023).empty
    before = geo.transit_layer(T, 2025).iloc[0]
    assert before["ends"] == ["TUR", "KAZ"]
    assert before["since_then"] == "no ratification recorded by then"
    after = geo.transit_layer(T, 2026).iloc[0]
    assert "E054" in after["since_then"] and "E055" in after["since_then"]


def test_exercises_say_where_they_were_held_or_that_nobody_says(T) -> None:
    layer = geo.exercise_layer(T, 2026).set_index("event_id")
    events = {r["event_id"]: r for r in data_rows("events") if r["kind"] == "exercise"}
    placed = {r["event_id"] for r in data_rows("event_places")}
    people = data_rows("event_participants")
    for event_id, event in events.items():
        if not event["date"]:
            assert event_id not in layer.index  # undated: when is unknown, so not 'by 2026'
            continue
        if event_id not in placed:
            assert layer.loc[event_id, "where"] == (
                event["location"] or "not stated in the sources"
            )
        roles = {(p["country_id"], p["role"]) for p in people if p["event_id"] == event_id}
        assert set(layer.loc[event_id, "absent"]) == {c for c, r in roles if r == "absent"}
        assert set(layer.loc[event_id, "hosts"]) == {c for c, r in roles if r == "host"}
    assert layer.loc["E021", "where"] == "not stated in the sources"
    assert sorted(layer.loc["E032", "absent"]) == ["TKM", "TUR"]
    sites = {r["event_id"]: r["place_id"] for r in data_rows("event_places")}
    names = {r["place_id"]: r["name"] for r in data_rows("places")}
    for event_id in layer.index:
        if event_id in sites:  # a named site puts the exercise on the map
            assert layer.loc[event_id, "where"] == names[sites[event_id]]
            assert not math.isnan(layer.loc[event_id, "x"])
        else:
            assert math.isnan(layer.loc[event_id, "x"])


# --- the map view ---------------------------------------------------------------------------


def _svg_of(html: str) -> str:
    """The SVG of the first image in a view's HTML."""
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    return base64.b64decode(data).decode("utf-8")


def test_map_explorer_follows_the_year_and_the_layer_checkboxes(T) -> None:
    view = gv.map_explorer(T, 2026)
    slider, orgs, layers, output = view.children
    text = shown_text(output)
    assert "Uzbekistan: OTS member" in text and "Russian base" in text
    assert 'alt="Map of the region' in text and "Key to the map" in text
    assert "Crimea (Simferopol) is drawn inside Russia" in text
    slider.value = 2015
    text = shown_text(output)
    assert "Uzbekistan: OTS member" not in text  # joined in 2019
    assert "The OTS space at the end of 2015" in _svg_of(text)
    boxes = {box.description: box for box in layers.children[1:]}
    boxes["Russian bases"].value = False
    assert "Russian bases" not in shown_text(output)
    boxes["summit sites"].value = True
    assert "Cholpon-Ata" not in shown_text(output)  # first summit on the map: 2018
    slider.value = 2018
    assert "6th Turkic Council summit, Cholpon-Ata (E012)" in shown_text(output)
    nato = {box.description: box for box in orgs.children[1:]}["NATO"]
    nato.value = False
    assert "Türkiye: NATO member" not in shown_text(output)


@pytest.mark.parametrize("year", [2009, 2021, 2026])
def test_a_choice_from_the_years_full_layers_is_what_map_layers_gives(T, year) -> None:
    """The view works a year out once and narrows it per checkbox: the same marks either way."""
    full = gv.map_layers(T, year, list(geo.LAYER_ORGS), list(gv.LAYERS))
    for orgs in ([], ["NATO"], ["CSTO", "SCO"], list(geo.LAYER_ORGS)):
        for layers in ([], ["bases"], ["summits", "exercises"], list(gv.LAYERS)):
            wanted = gv.map_layers(T, year, orgs, layers)
            chosen = gv.chosen_layers(full, orgs, layers)
            assert chosen.keys() == wanted.keys()
            for key, frame in wanted.items():
                assert (chosen[key] is None) if frame is None else frame.equals(chosen[key])


def test_hostile_place_names_stay_text_in_the_map_and_its_table(T) -> None:
    hostile = copy_of(T)
    i = hostile.places.index[hostile.places["place_id"] == "gabala"][0]
    hostile.places.loc[i, "name"] = "Gab$a$la <b>bold</b>"
    items = gv.map_view(hostile, 2026, ["NATO"], ["summits"])
    html = "\n".join(item.data for item in items)
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    svg = _svg_of(html)
    assert "Gab$a$la &lt;b&gt;bold&lt;/b&gt;" in svg  # no math, no markup


def test_the_key_names_every_layer() -> None:
    key = gv.map_key().data
    for label in (
        "exercise site",
        "OTS member",
        "Caspian Sea",
        "NATO member",
        "CSTO member",
        "Russian base",
        "summit site",
        "transit",
    ):
        assert label in key


# --- the network on the map and the story timeline (network, network_views) ----------------


def test_network_explorer_lays_the_states_out_on_the_map(T) -> None:
    from otslab.views import network as nv
    view = nv.network_explorer(T)
    _kinds, layout = view.children[1].children
    output = view.children[2]
    circle = _svg_of(shown_text(output))
    assert "not on this map" not in circle
    layout.value = "map"
    on_map = _svg_of(shown_text(output))
    # the United States take part in an undated event and have no shape on the map
    assert "United States (not on this map)" in on_map
    assert "Natural Earth" in on_map and on_map != circle


def test_story_items_take_dates_and_sources_from_the_events_and_the_forecasts(T) -> None:
    from otslab.model import network as net
    story = {r["story_id"]: r for r in data_rows("story")}
    events = {r["event_id"]: r for r in data_rows("events")}
    items = net.story_items(T).set_index("story_id")
    assert set(items.index) == set(story)
    for story_id, row in story.items():
        item = items.loc[story_id]
        assert item["title"] == row["short_title"]
        if row["lane"] == "forecast":
            assert item["lane"] == "forecasts" and item["source_id"] == row["source_id"]
            assert item["start"] == pd.Timestamp(row["due"] + "-01" * ((10 - len(row["due"])) // 3))
        else:
            event = events[row["event_id"]]
            assert item["source_id"] == event["source_id"]
            assert item["start"].strftime("%Y-%m-%d").startswith(event["date"])
    # F02 'in 2026' runs to the end of 2026; F01 'by autumn' is September 2026
    assert items.loc["F02", "end"] == pd.Timestamp("2027-01-01")
    assert items.loc["F01", "start"] == pd.Timestamp("2026-09-01")


def test_texts_without_a_date_are_placed_after_their_latest_event(T) -> None:
    from otslab.model import network as net
    dates = net.source_dates(T).set_index("source_id")
    published = {r["source_id"]: r["published"] for r in data_rows("sources") if r["seed_file"]}
    assert set(dates.index) == set(published)
    for source_id, value in published.items():
        if value:
            assert dates.loc[source_id, "how"] == f"published {value}"
    cited = [e["date"] for e in data_rows("events") if e["date"] and e["source_id"] == "S003"] + [
        e["date"]
        for e in data_rows("events")
        for s in data_rows("event_sources")
        if s["event_id"] == e["event_id"] and s["source_id"] == "S003" and e["date"]
    ]
    latest = max(cited, key=lambda d: d + "-01" * ((10 - len(d)) // 3))
    assert dates.loc["S003", "how"].endswith(f", {latest})")


def test_story_timeline_shows_short_titles_the_close_and_open_forecasts(T) -> None:
    from otslab.model.alignments import closing_in_words
    from otslab.views import timeline as tl
    from otslab.views.plots import to_svg

    fig, description = tl.story_figure(T)
    svg = to_svg(fig)
    for row in data_rows("story"):
        assert html_escape(row["short_title"], quote=False) in svg
    assert f"record closes: {closing_in_words()}" in svg
    assert "E0" not in re.sub(r"<[^>]+>", "", svg.split("Source:")[0])  # titles, not ids
    assert "Open forecasts to check" in description and "First OTS exercises" in description


def test_a_story_row_without_a_date_names_its_line(T) -> None:
    from otslab.model import network as net
    broken = copy_of(T)
    i = broken.story.index[broken.story["story_id"] == "F01"][0]
    broken.story.loc[i, "due_earliest"] = pd.NaT
    with pytest.raises(
        ValueError, match=r"data/story.csv, line \d+, column 'due': F01 has no date"
    ):
        net.story_items(broken)
