"""otslab.model.alignments and its views: membership matrix, time travel, similarity, pressures.

Expectations come from hand-built tables or straight from the CSV rows (read with the csv module),
never from the functions' own output.
"""

import csv
import html
import math
import re
from datetime import date
from html import escape

import grid_cells
import pandas as pd
import pytest

from conftest import REPO
from otslab.data import Tables
from otslab.model import alignments as al
from otslab.views import alignments as views
from otslab.views.widgets import shown_text

DATA = REPO / "data"



def csv_rows(table: str) -> list[dict[str, str]]:
    """The raw rows of one CSV file, as the maintainer wrote them."""
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_status(country: str, org: str, year: int) -> str:
    """The status a state held at the end of a year, read from memberships.csv by hand."""
    found = [
        r["status"]
        for r in csv_rows("memberships")
        if r["country_id"] == country
        and r["org_id"] == org
        and r["start"]
        and int(r["start"][:4]) <= year
        and (not r["end"] or int(r["end"][:4]) > year)
    ]
    assert len(found) <= 1, f"overlapping rows for {country} {org} in {year}"
    return found[0] if found else ""


def year_of(value: object) -> int | None:
    """The year of a partial ISO date, or None when there is no date."""
    return int(value[:4]) if isinstance(value, str) else None


def small_tables(memberships: list[tuple], published: int | None = 2020) -> Tables:
    """A tiny data package: three states, two organisations, the given membership periods.

    Each period is (id, country, org, status, start, end, confidence).
    """
    rows = pd.DataFrame(
        memberships,
        columns=["membership_id", "country_id", "org_id", "status", "start", "end", "confidence"],
    )
    for col in ("start", "end"):
        rows[f"{col}_year"] = pd.array([year_of(v) for v in rows[col]], dtype="Int64")
        rows[f"{col}_earliest"] = pd.to_datetime(
            [f"{v}-01-01"[:10] if isinstance(v, str) else None for v in rows[col]]
        )
    rows["source_id"] = "R001"
    rows["locator"] = "§1 x, row 'y'"
    return Tables(
        countries=pd.DataFrame(
            {
                "country_id": ["AAA", "BBB", "CCC", "ZZZ"],
                "name": ["Aland", "Bland", "Cland", "Zland"],
                "role": ["ots_member", "ots_observer", "context", "mentioned"],
                "security_posture": ["non-aligned", None, None, None],
                "posture_source_id": ["S003", None, None, None],
            }
        ),
        organisations=pd.DataFrame(
            {
                "org_id": ["ALL", "PAC", "OFF"],
                "short_name": ["Alliance", "Pact", "Off"],
                "founded": ["1990", "2005", "1990"],
                "founded_year": pd.array([1990, 2005, 1990], dtype="Int64"),
                "in_matrix": [True, True, False],
            }
        ),
        memberships=rows,
        sources=pd.DataFrame(
            {"source_id": ["R001"], "published_year": pd.array([published], dtype="Int64")}
        ),
    )


SMALL = [
    ("M1", "AAA", "ALL", "member", "1995-05-01", "2010", "high"),
    ("M2", "AAA", "ALL", "suspended", "2010", None, "high"),
    ("M3", "BBB", "ALL", "member", "1999-12", None, "medium"),
    ("M4", "BBB", "PAC", "observer", None, None, "high"),
    ("M5", "CCC", "PAC", "member", "2005", None, "high"),
]


# --- the membership matrix and time travel -------------------------------------------------


def test_status_holds_from_its_start_year_to_the_year_before_its_end() -> None:
    """End-of-year rule: a row counts in its start year and stops counting in its end year."""
    tables = small_tables(SMALL)
    assert al.membership_matrix(tables, 1994).loc["AAA", "ALL"] == ""
    assert al.membership_matrix(tables, 1995).loc["AAA", "ALL"] == "member"
    assert al.membership_matrix(tables, 2009).loc["AAA", "ALL"] == "member"
    assert al.membership_matrix(tables, 2010).loc["AAA", "ALL"] == "suspended"
    assert al.membership_matrix(tables, 1999).loc["BBB", "ALL"] == "member"


def test_matrix_rows_and_columns_follow_roles_and_in_matrix() -> None:
    """Mentioned states and organisations not in the matrix are left out, in CSV order."""
    matrix = al.membership_matrix(small_tables(SMALL), 2020)
    assert matrix.index.tolist() == ["AAA", "BBB", "CCC"]
    assert matrix.columns.tolist() == ["ALL", "PAC"]


def test_unknown_start_is_unknown_before_the_source_and_marked_after() -> None:
    """A row without a start shows 'unknown' before its source's year, then its status, marked."""
    tables = small_tables(SMALL, published=2020)
    before = al.matrix_cells(tables, 2019).set_index(["country_id", "org_id"])
    after = al.matrix_cells(tables, 2020).set_index(["country_id", "org_id"])
    assert before.loc[("BBB", "PAC"), "status"] == al.UNKNOWN
    assert after.loc[("BBB", "PAC"), "status"] == "observer"
    assert after.loc[("BBB", "PAC"), "start_unknown"]
    assert not after.loc[("CCC", "PAC"), "start_unknown"]
    assert after.loc[("BBB", "ALL"), "medium"] and not after.loc[("CCC", "PAC"), "medium"]


def test_unknown_start_with_undated_source_stays_unknown() -> None:
    """If the source itself is undated, the status is never vouched for in any year."""
    tables = small_tables(SMALL, published=None)
    assert al.membership_matrix(tables, 2030).loc["BBB", "PAC"] == al.UNKNOWN


def test_founded_later_marks_organisations_that_do_not_exist_yet() -> None:
    """A column whose organisation was founded after the year is flagged."""
    cells = al.matrix_cells(small_tables(SMALL), 2000)
    later = cells.drop_duplicates("org_id").set_index("org_id")["founded_later"]
    assert later.to_dict() == {"ALL": False, "PAC": True}


def test_overlapping_periods_are_a_clear_error() -> None:
    """Two rows holding for one state and organisation in the same year name both rows."""
    bad = [*SMALL, ("M9", "AAA", "ALL", "observer", "2000", None, "high")]
    with pytest.raises(ValueError, match=r"rows M1, M9 all hold for \(AAA, ALL\)"):
        al.membership_matrix(small_tables(bad), 2005)


@pytest.mark.parametrize("year", ["2010", 2010.0, True])
def test_year_must_be_an_integer(year) -> None:
    """A year typed as text or float fails with a plain message."""
    with pytest.raises(TypeError, match="year must be an integer"):
        al.statuses_as_of(small_tables(SMALL), year)


def test_status_changes_cite_the_row_that_changed() -> None:
    """A change names before, after, the row's date and its source; an ending uses the end."""
    tables = small_tables(SMALL)
    changes = al.status_changes(tables, 2010).set_index(["state", "organisation"])
    row = changes.loc[("Aland", "Alliance")]
    assert (row["before"], row["after"], row["date"]) == ("member", "suspended", "2010")
    ended = small_tables([("M1", "AAA", "ALL", "member", "1995", "2001-03", "high")])
    gone = al.status_changes(ended, 2001).iloc[0]
    assert (gone["before"], gone["after"], gone["date"]) == ("member", "none", "2001-03")
    assert al.status_changes(tables, 2003).empty


def test_uzbekistan_in_and_out_of_the_csto(T) -> None:
    """The matrix follows the CSV rows: member in 2010, suspended in 2013 (and out in 2000)."""
    for year in (1995, 2000, 2010, 2013):
        assert al.membership_matrix(T, year).loc["UZB", "CSTO"] == csv_status("UZB", "CSTO", year)
    assert csv_status("UZB", "CSTO", 2010) != csv_status("UZB", "CSTO", 2013)
    suspension = next(
        r
        for r in csv_rows("memberships")
        if r["country_id"] == "UZB" and r["org_id"] == "CSTO" and not r["end"]
    )
    change = al.status_changes(T, int(suspension["start"][:4])).set_index(["state", "organisation"])
    assert change.loc[("Uzbekistan", "CSTO"), "date"] == suspension["start"]
    assert change.loc[("Uzbekistan", "CSTO"), "source_id"] == suspension["source_id"]


def test_hungary_joins_nato(T) -> None:
    """Hungary is not in NATO the year before its accession row starts, and is a member from it."""
    row = next(
        r for r in csv_rows("memberships") if r["country_id"] == "HUN" and r["org_id"] == "NATO"
    )
    joined = int(row["start"][:4])
    assert al.membership_matrix(T, joined - 1).loc["HUN", "NATO"] == ""
    assert al.membership_matrix(T, joined).loc["HUN", "NATO"] == row["status"] == "member"


def test_armenia_freezes_its_csto_role(T) -> None:
    """Armenia is a CSTO member until the freeze row's year, frozen from it."""
    frozen = next(
        r
        for r in csv_rows("memberships")
        if r["country_id"] == "ARM" and r["org_id"] == "CSTO" and r["status"] == "frozen"
    )
    year = int(frozen["start"][:4])
    assert al.membership_matrix(T, year - 1).loc["ARM", "CSTO"] == "member"
    assert al.membership_matrix(T, year).loc["ARM", "CSTO"] == "frozen"


def test_ots_grows_from_its_founders(T) -> None:
    """In its founding year the OTS has exactly the members whose rows start then; later more."""
    ots = [r for r in csv_rows("memberships") if r["org_id"] == "OTS"]
    founded = min(int(r["start"][:4]) for r in ots)
    founders = {r["country_id"] for r in ots if int(r["start"][:4]) == founded}
    first = al.membership_matrix(T, founded)["OTS"]
    assert set(first[first == "member"].index) == founders and len(founders) == 4
    assert (al.membership_matrix(T, founded - 1)["OTS"] == "").all()
    now = al.membership_matrix(T, al.current_year())["OTS"]
    assert set(now[now != ""].index) == {r["country_id"] for r in ots}
    assert (now == "member").sum() > len(founders)


def test_nam_observers_with_unknown_start(T) -> None:
    """Rows with an empty start show as unknown before their source's year, as status after."""
    published = {r["source_id"]: r["published"] for r in csv_rows("sources")}
    undated = [r for r in csv_rows("memberships") if not r["start"]]
    assert undated, "the data have rows with an unknown start"
    for row in undated:
        cell = row["country_id"], row["org_id"]
        if not published[row["source_id"]]:  # an undated source never vouches for a status
            assert al.membership_matrix(T, al.current_year()).loc[cell] == "unknown"
            continue
        year = int(published[row["source_id"]][:4])
        assert al.membership_matrix(T, year - 1).loc[cell] == "unknown"
        assert al.membership_matrix(T, year).loc[cell] == row["status"]


def test_state_over_years_shows_each_year_and_drops_empty_organisations(T) -> None:
    """Uzbekistan 2005-2013: one column per year, CSV statuses, no all-empty organisation rows."""
    years = range(2005, 2014)
    table = al.state_over_years(T, "UZB", years)
    assert table.columns.tolist() == list(years)
    short = {r["org_id"]: r["short_name"] for r in csv_rows("organisations")}
    for org, name in short.items():
        statuses = [csv_status("UZB", org, y) for y in years]
        if any(statuses):
            assert table.loc[name].tolist() == statuses, name
        else:
            assert name not in table.index
    with pytest.raises(ValueError, match="at least one year"):
        al.state_over_years(T, "UZB", [])
    with pytest.raises(ValueError, match="not a row of the membership matrix"):
        al.state_over_years(T, "GEO", [2005])


def test_membership_history_lists_every_period_with_its_source(T) -> None:
    """Uzbekistan's CSTO history names each CSV row's status and start in order."""
    history = al.membership_history(T, "UZB").set_index("org_id").loc["CSTO", "history"]
    rows = [
        r for r in csv_rows("memberships") if r["country_id"] == "UZB" and r["org_id"] == "CSTO"
    ]
    positions = [
        history.index(f"{r['status']} {'' if r['end'] else 'since '}{r['start']}") for r in rows
    ]
    assert positions == sorted(positions)
    assert all(f"({r['source_id']})" in history for r in rows)
    assert al.membership_history(T, "XNC").set_index("org_id").loc["NATO", "history"] == (
        "no status recorded"
    )
    with pytest.raises(ValueError, match="'XXX' is not a country_id"):
        al.membership_history(T, "XXX")


def test_describe_matrix_counts_what_the_grid_shows() -> None:
    """The text description counts statuses, unknown cells and medium-confidence statuses."""
    tables = small_tables(SMALL, published=2020)
    text = al.describe_matrix(al.matrix_cells(tables, 2019), 2019)
    assert "3 states by 2 organisations at the end of 2019: 3 cells show a status" in text
    assert "1 cell is unknown for this year" in text and "1 status rests on medium" in text


# --- similarity ------------------------------------------------------------------------------


def test_jaccard_hand_cases() -> None:
    """Shared over all distinct items; identical sets give 1; two empty sets give NaN."""
    a, b = frozenset({1, 2, 3}), frozenset({2, 3, 4})
    assert al.jaccard(a, b) == pytest.approx(2 / 4)
    assert al.jaccard(a, a) == 1.0
    assert al.jaccard(a, frozenset()) == 0.0
    assert math.isnan(al.jaccard(frozenset(), frozenset()))


def test_similarity_uses_current_ties_only() -> None:
    """Suspended ties and unknown cells do not count; (org, status) pairs must match exactly."""
    tables = small_tables([*SMALL, ("M6", "CCC", "ALL", "member", "2015", None, "high")])
    profiles = al.alignment_profiles(tables, 2012)
    assert profiles["AAA"] == frozenset()  # suspended only
    assert profiles["BBB"] == frozenset({("ALL", "member")})  # PAC observer not vouched yet
    early = al.similarity_matrix(tables, 2012)
    assert math.isnan(early.loc["AAA", "AAA"])
    assert early.loc["AAA", "BBB"] == 0.0
    later = al.similarity_matrix(tables, 2020)
    # BBB {ALL member, PAC observer} vs CCC {PAC member, ALL member}: 1 shared of 3 distinct
    assert later.loc["BBB", "CCC"] == pytest.approx(1 / 3)
    pd.testing.assert_frame_equal(later, later.T, check_names=False)


def test_similarity_of_real_states_matches_a_hand_count(T) -> None:
    """Kazakhstan vs Uzbekistan: shared (org, status) ties over all ties, counted from the CSV."""
    year = 2013
    ties = {}
    for state in ("KAZ", "UZB"):
        ties[state] = {
            (org, status)
            for org in {r["org_id"] for r in csv_rows("memberships")}
            if (status := csv_status(state, org, year)) in al.TIE_STATUSES
        }
    expected = len(ties["KAZ"] & ties["UZB"]) / len(ties["KAZ"] | ties["UZB"])
    assert al.similarity_matrix(T, year).loc["KAZ", "UZB"] == pytest.approx(expected)
    ranking = al.similarity_ranking(T, "KAZ", year).set_index("state")
    assert ranking.loc["Uzbekistan", "similarity"] == round(expected, 2)
    assert "Kazakhstan" not in ranking.index
    assert ranking["similarity"].is_monotonic_decreasing


# --- foreign bases and commitments ----------------------------------------------------------


def bases_tables(with_host: bool = True) -> Tables:
    """One basing event between a foreign state and a host, and one event of another domain."""
    roles = ["party", "host" if with_host else "party", "party"]
    return Tables(
        events=pd.DataFrame(
            {
                "event_id": ["E1", "E2"],
                "date": ["2003-09-22", "2010"],
                "date_year": pd.array([2003, 2010], dtype="Int64"),
                "title": ["Base deal", "Trade deal"],
                "domain": ["basing", "political"],
                "source_id": ["R001", "R001"],
                "locator": ["x", "y"],
            }
        ),
        event_participants=pd.DataFrame(
            {"event_id": ["E1", "E1", "E2"], "country_id": ["BIG", "AAA", "AAA"], "role": roles}
        ),
        countries=pd.DataFrame(
            {"country_id": ["BIG", "AAA"], "name": ["Bigland", "Aland"], "role": ["context"] * 2}
        ),
    )


def test_foreign_bases_take_host_and_foreign_state_from_the_roles() -> None:
    """The host is the 'host' participant, the foreign state the other party; a year filters."""
    bases = al.foreign_bases(bases_tables())
    assert bases[["country_id", "host", "foreign state", "date"]].values.tolist() == [
        ["AAA", "Aland", "Bigland", "2003-09-22"]
    ]
    assert al.foreign_bases(bases_tables(), 2002).empty
    with pytest.raises(ValueError, match="basing event E1 has no participant with role 'host'"):
        al.foreign_bases(bases_tables(with_host=False))


def test_real_foreign_bases_come_from_the_basing_events(T) -> None:
    """Every basing event appears once per host, and hosts match event_participants.csv."""
    basing = {r["event_id"] for r in csv_rows("events") if r["domain"] == "basing"}
    hosts = {
        (r["event_id"], r["country_id"])
        for r in csv_rows("event_participants")
        if r["event_id"] in basing and r["role"] == "host"
    }
    bases = al.foreign_bases(T)
    assert set(zip(bases["event_id"], bases["country_id"], strict=True)) == hosts


def test_every_commitment_names_its_parties_exactly_one_way(T) -> None:
    """The data keep the rule; a row with two links is a clear error naming its line."""
    rows = csv_rows("commitments")
    assert all(sum(bool(r[c]) for c in ("country_id", "org_id", "event_id")) == 1 for r in rows)
    broken = Tables(T)
    broken["commitments"] = T.commitments.copy()
    broken.commitments.loc[0, "event_id"] = "E011"
    with pytest.raises(ValueError, match=r"commitments.csv line 2 \(K001\): fill exactly one"):
        al.commitment_parties(broken, 2020)


def expected_commitments(T, country: str, year: int) -> set[str]:
    """Commitment ids binding a state, worked out from the CSV rows by the documented rule."""
    events = {r["event_id"]: r for r in csv_rows("events")}
    parties = {
        r["event_id"]
        for r in csv_rows("event_participants")
        if r["country_id"] == country and r["role"] == "party"
    }
    found = set()
    for row in csv_rows("commitments"):
        if row["country_id"] == country:
            found.add(row["commitment_id"])
        elif row["org_id"] and csv_status(country, row["org_id"], year) in al.BOUND_STATUSES:
            found.add(row["commitment_id"])
        elif row["event_id"] in parties:
            date = events[row["event_id"]]["date"]
            if not date or int(date[:4]) <= year:
                found.add(row["commitment_id"])
    return found


@pytest.mark.parametrize("country", ["TUR", "AZE", "KAZ", "KGZ", "UZB", "HUN", "TKM", "XNC"])
def test_cross_pressures_follow_the_documented_rule(T, country: str) -> None:
    """Each OTS state's commitments are those the CSV rows bind it to, plus its foreign bases."""
    year = al.current_year()
    rows = al.cross_pressures(T, country, year)
    listed = set(rows.loc[rows["form"] != "basing agreement", "commitment_id"])
    assert listed == expected_commitments(T, country, year)
    base_events = {
        r["event_id"]
        for r in csv_rows("event_participants")
        if r["country_id"] == country and r["role"] == "host"
    } & {r["event_id"] for r in csv_rows("events") if r["domain"] == "basing"}
    assert (rows["form"] == "basing agreement").sum() == len(base_events)
    ranks = rows["effect"].map(al.EFFECTS.index)
    assert ranks.is_monotonic_increasing, "hardest effect first"


def test_commitments_follow_membership_over_time(T) -> None:
    """CSTO clauses bind Uzbekistan while it is a member, not once it is suspended."""
    csto = {r["commitment_id"] for r in csv_rows("commitments") if r["org_id"] == "CSTO"}
    assert csto
    in_2010 = set(al.cross_pressures(T, "UZB", 2010)["commitment_id"])
    in_2013 = set(al.cross_pressures(T, "UZB", 2013)["commitment_id"])
    assert csto <= in_2010 and not csto & in_2013


def test_cross_pressure_grid_has_one_column_per_ots_state(T) -> None:
    """Columns are the OTS members and observers; 'rules out' rows come first; bases share a row."""
    grid = al.cross_pressure_grid(T)
    ots = [r["country_id"] for r in csv_rows("countries") if r["role"].startswith("ots_")]
    assert grid.columns.tolist() == ots
    first_other = next(
        i for i, n in enumerate(grid.index) if not (grid.loc[n] == "rules out").any()
    )
    assert all(not (grid.loc[n] == "rules out").any() for n in grid.index[first_other:])
    assert grid.index.tolist().count(al.BASE_NAME) == 1
    for state in ots:
        cells = set(grid[state]) - {""}
        assert cells == set(al.cross_pressures(T, state)["effect"])


def test_compare_states_puts_two_states_side_by_side(T) -> None:
    """One row per matrix organisation plus the extra aspects; 'differs' follows today's status."""
    table = al.compare_states(T, "KAZ", "UZB")
    orgs = [r["short_name"] for r in csv_rows("organisations") if r["in_matrix"] == "true"]
    assert table["aspect"].tolist()[: len(orgs)] == orgs
    now = al.current_year()
    for row in table.head(len(orgs)).itertuples():
        org = next(r["org_id"] for r in csv_rows("organisations") if r["short_name"] == row.aspect)
        same = csv_status("KAZ", org, now) == csv_status("UZB", org, now)
        assert row.differ == ("same" if same else "differs"), row.aspect
    assert list(table.columns) == ["aspect", "Kazakhstan", "Uzbekistan", "differ"]
    with pytest.raises(ValueError, match="pick two different states"):
        al.compare_states(T, "KAZ", "KAZ")


# --- figures ---------------------------------------------------------------------------------


def test_matrix_grid_has_title_legend_source_and_a_status_per_cell(T) -> None:
    """The grid is titled, cites its sources, has a legend, writes each status, hatches unknowns."""
    html = views.membership_grid(T, 2013).data
    assert "end of 2013" in html
    assert all(source in html for source in al.statuses_as_of(T, 2013)["source_id"])
    assert "start date unknown" in html and "medium confidence" in html
    matrix = al.membership_matrix(T, 2013)
    shown = [(*key.split(), text) for key, _a, text, _p in grid_cells.cells(html, "data-cell")]
    assert len(shown) == matrix.size
    assert [text for *_, text in shown].count("suspended") == (matrix == "suspended").sum().sum()
    assert cell_text(html, "UZB", "CSTO") == "suspended"
    cells = al.matrix_cells(T, 2013)
    hatched = re.findall(r'data-cell="(\w+ \w+)"[^>]*repeating-linear-gradient', html)
    assert len(hatched) == (cells["start_unknown"] & (cells["status"] != al.UNKNOWN)).sum()
    now = al.current_year()
    hatched = re.findall(
        r'data-cell="(\w+ \w+)"[^>]*repeating-linear-gradient', views.membership_grid(T, now).data
    )
    cells = al.matrix_cells(T, now)
    assert len(hatched) == (cells["start_unknown"] & (cells["status"] != al.UNKNOWN)).sum() > 0


@pytest.mark.parametrize("year", [2013, 2026])
def test_similarity_grid_shows_each_pair_and_opens_the_ties_behind_it(T, year) -> None:
    """Every pair once (lower triangle), its score as the ranking gives it, and a panel naming
    the ties the two share and those only one holds; title, key and sources as for a figure."""
    grid = views.similarity_html(T, year).data
    names = al.matrix_states(T).set_index("country_id")["name"]
    cells = grid_cells.cells(grid, "data-pair")
    assert len(cells) == len(names) * (len(names) - 1) // 2
    for pair, _attrs, text, panel in cells:
        other, state = pair.split()
        ranking = al.similarity_ranking(T, state, year).set_index("state")
        row = ranking.loc[names[other]]
        if math.isnan(row["similarity"]):
            assert text == "no ties" and "neither holds a current tie" in html.unescape(panel)
        else:
            assert float(text) == pytest.approx(row["similarity"], abs=0.005)
        assert f"shared {row['shared ties']};" in html.unescape(panel)
        assert f"only {names[state]}: {row[f'only {names[state]}']}" in html.unescape(panel)
    assert f"Jaccard similarity {al.as_of(year)}" in grid and "Source: R0" in grid
    assert "0 = no tie in common, 1 = the same ties" in grid


def test_cross_pressure_grid_opens_each_clash_with_its_source(T) -> None:
    """One cell per commitment and OTS state; each filled cell opens its effect and source."""
    html = views.cross_pressure_html(T).data
    grid = al.cross_pressure_grid(T)
    cells = grid_cells.cells(html, "data-cell")
    assert len(cells) == grid.size
    assert [text for _s, _a, text, _p in cells] == [e for _, row in grid.iterrows() for e in row]
    kaz = al.cross_pressures(T, "KAZ")
    csto = kaz[kaz["commitment_id"] == "K001"].iloc[0]
    attrs, panel = next((a, p) for s, a, _t, p in cells if s == "KAZ" and escape(csto["name"]) in p)
    assert csto["source_id"] in panel and f'data-effect="{csto["effect"]}"' in attrs
    assert len(grid_cells.panels(html)) == int((grid != "").sum().sum())
    assert html.count("Show as a table") == 1
    assert "Turkmenistan" in html and "Source: S0" in html


# --- widget views ----------------------------------------------------------------------------


def cell_text(html: str, country: str, org: str) -> str:
    """The text of one cell of the HTML matrix."""
    match = re.search(rf'data-cell="{country} {org}"[^>]*>([^<]*)</td>', grid_cells.shown(html))
    assert match, f"no cell {country} {org}"
    return match.group(1)


def test_explorer_year_changes_the_right_cells(T) -> None:
    """Choosing a year redraws the grid: Uzbekistan's CSTO cell follows the CSV rows."""
    view = views.membership_explorer(T)
    slider, output = view.children[0].children[0], view.children[1]
    assert slider.years == list(range(al.FIRST_YEAR, al.current_year() + 1))
    slider.value = 2010
    text = shown_text(output)
    assert cell_text(text, "UZB", "CSTO") == csv_status("UZB", "CSTO", 2010)
    slider.value = 2013
    text = shown_text(output)
    assert cell_text(text, "UZB", "CSTO") == csv_status("UZB", "CSTO", 2013)
    assert cell_text(text, "HUN", "NATO") == csv_status("HUN", "NATO", 2013)
    slider.value = 1998
    assert cell_text(shown_text(output), "HUN", "NATO") == ""
    slider.later.click()  # as a student presses Later: 1999, the year Hungary joined NATO
    assert slider.choice.value == 1999
    assert cell_text(shown_text(output), "HUN", "NATO") == csv_status("HUN", "NATO", 1999)


def test_explorer_lists_the_changes_of_the_year(T) -> None:
    """Under the grid, the year's changes with the date and source of the CSV row."""
    view = views.membership_explorer(T)
    slider, output = view.children[0].children[0], view.children[1]
    frozen = next(r for r in csv_rows("memberships") if r["status"] == "frozen")
    slider.value = int(frozen["start"][:4])
    text = shown_text(output)
    assert f"What changed during {slider.value}" in text
    assert frozen["start"] in text and "frozen" in text


def test_explorer_organisation_filter_and_empty_selection(T) -> None:
    """Picking organisations keeps only their columns; picking none shows a hint."""
    view = views.membership_explorer(T)
    chosen, output = view.children[0].children[1], view.children[1]
    chosen.value = ("CSTO", "NATO")
    text = shown_text(output)
    assert set(re.findall(r'data-cell="\w+ (\w+)"', text)) == {"CSTO", "NATO"}
    chosen.value = ()
    text = shown_text(output)
    assert "otslab-hint" in text and "Pick at least one organisation" in text
    assert "Traceback" not in text


def test_compare_view_follows_the_dropdowns_and_hints_on_identical(T) -> None:
    """Changing a dropdown shows that state's column; picking the same state twice hints."""
    view = views.compare_view(T, "KAZ", "UZB")
    (left, right), output = view.children[0].children, view.children[1]
    assert "Kazakhstan and Uzbekistan" in shown_text(output)
    left.value = "HUN"
    text = shown_text(output)
    assert "Hungary and Uzbekistan" in text and "NATO" in text
    hun_nato = next(
        r for r in csv_rows("memberships") if r["country_id"] == "HUN" and r["org_id"] == "NATO"
    )
    assert f"member since {hun_nato['start']}" in text
    right.value = "HUN"
    text = shown_text(output)
    assert "otslab-hint" in text and "two different states" in text


def test_similarity_view_ranks_and_hints_when_a_state_has_no_tie(T) -> None:
    """The ranking follows the dropdown and the year; a state without ties gets a hint."""
    view = views.similarity_view(T, "KAZ", 2013)
    (state, slider), output = view.children[0].children, view.children[1]
    assert "ties are to Kazakhstan&#39;s, at the end of 2013" in shown_text(output)
    xnc = next(r for r in csv_rows("memberships") if r["country_id"] == "XNC")
    state.value = "XNC"
    slider.value = int(xnc["start"][:4]) - 1
    assert "holds no current tie" in shown_text(output)
    slider.value = int(xnc["start"][:4])
    assert "ranked by how alike" in shown_text(output)


def test_cross_pressure_view_follows_the_dropdown(T) -> None:
    """Each OTS state shows its own commitments; a state with none gets a hint."""
    view = views.cross_pressure_view(T, "KAZ")
    state, output = view.children
    commitments = {r["commitment_id"]: r["name"] for r in csv_rows("commitments")}
    year = al.current_year()
    for country in ("TKM", "UZB"):
        state.value = country
        text = html.unescape(shown_text(output))
        for cid in expected_commitments(T, country, year):
            assert commitments[cid] in text, (country, cid)
    state.value = "XNC"
    assert expected_commitments(T, "XNC", year) == set()
    assert "otslab-hint" in shown_text(output)


def small_record(tmp_path, event_dates: list[str], published: list[str]) -> None:
    """A data folder holding only the two columns the record's closing date is read from."""
    pd.DataFrame(
        {"event_id": [f"E{i:03d}" for i in range(len(event_dates))], "date": event_dates}
    ).to_csv(tmp_path / "events.csv", index=False)
    pd.DataFrame(
        {"source_id": [f"S{i:03d}" for i in range(len(published))], "published": published}
    ).to_csv(tmp_path / "sources.csv", index=False)


def test_record_closes_at_its_latest_dated_event_or_source(tmp_path) -> None:
    """The closing date is the latest date in the record, as precise as given; undated rows skip."""
    small_record(tmp_path, ["2018-08-12", "2019-05", "", "2017"], ["2019-04-30", ""])
    assert al.record_closes(tmp_path) == "2019-05"
    assert al.closing_in_words(tmp_path) == "May 2019"
    small_record(tmp_path, ["2018-08-12"], ["2019-11-07"])
    assert al.closing_in_words(tmp_path) == "7 November 2019"


def test_current_year_stops_at_the_record(tmp_path) -> None:
    """A record that closes in 2019 shows 2019 as its last year, not this calendar year."""
    small_record(tmp_path, ["2012-12-19", "2019-05"], [""])
    assert al.current_year(tmp_path) == 2019
    small_record(tmp_path, ["3000-01"], [""])
    assert al.current_year(tmp_path) == date.today().year


def test_record_without_dates_is_an_error(tmp_path) -> None:
    """No dated row at all gives a clear error naming the folder."""
    small_record(tmp_path, [""], [""])
    with pytest.raises(ValueError, match="no dated event or source"):
        al.current_year(tmp_path)


def test_views_name_the_last_year_after_the_record_close(T) -> None:
    """The course record closes with its latest row; the views name that date in words."""
    latest = max(
        [r["date"] for r in csv_rows("events") if r["date"]]
        + [r["published"] for r in csv_rows("sources") if r["published"]]
    )
    assert al.current_year() == min(int(latest[:4]), date.today().year)
    grid = views.membership_grid(T, al.current_year()).data
    assert f"as of {al.closing_in_words()}, when the record closes" in html.unescape(grid)


def test_record_note_names_the_closing_date(tmp_path) -> None:
    """The note at the top of each notebook gives the closing date and the last year shown."""
    small_record(tmp_path, ["2019-05"], ["2018"])
    note = al.record_note(tmp_path)
    assert "closes in May 2019" in note and "last year the views show is 2019" in note
