"""Who belonged to what, and when: membership matrices, alignment similarity, cross-pressures."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import pandas as pd

from otslab.data import DATA_DIR, Tables

FIRST_YEAR = 1991
"""First year of the time-travel views: the Soviet Union dissolved and the CIS was founded."""

UNKNOWN = "unknown"
"""Status shown before the source's date for a row whose start the sources do not give."""

NO_STATUS = ""
"""Matrix value where data/memberships.csv records no status."""

BOUND_STATUSES = ("member", "recognised")
"""Statuses by which an organisation's commitments bind a state (not observers or partners)."""

TIE_STATUSES = (
    "member",
    "observer",
    "partner",
    "associate",
    "candidate",
    "signatory",
    "recognised",
)
"""Statuses that count as a current tie when comparing profiles (suspended, frozen, withdrawn
mark ties a state has stepped back from, so they do not count)."""

EFFECTS = ("rules out", "limits", "pulls elsewhere")
"""How a commitment bears on a collective-defence clause, from hardest to softest."""

BASE_NAME = "Foreign military base on its soil"
"""Row label of the derived basing commitment in the cross-pressure grid."""

BASE_CONFLICT = (
    "Forces of {foreign} are stationed on its soil under this agreement; {foreign}'s interests "
    "would weigh on any promise to defend OTS partners."
)
"""How a foreign base bears on a collective-defence clause ({foreign}: the foreign state)."""


MONTHS = (
    "January February March April May June July August September October November December".split()
)


def record_closes(data_dir: Path = DATA_DIR) -> str:
    """The date the record closes: its latest dated event or publication (ISO, as given).

    Read again only when either file changes (views ask for it at every redraw)."""
    files = [Path(data_dir) / "events.csv", Path(data_dir) / "sources.csv"]
    return _latest_date(tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files))


@functools.lru_cache(maxsize=16)
def _latest_date(files: tuple[tuple[str, int, int], ...]) -> str:
    """The latest date in events.csv and sources.csv, given with their change time and size."""
    (events, *_), (sources, *_) = files
    dates = [
        *pd.read_csv(events, usecols=["date"], dtype=str)["date"].dropna(),
        *pd.read_csv(sources, usecols=["published"], dtype=str)["published"].dropna(),
    ]
    if not dates:
        folder = Path(events).parent
        raise ValueError(f"no dated event or source in {folder}: the record has no closing date")
    return max(dates)


def closing_in_words(data_dir: Path = DATA_DIR) -> str:
    """The record's closing date in words: 'April 2026' (or '7 January 2026', or '2026')."""
    parts = [int(part) for part in record_closes(data_dir).split("-")]
    words = [str(parts[2])] if len(parts) == 3 else []
    words += [MONTHS[parts[1] - 1]] if len(parts) >= 2 else []
    return " ".join([*words, str(parts[0])])


def current_year(data_dir: Path = DATA_DIR) -> int:
    """The last year the views show: the year the record closes, never a later calendar year."""
    return min(date.today().year, int(record_closes(data_dir)[:4]))


def record_note(data_dir: Path = DATA_DIR) -> str:
    """One sentence for the top of a notebook: when the record closes, and what 'now' means."""
    closes = closing_in_words(data_dir)
    return (
        f"The record closes in {closes}: nothing later is in the data, so the last year the views "
        f"show is {current_year(data_dir)}, and 'now' or 'today' in this notebook means {closes}."
    )


def _check_year(year: int) -> None:
    """Reject a year that is not a plain integer."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an integer such as 2013, not {year!r}")


def check_country(tables: Tables, country_id: str) -> None:
    """Reject a country id that data/countries.csv does not know."""
    if country_id not in set(tables.countries["country_id"]):
        raise ValueError(f"'{country_id}' is not a country_id in data/countries.csv")


def matrix_states(tables: Tables) -> pd.DataFrame:
    """The matrix rows: every state with a role other than 'mentioned', in countries.csv order."""
    states = tables.countries[tables.countries["role"] != "mentioned"]
    return states[["country_id", "name", "role"]].reset_index(drop=True)


def matrix_organisations(tables: Tables) -> pd.DataFrame:
    """The matrix columns: organisations with in_matrix true, in organisations.csv order."""
    orgs = tables.organisations[tables.organisations["in_matrix"]]
    return orgs[["org_id", "short_name", "founded", "founded_year"]].reset_index(drop=True)


def statuses_as_of(tables: Tables, year: int) -> pd.DataFrame:
    """Each status held at the end of a year (31 December), with the membership row behind it.

    A period holds if it started in or before the year and did not end in or before it; this
    rule needs only the year, so it works for every date precision. A row without a start date
    is vouched for only from its source's publication year: before that it shows as 'unknown'.
    """
    _check_year(year)
    rows = tables.memberships
    published = tables.sources.set_index("source_id")["published_year"]
    start_unknown = rows["start_year"].isna()
    started = rows["start_year"].le(year).fillna(False).astype(bool)
    not_ended = rows["end_year"].isna() | rows["end_year"].gt(year).fillna(False).astype(bool)
    held = rows[(started | start_unknown) & not_ended].copy()
    held["start_unknown"] = held["start_year"].isna()
    vouched = held["source_id"].map(published).le(year).fillna(False).astype(bool)
    held["shown"] = held["status"].astype(str).where(~held["start_unknown"] | vouched, UNKNOWN)
    clashes = held[held.duplicated(["country_id", "org_id"], keep=False)]
    if not clashes.empty:
        first = clashes.iloc[0]
        ids = clashes.query("country_id == @first.country_id and org_id == @first.org_id")
        raise ValueError(
            f"data/memberships.csv rows {', '.join(ids['membership_id'])} all hold for "
            f"({first['country_id']}, {first['org_id']}) at the end of {year}: "
            "periods of the same state and organisation must not overlap"
        )
    columns = ["membership_id", "country_id", "org_id", "status", "shown", "start_unknown"]
    columns += ["start", "end", "confidence", "source_id", "locator"]
    return held[columns].reset_index(drop=True)


def matrix_cells(tables: Tables, year: int) -> pd.DataFrame:
    """One row per matrix cell (state x organisation) at the end of a year, empty cells included.

    Columns: ids and display names, `status` (NO_STATUS, UNKNOWN or a status), `start_unknown`,
    `medium` (medium confidence), `founded_year` and `founded_later` (organisation founded after
    the year), and the membership row with its source.
    """
    states, orgs = matrix_states(tables), matrix_organisations(tables)
    grid = states.merge(orgs, how="cross").rename(
        columns={"name": "state", "short_name": "organisation"}
    )
    held = statuses_as_of(tables, year).drop(columns="status").rename(columns={"shown": "status"})
    cells = grid.merge(held, on=["country_id", "org_id"], how="left")
    cells["status"] = cells["status"].fillna(NO_STATUS)
    cells["start_unknown"] = cells["start_unknown"].fillna(False).astype(bool)
    cells["medium"] = cells["confidence"].astype(str).eq("medium")
    cells["founded_later"] = cells["founded_year"].gt(year).fillna(False).astype(bool)
    return cells.drop(columns=["founded", "confidence"])


def membership_matrix(tables: Tables, year: int) -> pd.DataFrame:
    """States x organisations (ids) with each state's status at the end of a year; '' = none."""
    cells = matrix_cells(tables, year)
    matrix = cells.pivot(index="country_id", columns="org_id", values="status")
    matrix = matrix.loc[matrix_states(tables)["country_id"], matrix_organisations(tables)["org_id"]]
    matrix.index.name, matrix.columns.name = "country_id", "org_id"
    return matrix


def state_over_years(tables: Tables, country_id: str, years: list[int] | range) -> pd.DataFrame:
    """One state's status per matrix organisation (rows) at the end of each year (columns).

    Organisations where it held no status in any of those years are left out.
    """
    check_country(tables, country_id)
    if country_id not in set(matrix_states(tables)["country_id"]):
        raise ValueError(f"'{country_id}' is not a row of the membership matrix")
    years = list(years)
    if not years:
        raise ValueError("give at least one year")
    frame = pd.DataFrame({year: membership_matrix(tables, year).loc[country_id] for year in years})
    frame = frame[(frame != NO_STATUS).any(axis=1)]
    frame.index = frame.index.map(matrix_organisations(tables).set_index("org_id")["short_name"])
    frame.index.name = "organisation"
    return frame


def status_changes(tables: Tables, year: int) -> pd.DataFrame:
    """The matrix cells whose status changed during a year, with the dated row and its source."""
    before = matrix_cells(tables, year - 1).set_index(["country_id", "org_id"])
    after = matrix_cells(tables, year).set_index(["country_id", "org_id"])
    changed = after[after["status"] != before["status"]].index
    ended = tables.memberships[tables.memberships["end_year"] == year].set_index(
        ["country_id", "org_id"]
    )
    rows = []
    for key in changed:
        now = after.loc[key]
        if now["status"] not in (NO_STATUS, UNKNOWN) and not now["start_unknown"]:
            when, source, locator = now["start"], now["source_id"], now["locator"]
        elif now["start_unknown"]:
            when, source, locator = (
                f"start not in the sources; {now['source_id']} vouches for it from {year}",
                now["source_id"],
                now["locator"],
            )
        else:
            last = ended.loc[[key]].iloc[-1]
            when, source, locator = last["end"], last["source_id"], last["locator"]
        rows.append(
            {
                "state": now["state"],
                "organisation": now["organisation"],
                "before": before.loc[key, "status"] or "none",
                "after": now["status"] or "none",
                "date": when,
                "source_id": source,
                "locator": locator,
            }
        )
    return pd.DataFrame(
        rows, columns=["state", "organisation", "before", "after", "date", "source_id", "locator"]
    )


def _period(row: pd.Series) -> str:
    """One membership period in words: status, dates, confidence and source id."""
    start = row["start"] if pd.notna(row["start"]) else "an unknown date"
    span = f"since {start}" if pd.isna(row["end"]) else f"{start} to {row['end']}"
    medium = ", medium confidence" if row["confidence"] == "medium" else ""
    return f"{row['status']} {span} ({row['source_id']}{medium})"


def membership_history(tables: Tables, country_id: str) -> pd.DataFrame:
    """Every matrix organisation with one state's periods in it, oldest first, in words."""
    check_country(tables, country_id)
    rows = tables.memberships[tables.memberships["country_id"] == country_id]
    rows = rows.sort_values("start_earliest", na_position="first")
    history = rows.groupby("org_id")[rows.columns].apply(
        lambda g: "; ".join(_period(r) for _, r in g.iterrows())
    )
    orgs = matrix_organisations(tables)
    return pd.DataFrame(
        {
            "org_id": orgs["org_id"],
            "organisation": orgs["short_name"],
            "history": orgs["org_id"].map(history).fillna("no status recorded"),
        }
    )


def alignment_profiles(tables: Tables, year: int) -> dict[str, frozenset[tuple[str, str]]]:
    """Each matrix state's (organisation, status) ties at the end of a year (current ties only)."""
    cells = matrix_cells(tables, year)
    ties = cells[cells["status"].isin(TIE_STATUSES)]
    return {
        state: frozenset(zip(group["org_id"], group["status"], strict=True))
        for state, group in ties.groupby("country_id")
    } | {
        state: frozenset()
        for state in matrix_states(tables)["country_id"]
        if state not in set(ties["country_id"])
    }


def jaccard(first: frozenset, second: frozenset) -> float:
    """Shared items divided by all distinct items; NaN when both sets are empty."""
    union = first | second
    return len(first & second) / len(union) if union else float("nan")


def similarity_matrix(tables: Tables, year: int) -> pd.DataFrame:
    """States x states: Jaccard similarity of their (organisation, status) ties at a year's end."""
    profiles = alignment_profiles(tables, year)
    states = list(matrix_states(tables)["country_id"])
    values = [[jaccard(profiles[a], profiles[b]) for b in states] for a in states]
    return pd.DataFrame(values, index=pd.Index(states, name="country_id"), columns=states)


def ties_in_words(ties: frozenset, names: dict[str, str]) -> str:
    """Ties as 'CSTO member, SCO member', sorted by organisation name."""
    return ", ".join(f"{names[org]} {status}" for org, status in sorted(ties)) or "none"


def similarity_ranking(tables: Tables, country_id: str, year: int) -> pd.DataFrame:
    """Every other matrix state ranked by similarity to one state, with the ties that differ."""
    check_country(tables, country_id)
    profiles = alignment_profiles(tables, year)
    if country_id not in profiles:
        raise ValueError(f"'{country_id}' is not a row of the membership matrix")
    orgs = matrix_organisations(tables).set_index("org_id")["short_name"].to_dict()
    names = matrix_states(tables).set_index("country_id")["name"]
    mine = profiles[country_id]
    rows = [
        {
            "state": names[other],
            "similarity": round(jaccard(mine, ties), 2),
            "shared ties": ties_in_words(mine & ties, orgs),
            f"only {names[country_id]}": ties_in_words(mine - ties, orgs),
            "only the other state": ties_in_words(ties - mine, orgs),
        }
        for other, ties in profiles.items()
        if other != country_id
    ]
    ranking = pd.DataFrame(rows).sort_values(["similarity", "state"], ascending=[False, True])
    return ranking.reset_index(drop=True)


def foreign_bases(tables: Tables, year: int | None = None) -> pd.DataFrame:
    """Basing agreements (events with domain 'basing'): host state, foreign state, date, source.

    The host is the participant with role 'host'; the other parties are the foreign state(s).
    With a year, only agreements dated in or before it are kept.
    """
    events = tables.events[tables.events["domain"] == "basing"]
    if year is not None:
        _check_year(year)
        events = events[events["date_year"].le(year).fillna(False).astype(bool)]
    people = tables.event_participants.merge(tables.countries[["country_id", "name"]])
    rows = []
    for event in events.itertuples():
        here = people[people["event_id"] == event.event_id]
        hosts = here[here["role"] == "host"]
        if hosts.empty:
            raise ValueError(
                f"basing event {event.event_id} has no participant with role 'host' in "
                "data/event_participants.csv: say on whose soil the base is"
            )
        foreign = here[(here["role"] == "party") & ~here["country_id"].isin(hosts["country_id"])]
        for host in hosts.itertuples():
            rows.append(
                {
                    "country_id": host.country_id,
                    "host": host.name,
                    "foreign state": ", ".join(foreign["name"]),
                    "agreement": event.title,
                    "date": event.date if pd.notna(event.date) else "date unknown",
                    "event_id": event.event_id,
                    "source_id": event.source_id,
                    "locator": event.locator,
                }
            )
    columns = ["country_id", "host", "foreign state", "agreement", "date", "event_id"]
    return pd.DataFrame(rows, columns=[*columns, "source_id", "locator"])


def _check_commitments(commitments: pd.DataFrame) -> None:
    """Each commitment names its parties in exactly one way: country_id, org_id or event_id."""
    links = commitments[["country_id", "org_id", "event_id"]].notna().sum(axis=1)
    for index, count in links.items():
        if count != 1:
            row = commitments.loc[index]
            raise ValueError(
                f"data/commitments.csv line {index + 2} ({row['commitment_id']}): fill exactly "
                f"one of country_id, org_id, event_id (found {count})"
            )


def commitment_parties(tables: Tables, year: int) -> pd.DataFrame:
    """Which state each commitment binds at the end of a year, and since when (with the source).

    A state's own law or policy binds it undated; an organisation's clause binds its members (or
    recognised holders) from their membership row; an event's treaty binds its parties from the
    event's date. Undated events count: their sources describe them in the present tense.
    """
    _check_year(year)
    commitments = tables.commitments
    _check_commitments(commitments)
    parts = []
    own = commitments.dropna(subset=["country_id"]).assign(since="undated", date_source="")
    parts.append(own)
    held = statuses_as_of(tables, year)
    held = held[held["status"].isin(BOUND_STATUSES)]
    by_org = commitments.drop(columns="country_id").merge(
        held[["org_id", "country_id", "membership_id", "start", "status", "source_id"]],
        on="org_id",
        suffixes=("", "_date"),
    )
    by_org["since"] = by_org["start"].fillna("date unknown")
    by_org["date_source"] = (
        by_org["status"].astype(str)
        + " in "
        + by_org["org_id"]
        + ": "
        + by_org["membership_id"]
        + ", "
        + by_org["source_id_date"]
    )
    parts.append(by_org)
    events = tables.events[tables.events["date_year"].le(year).fillna(True).astype(bool)]
    parties = tables.event_participants.query("role == 'party'")[["event_id", "country_id"]]
    by_event = (
        commitments.drop(columns="country_id")
        .merge(parties, on="event_id")
        .merge(events[["event_id", "date", "source_id"]], on="event_id", suffixes=("", "_date"))
    )
    by_event["since"] = by_event["date"].fillna("date unknown")
    by_event["date_source"] = "event " + by_event["event_id"] + ", " + by_event["source_id_date"]
    parts.append(by_event)
    columns = ["commitment_id", "country_id", "name", "form", "effect", "conflict", "since"]
    columns += ["date_source", "source_id", "locator"]
    return pd.concat([part[columns] for part in parts], ignore_index=True)


def pressures_by_state(
    parties: pd.DataFrame, bases: pd.DataFrame, country_ids: list[str] | pd.Series
) -> dict[str, pd.DataFrame]:
    """Each state's rows of commitment_parties plus its foreign bases, hardest effect first.

    All states in one pass (one sort, then split by state), not one round of filtering,
    concatenating and sorting per state: the same rows in the same order, a tenth of the time.
    """
    wanted = list(country_ids)
    found = parties[parties["country_id"].isin(wanted)]
    bases = bases[bases["country_id"].isin(wanted)]
    base_rows = pd.DataFrame(
        {
            "commitment_id": "",
            "country_id": bases["country_id"],
            "name": bases["agreement"],
            "form": "basing agreement",
            "effect": "pulls elsewhere",
            "conflict": [BASE_CONFLICT.format(foreign=f) for f in bases["foreign state"]],
            "since": bases["date"],
            "date_source": "event " + bases["event_id"] + ", " + bases["source_id"],
            "source_id": bases["source_id"],
            "locator": bases["locator"],
        }
    )
    with_bases = set(base_rows["country_id"])
    rows = pd.concat([found, base_rows], ignore_index=True) if len(base_rows) else found
    order = rows["effect"].map({effect: i for i, effect in enumerate(EFFECTS)})
    rows = rows.assign(order=order).sort_values(["order", "commitment_id"], kind="stable")
    rows = rows.drop(columns="order")
    by_state = dict(iter(rows.groupby("country_id", sort=False, observed=True)))
    # A state without a base keeps the columns' own types (as before, when each state's rows
    # were concatenated with its bases only if it had any).
    plain = found.iloc[0:0]
    result = {}
    for country_id in wanted:
        mine = by_state.get(country_id, rows.iloc[0:0])
        if country_id not in with_bases:
            mine = mine.astype(plain.dtypes.to_dict())
        result[country_id] = mine.drop(columns="country_id").reset_index(drop=True)
    return result


def cross_pressures_by_state(
    tables: Tables, country_ids: list[str] | pd.Series, year: int | None = None
) -> dict[str, pd.DataFrame]:
    """cross_pressures for several states, working out who is bound by what only once."""
    for country_id in country_ids:
        check_country(tables, country_id)
    year = current_year() if year is None else year
    parties, bases = commitment_parties(tables, year), foreign_bases(tables, year)
    return pressures_by_state(parties, bases, country_ids)


def cross_pressures(tables: Tables, country_id: str, year: int | None = None) -> pd.DataFrame:
    """What would clash with a collective-defence clause for one state, hardest first.

    Its own laws and policies, the treaty clauses it is bound by, and foreign bases on its soil,
    as of a year (default: the current year).
    """
    return cross_pressures_by_state(tables, [country_id], year)[country_id]


def ots_states(tables: Tables) -> pd.DataFrame:
    """The OTS members and observers (country_id, name), members first, in countries.csv order."""
    states = tables.countries[tables.countries["role"].isin(["ots_member", "ots_observer"])]
    return states[["country_id", "name"]].reset_index(drop=True)


def cross_pressure_grid(tables: Tables, year: int | None = None) -> pd.DataFrame:
    """Commitments (rows) x OTS states (columns): the effect of each commitment on each state.

    All foreign bases share one row; rows run from the hardest effect to the softest.
    """
    return pressure_grid(cross_pressures_by_state(tables, ots_states(tables)["country_id"], year))


def pressure_grid(by_state: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The grid of cross_pressure_grid from cross_pressures_by_state's rows."""
    states = list(by_state)
    cells = [
        {
            "commitment": BASE_NAME if row.form == "basing agreement" else row.name,
            "country_id": state,
            "effect": row.effect,
        }
        for state, rows in by_state.items()
        for row in rows.itertuples()
    ]
    if not cells:
        return pd.DataFrame(index=pd.Index([], name="commitment"), columns=states)
    frame = pd.DataFrame(cells).drop_duplicates(["commitment", "country_id"])
    frame["rank"] = frame["effect"].map(EFFECTS.index)
    order = frame.groupby("commitment", sort=False)["rank"].min().sort_values(kind="stable")
    grid = frame.pivot(index="commitment", columns="country_id", values="effect").astype(object)
    return grid.reindex(index=order.index, columns=states, fill_value="").fillna("")


def exercise_record(tables: Tables, country_id: str) -> pd.DataFrame:
    """The exercises in the record that name a state, with its role (absent included)."""
    check_country(tables, country_id)
    exercises = tables.events[tables.events["kind"] == "exercise"]
    roles = tables.event_participants.query("country_id == @country_id")
    rows = exercises.merge(roles[["event_id", "role"]], on="event_id")
    rows = rows.sort_values("date_earliest", na_position="last")
    return rows[["event_id", "date", "title", "role", "source_id"]].reset_index(drop=True)


def _exercises_in_words(record: pd.DataFrame) -> str:
    """'Took part in 2: <title> (2021, S004); .... Absent from 1: ...' from an exercise record."""
    parts = []
    for absent, label in ((False, "Took part in"), (True, "Absent from")):
        rows = record[(record["role"] == "absent") == absent]
        if len(rows):
            items = "; ".join(
                f"{r.title} ({r.date if pd.notna(r.date) else 'undated'}, {r.source_id})"
                for r in rows.itertuples()
            )
            parts.append(f"{label} {len(rows)}: {items}.")
    return " ".join(parts) or "none in the record"


def _posture_in_words(tables: Tables, country_id: str) -> str:
    """The state's security posture in the sources' words, with its source id."""
    row = tables.countries.set_index("country_id").loc[country_id]
    if pd.isna(row["security_posture"]):
        return "not characterised in the sources"
    return f"{row['security_posture']} ({row['posture_source_id']})"


def _voices_in_words(tables: Tables, country_id: str) -> str:
    """The voices speaking from a state: position (our words), stance on an alliance, source id."""
    voices = tables.voices[tables.voices["country_id"] == country_id]
    items = [f"{v.name}: {v.position} [{v.stance}; {v.source_id}]" for v in voices.itertuples()]
    return "; ".join(items) or "none quoted in the sources"


def compare_states(tables: Tables, first: str, second: str) -> pd.DataFrame:
    """Two states side by side: memberships over time, posture, bases, commitments, voices."""
    check_country(tables, first)
    check_country(tables, second)
    if first == second:
        raise ValueError(f"pick two different states (both are '{first}')")
    names = tables.countries.set_index("country_id")["name"]
    year = current_year()
    now = statuses_as_of(tables, year).set_index(["country_id", "org_id"])["shown"]
    histories = [membership_history(tables, s).set_index("org_id") for s in (first, second)]
    rows = [
        (
            histories[0].loc[org, "organisation"],
            histories[0].loc[org, "history"],
            histories[1].loc[org, "history"],
            now.get((first, org), NO_STATUS) != now.get((second, org), NO_STATUS),
        )
        for org in histories[0].index
    ]
    parties, bases = commitment_parties(tables, year), foreign_bases(tables, year)

    def bases_in_words(state: str) -> str:
        here = bases[bases["country_id"] == state]
        items = [f"{b.agreement} ({b.date}, {b.source_id})" for b in here.itertuples()]
        return "; ".join(items) or "none in the record"

    def commitments_in_words(state: str) -> str:
        found = pressures_by_state(parties, bases.iloc[0:0], [state])[state]
        return "; ".join(f"{c.name} [{c.effect}]" for c in found.itertuples()) or "none recorded"

    extra = {
        "Security posture (sources' words)": lambda s: _posture_in_words(tables, s),
        "Foreign bases on its soil": bases_in_words,
        "Commitments that clash with a collective-defence clause": commitments_in_words,
        "Joint exercises in the record": lambda s: _exercises_in_words(exercise_record(tables, s)),
        "Voices from this state in the sources": lambda s: _voices_in_words(tables, s),
    }
    for aspect, describe in extra.items():
        texts = [describe(first), describe(second)]
        rows.append((aspect, texts[0], texts[1], texts[0] != texts[1]))
    frame = pd.DataFrame(rows, columns=["aspect", names[first], names[second], "differ"])
    frame["differ"] = frame["differ"].map({True: "differs", False: "same"})
    return frame


def as_of(year: int) -> str:
    """'at the end of 1999' for a past year; 'as of April 2026, when the record closes' after."""
    if year >= current_year():
        return f"as of {closing_in_words()}, when the record closes"
    return f"at the end of {year}"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 observer', '2 observers': a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def describe_matrix(cells: pd.DataFrame, year: int) -> str:
    """One sentence on a membership matrix: size, statuses shown, OTS members and marked cells."""
    shown = cells[~cells["status"].isin([NO_STATUS, UNKNOWN])]
    ots = cells[cells["org_id"] == "OTS"]
    if ots.empty:
        ots_text = "the OTS column is not shown"
    elif ots["founded_later"].any():
        ots_text = f"the OTS does not exist yet (founded {ots['founded_year'].iloc[0]})"
    else:
        ots_text = (
            f"the OTS has {counted(int((ots['status'] == 'member').sum()), 'member')} and "
            f"{counted(int((ots['status'] == 'observer').sum()), 'observer')}"
        )
    late = int(shown["start_unknown"].sum())
    unknown = int((cells["status"] == UNKNOWN).sum())
    medium = int(shown["medium"].sum())
    return (
        f"Grid of {counted(cells['country_id'].nunique(), 'state')} by "
        f"{counted(cells['org_id'].nunique(), 'organisation')} {as_of(year)}: "
        f"{counted(len(shown), 'cell')} {'shows' if len(shown) == 1 else 'show'} a status; "
        f"{ots_text}; {counted(late, 'status', 'statuses')} {'has' if late == 1 else 'have'} "
        f"an unknown start date, {counted(unknown, 'cell')} {'is' if unknown == 1 else 'are'} "
        f"unknown for this year, and {counted(medium, 'status', 'statuses')} "
        f"{'rests' if medium == 1 else 'rest'} on medium-confidence facts."
    )
