"""A first look at the data package: what each table holds and how events spread over time."""

from __future__ import annotations

import pandas as pd

from otslab.data import Tables, read_descriptor


def table_summary(tables: Tables) -> pd.DataFrame:
    """One row per table: its name, title, number of rows and columns, and what it holds."""
    resources = {r["name"]: r for r in read_descriptor()["resources"]}
    rows = []
    for name, frame in tables.items():
        fields = resources[name]["schema"]["fields"]
        rows.append(
            {
                "table": name,
                "rows": len(frame),
                "columns": len(fields),
                "what it holds": resources[name]["description"],
            }
        )
    return pd.DataFrame(rows)


def events_per_year(events: pd.DataFrame, first_year: int | None = None) -> pd.DataFrame:
    """Count dated events per year and kind (years as rows, kinds as columns, zeros filled)."""
    dated = events.dropna(subset=["date_year"])
    if first_year is not None:
        dated = dated[dated["date_year"] >= first_year]
    if dated.empty:
        return pd.DataFrame(columns=events["kind"].cat.categories, dtype="int64")
    counts = pd.crosstab(dated["date_year"].astype(int), dated["kind"])
    years = range(counts.index.min(), counts.index.max() + 1)
    kinds = [k for k in events["kind"].cat.categories if k in counts.columns]
    return counts.reindex(index=years, columns=kinds, fill_value=0).rename_axis("year")


def undated_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events whose date no source gives."""
    return events[events["date_year"].isna()]


def describe_events_per_year(counts: pd.DataFrame, events: pd.DataFrame) -> str:
    """A few sentences a screen reader can read in place of the events-per-year chart."""
    undated = len(undated_events(events))
    if counts.empty:
        return f"No dated events in this period. {undated} events have no known date."
    totals = counts.sum(axis=1)
    busiest = int(totals.idxmax())
    top_kind = counts.loc[busiest].idxmax()
    earlier = int((events["date_year"] < counts.index.min()).sum())
    return (
        f"Stacked bar chart of {int(totals.sum())} dated events from {counts.index.min()} to "
        f"{counts.index.max()}. The busiest year is {busiest} with {int(totals[busiest])} events, "
        f"most often of kind '{top_kind}'. Not shown: {earlier} earlier events and {undated} "
        "events with no known date."
    )


def search_rows(frame: pd.DataFrame, text: str, column: str | None = None) -> pd.DataFrame:
    """Rows in which any cell (or the cell of one column) contains text, ignoring case; all rows
    when text is blank."""
    text = text.strip()
    if not text:
        return frame
    cells = (frame if column is None else frame[[column]]).astype(str)
    mask = cells.apply(lambda col: col.str.contains(text, case=False, regex=False)).any(axis=1)
    return frame[mask]
