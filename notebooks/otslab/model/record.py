"""The model held against the record and the evidence behind each verdict: what a state has done
fixes the floor no weight can push it below, and a state is judged only on enough sources."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from otslab.data import Tables
from otslab.model.feasibility import (
    DECIMALS,
    blockers,
    ceilings,
    country_row,
    first_rungs,
    highest_common_rung,
    mentions,
    ots_states,
    split_ids,
)

MIN_SOURCES = 3
"""A state is judged only when at least this many distinct sources speak about it."""


VERDICTS = ("already does", "under its record", "accepts", "refuses", "not enough evidence")
"""What the course shows for a state and a rung: the record's two (at or below the state's floor:
it does what the rung adds, or the rung sits under one it does), then the model's three."""


def claims_naming(tables: Tables, country_id: str) -> pd.DataFrame:
    """The claims whose statement names the state."""
    name = country_row(tables, country_id)["name"]
    return tables.claims[tables.claims["statement"].map(lambda t: mentions(t, name))]


def state_evidence(tables: Tables, clashes: pd.DataFrame, country_ids: list[str]) -> pd.DataFrame:
    """Per state: how much evidence the model rests on, and whether that is enough to judge it.

    The rule: a state is judged only when (1) at least one driver or constraint of
    factors.csv names it in `applies_to` (otherwise only the general arguments, which bear on
    every state alike, speak for it) and (2) at least MIN_SOURCES distinct sources say something
    about it (claims naming it, its voices, its commitments, its own factors' claims). Otherwise
    the absence of constraints would read as readiness: it is shown as 'not enough evidence'.
    """
    rows = []
    # What does not depend on the state, worked out once for all of them, as plain Python: a
    # pandas row selection per state and table cost more than the rest of the loop together.
    applies_to = [split_ids(c) for c in tables.factors["applies_to"]]
    general = pd.Series([not ids for ids in applies_to], index=tables.factors.index)
    sources_of_claim: dict[str, set[str]] = {}
    for claim, source in zip(
        tables.claim_sources["claim_id"], tables.claim_sources["source_id"], strict=True
    ):
        sources_of_claim.setdefault(claim, set()).add(source)
    names = dict(zip(tables.countries["country_id"], tables.countries["name"], strict=True))
    statements = list(zip(tables.claims["claim_id"], tables.claims["statement"], strict=True))
    voice_sources: dict[str, list[str]] = {}
    for country, source in zip(
        tables.voices["country_id"], tables.voices["source_id"], strict=True
    ):
        voice_sources.setdefault(country, []).append(source)
    clash_rows: dict[str, list[tuple]] = {}
    for country, commitment, source in zip(
        clashes["country_id"], clashes["commitment_id"], clashes["source_id"], strict=True
    ):
        clash_rows.setdefault(country, []).append((commitment, source))
    for cid in country_ids:
        if cid not in names:
            country_row(tables, cid)  # raises, naming the unknown state
        own = tables.factors[[cid in ids for ids in applies_to]]
        commitments = [c for c, _ in clash_rows.get(cid, [])]
        claims = [c for c, text in statements if mentions(text, names[cid])]
        factor_claims = {c for cell in own["evidence"] for c in split_ids(cell)}
        voices = voice_sources.get(cid, [])
        sources = {
            s for claim in set(claims) | factor_claims for s in sources_of_claim.get(claim, ())
        }
        sources |= set(voices) | {s for _, s in clash_rows.get(cid, [])}
        direction = own["direction"].astype(str)
        why = []
        if own.empty:
            why.append("no driver or constraint names it (only the general ones)")
        if len(sources) < MIN_SOURCES:
            plural = "s" * (len(sources) != 1)
            why.append(f"{len(sources)} source{plural} (fewer than {MIN_SOURCES})")
        rows.append(
            {
                "country_id": cid,
                "own drivers": int((direction == "driver").sum()),
                "own constraints": int((direction == "constraint").sum()),
                "general factors": int(general.sum()),
                "commitments": len({c for c in commitments if not pd.isna(c) and c != ""})
                + int(any(pd.isna(c) or c == "" for c in commitments)),
                "claims": len(claims),
                "voices": len(voices),
                "sources": len(sources),
                "source ids": ", ".join(sorted(sources, key=lambda s: (s[0] != "S", s))),
                "judged": not why,
                "why not": "; ".join(why),
            }
        )
    return pd.DataFrame(rows).set_index("country_id")


def verdicts(
    ready: pd.DataFrame, evidence: pd.DataFrame, practice: pd.DataFrame | None = None
) -> pd.DataFrame:
    """States x rungs: the record first, then the model (the words of VERDICTS).

    `ready` comes from `above_record`: a NaN cell is at or below the state's floor, shown as
    'already does' where `practice` (record_practice) has the state doing what the rung adds,
    else 'under its record'. Above it: 'accepts', 'refuses', or 'not enough evidence' for a
    state not judged.
    """
    judged = evidence["judged"].reindex(ready.index).fillna(False).astype(bool)
    table = pd.DataFrame(
        np.where(ready.round(DECIMALS) >= 0, "accepts", "refuses"),
        index=ready.index,
        columns=ready.columns,
        dtype=object,
    )
    table.loc[~judged] = "not enough evidence"
    done = (
        set()
        if practice is None
        else set(zip(practice["country_id"], practice["rung"], strict=True))
    )
    for state in ready.index:
        for rung in ready.columns:
            if np.isnan(ready.loc[state, rung]):
                recorded = (state, rung) in done
                table.loc[state, rung] = "already does" if recorded else "under its record"
    return table


def judged_answer(ready: pd.DataFrame, group: Iterable[str], evidence: pd.DataFrame) -> dict:
    """The highest rung all judged states of the group accept, who stops it, who was not judged.

    'rung' is None when no state of the group can be judged.
    """
    group = list(group)
    judged = [c for c in group if bool(evidence["judged"].get(c, False))]
    unjudged = [c for c in group if c not in judged]
    if not judged:
        return {"rung": None, "blockers": [], "not judged": unjudged, "judged": []}
    return {
        "rung": highest_common_rung(ready, judged),
        "blockers": blockers(ready, judged),
        "not judged": unjudged,
        "judged": judged,
    }


RECORD_EVENTS = {
    "E043": "coordination",
    "E044": "coordination",
    "E047": "solidarity_clause",
    "E005": "mutual_assistance_clause",
    "E022": "mutual_assistance_clause",
    "E034": "military_transit",
}
"""Events that already did what a requirement of the ladder asks (our reading of each event).
Exercises are found by rule instead: every event of kind 'exercise' with two or more OTS states."""


TAKING_PART = ("party", "host", "participant")
"""event_participants roles that count as doing what the event did."""


def _members_on(tables: Tables, date: str) -> list[str]:
    """The OTS members on a date (from countries.ots_since)."""
    countries = tables.countries
    since = countries["ots_since"].astype(str)
    return list(
        countries.loc[
            (countries["ots_status"].astype(str) == "member") & (since <= str(date)), "country_id"
        ]
    )


def record_practice(tables: Tables, country_ids: list[str]) -> pd.DataFrame:
    """What each state has already signed or done that a rung requires, with the event's source.

    An OTS document adopted by the heads of state counts for every member on its date; other
    events for the states recorded as party, host or participant. 'match' says whether the
    event is the requirement itself or only close to it (an exercise not under the OTS flag);
    'rung' is the first rung that asks for the requirement.
    """
    events = tables.events.set_index("event_id")
    people = tables.event_participants
    taking_part = people[people["role"].astype(str).isin(TAKING_PART)]
    # Each event's states taking part, in the order of event_participants.csv (looked up once).
    takers: dict[str, list[str]] = {}
    for eid, cid in zip(taking_part["event_id"], taking_part["country_id"], strict=True):
        takers.setdefault(eid, []).append(cid)
    ots = set(ots_states(tables.countries, include_observers=True))
    picks = [(eid, code) for eid, code in RECORD_EVENTS.items() if eid in events.index]
    for eid in events.index[events["kind"].astype(str) == "exercise"]:
        if len(ots & set(takers.get(eid, []))) >= 2:
            picks.append((eid, "joint_exercises"))
    by_id = events.to_dict("index")  # one lookup a pick, not a pandas row each time
    rows = []
    for eid, code in picks:
        row = by_id[eid]
        ots_document = str(row["framework"]) == "OTS" and str(row["kind"]) == "document"
        if ots_document:
            doers = _members_on(tables, row["date"])
        else:
            doers = list(dict.fromkeys(takers.get(eid, [])))
        match = "the requirement itself"
        if code == "joint_exercises" and str(row["framework"]) != "OTS":
            match = "close: a joint exercise of OTS states, not under the OTS flag"
        for cid in doers:
            if cid in country_ids:
                rows.append(
                    {
                        "country_id": cid,
                        "requirement": code,
                        "event_id": eid,
                        "date": row["date"],
                        "title": row["title"],
                        "match": match,
                        "basis": "adopted by the OTS heads of state"
                        if ots_document
                        else "took part",
                        "source_id": row["source_id"],
                        "locator": row["locator"],
                    }
                )
    columns = ["country_id", "requirement", "event_id", "date", "title", "match", "basis"]
    found = pd.DataFrame(rows, columns=[*columns, "source_id", "locator"])
    firsts = first_rungs(tables.scenarios, set(found["requirement"]))
    found.insert(2, "rung", found["requirement"].map(firsts).astype("Int64"))
    return found.sort_values(["country_id", "rung", "date"], kind="stable").reset_index(drop=True)


def record_floor(practice: pd.DataFrame, country_ids: list[str]) -> pd.Series:
    """Per state, its floor: the highest rung whose new requirements it already practises (0: none).

    The ladder's order is not the order things happened: the OTS members adopted a solidarity
    clause (rung 4) before any exercise under the OTS flag (rung 2), so the floor is the highest
    such rung, and every rung below it counts as reached.
    """
    highest = practice.groupby("country_id")["rung"].max()
    return highest.reindex(country_ids).fillna(0).astype(int).rename("floor")


def record_contradictions(
    scenarios: pd.DataFrame, practice: pd.DataFrame, ready: pd.DataFrame
) -> pd.DataFrame:
    """Where a readiness table says a state would not take a rung whose requirement it practises.

    'refuses the rung' means its readiness there is below 0; 'stops below it' means it refuses an
    earlier rung, so on the ladder it never gets there. Raw readiness can contradict the record;
    what the course shows (`above_record`) never does: this is the check of that guarantee.
    """
    tops = ceilings(ready)
    rows = []
    mine = practice[practice["country_id"].isin(ready.index)]
    firsts = first_rungs(scenarios, mine["requirement"].unique())
    for (cid, code, match), done in mine.groupby(
        ["country_id", "requirement", "match"], sort=False
    ):
        rung = firsts[code]
        value = float(ready.loc[cid, rung])
        if (np.isnan(value) or value >= 0) and tops[cid] >= rung:
            continue
        rows.append(
            {
                "country_id": cid,
                "already": "; ".join(
                    f"{r.title} ({r.event_id}, {'undated' if pd.isna(r.date) else r.date})"
                    for r in done.itertuples()
                ),
                "requirement": code,
                "match": match,
                "rung": rung,
                "readiness there": value,
                "model ceiling": int(tops[cid]),
                "model says": "refuses the rung" if value < 0 else "stops below it",
                "source_id": ", ".join(dict.fromkeys(done["source_id"])),
            }
        )
    columns = ["country_id", "already", "requirement", "match", "rung", "readiness there"]
    return pd.DataFrame(rows, columns=[*columns, "model ceiling", "model says", "source_id"])
