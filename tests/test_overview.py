"""Unit tests for otslab.model.overview and otslab.views.plots."""

import pandas as pd
import pytest

from otslab.data import load_tables
from otslab.model.overview import (
    describe_events_per_year,
    events_per_year,
    search_rows,
    table_summary,
    undated_events,
)
from otslab.views.plots import plot_events_per_year, source_ids_of, to_png

KINDS = ["agreement", "exercise", "statement"]


def events(*rows: tuple[str, int | None]) -> pd.DataFrame:
    """A tiny events table of (kind, year) rows."""
    return pd.DataFrame(
        {
            "kind": pd.Categorical([k for k, _ in rows], categories=KINDS),
            "date_year": pd.array([y for _, y in rows], dtype="Int64"),
            "source_id": ["S003"] * len(rows),
        }
    )


def test_events_per_year_fills_gaps_with_zero() -> None:
    """Years without events appear with zeros; undated events are left out."""
    counts = events_per_year(
        events(("agreement", 2020), ("exercise", 2022), ("exercise", 2022), ("statement", None))
    )
    assert counts.index.tolist() == [2020, 2021, 2022]
    assert counts.loc[2021].sum() == 0
    assert counts.loc[2022, "exercise"] == 2
    assert "statement" not in counts.columns


def test_events_per_year_from_a_year_after_all_data_is_empty() -> None:
    """A first year after every event gives an empty table and a plain description."""
    table = events(("agreement", 2020))
    counts = events_per_year(table, first_year=2030)
    assert counts.empty
    assert describe_events_per_year(counts, table).startswith("No dated events")


def test_description_counts_what_the_chart_leaves_out() -> None:
    """The text description names the busiest year and the events not drawn."""
    table = events(("agreement", 2008), ("exercise", 2020), ("exercise", 2020), ("statement", None))
    text = describe_events_per_year(events_per_year(table, first_year=2010), table)
    assert "2 dated events from 2020 to 2020" in text
    assert "busiest year is 2020 with 2 events" in text and "'exercise'" in text
    assert "1 earlier events and 1 events with no known date" in text
    assert len(undated_events(table)) == 1


def test_search_rows_is_case_insensitive_and_blank_keeps_all() -> None:
    """Search matches any cell, ignoring case; a blank search keeps every row."""
    frame = pd.DataFrame({"a": ["Uzbekistan", "Kazakhstan"], "b": [1, 2]})
    assert search_rows(frame, "uzbek")["a"].tolist() == ["Uzbekistan"]
    assert len(search_rows(frame, "  ")) == 2
    assert search_rows(frame, "2")["a"].tolist() == ["Kazakhstan"]


def test_table_summary_counts_rows_of_every_table() -> None:
    """One summary row per table with its true row count."""
    T = load_tables()
    summary = table_summary(T).set_index("table")
    assert set(summary.index) == set(T)
    assert summary.loc["events", "rows"] == len(T.events)


def test_source_ids_put_seed_texts_before_references() -> None:
    """Figures cite S-sources first, then R-references."""
    frame = pd.DataFrame({"source_id": ["R001", "S003", "S000", "R001", None]})
    assert source_ids_of(frame) == ["S000", "S003", "R001"]


@pytest.mark.parametrize("first_year", [None, 2021])
def test_plot_events_per_year_draws_one_bar_series_per_kind(first_year) -> None:
    """The chart has a title, labelled axes, a legend of kinds and a source note; it renders."""
    table = events(("agreement", 2020), ("exercise", 2022), ("exercise", 2022))
    counts = events_per_year(table, first_year=first_year)
    fig = plot_events_per_year(counts, title="T", source_ids=["S003"])
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Year", "Number of events")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(counts.columns)
    assert any("Source: S003" in t.get_text() for t in fig.texts)
    assert to_png(fig).startswith(b"\x89PNG")
