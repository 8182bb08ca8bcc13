"""Agreements, exercises and meetings as a timeline and a network of states (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from typing import TYPE_CHECKING

import pandas as pd

from otslab.data import Tables

if TYPE_CHECKING:
    import networkx as nx

TIE_ROLES = ("party", "host", "participant", "buyer", "supplier")
"""Roles that make a state a partner in an event: it signed, hosted, took part, bought or sold.

Not ties: an `observer` watches, a `proposer` or `speaker` talks and an `addressee` is talked to,
and an `absent` state is recorded as staying away. Those states still appear (as nodes without
that tie, and in the lists of absences), but they do not link states to each other.
"""

SIGNED_KINDS = ("agreement", "ratification", "document")
"""Kinds of event where only the signatories (role `party`) are tied: attending is not signing."""

ABSENT = "absent"
"""The role of a state that the sources say did not take part."""

NOT_TIES = ("conflict",)
"""Kinds of event that never make a tie: states at war with each other are not partners."""

DYAD_KINDS = ("agreement", "exercise")
"""The kinds counted in the dyad table, after the Defense Cooperation Agreement Dataset (DCAD)."""

UNDATED = "not stated"
"""How a missing date is shown in tables."""


def _require(frame: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Raise a clear error if a table lacks columns a function needs."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"table '{table}' lacks column(s) {', '.join(missing)}")


def _check_values(values: Iterable[str], allowed: Iterable[str], what: str) -> list[str]:
    """Return values as a list; raise naming the allowed values if one is unknown."""
    values, allowed = list(values), list(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)} (allowed: {', '.join(allowed)})")
    return values


def _kinds_of(events: pd.DataFrame) -> list[str]:
    """The kinds an events table allows: its categories, or the kinds it holds."""
    column = events["kind"]
    return list(column.cat.categories if hasattr(column, "cat") else column.unique())


def filter_events(
    events: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    years: tuple[int, int] | None = None,
    kinds: Iterable[str] | None = None,
    countries: Iterable[str] | None = None,
    undated: bool = True,
) -> pd.DataFrame:
    """Events of the given kinds, with any of the given states in any role, dated within years.

    `None` means no restriction. Undated events cannot be placed in a period: they are kept when
    `undated` is true (to be shown apart as "date not stated") and dropped otherwise.
    """
    _require(events, ["event_id", "kind", "date_year"], "events")
    _require(participants, ["event_id", "country_id", "role"], "event_participants")
    keep = pd.Series(True, index=events.index)
    if years is not None:
        first, last = years
        if first > last:
            raise ValueError(f"the first year ({first}) is after the last year ({last})")
        dated = events["date_year"].between(first, last).fillna(False).astype(bool)
        keep &= dated | (events["date_year"].isna() & undated)
    elif not undated:
        keep &= events["date_year"].notna()
    if kinds is not None:
        kinds = _check_values(kinds, _kinds_of(events), "kind of event")
        keep &= events["kind"].astype(str).isin(kinds)
    if countries is not None:
        countries = list(countries)
        involved = participants.loc[participants["country_id"].isin(countries), "event_id"]
        keep &= events["event_id"].isin(involved)
    return events[keep]


def participant_summary(participants: pd.DataFrame) -> pd.Series:
    """For each event id, its states grouped by role, e.g. 'party: KAZ, TUR; absent: TKM'."""
    _require(participants, ["event_id", "country_id", "role"], "event_participants")
    grouped: dict[str, dict[str, list[str]]] = {}
    for event_id, state, role in participants[["event_id", "country_id", "role"]].itertuples(
        index=False
    ):
        grouped.setdefault(event_id, {}).setdefault(str(role), []).append(state)
    return pd.Series(
        {
            event_id: "; ".join(f"{role}: {', '.join(ids)}" for role, ids in roles.items())
            for event_id, roles in grouped.items()
        },
        dtype=object,
    )


def source_summary(events: pd.DataFrame, event_sources: pd.DataFrame) -> pd.Series:
    """For each event id, its source and any further sources, e.g. 'S003 (+ R105, S004)'."""
    _require(events, ["event_id", "source_id"], "events")
    _require(event_sources, ["event_id", "source_id"], "event_sources")
    further = event_sources.groupby("event_id")["source_id"].apply(lambda s: ", ".join(sorted(s)))
    main = events.set_index("event_id")["source_id"]
    extra = further.reindex(main.index)
    return main.where(extra.isna(), main + " (+ " + extra.fillna("") + ")")


def timeline_table(
    events: pd.DataFrame, participants: pd.DataFrame, event_sources: pd.DataFrame
) -> pd.DataFrame:
    """One row per event, oldest first and undated last: date, kind, title, states, sources."""
    ordered = events.sort_values(["date_earliest", "event_id"], na_position="last")
    states = participant_summary(participants)
    sources = source_summary(ordered, event_sources)
    return pd.DataFrame(
        {
            "event": ordered["event_id"].to_numpy(),
            "date": ordered["date"].fillna(UNDATED).to_numpy(),
            "kind": ordered["kind"].astype(str).to_numpy(),
            "framework": ordered["framework"].astype(str).to_numpy(),
            "title": ordered["title"].to_numpy(),
            "states and roles": states.reindex(ordered["event_id"]).fillna("").to_numpy(),
            "sources": sources.reindex(ordered["event_id"]).to_numpy(),
        }
    )


def describe_timeline(shown: pd.DataFrame, all_events: pd.DataFrame) -> str:
    """A few sentences a screen reader can read in place of the timeline figure."""
    dated = shown.dropna(subset=["date_year"])
    undated = len(shown) - len(dated)
    left_out = len(all_events) - len(shown)
    if dated.empty:
        head = "No dated events match this selection."
    else:
        years = dated["date_year"].astype(int)
        busiest = years.value_counts().sort_index().idxmax()
        frameworks = dated["framework"].astype(str).value_counts()
        mix = ", ".join(f"{name} {n}" for name, n in frameworks.items())
        head = (
            f"Timeline of {len(dated)} dated events from {years.min()} to {years.max()}; "
            f"the busiest year is {busiest} with {int((years == busiest).sum())}. "
            f"By framework: {mix}."
        )
    apart = (
        f"{undated} events with no stated date are shown apart."
        if undated
        else "No event without a stated date is shown."
    )
    return f"{head} {apart} {left_out} events of the record are outside this selection."


def tie_roles(kind: str) -> tuple[str, ...]:
    """The roles that tie states together in an event of this kind (none for a conflict)."""
    if kind in NOT_TIES:
        return ()
    return ("party",) if kind in SIGNED_KINDS else TIE_ROLES


def joint_pairs(events: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Every pair of states that both hold a tie role in the same event (one row per event)."""
    _require(events, ["event_id", "kind"], "events")
    _require(participants, ["event_id", "country_id", "role"], "event_participants")
    kind_of = events.set_index("event_id")["kind"].astype(str)
    ties = participants[participants["event_id"].isin(kind_of.index)]
    roles = zip(ties["event_id"], ties["role"], strict=True)
    tied = [role in tie_roles(kind_of[event_id]) for event_id, role in roles]
    ties = ties[pd.Series(tied, index=ties.index, dtype=bool)]
    states_of: dict[str, set[str]] = {}
    for event_id, state in zip(ties["event_id"], ties["country_id"], strict=True):
        states_of.setdefault(event_id, set()).add(state)
    rows = [
        (event_id, a, b)
        for event_id in sorted(states_of)
        for a, b in combinations(sorted(states_of[event_id]), 2)
    ]
    pairs = pd.DataFrame(rows, columns=["event_id", "state_a", "state_b"])
    return pairs.merge(events, on="event_id", how="left")


def build_network(events: pd.DataFrame, participants: pd.DataFrame) -> nx.Graph:
    """States as nodes, joint events as edges weighted by how many events each pair shares.

    Every state with any role in the events is a node (with `roles` and `absent_from`), so states
    that only observe, speak or stay away remain visible without ties.
    """
    import networkx as nx  # here, not above: only notebook 03 builds graphs, and it costs 0.08 s

    pairs = joint_pairs(events, participants)
    graph = nx.Graph()
    involved = participants[participants["event_id"].isin(events["event_id"])]
    roles: dict[str, set[str]] = {}
    absent: dict[str, list[str]] = {}
    for state, role, event_id in zip(
        involved["country_id"], involved["role"].astype(str), involved["event_id"], strict=True
    ):
        roles.setdefault(state, set()).add(role)
        if role == ABSENT:
            absent.setdefault(state, []).append(event_id)
    for state in sorted(roles):
        graph.add_node(state, roles=sorted(roles[state]), absent_from=sorted(absent.get(state, [])))
    shared: dict[tuple[str, str], tuple[list[str], set[str]]] = {}
    columns = [pairs[c] for c in ("state_a", "state_b", "event_id")] + [pairs["kind"].astype(str)]
    for first, second, event_id, kind in zip(*columns, strict=True):
        events_of, kinds = shared.setdefault((first, second), ([], set()))
        events_of.append(event_id)
        kinds.add(kind)
    for (first, second), (events_of, kinds) in sorted(shared.items()):
        graph.add_edge(
            first, second, weight=len(events_of), events=sorted(events_of), kinds=sorted(kinds)
        )
    return graph


def tie_table(graph: nx.Graph) -> pd.DataFrame:
    """One row per tie: the two states, how many events they share, which, and of what kinds."""
    rows = [
        (*sorted((a, b)), data["weight"], ", ".join(data["events"]), ", ".join(data["kinds"]))
        for a, b, data in graph.edges(data=True)
    ]
    table = pd.DataFrame(rows, columns=["state_a", "state_b", "joint events", "events", "kinds"])
    return table.sort_values(
        ["joint events", "state_a", "state_b"], ascending=[False, True, True], ignore_index=True
    )


def centrality_table(graph: nx.Graph, countries: pd.DataFrame) -> pd.DataFrame:
    """Per state: partners, joint events, degree and betweenness centrality; hubs first."""
    _require(countries, ["country_id", "name"], "countries")
    columns = ["state", "name", "partners", "joint events", "degree", "betweenness", "absent from"]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=columns)
    import networkx as nx

    degree = nx.degree_centrality(graph) if graph.number_of_nodes() > 1 else {}
    between = nx.betweenness_centrality(graph)
    names = countries.set_index("country_id")["name"]
    rows = []
    for state, data in graph.nodes(data=True):
        shared = {e for _a, _b, ev in graph.edges(state, data="events") for e in ev}
        rows.append(
            {
                "state": state,
                "name": names.get(state, state),
                "partners": graph.degree(state),
                "joint events": len(shared),
                "degree": round(degree.get(state, 0.0), 2),
                "betweenness": round(between[state], 2),
                "absent from": ", ".join(data["absent_from"]),
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(
        ["betweenness", "partners", "joint events", "state"],
        ascending=[False, False, False, True],
        ignore_index=True,
    )


def absences(events: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """The states the sources record as absent from the given events, with the event's title."""
    rows = participants[
        participants["event_id"].isin(events["event_id"]) & (participants["role"] == ABSENT)
    ]
    merged = rows.merge(events[["event_id", "date", "title", "source_id"]], on="event_id")
    merged["date"] = merged["date"].fillna(UNDATED)
    return merged[["event_id", "date", "title", "country_id", "note", "source_id"]].rename(
        columns={"country_id": "absent state"}
    )


def describe_network(graph: nx.Graph, table: pd.DataFrame, n_events: int) -> str:
    """A few sentences a screen reader can read in place of the network figure."""
    if graph.number_of_edges() == 0:
        return f"No two states share an event among the {n_events} selected events."
    hub = table.iloc[0]
    most = table.sort_values(["partners", "state"], ascending=[False, True]).iloc[0]
    heavy, heavy_a, heavy_b = min((-w, *sorted((a, b))) for a, b, w in graph.edges(data="weight"))
    heavy = -heavy
    names = table.set_index("state")["name"]
    alone = sorted(n for n in graph.nodes if graph.degree(n) == 0)
    absent = sorted(n for n, d in graph.nodes(data=True) if d["absent_from"])
    text = (
        f"Network of {graph.number_of_nodes()} states and {graph.number_of_edges()} ties from "
        f"{n_events} events. {hub['name']} has the highest betweenness ({hub['betweenness']}); "
        f"{most['name']} has the most partners ({most['partners']}). The strongest tie is "
        f"{names[heavy_a]}–{names[heavy_b]} with {heavy} joint events."
    )
    if alone:
        text += f" Without ties: {', '.join(alone)}."
    if absent:
        text += f" Recorded as absent from an event: {', '.join(absent)}."
    return text


def dyad_table(
    events: pd.DataFrame, participants: pd.DataFrame, kinds: Iterable[str] = DYAD_KINDS
) -> pd.DataFrame:
    """DCAD-style dyads: for each pair of states, their joint agreements and exercises.

    Columns: one count per kind, the total, the domains, first and last year (dated events only),
    how many are undated, and the event ids. Pairs with most joint events first.
    """
    _require(events, ["event_id", "kind", "framework", "domain", "date_year"], "events")
    kinds = _check_values(kinds, _kinds_of(events), "kind of event")
    chosen = events[events["kind"].astype(str).isin(kinds)]
    pairs = joint_pairs(chosen, participants)
    count_cols = [f"{k}s" for k in kinds]
    columns = ["state_a", "state_b", *count_cols, "total", "bilateral", "domains"]
    columns += ["first_year", "last_year", "undated", "events"]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    # One pass over the pairs' rows in plain Python: a pandas round per pair cost a millisecond
    # each, and notebook 03 builds this table for 78 pairs more than once.
    each: dict[tuple[str, str], list[tuple]] = {}
    facts = zip(
        pairs["state_a"],
        pairs["state_b"],
        pairs["kind"],
        pairs["framework"] == "bilateral",
        pairs["domain"].astype(str),
        pairs["date_year"],
        pairs["event_id"],
        strict=True,
    )
    for a, b, *rest in facts:
        each.setdefault((a, b), []).append(tuple(rest))
    rows = []
    for (a, b), group in sorted(each.items()):
        kinds_of, bilateral, domains, years, event_ids = zip(*group, strict=True)
        dated = [int(y) for y in years if pd.notna(y)]
        row = {"state_a": a, "state_b": b}
        row |= {f"{k}s": sum(kind == k for kind in kinds_of) for k in kinds}
        row |= {
            "total": len(group),
            "bilateral": int(sum(bilateral)),
            "domains": ", ".join(sorted(set(domains))),
            "first_year": min(dated) if dated else pd.NA,
            "last_year": max(dated) if dated else pd.NA,
            "undated": len(years) - len(dated),
            "events": ", ".join(sorted(event_ids)),
        }
        rows.append(row)
    table = pd.DataFrame(rows, columns=columns)
    table[["first_year", "last_year"]] = table[["first_year", "last_year"]].astype("Int64")
    return table.sort_values(
        ["total", "state_a", "state_b"], ascending=[False, True, True], ignore_index=True
    )


def dyad_matrix(dyads: pd.DataFrame, order: Iterable[str]) -> pd.DataFrame:
    """Square states x states table of dyad totals (symmetric), states in the given order."""
    states = [s for s in order if s in set(dyads["state_a"]) | set(dyads["state_b"])]
    matrix = pd.DataFrame(0, index=states, columns=states, dtype="int64")
    for row in dyads.itertuples():
        matrix.loc[row.state_a, row.state_b] = row.total
        matrix.loc[row.state_b, row.state_a] = row.total
    return matrix


def share_with(dyads: pd.DataFrame, state: str) -> pd.Series:
    """How much of a dyad table involves one state: pairs, pair-events and bilateral events."""
    mine = dyads[(dyads["state_a"] == state) | (dyads["state_b"] == state)]
    return pd.Series(
        {
            "pairs": len(mine),
            "of pairs": len(dyads),
            "pair-events": int(mine["total"].sum()),
            "of pair-events": int(dyads["total"].sum()),
            "bilateral events": int(mine["bilateral"].sum()),
            "of bilateral events": int(dyads["bilateral"].sum()),
        },
        name=state,
    )


def describe_dyads(dyads: pd.DataFrame, state: str, names: pd.Series) -> str:
    """A few sentences a screen reader can read in place of the dyad heatmap."""
    if dyads.empty:
        return "No pair of states shares an agreement or exercise in this selection."
    top = dyads.iloc[0]
    share = share_with(dyads, state)
    return (
        f"Heatmap of {share['of pairs']} pairs of states with joint agreements or exercises. "
        f"The busiest pair is {names[top['state_a']]}–{names[top['state_b']]} with "
        f"{top['total']}. {share['pairs']} of the pairs involve {names[state]}, and "
        f"{share['bilateral events']} of the {share['of bilateral events']} bilateral agreements "
        "and exercises."
    )


def describe_partners(dyads: pd.DataFrame, state: str, names: pd.Series) -> str:
    """A sentence a screen reader can read in place of one state's partner bars."""
    mine = dyads[(dyads["state_a"] == state) | (dyads["state_b"] == state)]
    if mine.empty:
        return f"{names[state]} shares no agreement or exercise with another state here."
    top = mine.iloc[0]
    partner = top["state_b"] if top["state_a"] == state else top["state_a"]
    return (
        f"Bar chart of {names[state]}'s {len(mine)} partners. The most frequent is "
        f"{names[partner]} with {top['total']} joint events ({top['bilateral']} in a bilateral "
        f"framework); in all, {int(mine['total'].sum())} pair-events."
    )


def evidence(
    tables: Tables,
    *,
    events: Iterable[str] = (),
    claims: Iterable[str] = (),
    voices: Iterable[str] = (),
    clauses: Iterable[str] = (),
) -> pd.DataFrame:
    """Evidence rows, each with its source and locator: events, claims, voices, defence clauses.

    Events bring their further sources, claims each source's stance, organisations their
    collective-defence clause.
    """
    ids = {
        "events": (list(events), "event_id"),
        "claims": (list(claims), "claim_id"),
        "voices": (list(voices), "voice_id"),
        "organisations": (list(clauses), "org_id"),
    }
    for table, (wanted, key) in ids.items():
        _check_values(wanted, tables[table][key], f"{key} in {table}")
    rows = []
    ev = tables["events"].set_index("event_id")
    further = tables["event_sources"]
    for event_id in ids["events"][0]:
        row = ev.loc[event_id]
        date = row["date"] if pd.notna(row["date"]) else UNDATED
        what = f"{row['title']} ({row['kind']}, {row['status']}). {row['summary']}"
        rows.append((event_id, date, what, row["source_id"], row["locator"]))
        for extra in further[further["event_id"] == event_id].itertuples():
            what = f"… further source: {extra.note}"
            rows.append((event_id, date, what, extra.source_id, extra.locator))
    statements = tables["claims"].set_index("claim_id")
    for claim_id in ids["claims"][0]:
        claim = statements.loc[claim_id]
        links = tables["claim_sources"].query("claim_id == @claim_id")
        for n, link in enumerate(links.itertuples()):
            said = f"{link.source_id} {link.stance}"
            what = (
                f"Claim ({claim['claim_type']}): {claim['statement']} {said}."
                if n == 0
                else f"… {said} the same claim."
            )
            rows.append((claim_id, "", what, link.source_id, link.locator))
    people = tables["voices"].set_index("voice_id")
    for voice_id in ids["voices"][0]:
        voice = people.loc[voice_id]
        what = f"{voice['name']}: {voice['position']}"
        rows.append((voice_id, "", what, voice["source_id"], voice["locator"]))
    orgs = tables["organisations"].set_index("org_id")
    for org_id in ids["organisations"][0]:
        org = orgs.loc[org_id]
        clause = org["collective_defense_clause"]
        what = f"{org['name']}: collective defence clause: {clause if pd.notna(clause) else '?'}"
        rows.append((org_id, "", what, org["clause_source_id"], org["clause_locator"]))
    columns = ["id", "date", "what the record says", "source", "where in the source"]
    return pd.DataFrame(rows, columns=columns)


STORY_LANES = ("sources written", "promised", "practised", "forecasts", "context")
"""Lanes of the story timeline, top to bottom: when the texts were written, what was signed or
said, what was done, what the sources expect (open markers to check) and the setting."""

_STORY_LANE = {"forecast": "forecasts"}
"""A story row's lane as the timeline names it (the others keep their names)."""

_PERIOD_MONTHS = {"day": 0, "month": 1, "year": 12}
"""How long a date of each precision lasts, in months (a day: a point)."""


def _period_end(start: pd.Timestamp, precision: str) -> pd.Timestamp:
    """The end of the period a partial date names: a month or a year after its first day."""
    return start + pd.DateOffset(months=_PERIOD_MONTHS.get(precision, 0))


def story_items(tables: Tables) -> pd.DataFrame:
    """The story timeline's items: key events and forecasts, each with its dates and source.

    Events take their date, precision and source from events.csv; forecasts take the date they
    fall due and the quotation that dates them from story.csv. An item without a date is an
    error that names the row: the story timeline shows dated items only.
    """
    _require(tables.story, ["story_id", "event_id", "claim_id", "short_title", "lane"], "story")
    events = tables.events.set_index("event_id")
    rows = []
    for line, row in enumerate(tables.story.itertuples(), start=2):
        if row.lane == "forecast":
            start, precision = row.due_earliest, row.due_precision
            source_id, locator = row.source_id, row.locator
            kind = "forecast"
        else:
            event = events.loc[row.event_id]
            start, precision = event["date_earliest"], event["date_precision"]
            source_id, locator = event["source_id"], event["locator"]
            kind = str(event["kind"])
        if pd.isna(start):
            raise ValueError(
                f"data/story.csv, line {line}, column 'due': {row.story_id} has no date; "
                "the story timeline shows dated items only"
            )
        rows.append(
            {
                "story_id": row.story_id,
                "lane": _STORY_LANE.get(row.lane, row.lane),
                "title": row.short_title,
                "event_id": row.event_id if pd.notna(row.event_id) else "",
                "kind": kind,
                "start": start,
                "end": _period_end(start, str(precision)),
                "source_id": source_id,
                "locator": locator,
            }
        )
    return pd.DataFrame(rows).sort_values(["start", "story_id"]).reset_index(drop=True)


def source_dates(tables: Tables) -> pd.DataFrame:
    """When each of the five texts was written: its publication date, or after its latest event.

    A text with no stated date is placed after the latest dated event it reports (its own rows
    and further sources); one that reports no dated event stays unknown.
    """
    seeds = tables.sources[tables.sources["seed_file"].notna()]
    cited = pd.concat(
        [
            tables.events[["event_id", "source_id"]],
            tables.event_sources[["event_id", "source_id"]],
        ]
    ).merge(tables.events[["event_id", "date_earliest", "date"]], on="event_id")
    rows = []
    for source in seeds.itertuples():
        if pd.notna(source.published_earliest):
            date, how = source.published_earliest, f"published {source.published}"
        else:
            own = cited[cited["source_id"] == source.source_id].dropna(subset=["date_earliest"])
            if own.empty:
                date, how = pd.NaT, "date not stated, and it reports no dated event"
            else:
                latest = own.loc[own["date_earliest"].idxmax()]
                date = latest["date_earliest"]
                event = f"{latest['event_id']}, {latest['date']}"
                how = f"date not stated: after its latest event ({event})"
        rows.append({"source_id": source.source_id, "date": date, "how": how})
    return pd.DataFrame(rows, columns=["source_id", "date", "how"])


def default_years(tables: Tables) -> tuple[int, int]:
    """From the year the OTS was founded to the last year in the record."""
    founded = tables.organisations.set_index("org_id").loc["OTS", "founded_year"]
    return int(founded), int(tables.events["date_year"].max())
