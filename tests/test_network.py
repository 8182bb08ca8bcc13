"""Unit tests of otslab.model.network and its views; widget tests driven against the CSV rows."""

import re
from collections.abc import Callable
from html import escape
from itertools import combinations

import grid_cells
import networkx as nx
import pandas as pd
import pytest
from html_tables import html_tables
from matplotlib.backends.backend_agg import FigureCanvasAgg

from conftest import data_rows
from otslab.data import load_tables
from otslab.model import network as net
from otslab.views import network as views
from otslab.views import timeline as tl
from otslab.views.plots import stack_rows, to_png
from otslab.views.widgets import YearRange, shown_text

KINDS = ["agreement", "ratification", "meeting", "exercise", "proposal", "conflict"]
FRAMEWORKS = ["bilateral", "multilateral", "OTS", "other"]


# --- small hand-built tables -------------------------------------------------------------------


def events(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """A tiny events table from (event_id, date, kind, framework) rows, typed like load_tables."""
    frame = pd.DataFrame(rows, columns=["event_id", "date", "kind", "framework"])
    frame["date"] = frame["date"].replace("", None)
    lengths = frame["date"].str.len()
    frame["date_precision"] = lengths.map({4: "year", 7: "month", 10: "day"}).fillna("unknown")
    frame["kind"] = pd.Categorical(frame["kind"], categories=KINDS)
    frame["framework"] = pd.Categorical(frame["framework"], categories=FRAMEWORKS)
    frame["domain"] = "military"
    frame["status"] = "occurred"
    frame["title"] = "Event " + frame["event_id"]
    frame["summary"] = "Summary of " + frame["event_id"]
    frame["source_id"] = "S003"
    frame["locator"] = "a quotation"
    frame["date_year"] = frame["date"].str[:4].astype("Int64")
    padded = frame["date"].map(lambda d: d + "-01" * ((10 - len(d)) // 3), na_action="ignore")
    frame["date_earliest"] = pd.to_datetime(padded, format="%Y-%m-%d")
    return frame


def people(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """A tiny event_participants table from (event_id, country_id, role) rows."""
    frame = pd.DataFrame(rows, columns=["event_id", "country_id", "role"])
    frame["note"] = None
    return frame


COUNTRIES = pd.DataFrame(
    {
        "country_id": ["TUR", "AZE", "KAZ", "KGZ", "TKM", "RUS"],
        "name": ["Türkiye", "Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Turkmenistan", "Russia"],
        "ots_status": ["member", "member", "member", "member", "observer", "none"],
    }
)

EV = events(
    ("E1", "2020-05-01", "agreement", "bilateral"),
    ("E2", "2022", "exercise", "multilateral"),
    ("E3", "2024-03", "exercise", "bilateral"),
    ("E4", "", "exercise", "other"),
    ("E5", "2025", "proposal", "OTS"),
    ("E6", "2021", "conflict", "bilateral"),
)
PEOPLE = people(
    ("E1", "TUR", "party"),
    ("E1", "AZE", "party"),
    ("E1", "KAZ", "participant"),  # attended the signing, did not sign
    ("E2", "AZE", "participant"),
    ("E2", "KAZ", "participant"),
    ("E2", "KGZ", "host"),
    ("E2", "TUR", "absent"),
    ("E2", "TKM", "observer"),
    ("E3", "TUR", "participant"),
    ("E3", "AZE", "participant"),
    ("E4", "KAZ", "participant"),
    ("E4", "AZE", "participant"),
    ("E5", "AZE", "proposer"),
    ("E5", "TUR", "addressee"),
    ("E6", "AZE", "participant"),
    ("E6", "RUS", "participant"),
)


def ids(frame: pd.DataFrame) -> list[str]:
    """The event ids of a frame, sorted."""
    return sorted(frame["event_id"])


# --- filtering ---------------------------------------------------------------------------------


def test_filter_by_years_keeps_undated_apart_unless_asked() -> None:
    """Years are inclusive; undated events stay (to be shown apart) unless undated=False."""
    assert ids(net.filter_events(EV, PEOPLE, years=(2021, 2024))) == ["E2", "E3", "E4", "E6"]
    assert ids(net.filter_events(EV, PEOPLE, years=(2021, 2024), undated=False)) == [
        "E2",
        "E3",
        "E6",
    ]
    assert ids(net.filter_events(EV, PEOPLE, undated=False)) == ["E1", "E2", "E3", "E5", "E6"]


def test_filter_by_kind_and_country_counts_every_role_including_absent() -> None:
    """A state's events include those it stayed away from, so absences are not dropped."""
    chosen = net.filter_events(EV, PEOPLE, kinds=["exercise"], countries=["TUR"])
    assert ids(chosen) == ["E2", "E3"]  # E2: Türkiye recorded as absent
    assert ids(net.filter_events(EV, PEOPLE, countries=["TKM"])) == ["E2"]  # observer


def test_filter_with_nothing_chosen_is_empty_and_bad_input_is_named() -> None:
    """No kinds chosen gives no events; unknown kinds and reversed years raise clear errors."""
    assert net.filter_events(EV, PEOPLE, kinds=[]).empty
    with pytest.raises(ValueError, match="unknown kind of event: treaty"):
        net.filter_events(EV, PEOPLE, kinds=["treaty"])
    with pytest.raises(ValueError, match=r"first year \(2025\) is after the last year \(2020\)"):
        net.filter_events(EV, PEOPLE, years=(2025, 2020))
    with pytest.raises(ValueError, match="table 'events' lacks column"):
        net.filter_events(EV.drop(columns="date_year"), PEOPLE)


def test_timeline_table_orders_by_date_puts_undated_last_and_names_sources() -> None:
    """Oldest first, 'not stated' last; roles grouped per event; further sources listed."""
    further = pd.DataFrame({"event_id": ["E2", "E2"], "source_id": ["S004", "R001"]})
    table = net.timeline_table(EV, PEOPLE, further)
    assert table["event"].tolist() == ["E1", "E6", "E2", "E3", "E5", "E4"]
    assert table["date"].iloc[-1] == net.UNDATED
    row = table.set_index("event").loc["E2"]
    assert row["states and roles"] == "participant: AZE, KAZ; host: KGZ; absent: TUR; observer: TKM"
    assert row["sources"] == "S003 (+ R001, S004)"
    assert table.set_index("event").loc["E1", "sources"] == "S003"


def test_describe_timeline_counts_dated_undated_and_left_out() -> None:
    """The description names the span, the busiest year, and what is not drawn."""
    shown = net.filter_events(EV, PEOPLE, years=(2021, 2024))
    text = net.describe_timeline(shown, EV)
    assert "3 dated events from 2021 to 2024" in text
    assert "1 events with no stated date" in text and "2 events of the record are outside" in text
    empty = net.describe_timeline(EV.iloc[:0], EV)
    assert empty.startswith("No dated events") and "No event without a stated date" in empty


# --- ties, network, centrality -----------------------------------------------------------------


def test_tie_roles_depend_on_the_kind_of_event() -> None:
    """Agreements tie signatories only; exercises tie everyone taking part; wars tie nobody."""
    assert net.tie_roles("agreement") == ("party",)
    assert set(net.tie_roles("exercise")) == {"party", "host", "participant", "buyer", "supplier"}
    assert net.tie_roles("conflict") == ()
    assert "observer" not in net.tie_roles("meeting") and "absent" not in net.tie_roles("meeting")


def test_joint_pairs_follow_the_tie_rule() -> None:
    """E1 ties only its two signatories; E2 ties its three takers-part, not the absent or observer;
    the proposal and the war make no pair."""
    pairs = net.joint_pairs(EV, PEOPLE)
    got = sorted(zip(pairs["event_id"], pairs["state_a"], pairs["state_b"], strict=True))
    assert got == [
        ("E1", "AZE", "TUR"),
        ("E2", "AZE", "KAZ"),
        ("E2", "AZE", "KGZ"),
        ("E2", "KAZ", "KGZ"),
        ("E3", "AZE", "TUR"),
        ("E4", "AZE", "KAZ"),
    ]


def test_network_weights_count_shared_events_and_keeps_untied_states() -> None:
    """Edge weight = number of joint events; absent, observing and proposing states stay nodes."""
    graph = net.build_network(EV, PEOPLE)
    assert graph["AZE"]["TUR"]["weight"] == 2 and graph["AZE"]["TUR"]["events"] == ["E1", "E3"]
    assert graph["AZE"]["KAZ"]["weight"] == 2
    assert graph.nodes["TUR"]["absent_from"] == ["E2"]
    assert graph.degree("TKM") == 0 and "observer" in graph.nodes["TKM"]["roles"]
    assert graph.degree("RUS") == 0  # only in the war


def test_centrality_table_puts_the_hub_first() -> None:
    """In a star, the centre has betweenness 1 and every leaf as a partner."""
    star = nx.Graph()
    for leaf in ["AZE", "KAZ", "KGZ"]:
        star.add_edge("TUR", leaf, weight=1, events=[f"X{leaf}"])
    for node in star:
        star.nodes[node]["absent_from"] = []
    table = net.centrality_table(star, COUNTRIES)
    hub = table.iloc[0]
    assert (hub["state"], hub["partners"], hub["betweenness"], hub["degree"]) == (
        "TUR",
        3,
        1.0,
        1.0,
    )
    assert hub["joint events"] == 3 and hub["name"] == "Türkiye"
    assert table["betweenness"].iloc[1:].eq(0).all()
    assert net.centrality_table(nx.Graph(), COUNTRIES).empty


def test_describe_network_names_hub_strongest_tie_and_absences() -> None:
    """The text names the state with most partners, the heaviest tie and the absent states."""
    graph = net.build_network(EV, PEOPLE)
    table = net.centrality_table(graph, COUNTRIES)
    text = net.describe_network(graph, table, len(EV))
    assert "Azerbaijan has the most partners (3)" in text
    assert "strongest tie is Azerbaijan–Kazakhstan with 2" in text  # ties broken alphabetically
    assert "absent from an event: TUR" in text and "Without ties: RUS, TKM" in text
    lonely = net.build_network(EV[EV["event_id"] == "E5"], PEOPLE)
    assert net.describe_network(lonely, net.centrality_table(lonely, COUNTRIES), 1).startswith(
        "No two states"
    )


def test_tie_table_lists_each_edge_with_its_events() -> None:
    """One row per tie, heaviest first, naming the events behind it."""
    ties = net.tie_table(net.build_network(EV, PEOPLE))
    assert ties[["state_a", "state_b", "joint events"]].values.tolist()[:2] == [
        ["AZE", "KAZ", 2],
        ["AZE", "TUR", 2],
    ]
    assert ties.set_index(["state_a", "state_b"]).loc[("AZE", "TUR"), "events"] == "E1, E3"
    assert len(ties) == 4 and net.tie_table(nx.Graph()).empty


def test_absences_lists_absent_states_with_their_event() -> None:
    """The absent rows come back with the event's title and source."""
    away = net.absences(EV, PEOPLE)
    assert away[["event_id", "absent state"]].values.tolist() == [["E2", "TUR"]]
    assert away["title"].iloc[0] == "Event E2" and away["source_id"].iloc[0] == "S003"


# --- dyads -------------------------------------------------------------------------------------


def test_dyad_table_counts_kinds_years_undated_and_bilateral() -> None:
    """AZE–TUR: one agreement (2020) and one exercise (2024), both bilateral."""
    dyads = net.dyad_table(EV, PEOPLE).set_index(["state_a", "state_b"])
    row = dyads.loc[("AZE", "TUR")]
    assert (row["agreements"], row["exercises"], row["total"], row["bilateral"]) == (1, 1, 2, 2)
    assert (row["first_year"], row["last_year"], row["undated"]) == (2020, 2024, 0)
    row = dyads.loc[("AZE", "KAZ")]
    assert (row["total"], row["undated"], row["events"]) == (2, 1, "E2, E4")
    assert ("KAZ", "TUR") not in dyads.index  # KAZ only attended the E1 signing
    assert net.dyad_table(EV, PEOPLE).iloc[0]["total"] == 2


def test_dyad_table_edge_cases() -> None:
    """No matching events gives an empty table with its columns; an unknown kind is an error."""
    empty = net.dyad_table(EV, PEOPLE, kinds=["meeting"])
    assert empty.empty and {"state_a", "total", "first_year"} <= set(empty.columns)
    with pytest.raises(ValueError, match="unknown kind of event: drill"):
        net.dyad_table(EV, PEOPLE, kinds=["drill"])


def test_dyad_matrix_is_symmetric_and_share_counts_one_state() -> None:
    """The matrix mirrors each pair; the share counts the pairs and events of one state."""
    dyads = net.dyad_table(EV, PEOPLE)
    matrix = net.dyad_matrix(dyads, ["TUR", "AZE", "KAZ", "KGZ", "RUS"])
    assert matrix.index.tolist() == ["TUR", "AZE", "KAZ", "KGZ"]
    assert (matrix.values == matrix.values.T).all() and matrix.loc["TUR", "AZE"] == 2
    share = net.share_with(dyads, "TUR")
    assert share.to_dict() == {
        "pairs": 1,
        "of pairs": 4,
        "pair-events": 2,
        "of pair-events": 6,
        "bilateral events": 2,
        "of bilateral events": 2,
    }
    names = COUNTRIES.set_index("country_id")["name"]
    assert "1 of the pairs involve Türkiye" in net.describe_dyads(dyads, "TUR", names)
    assert "Azerbaijan's 3 partners" in net.describe_partners(dyads, "AZE", names)
    assert net.describe_dyads(dyads.iloc[:0], "TUR", names).startswith("No pair")


def test_evidence_rows_carry_source_and_locator_and_reject_unknown_ids() -> None:
    """Every evidence row names a source and where in it; unknown ids raise."""
    T = load_tables()
    rows = net.evidence(T, events=["E034"], claims=["C020"], voices=["V13"], clauses=["NATO"])
    assert rows["id"].tolist()[0] == "E034" and {"C020", "V13", "NATO"} <= set(rows["id"])
    assert rows["source"].notna().all() and rows["where in the source"].str.len().gt(0).all()
    nato = rows.set_index("id").loc["NATO"]
    assert (nato["source"], nato["where in the source"]) == ("R002", "Article 5")
    with pytest.raises(ValueError, match="unknown event_id in events: E999"):
        net.evidence(T, events=["E999"])


# --- figures -----------------------------------------------------------------------------------


def test_stack_rows_separates_overlapping_intervals_only() -> None:
    """Overlapping intervals go to new rows; a later disjoint one reuses the first row."""
    rows = stack_rows([(0, 10), (5, 12), (11, 20), (30, 40)], gap=0.5)
    assert rows == [0, 1, 0, 0]
    assert stack_rows([], gap=1) == []


def overlapping_labels(fig, axes_texts) -> list[tuple[str, str]]:
    """Pairs of text labels whose drawn boxes overlap."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in axes_texts if t.get_text()]
    return [(a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2) if box_a.overlaps(box_b)]



@pytest.mark.parametrize("first", [None, 2009, 2024])
def test_network_figure_labels_every_state_without_overlap(T, first) -> None:
    """Every node has its name as a label; labels do not overlap; absent states say so."""
    years = None if first is None else (first, int(T.events["date_year"].max()))
    kinds = views.network_kinds(T)
    chosen = net.filter_events(T.events, T.event_participants, kinds=kinds, years=years)
    graph = net.build_network(chosen, T.event_participants)
    fig = views.plot_network(graph, T.countries, title="t", source_ids=["R001"])
    texts = fig.axes[0].texts
    names = T.countries.set_index("country_id")["name"]
    assert {t.get_text().split("\n")[0] for t in texts} == {names[s] for s in graph.nodes}
    assert not overlapping_labels(fig, texts)
    absent = [t.get_text() for t in texts if "absent from" in t.get_text()]
    assert len(absent) == sum(bool(d["absent_from"]) for _n, d in graph.nodes(data=True))
    assert to_png(fig).startswith(b"\x89PNG")


def test_dyad_grid_and_partner_bars_show_the_counts(T) -> None:
    """The grid's numbers are the matrix's non-zero lower-triangle counts; bars stack."""
    dyads = net.dyad_table(T.events, T.event_participants)
    matrix = net.dyad_matrix(dyads, T.countries["country_id"])
    names = T.countries.set_index("country_id")["name"]
    html = views.dyad_matrix_html(T, dyads).data
    cells = grid_cells.cells(html, "data-pair")
    shown = sorted(int(n) for _pair, _a, n, _p in cells if n)
    lower = [int(v) for i, row in enumerate(matrix.values) for v in row[:i] if v]
    assert shown == sorted(lower)
    # each number opens the events behind it, the same as the pair's row of the dyad table
    events = {frozenset((r.state_a, r.state_b)): r.events for r in dyads.itertuples()}
    for pair, _a, _n, panel in cells:
        if panel:
            assert events[frozenset(pair.split())] in panel
    assert "Source: S0" in html and "Description:" in html
    fig = views.plot_partner_bars(
        dyads[(dyads["state_a"] == "TUR") | (dyads["state_b"] == "TUR")],
        "TUR",
        names,
        list(net.DYAD_KINDS),
        title="t",
        source_ids=["S003"],
    )
    assert fig.axes[0].get_xlabel() == "Joint events in the record"


# --- widgets, with expectations derived from the CSV rows ---------------------------------------


def expected_events(years, kinds, country, undated=True) -> list[str]:
    """Event ids the timeline should show, computed from the CSV rows alone."""
    involved = {
        r["event_id"] for r in data_rows("event_participants") if r["country_id"] == country
    }
    chosen = []
    for row in data_rows("events"):
        year = int(row["date"][:4]) if row["date"] else None
        in_years = (year is None and undated) or (year is not None and years[0] <= year <= years[1])
        if in_years and row["kind"] in kinds and (not country or row["event_id"] in involved):
            chosen.append(row["event_id"])
    return sorted(chosen)


def timeline_controls(view):
    """(years, kinds, country, undated, output) of a timeline explorer."""
    (years, kinds), (country, undated) = view.children[0].children, view.children[1].children
    return years, kinds, country, undated, view.children[2]


def shown_events(output) -> pd.DataFrame:
    """The event table a timeline view shows."""
    return html_tables(shown_text(output))[-1]


def test_timeline_explorer_follows_every_control(T) -> None:
    """Years, kinds, state and the undated switch each change the events listed, exactly."""
    years, kinds, country, undated, output = timeline_controls(tl.timeline_explorer(T))
    all_kinds = list(kinds.options)
    assert sorted(shown_events(output)["event"]) == expected_events(years.value, all_kinds, "")
    kinds.value = ("exercise",)
    country.value = "TUR"
    assert sorted(shown_events(output)["event"]) == expected_events(
        years.value, ["exercise"], "TUR"
    )
    years.value = (years.years[0], years.years[-1])
    kinds.value = ("agreement", "ratification")
    country.value = "KAZ"
    want = expected_events(years.value, ["agreement", "ratification"], "KAZ")
    assert sorted(shown_events(output)["event"]) == want
    undated.value = False
    assert sorted(shown_events(output)["event"]) == expected_events(
        years.value, ["agreement", "ratification"], "KAZ", undated=False
    )


def test_timeline_grid_puts_each_event_under_its_kind_and_year(T) -> None:
    """Each event shown is one chip, in its kind's row and its year's column (CSV rows)."""
    years, kinds, _country, _undated, output = timeline_controls(tl.timeline_explorer(T))
    years.value = (2018, 2025)
    grid = html_tables(grid_cells.shown(shown_text(output)))[0].set_index("kind")
    placed = [
        (event, kind, str(column))
        for kind, row in grid.iterrows()
        for column, cell in row.items()
        for event in re.findall(r"E\d+", str(cell))
    ]
    shown = expected_events(years.value, list(kinds.options), "")
    want = [
        (r["event_id"], r["kind"], r["date"][:4] or "date not stated")
        for r in data_rows("events")
        if r["event_id"] in shown
    ]
    assert sorted(placed) == sorted(want)
    assert list(grid.columns) == [*map(str, range(2018, 2026)), "date not stated"]
    e034 = next(r for r in data_rows("events") if r["event_id"] == "E034")
    chips = dict(grid_cells.panels(shown_text(output)))
    assert escape(e034["title"]) in chips["E034"]  # in the details the chip opens


def test_timeline_shows_absent_states_and_a_source_for_every_event(T) -> None:
    """Türkiye's exercises include the one it stayed away from; every row cites its sources."""
    years, kinds, country, _undated, output = timeline_controls(tl.timeline_explorer(T))
    years.value = (years.years[0], years.years[-1])
    country.value = "TUR"
    absent = {
        r["event_id"]
        for r in data_rows("event_participants")
        if r["country_id"] == "TUR" and r["role"] == "absent"
    }
    table = shown_events(output).set_index("event")
    assert absent and absent <= set(table.index)
    for event_id in absent:
        assert "absent: " in table.loc[event_id, "states and roles"]
    own = {r["event_id"]: r["source_id"] for r in data_rows("events")}
    further: dict[str, set[str]] = {}
    for r in data_rows("event_sources"):
        further.setdefault(r["event_id"], set()).add(r["source_id"])
    for event_id, cited in table["sources"].items():
        named = set(re.findall(r"[SR]\d{3}", cited))
        assert named == {own[event_id]} | further.get(event_id, set()), event_id


def test_timeline_empty_selection_shows_a_hint(T) -> None:
    """No kinds, or a state with no events of the kinds chosen, shows a hint and no table."""
    years, kinds, country, _undated, output = timeline_controls(tl.timeline_explorer(T))
    kinds.value = ()
    text = shown_text(output)
    assert "otslab-hint" in text and "Pick at least one kind" in text and "<table" not in text
    kinds.value = ("exercise",)
    none = next(
        c
        for c in country.options
        if c[1] and not expected_events((years.years[0], years.years[-1]), ["exercise"], c[1])
    )
    country.value = none[1]
    text = shown_text(output)
    assert "otslab-hint" in text and "No events of the kinds exercise" in text
    assert "Traceback" not in text


def tie_weights(keep) -> dict[tuple[str, str], int]:
    """For each pair of states, in how many of the kept CSV events they are tied."""
    counts: dict[tuple[str, str], int] = {}
    for pair in tie_pair_events(keep):
        counts[pair[1:]] = counts.get(pair[1:], 0) + 1
    return counts


def tie_pairs(keep) -> set[tuple[str, str]]:
    """Pairs of states tied in at least one of the kept CSV events."""
    return {pair[1:] for pair in tie_pair_events(keep)}


def tie_pair_events(keep) -> set[tuple[str, str, str]]:
    """Pairs of states tied in the CSV events for which keep(row) holds, by the tie rule: in
    agreements, ratifications and documents the parties; otherwise everyone taking part; never in
    a conflict."""
    kind_of = {r["event_id"]: r["kind"] for r in data_rows("events") if keep(r)}
    tied: dict[str, set[str]] = {}
    for r in data_rows("event_participants"):
        kind = kind_of.get(r["event_id"])
        if kind is None or kind == "conflict":
            continue
        signed = kind in ("agreement", "ratification", "document")
        if (r["role"] == "party") if signed else (r["role"] in net.TIE_ROLES):
            tied.setdefault(r["event_id"], set()).add(r["country_id"])
    return {
        (event_id, *pair)
        for event_id, states in tied.items()
        for pair in combinations(sorted(states), 2)
    }


def partner_counts(pairs: set[tuple[str, str]]) -> dict[str, int]:
    """How many partners each state has in a set of pairs."""
    partners: dict[str, set[str]] = {}
    for a, b in pairs:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    return {s: len(p) for s, p in partners.items()}


def dated_within(first: int, last: int, kinds) -> Callable[[dict[str, str]], bool]:
    """A predicate on CSV event rows: dated within the years and of one of the kinds."""
    return lambda r: bool(r["date"]) and first <= int(r["date"][:4]) <= last and r["kind"] in kinds


def network_controls(view):
    """(years, undated, kinds, output) of a network explorer (its layout dropdown sits by kinds)."""
    (years, undated), (kinds, _layout) = view.children[0].children, view.children[1].children
    return years, undated, kinds, view.children[2]


def shown_partners(output) -> dict[str, int]:
    """Partner counts of the states with ties in a network view's centrality table."""
    table = html_tables(shown_text(output))[0]
    return {r["state"]: int(r["partners"]) for _i, r in table.iterrows() if int(r["partners"])}


def test_network_explorer_shows_the_right_edges_for_a_period_and_kinds(T) -> None:
    """Exercises since 2024, dated only: each state's partner count matches the CSV rows, and the
    states recorded as absent are listed, not dropped."""
    years, undated, kinds, output = network_controls(views.network_explorer(T))
    undated.value = False
    kinds.value = ("exercise",)
    years.value = (2024, years.years[-1])
    assert shown_partners(output) == partner_counts(
        tie_pairs(dated_within(2024, years.years[-1], ["exercise"]))
    )
    centrality, away, ties = html_tables(shown_text(output))
    weights = tie_weights(dated_within(2024, years.years[-1], ["exercise"]))
    shown_ties = zip(
        ties["state_a"], ties["state_b"], ties["joint events"].astype(int), strict=True
    )
    assert {(a, b): n for a, b, n in shown_ties} == weights
    chosen = {
        r["event_id"]
        for r in data_rows("events")
        if dated_within(2024, years.years[-1], ["exercise"])(r)
    }
    absent = {
        (r["event_id"], r["country_id"])
        for r in data_rows("event_participants")
        if r["role"] == "absent" and r["event_id"] in chosen
    }
    assert absent and set(zip(away["event_id"], away["absent state"], strict=True)) == absent
    assert {s for _e, s in absent} <= set(centrality["state"])  # still nodes of the network


def test_network_explorer_period_change_changes_the_network(T) -> None:
    """From the default period to 2024 onwards, with undated events counted, partners follow."""
    years, undated, kinds, output = network_controls(views.network_explorer(T))
    assert undated.value
    chosen = list(kinds.options)

    def expected(first: int) -> dict[str, int]:
        dated = dated_within(first, years.years[-1], chosen)
        return partner_counts(
            tie_pairs(lambda r: dated(r) or (not r["date"] and r["kind"] in chosen))
        )

    before = shown_partners(output)
    assert before == expected(years.value[0])
    years.value = (2024, years.years[-1])
    after = shown_partners(output)
    assert after == expected(2024) and after != before


def test_network_explorer_empty_and_talk_only_selections_show_hints(T) -> None:
    """No kinds, or only proposals and statements (speakers, no partners), show a hint."""
    _years, _undated, kinds, output = network_controls(views.network_explorer(T))
    kinds.value = ()
    assert "Pick at least one kind" in shown_text(output)
    kinds.value = ("proposal", "statement")
    text = shown_text(output)
    assert "otslab-hint" in text and "No two states share an event" in text
    assert "conflict" not in kinds.options


def test_dyad_explorer_for_one_state_lists_only_its_pairs(T) -> None:
    """Choosing Türkiye keeps exactly Türkiye's pairs in agreements and exercises (CSV rows)."""
    view = views.dyad_explorer(T)
    (state, kinds), output = view.children[0].children, view.children[1]
    all_pairs = tie_pairs(lambda r: r["kind"] in net.DYAD_KINDS)
    table = html_tables(shown_text(output))[-1]
    assert set(zip(table["state_a"], table["state_b"], strict=True)) == all_pairs
    # the grid above the list: one filled cell per pair, holding the pair's total
    cells = grid_cells.cells(shown_text(output), "data-pair")
    filled = {frozenset(pair.split()): int(n) for pair, _a, n, _p in cells if n}
    pairs = zip(table["state_a"], table["state_b"], table["total"], strict=True)
    totals = {frozenset((a, b)): int(n) for a, b, n in pairs}
    assert filled == totals
    state.value = "TUR"
    table = html_tables(shown_text(output))[-1]
    got = set(zip(table["state_a"], table["state_b"], strict=True))
    assert got == {p for p in all_pairs if "TUR" in p} and got
    kinds.value = ("exercise",)
    table = html_tables(shown_text(output))[-1]
    exercises = tie_pairs(lambda r: r["kind"] == "exercise")
    assert set(zip(table["state_a"], table["state_b"], strict=True)) == {
        p for p in exercises if "TUR" in p
    }
    kinds.value = ()
    assert "Pick agreements, exercises or both" in shown_text(output)


def test_default_years_run_from_the_ots_founding_to_the_last_event(T) -> None:
    """The default period starts the year the OTS was founded and ends with the record."""
    founded = next(r["founded"] for r in data_rows("organisations") if r["org_id"] == "OTS")
    last = max(int(r["date"][:4]) for r in data_rows("events") if r["date"])
    assert net.default_years(T) == (int(founded[:4]), last)


def test_figure_helpers_cite_every_source_of_the_events_drawn(T) -> None:
    """The source note names each event's own source and its further sources."""
    shown = net.filter_events(T.events, T.event_participants, kinds=["summit"])
    table = net.timeline_table(shown, T.event_participants, T.event_sources)
    grid = tl.timeline_grid_html(T, table, net.default_years(T)).data
    note = re.search(r"Source: ([^<]*)", grid).group(1)
    own = {r["event_id"]: r["source_id"] for r in data_rows("events")}
    wanted = {own[e] for e in shown["event_id"]} | {
        r["source_id"]
        for r in data_rows("event_sources")
        if r["event_id"] in set(own) & set(shown["event_id"])
    }
    assert set(re.findall(r"[SR]\d{3}", note)) == wanted
    fig, text = views.network_figure(T, shown, net.default_years(T))
    assert text and fig.get_suptitle().startswith("Who shares events with whom")


def test_focus_box_shows_every_evidence_row_with_its_locator(T) -> None:
    """A focus box is a titled table holding each row's source and locator."""
    rows = net.evidence(T, events=["E034", "E054", "E055"], voices=["V13"])
    html = views.focus_box("Transit", rows).data
    assert "<h4" in html and "Transit" in html
    table = html_tables(html)[0]
    assert table["id"].tolist() == rows["id"].tolist()
    assert table["where in the source"].tolist() == rows["where in the source"].tolist()


def test_year_ranges_are_two_named_dropdowns_that_keep_the_span_whole(T) -> None:
    """The timeline's and the network's years: 'from' and 'to' dropdowns (each named for a
    screen reader); a first year after the last moves the last with it, and the view follows."""
    for view in (tl.timeline_explorer(T), views.network_explorer(T)):
        years, output = view.children[0].children[0], view.children[-1]
        assert isinstance(years, YearRange)
        assert [years.first.description, years.last.description][1] == "to"
        assert years.first.description.endswith("from")
        last_year, before = years.years[-1], shown_text(output)
        years.first.value = last_year
        assert years.value == (last_year, last_year) and years.last.value == last_year
        assert shown_text(output) != before, "the view did not follow the span"
        years.last.value = years.years[0]
        assert years.value == (years.years[0], years.years[0])
