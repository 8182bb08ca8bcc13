"""The feasibility debate: the ladder, commitment clashes, a readiness model, and role cards.

The model is a thinking tool, not a prediction. For a state s and a rung r of the ladder:

    readiness(s, r) = sum of driver weights bearing on s
                      - depth(r) * sum of constraint weights bearing on s
                      - sum over the rung's clashes for s of the weight of the clash's effect

depth(r) is the share of the top rung's requirements that rung r asks for, so constraints bite
harder the more a rung asks. A state accepts a rung when readiness >= 0, and climbs the ladder
rung by rung: its ceiling is the highest rung up to which it accepts every rung.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from otslab.alignments import commitment_parties, cross_pressures_by_state, current_year
from otslab.data import DATA_DIR, Tables, write_atomically
from otslab.markup import md_text as md
from otslab.work import save_file

COLLECTIVE_DEFENCE = "collective_defence_clause"
"""The requirement every row of commitments.csv is judged against (its `effect`)."""

FACTOR_WEIGHT = 1.0
"""Default weight of every driver and constraint: each argument counts the same."""

CLASH_WEIGHTS = {"rules out": 3.0, "limits": 1.0, "pulls elsewhere": 0.5}
"""Default weight of one clash, by effect: a bar outweighs any single argument at its default."""

FACTOR_RANGE = (0.0, 3.0)
CLASH_RANGE = (0.0, 6.0)
STEP = 0.5
"""Slider ranges and step; the sensitivity analysis tries every value on these grids."""

_DECIMALS = 9
"""Readiness is rounded to this many decimals before comparing with 0 (float noise)."""


# --- the ladder -------------------------------------------------------------------------------


def requirement_codes(requirements: str) -> list[str]:
    """Split a scenarios.requirements cell into its codes."""
    return [code for code in str(requirements).split(";") if code]


def ladder(scenarios: pd.DataFrame) -> pd.DataFrame:
    """One row per rung, loosest first: its requirements, what it adds, and its depth (0-1]."""
    if scenarios.empty:
        raise ValueError("scenarios is empty: the ladder needs at least one rung")
    rows, seen = [], []
    frame = scenarios.sort_values("rung")
    most = max(len(requirement_codes(r)) for r in frame["requirements"])
    for row in frame.itertuples():
        codes = requirement_codes(row.requirements)
        rows.append(
            {
                "rung": int(row.rung),
                "scenario_id": row.scenario_id,
                "name": row.name,
                "requirements": codes,
                "adds": [c for c in codes if c not in seen],
                "depth": len(codes) / most,
                "source_id": row.source_id,
            }
        )
        seen += [c for c in codes if c not in seen]
    return pd.DataFrame(rows).set_index("rung")


def requirement_matrix(scenarios: pd.DataFrame) -> pd.DataFrame:
    """Rungs x requirement codes: 2 where a rung first asks for it, 1 where it keeps it, 0 not."""
    steps = ladder(scenarios)
    codes = [c for adds in steps["adds"] for c in adds]
    matrix = pd.DataFrame(0, index=steps.index, columns=codes)
    for rung, row in steps.iterrows():
        for code in row["requirements"]:
            matrix.loc[rung, code] = 2 if code in row["adds"] else 1
    return matrix


def requirement_meanings(readme: Path = DATA_DIR / "README.md") -> dict[str, str]:
    """The requirement vocabulary (code -> meaning) from the table in data/README.md."""
    lines = Path(readme).read_text(encoding="utf-8").splitlines()
    if "| code | meaning |" not in lines:
        raise ValueError(f"{readme} has no '| code | meaning |' table of requirement codes")
    meanings = {}
    for line in lines[lines.index("| code | meaning |") + 2 :]:
        if not line.startswith("|"):
            break
        code, meaning = (cell.strip() for cell in line.strip("|").split("|", 1))
        meanings[code] = meaning
    return meanings


def first_rung_with(scenarios: pd.DataFrame, code: str) -> int:
    """The lowest rung whose requirements include code."""
    steps = ladder(scenarios)
    found = [rung for rung, codes in steps["requirements"].items() if code in codes]
    if not found:
        raise ValueError(f"no rung of scenarios requires '{code}'")
    return min(found)


# --- voices on the ladder ---------------------------------------------------------------------


def voice_positions(voices: pd.DataFrame) -> pd.DataFrame:
    """Each voice with its source, stance and rung (empty when it takes no position)."""
    cols = ["voice_id", "name", "source_id", "country_id", "stance", "rung", "rung_basis"]
    return voices[cols].sort_values(["source_id", "voice_id"]).reset_index(drop=True)


def source_positions(voices: pd.DataFrame) -> pd.DataFrame:
    """Per source: how many voices it carries, how many take a rung, and the lowest and highest."""
    placed = voices.dropna(subset=["rung"])
    summary = voices.groupby("source_id", observed=True).agg(voices=("voice_id", "count"))
    rungs = placed.groupby("source_id", observed=True)["rung"].agg(["count", "min", "max"])
    summary = summary.join(rungs.rename(columns={"count": "placed", "min": "lowest_rung"}))
    summary = summary.rename(columns={"max": "highest_rung"})
    summary["placed"] = summary["placed"].fillna(0).astype(int)
    return summary.reset_index()


# --- the arguments ----------------------------------------------------------------------------


def split_ids(cell: object) -> list[str]:
    """Split a ';'-separated id list; an empty cell gives an empty list."""
    return [] if pd.isna(cell) else [x for x in str(cell).split(";") if x]


def factor_support(factors: pd.DataFrame, claim_sources: pd.DataFrame) -> pd.DataFrame:
    """Per factor: its claims, the distinct sources asserting them, and those disputing them."""
    rows = []
    for row in factors.itertuples():
        claims = split_ids(row.evidence)
        links = claim_sources[claim_sources["claim_id"].isin(claims)]
        stance = links["stance"].astype(str)
        rows.append(
            {
                "factor_id": row.factor_id,
                "name": row.name,
                "direction": str(row.direction),
                "claims": len(claims),
                "asserting_sources": sorted(set(links.loc[stance == "asserts", "source_id"])),
                "disputing_sources": sorted(set(links.loc[stance == "disputes", "source_id"])),
            }
        )
    frame = pd.DataFrame(rows)
    frame["n_asserting"] = frame["asserting_sources"].map(len)
    return frame


def factor_reach(factors: pd.DataFrame, country_ids: list[str]) -> pd.DataFrame:
    """Factors x states: True where the factor bears on the state (empty applies_to: on all)."""
    rows = []
    for applies_to in factors["applies_to"]:
        targets = split_ids(applies_to)
        rows.append([not targets or cid in targets for cid in country_ids])
    return pd.DataFrame(rows, index=factors["factor_id"], columns=country_ids, dtype=bool)


# --- commitments and clashes ------------------------------------------------------------------


def requirement_clashes(
    tables: Tables, country_ids: list[str], year: int | None = None
) -> pd.DataFrame:
    """Every (state, requirement) clash as of a year: the commitment, its effect, why, the source.

    The clashes with a collective-defence clause are notebook 02's cross-pressures
    (otslab.alignments); commitment_requirements.csv adds the other requirements each touches.
    """
    year = current_year() if year is None else year
    cols = ["commitment_id", "name", "requirement", "effect", "reason", "source_id", "locator"]
    parts = [
        rows.assign(country_id=cid, requirement=COLLECTIVE_DEFENCE, reason=lambda f: f["conflict"])
        for cid, rows in cross_pressures_by_state(tables, country_ids, year).items()
    ]
    further = tables.commitment_requirements
    if (further["requirement"].astype(str) == COLLECTIVE_DEFENCE).any():
        raise ValueError(
            f"commitment_requirements.csv repeats '{COLLECTIVE_DEFENCE}': "
            "commitments.effect already covers it"
        )
    parties = commitment_parties(tables, year)
    parties = parties[parties["country_id"].isin(country_ids)]
    mapped = parties[["commitment_id", "country_id", "name", "source_id", "locator"]].merge(
        further, on="commitment_id", suffixes=("_commitment", "")
    )
    own = mapped["source_id"].isna()
    for col in ("source_id", "locator"):
        mapped[col] = mapped[col].where(~own, mapped[f"{col}_commitment"])
    parts.append(mapped)
    found = pd.concat([part[["country_id", *cols]] for part in parts], ignore_index=True)
    for col in ("requirement", "effect"):
        found[col] = found[col].astype(str)
    return found


def rung_clashes(
    scenarios: pd.DataFrame, clashes: pd.DataFrame, country_ids: list[str]
) -> pd.DataFrame:
    """The clashes that matter at each rung for the given states: state, rung, requirement, ..."""
    steps = ladder(scenarios)
    needs = pd.DataFrame(
        [(rung, code) for rung, codes in steps["requirements"].items() for code in codes],
        columns=["rung", "requirement"],
    )
    mine = clashes[clashes["country_id"].isin(country_ids)]
    found = mine.merge(needs, on="requirement")
    return found.sort_values(["country_id", "rung", "requirement"]).reset_index(drop=True)


def clash_grid(
    clashes: pd.DataFrame, states: list[str], codes: list[str]
) -> dict[str, pd.DataFrame]:
    """States x requirement codes: 'hardest' effect of any clash ('' if none), and 'count'."""
    mine = clashes[clashes["country_id"].isin(states) & clashes["requirement"].isin(codes)]
    mine = mine.drop_duplicates(["country_id", "commitment_id", "name", "requirement"])
    hardest = pd.DataFrame("", index=states, columns=codes)
    count = pd.DataFrame(0, index=states, columns=codes)
    order = list(CLASH_WEIGHTS)
    for (cid, code), rows in mine.groupby(["country_id", "requirement"]):
        hardest.loc[cid, code] = min(rows["effect"], key=order.index)
        count.loc[cid, code] = len(rows)
    return {"hardest": hardest, "count": count}


# --- the model --------------------------------------------------------------------------------


def default_weights(factors: pd.DataFrame) -> pd.Series:
    """Every factor at FACTOR_WEIGHT and each clash effect at its CLASH_WEIGHTS value."""
    weights = {fid: FACTOR_WEIGHT for fid in factors["factor_id"]}
    return pd.Series({**weights, **CLASH_WEIGHTS}, dtype=float)


def weight_grid(name: str) -> list[float]:
    """The values a weight's slider offers (a factor: 0-3; a clash effect: 0-6; step 0.5)."""
    low, high = CLASH_RANGE if name in CLASH_WEIGHTS else FACTOR_RANGE
    return [float(v) for v in np.arange(low, high + STEP / 2, STEP)]


def coefficients(
    scenarios: pd.DataFrame,
    factors: pd.DataFrame,
    clashes: pd.DataFrame,
    country_ids: list[str],
) -> pd.DataFrame:
    """Rows (state, rung), one column per weight: readiness is this matrix times the weights."""
    if not country_ids:
        raise ValueError("no states given: pick at least one")
    steps = ladder(scenarios)
    reach = factor_reach(factors, country_ids)
    direction = factors.set_index("factor_id")["direction"].astype(str)
    index = pd.MultiIndex.from_product([country_ids, list(steps.index)], names=["country", "rung"])
    # A factor counts +1 for a driver and -depth for a constraint, where it bears on the state.
    per_rung = np.where(
        (direction == "driver").to_numpy()[None, :], 1.0, -steps["depth"].to_numpy()[:, None]
    )  # rungs x factors
    values = reach.T.to_numpy()[:, None, :] * per_rung[None, :, :]  # states x rungs x factors
    coefs = pd.DataFrame(
        values.reshape(len(index), -1) + 0.0, index=index, columns=list(factors["factor_id"])
    )
    found = rung_clashes(scenarios, clashes, country_ids)
    unknown = set(found["effect"]) - set(CLASH_WEIGHTS)
    if unknown:
        raise ValueError(f"clash effects without a weight: {sorted(unknown)}")
    counts = found.groupby(["country_id", "rung", "effect"]).size().unstack("effect")
    counts = counts.reindex(index=index, columns=list(CLASH_WEIGHTS)).fillna(0)
    return pd.concat([coefs, -counts.astype(float) + 0.0], axis=1)


def check_weights(coefs: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """The weights as a Series in the columns' order; a clear error if missing or negative."""
    weights = pd.Series(weights, dtype=float)
    missing = [c for c in coefs.columns if c not in weights.index]
    if missing:
        raise ValueError(f"weights missing for: {', '.join(missing)}")
    weights = weights[coefs.columns]
    negative = list(weights[weights < 0].index)
    if negative:
        raise ValueError(f"weights must be 0 or more; negative: {', '.join(negative)}")
    return weights


def readiness(coefs: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """States x rungs: readiness under the weights (the formula in this module's docstring)."""
    values = coefs.to_numpy() @ check_weights(coefs, weights).to_numpy()
    series = pd.Series(values.round(_DECIMALS) + 0.0, index=coefs.index)
    return series.unstack("rung").reindex(coefs.index.get_level_values("country").unique())


def _climb(values: np.ndarray, rungs: list[int]) -> np.ndarray:
    """Ceilings from readiness values shaped (states, rungs, ...): rung by rung while >= 0."""
    climbed = np.cumprod(values.round(_DECIMALS) >= 0, axis=1).sum(axis=1)
    return np.array([0, *rungs])[climbed]


def ceilings(ready: pd.DataFrame) -> pd.Series:
    """Per state, the highest rung it reaches climbing rung by rung (0: not even the first)."""
    return pd.Series(
        _climb(ready.to_numpy(), list(ready.columns)), index=ready.index, name="ceiling"
    )


def highest_common_rung(ready: pd.DataFrame, group: Iterable[str]) -> int:
    """The highest rung every state of the group could accept (0 when one refuses even rung 1)."""
    group = list(group)
    if not group:
        raise ValueError("the group is empty: pick at least one state")
    unknown = [c for c in group if c not in ready.index]
    if unknown:
        raise ValueError(f"not in the model: {', '.join(unknown)}")
    return int(ceilings(ready.loc[group]).min())


def blockers(ready: pd.DataFrame, group: Iterable[str]) -> list[str]:
    """The states of the group whose ceiling is the common rung (none when it is the top rung)."""
    group = list(group)
    tops = ceilings(ready.loc[group])
    common = int(tops.min())
    if common == max(ready.columns):
        return []
    return list(tops[tops == common].index)


def explain(coefs: pd.DataFrame, weights: Mapping[str, float], country_id: str) -> pd.DataFrame:
    """One state's readiness per rung, term by term, so the formula can be checked by hand."""
    if country_id not in coefs.index.get_level_values("country"):
        raise ValueError(f"'{country_id}' is not in the model")
    weights = check_weights(coefs, weights)
    rows = coefs.loc[country_id]
    factor_cols = [c for c in coefs.columns if c not in CLASH_WEIGHTS]
    drivers = rows[factor_cols].clip(lower=0)
    constraints = rows[factor_cols].clip(upper=0)
    table = pd.DataFrame(index=rows.index)
    table["drivers"] = drivers @ weights[factor_cols]
    table["constraints"] = (constraints < 0).astype(float) @ weights[factor_cols]
    depth = -constraints.min(axis=1)
    table["depth"] = depth.where(depth > 0)
    table["constraints x depth"] = table["constraints"] * depth
    for effect in CLASH_WEIGHTS:
        table[f"clashes: {effect}"] = (-rows[effect]).astype(int)
    table["clash penalty"] = -(rows[list(CLASH_WEIGHTS)] @ weights[list(CLASH_WEIGHTS)]) + 0.0
    table["readiness"] = readiness(coefs.loc[[country_id]], weights).iloc[0]
    table["accepts"] = table["readiness"] >= 0
    return table.round(3)


def sensitivity(
    coefs: pd.DataFrame, weights: Mapping[str, float], group: Iterable[str]
) -> pd.DataFrame:
    """For each weight alone: the nearest slider values below and above that move the answer."""
    weights = check_weights(coefs, weights)
    group = list(group)
    now = highest_common_rung(readiness(coefs, weights), group)
    states = list(coefs.index.get_level_values("country").unique())
    rungs = list(coefs.index.get_level_values("rung").unique())
    rows_of_group = [states.index(c) for c in group]
    matrix = coefs.to_numpy()
    base = matrix @ weights.to_numpy()
    rows = []
    for j, name in enumerate(coefs.columns):
        grid = np.array(weight_grid(name))
        values = base[:, None] + matrix[:, j, None] * (grid - weights[name])[None, :]
        shaped = values.reshape(len(states), len(rungs), len(grid))[rows_of_group]
        answers = _climb(shaped, rungs).min(axis=0)
        row = {"weight": name, "now": weights[name], "answer now": now}
        for side, order in (("lowered", grid < weights[name]), ("raised", grid > weights[name])):
            moved = np.flatnonzero(order & (answers != now))
            pick = (moved.max() if side == "lowered" else moved.min()) if moved.size else None
            row[f"{side} to"] = np.nan if pick is None else float(grid[pick])
            row[f"answer if {side}"] = pd.NA if pick is None else int(answers[pick])
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in ("answer if lowered", "answer if raised"):
        frame[col] = frame[col].astype("Int64")
    frame["smallest change"] = pd.concat(
        [frame["now"] - frame["lowered to"], frame["raised to"] - frame["now"]], axis=1
    ).min(axis=1)
    return frame.sort_values(["smallest change", "weight"], na_position="last").reset_index(
        drop=True
    )


def ots_states(countries: pd.DataFrame, include_observers: bool = False) -> list[str]:
    """The OTS member states (and observers if asked), in the order of countries.csv."""
    statuses = ["member", "observer"] if include_observers else ["member"]
    return list(countries.loc[countries["ots_status"].astype(str).isin(statuses), "country_id"])


def model(tables: Tables) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clashes (for every role-card state) and coefficients (for OTS members and observers)."""
    clashes = requirement_clashes(tables, role_card_states(tables.countries))
    states = ots_states(tables.countries, include_observers=True)
    return clashes, coefficients(tables.scenarios, tables.factors, clashes, states)


# --- evidence behind each verdict -------------------------------------------------------------

MIN_SOURCES = 3
"""A state is judged only when at least this many distinct sources speak about it."""

VERDICTS = ("accepts", "refuses", "not enough evidence")
"""What the model says about a state and a rung."""


def _claims_naming(tables: Tables, country_id: str) -> pd.DataFrame:
    """The claims whose statement names the state."""
    name = _country_row(tables, country_id)["name"]
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
    for cid in country_ids:
        own = tables.factors[[cid in split_ids(c) for c in tables.factors["applies_to"]]]
        general = tables.factors["applies_to"].map(lambda c: not split_ids(c))
        mine = clashes[clashes["country_id"] == cid]
        claims = _claims_naming(tables, cid)
        factor_claims = {c for cell in own["evidence"] for c in split_ids(cell)}
        links = tables.claim_sources[
            tables.claim_sources["claim_id"].isin(set(claims["claim_id"]) | factor_claims)
        ]
        voices = tables.voices[tables.voices["country_id"] == cid]
        sources = set(links["source_id"]) | set(voices["source_id"]) | set(mine["source_id"])
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
                "commitments": mine["commitment_id"].replace("", pd.NA).nunique()
                + int((mine["commitment_id"].fillna("") == "").any()),
                "claims": len(claims),
                "voices": len(voices),
                "sources": len(sources),
                "source ids": ", ".join(sorted(sources, key=lambda s: (s[0] != "S", s))),
                "judged": not why,
                "why not": "; ".join(why),
            }
        )
    return pd.DataFrame(rows).set_index("country_id")


def verdicts(ready: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """States x rungs: 'accepts', 'refuses', or 'not enough evidence' for a state not judged."""
    judged = evidence["judged"].reindex(ready.index).fillna(False).astype(bool)
    table = pd.DataFrame(
        np.where(ready.round(_DECIMALS) >= 0, "accepts", "refuses"),
        index=ready.index,
        columns=ready.columns,
    )
    table.loc[~judged] = "not enough evidence"
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


def rung_evidence(
    scenarios: pd.DataFrame, clashes: pd.DataFrame, evidence: pd.DataFrame
) -> pd.DataFrame:
    """Rows (state, rung): the factors and clashes the verdict weighs, and the sources behind it."""
    steps = ladder(scenarios)
    found = rung_clashes(scenarios, clashes, list(evidence.index))
    rows = []
    for cid, row in evidence.iterrows():
        for rung in steps.index:
            here = found[(found["country_id"] == cid) & (found["rung"] == rung)]
            rows.append(
                {
                    "country_id": cid,
                    "rung": rung,
                    "factors": row["own drivers"] + row["own constraints"] + row["general factors"],
                    "own factors": row["own drivers"] + row["own constraints"],
                    "clashes": len(here.drop_duplicates(["commitment_id", "name", "requirement"])),
                    "claims": row["claims"],
                    "sources": row["sources"],
                    "judged": row["judged"],
                }
            )
    return pd.DataFrame(rows).set_index(["country_id", "rung"])


# --- the model held against the record ------------------------------------------------------

RECORD_EVENTS = {
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
    event is the requirement itself or only close to it (an exercise not under the OTS flag).
    """
    events = tables.events.set_index("event_id")
    people = tables.event_participants
    ots = set(ots_states(tables.countries, include_observers=True))
    picks = [(eid, code) for eid, code in RECORD_EVENTS.items() if eid in events.index]
    for eid in events.index[events["kind"].astype(str) == "exercise"]:
        taking = people[(people["event_id"] == eid) & people["role"].astype(str).isin(TAKING_PART)]
        if len(ots & set(taking["country_id"])) >= 2:
            picks.append((eid, "joint_exercises"))
    rows = []
    for eid, code in picks:
        row = events.loc[eid]
        ots_document = str(row["framework"]) == "OTS" and str(row["kind"]) == "document"
        if ots_document:
            doers = _members_on(tables, row["date"])
        else:
            taking = people[
                (people["event_id"] == eid) & people["role"].astype(str).isin(TAKING_PART)
            ]
            doers = list(dict.fromkeys(taking["country_id"]))
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
                    }
                )
    columns = ["country_id", "requirement", "event_id", "date", "title", "match", "basis"]
    return pd.DataFrame(rows, columns=[*columns, "source_id"])


def record_contradictions(
    scenarios: pd.DataFrame, practice: pd.DataFrame, ready: pd.DataFrame
) -> pd.DataFrame:
    """Where the model says a state would not take a rung whose requirement it already practises.

    'refuses the rung' means its readiness there is below 0; 'stops below it' means it refuses an
    earlier rung, so on the ladder it never gets there (the ladder's order is the question then).
    """
    tops = ceilings(ready)
    rows = []
    mine = practice[practice["country_id"].isin(ready.index)]
    firsts = {code: first_rung_with(scenarios, code) for code in mine["requirement"].unique()}
    for (cid, code, match), done in mine.groupby(
        ["country_id", "requirement", "match"], sort=False
    ):
        rung = firsts[code]
        value = float(ready.loc[cid, rung])
        if value >= 0 and tops[cid] >= rung:
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


# --- commit, then reveal ---------------------------------------------------------------------

def my_weights_path() -> Path:
    """Where notebook 04 keeps a student's weights and reason: my_work/04_my_weights.json beside
    the notebooks (a visible folder; the environment variable OTSLAB_WORK names another)."""
    folder = os.environ.get("OTSLAB_WORK") or Path(__file__).resolve().parents[1] / "my_work"
    return Path(folder) / "04_my_weights.json"


def save_commitment(path: Path, weights: Mapping[str, float], reason: str) -> dict:
    """Write a student's weights and reason (before they see the answer) to a JSON file."""
    reason = reason.strip()
    if not reason:
        raise ValueError("write a reason for your weights before you commit them")
    record = {
        "weights": {k: float(v) for k, v in weights.items()},
        "reason": reason,
        "committed": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
    }
    save_file(Path(path), json.dumps(record, indent=1, ensure_ascii=False).encode())
    return record


def load_commitment(path: Path) -> dict | None:
    """A committed record from save_commitment, None when there is none; a clear error if broken."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: not readable JSON ({exc}); delete it and commit again") from None
    weights = record.get("weights") if isinstance(record, dict) else None
    if not isinstance(weights, dict) or not isinstance(record.get("reason"), str):
        raise ValueError(f"{path}: needs 'weights' (name -> number) and 'reason' (text)")
    bad = [k for k, v in weights.items() if not isinstance(v, int | float) or v < 0]
    if bad:
        raise ValueError(f"{path}: weights must be numbers of 0 or more; not: {', '.join(bad)}")
    return record


def compare_weights(committed: Mapping[str, float], defaults: pd.Series) -> pd.DataFrame:
    """Each weight: the default, the student's, and the difference (only where they differ)."""
    mine = pd.Series(committed, dtype=float).reindex(defaults.index)
    missing = list(mine[mine.isna()].index)
    if missing:
        raise ValueError(f"the committed weights lack: {', '.join(missing)}")
    table = pd.DataFrame({"default": defaults, "yours": mine})
    table["change"] = table["yours"] - table["default"]
    return table[table["change"] != 0].rename_axis("weight").reset_index()


# --- role-play kit ----------------------------------------------------------------------------

PROCEDURE = """## Procedure (45 minutes)

- **0-5 min, briefing.** The teacher reads the decision point. Groups of one to three students
  take a role card each. The members ({members}) sit at the table; the observers ({observers})
  are optional seats; {outside} sit apart.
- **5-15 min, preparation.** Each delegation works through "Prepare" on its card.
- **15-23 min, opening statements.** One minute each: members first, then observers. {outside}
  may each make one public statement of one minute.
- **23-33 min, recess.** Delegations talk in pairs. {outside} may talk to any delegation but may
  not join the table.
- **33-40 min, decision.** The chair (see the chair's card) puts question 1, then question 2.
  The OTS decides by consensus, so one member's "no" blocks; observers speak but do not decide.
  The chair records the rung reached, who held out and why on the outcome form.
- **40-45 min, debrief** (questions below). The press corps, if there is one, reads its report.
"""
"""The simulation's steps; {members}, {observers} and {outside} are filled from the data."""

DEBRIEF = """## Debrief questions

1. Which rung did your summit reach, and which delegation set the limit? Compare it with the
   model's highest common rung under the weights you chose in the notebook, and with the rungs
   other groups and earlier classes reached (the outcome CSV).
2. Which of your arguments rested on a fact, which on an interpretation, a forecast or a
   recommendation? Check the claim types in `claims.csv`.
3. Where did a legal commitment (a treaty clause, a neutrality law) decide the matter, and where a
   political pressure? Which mattered more in your summit?
4. How did Russia and China act on the outcome from outside the room? Which source describes that
   kind of influence?
5. What would have to change for the summit to climb one rung higher, and is there evidence in the
   sources that it is changing?
6. Whose voice was missing: parliaments, publics, Armenia, Iran, the other observers?
7. Which confidential instruction changed the outcome? It was invented for the game: would a
   real government have given it, and which source would tell you?
"""

PREPARE = """## Prepare (10 minutes)

1. Your answer to question 1 (OTS-flag exercises) and to question 2 (a clause): yes, no, or
   "only if ...".
2. One argument for your answer, with the source id that backs it.
3. Your red line: what you will not sign, and which of your commitments it comes from.
4. What another delegation would have to offer to move you one rung.
"""


STANCE_VERBS = {"asserts": "asserted", "disputes": "disputed", "qualifies": "qualified"}
"""claim_sources.stance -> the participle used on role cards."""

PREPARE_OUTSIDE = """## Prepare (10 minutes)

1. The outcome you want on question 1 (OTS-flag exercises) and on question 2 (a clause).
2. Which delegation you will talk to in the recess, and the argument you will use, with the
   source id that backs it.
3. Your one-minute public statement: what you say, and what you leave unsaid.
"""


def _country_row(tables: Tables, country_id: str) -> pd.Series:
    """The countries.csv row of a state, or a clear error."""
    found = tables.countries[tables.countries["country_id"] == country_id]
    if found.empty:
        raise ValueError(f"'{country_id}' is not in countries.csv")
    return found.iloc[0]


def short_name(name: str) -> str:
    """A country name without its parenthesised abbreviation: 'Northern Cyprus (TRNC)' -> ..."""
    return re.sub(r"\s*\(.*\)$", "", name)


def mentions(text: object, name: str) -> bool:
    """Whether text names the state (its name, or a word starting with it: 'Russian')."""
    return bool(re.search(rf"\b{re.escape(short_name(name))}", str(text)))


def role_of(status: str) -> str:
    """The seat a state takes in the simulation, from its OTS status."""
    return {
        "member": "OTS member: you sit at the table and your consent is needed.",
        "observer": "OTS observer: you may speak at the table, but you do not decide.",
    }.get(status, "Outside power: you are not at the table, but you can talk to any delegation.")


def current_memberships(tables: Tables, country_id: str) -> pd.DataFrame:
    """A state's memberships that are still running, with the organisation's short name."""
    rows = tables.memberships[
        (tables.memberships["country_id"] == country_id) & tables.memberships["end"].isna()
    ]
    names = tables.organisations.set_index("org_id")["short_name"]
    return rows.assign(org=rows["org_id"].map(names)).sort_values("start_earliest")


def claim_lines(tables: Tables, claim_ids: list[str]) -> list[str]:
    """One Markdown line per claim: id, type, statement, and which sources assert or dispute it."""
    lines = []
    claims = tables.claims.set_index("claim_id")
    sources: dict[tuple[str, str], list[str]] = {}
    for cid, stance, source_id in tables.claim_sources[
        ["claim_id", "stance", "source_id"]
    ].itertuples(index=False):
        sources.setdefault((cid, str(stance)), []).append(source_id)
    for cid in claim_ids:
        parts = [
            f"{verb} by {md(', '.join(sorted(sources[(cid, stance)])))}"
            for stance, verb in STANCE_VERBS.items()
            if (cid, stance) in sources
        ]
        row = claims.loc[cid]
        lines.append(
            f"- **{md(cid)}** ({md(row['claim_type'])}; {'; '.join(parts)}): {md(row['statement'])}"
        )
    return lines


def _clash_lines(clashes: pd.DataFrame, country_id: str) -> list[str]:
    """Role-card lines: where a state's own commitments meet the ladder, hardest first."""
    mine = clashes[clashes["country_id"] == country_id].drop_duplicates(
        ["commitment_id", "name", "requirement"]
    )
    if mine.empty:
        return []
    out = ["", "## Where your commitments meet the ladder", ""]
    order = mine["effect"].map(list(CLASH_WEIGHTS).index)
    for row in mine.assign(order=order).sort_values(["order", "requirement"]).itertuples():
        label = f"{row.commitment_id}, " if row.commitment_id else ""
        out.append(
            f"- **{md(row.effect)}** {md(row.requirement)}: {md(row.name)} "
            f"({md(label + row.source_id)}). {md(row.reason)}"
        )
    return out


def _outside_levers(tables: Tables, country_id: str) -> list[str]:
    """Role-card lines for an outside power: its commitments that also bind OTS states."""
    parties = commitment_parties(tables, current_year())
    ots = ots_states(tables.countries, include_observers=True)
    names = tables.countries.set_index("country_id")["name"].map(short_name)
    mine = parties[parties["country_id"] == country_id]
    out = []
    for row in mine.drop_duplicates("commitment_id").itertuples():
        bound = parties.loc[parties["commitment_id"] == row.commitment_id, "country_id"]
        shared = [names[c] for c in ots if c in set(bound)]
        if shared:
            out.append(
                f"- **{md(row.commitment_id)} {md(row.name)}** ({md(row.effect)}; "
                f"{md(row.source_id)}): also binds {md(', '.join(shared))}. {md(row.conflict)}"
            )
    return ["", "## Your levers: commitments you share with OTS states", "", *out] if out else []


# --- the delegation's brief: interests, options, confidential instructions ----------------------

TAGS = ("fact", "interpretation", "our inference")
"""How each line of a brief is tagged: a sourced fact, a source's interpretation, or ours."""

INVENTED = "INVENTED FOR THE GAME: not a fact, and in no source."
"""The mark on every confidential instruction."""


def _tag(kind: str) -> str:
    """The Markdown tag that opens a brief line."""
    if kind not in TAGS:
        raise ValueError(f"unknown tag '{kind}': use one of {', '.join(TAGS)}")
    return f"**[{kind}]**"


def _own_clashes(scenarios: pd.DataFrame, clashes: pd.DataFrame, country_id: str) -> pd.DataFrame:
    """A state's clashes, each at the first rung that asks for its requirement, hardest first."""
    found = rung_clashes(scenarios, clashes, [country_id]).sort_values("rung")
    found = found.drop_duplicates(["commitment_id", "name", "requirement"])
    order = found["effect"].map(list(CLASH_WEIGHTS).index)
    return found.assign(order=order).sort_values(["order", "rung"]).reset_index(drop=True)


def clear_rung(scenarios: pd.DataFrame, clashes: pd.DataFrame, country_id: str) -> int:
    """The highest rung up to which none of the state's commitments clashes (0: not even rung 1)."""
    found = _own_clashes(scenarios, clashes, country_id)
    top = int(ladder(scenarios).index.max())
    return top if found.empty else int(found["rung"].min()) - 1


def _commitment_label(commitment_id: object, name: object, short: bool = False) -> str:
    """'K001 CSTO Article 1 ...' ('K001' when short), or the name alone when it has no id."""
    if pd.isna(commitment_id) or not commitment_id:
        return str(name)
    return str(commitment_id) if short else f"{commitment_id} {name}"


def _labels(rows: pd.DataFrame, short: bool = False) -> list[str]:
    """The commitment label of every clash row."""
    pairs = zip(rows["commitment_id"], rows["name"], strict=True)
    return [_commitment_label(c, n, short) for c, n in pairs]


def _by_commitment(rows: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Clash rows grouped per commitment: (label, 'requirement (rung n), ...', sources)."""
    out = []
    for label, group in rows.groupby(_labels(rows), sort=False):
        reqs = ", ".join(f"{r.requirement} (rung {r.rung})" for r in group.itertuples())
        out.append((label, reqs, ", ".join(dict.fromkeys(group["source_id"]))))
    return out


def _factor_line(row: object) -> str:
    """A brief line for a factor: tagged as the sources' interpretation, with its claims."""
    return (
        f"- {_tag('interpretation')} **{md(row.factor_id)} {md(row.name)}**: "
        f"{md(row.description)} (claims {md(', '.join(split_ids(row.evidence)))})"
    )


def brief_lines(tables: Tables, country_id: str, clashes: pd.DataFrame) -> list[str]:
    """What the government wants, will not accept and could trade, each line tagged and sourced."""
    scenarios = tables.scenarios
    names = ladder(scenarios)["name"]
    mine = _own_clashes(scenarios, clashes, country_id)
    own = tables.factors[[country_id in split_ids(c) for c in tables.factors["applies_to"]]]
    direction = own["direction"].astype(str)
    voices = tables.voices[(tables.voices["country_id"] == country_id)].dropna(subset=["rung"])
    practice = record_practice(tables, [country_id])
    clear = clear_rung(scenarios, clashes, country_id)
    wants = [_factor_line(r) for r in own[direction == "driver"].itertuples()]
    wants += [
        f"- {_tag('our inference')} {md(r.voice_id)} {md(r.name)} ({md(r.source_id)}) speaks "
        f"for rung {int(r.rung)}, \u201c{md(names[int(r.rung)])}\u201d (our reading of the "
        "quotation below, not an official position)."
        for r in voices.itertuples()
    ]
    bars = mine[mine["effect"] == "rules out"]
    refuse = [
        f"- {_tag('our inference')} {md(label)} rules out {md(reqs)} ({md(src)}): the commitment "
        "is a fact, its effect our coding; accepting means leaving or re-reading it."
        for label, reqs, src in _by_commitment(bars)
    ]
    refuse += [_factor_line(r) for r in own[direction == "constraint"].itertuples()]
    trade = [
        f"- {_tag('our inference')} Up to rung {clear} none of your commitments clashes with "
        "what the ladder asks: support there costs you no treaty or law."
        if clear
        else f"- {_tag('our inference')} Even rung 1 touches one of your commitments."
    ]
    if mine.empty:
        trade.append(
            f"- {_tag('our inference')} The data code no commitment of yours at all: that is "
            "missing data, not freedom to sign anything. Ask what your government has promised."
        )
    soft = mine[mine["effect"] != "rules out"]
    if not soft.empty:
        trade.append(
            f"- {_tag('our inference')} These commitments only limit or pull elsewhere, so a text "
            f"drafted around them is possible: {md(', '.join(dict.fromkeys(_labels(soft, True))))}"
            " (see 'Where your commitments meet the ladder')."
        )
    for (code, match), done in practice.groupby(["requirement", "match"], sort=False):
        events = ", ".join(
            f"{r.event_id} ({r.source_id})" for r in done.drop_duplicates("event_id").itertuples()
        )
        trade.append(
            f"- {_tag('fact')} You already practise {md(code)} ({md(match)}): {md(events)}."
        )
    none_wanted = (
        f"- {_tag('our inference')} No factor or placed voice in the data speaks for your side "
        "specifically: build your aims from the voices and claims below."
    )
    none_refused = f"- {_tag('our inference')} No commitment in the data rules out a rung for you."
    return [
        "## Your brief",
        "",
        "Tags: **[fact]** sourced fact; **[interpretation]** an argument the sources make; "
        "**[our inference]** the course team's reading of the data.",
        "",
        "**Your government wants**",
        "",
        *(wants or [none_wanted]),
        "",
        "**It will not accept**",
        "",
        *(refuse or [none_refused]),
        "",
        "**It could trade**",
        "",
        *trade,
    ]


def option_lines(tables: Tables, country_id: str, clashes: pd.DataFrame) -> list[str]:
    """An options menu: for every rung, what supporting it would cost this state."""
    steps = ladder(tables.scenarios)
    found = rung_clashes(tables.scenarios, clashes, [country_id])
    practice = record_practice(tables, [country_id])
    out = ["## Your options, rung by rung", ""]
    for rung, step in steps.iterrows():
        here = found[found["rung"] == rung].drop_duplicates(["commitment_id", "name"])
        bars = here[here["effect"] == "rules out"]
        drafts = here[here["effect"] != "rules out"]
        done = practice[practice["requirement"].isin(step["adds"])]
        if not bars.empty:
            choice = "oppose, or support only after leaving or re-reading " + md(
                ", ".join(dict.fromkeys(_labels(bars, short=True)))
            )
        elif not drafts.empty:
            choice = "support if the text is drafted around " + md(
                ", ".join(dict.fromkeys(_labels(drafts, short=True)))
            )
        else:
            choice = "support: none of your commitments clashes"
        record = (
            f" The record: you already did {md(', '.join(dict.fromkeys(done['event_id'])))}."
            if not done.empty
            else ""
        )
        out.append(f"- **Rung {rung}, {md(step['name'])}:** {choice}.{record}")
    return out


def confidential_lines(tables: Tables, country_id: str, clashes: pd.DataFrame) -> list[str]:
    """One or two confidential instructions built from the clash data, marked as invented."""
    mine = _own_clashes(tables.scenarios, clashes, country_id)
    names = tables.countries.set_index("country_id")["name"].map(short_name)
    parties = commitment_parties(tables, current_year())
    outside = [c for c in role_card_states(tables.countries) if c in ("RUS", "CHN")]
    out = ["## Confidential instructions", "", f"*{INVENTED}*", ""]
    if country_id in outside:
        bound = parties[parties["country_id"] == country_id]["commitment_id"].dropna().unique()
        ots = set(ots_states(tables.countries, include_observers=True))
        lines = []
        for cid in bound:
            others = parties[
                (parties["commitment_id"] == cid) & parties["country_id"].isin(ots)
            ]["country_id"].unique()
            if len(others) and len(lines) < 2:
                row = parties[parties["commitment_id"] == cid].iloc[0]
                lines.append(
                    f"{len(lines) + 1}. Your capital instructs you to remind "
                    f"{md(', '.join(names[c] for c in others))} in private that {md(cid)} "
                    f"{md(row['name'])} binds them, and to say nothing about it in public."
                )
        listen = (
            "1. Your capital instructs you to listen, ask each delegation which rung it will "
            "support, and report."
        )
        return [*out, *(lines or [listen])]
    if mine.empty:
        return [
            *out,
            "1. Your capital instructs you to ask, before you support any rung, what it would "
            "oblige you to do, and to commit to nothing you cannot report home in one sentence.",
        ]
    hardest = mine.iloc[0]
    bound = parties[parties["commitment_id"] == hardest["commitment_id"]]
    partners = [c for c in bound["country_id"].unique() if c in outside]
    label = md(_commitment_label(hardest["commitment_id"], hardest["name"]))
    if len(partners):
        out.append(
            f"1. {md(names[partners[0]])}'s ambassador has reminded you in private that {label} "
            f"binds you. Do not agree to rung {hardest['rung']} unless the final text says it is "
            f"compatible with {md(hardest['commitment_id'] or hardest['name'])}."
        )
    else:
        out.append(
            f"1. Your parliament will read anything you sign against {label}. Do not agree to "
            f"rung {hardest['rung']} without a written assurance that the text respects it."
        )
    clear = clear_rung(tables.scenarios, clashes, country_id)
    if clear:
        out.append(
            f"2. You may support rung {clear} at once, but announce it only after another "
            "delegation has offered you something from your brief in return."
        )
    return out


def role_card(tables: Tables, country_id: str, clashes: pd.DataFrame) -> str:
    """A role card in Markdown for one state, built only from the data."""
    country = _country_row(tables, country_id)
    name = country["name"]
    out = [f"# Role card: {md(name)}", "", f"*{role_of(str(country['ots_status']))}*", ""]
    out += [*brief_lines(tables, country_id, clashes), ""]
    out += [*option_lines(tables, country_id, clashes), ""]
    out += [*confidential_lines(tables, country_id, clashes), ""]
    if pd.notna(country["security_posture"]):
        out += [
            "## Your position in one line",
            "",
            f"{md(country['security_posture'])} ({md(country['posture_source_id'])}: "
            f"\u201c{md(country['posture_locator'])}\u201d)",
            "",
        ]
    out += ["## Your commitments today", ""]
    for row in current_memberships(tables, country_id).itertuples():
        since = f" since {row.start}" if pd.notna(row.start) else ""
        out.append(f"- {md(row.org)}: {md(f'{row.status}{since}')} ({md(row.source_id)})")
    outside = str(country["ots_status"]) not in ("member", "observer")
    out += _outside_levers(tables, country_id) if outside else _clash_lines(clashes, country_id)
    basing = tables.events[tables.events["domain"].astype(str) == "basing"]
    people = tables.event_participants
    hosts = people[(people["country_id"] == country_id) & (people["role"] == "party")]
    bases = basing[basing["event_id"].isin(hosts["event_id"])]
    if not bases.empty:
        out += ["", "## Bases in the record", ""]
        out += [f"- {md(r.title)} ({md(f'{r.date}, {r.source_id}')})" for r in bases.itertuples()]
    factors = tables.factors[
        ~tables.factors["applies_to"].map(lambda cell: country_id in split_ids(cell))
        & (
            tables.factors["name"].map(lambda t: mentions(t, name))
            | tables.factors["description"].map(lambda t: mentions(t, name))
        )
    ]
    if not factors.empty:
        out += ["", "## Other arguments in the sources that name you", ""]
        out += [
            f"- {md(r.direction)} **{md(r.factor_id)} {md(r.name)}**: {md(r.description)} "
            f"(claims {md(', '.join(split_ids(r.evidence)))})"
            for r in factors.itertuples()
        ]
    voices = tables.voices[tables.voices["country_id"] == country_id]
    out += ["", "## What the sources report your side saying", ""]
    if voices.empty:
        out.append("- The sources quote no voice from your side: argue from the claims below.")
    out += [
        f"- **{md(r.name)}** ({md(r.affiliation)}; {md(r.source_id)}): {md(r.position)} "
        f"In the source's words: *{md(r.locator)}*"
        for r in voices.itertuples()
    ]
    claim_ids = list(
        tables.claims.loc[tables.claims["statement"].map(lambda t: mentions(t, name))]["claim_id"]
    )
    out += ["", "## Claims about you in the sources", ""]
    out += claim_lines(tables, claim_ids) or ["- No claim in the data names you."]
    prepare = PREPARE if str(country["ots_status"]) in ("member", "observer") else PREPARE_OUTSIDE
    return "\n".join([*out, "", prepare])


def decision_point(tables: Tables) -> str:
    """The decision before the summit, in Markdown, from the events, organisations and ladder."""
    scenarios = tables.scenarios.set_index("rung")
    events = tables.events
    proposals = events[
        (events["kind"].astype(str) == "proposal")
        & (events["framework"].astype(str) == "OTS")
        & (events["status"].astype(str) == "proposed")
    ]
    ots = tables.organisations.set_index("org_id").loc["OTS"]
    exercise = first_rung_with(tables.scenarios, "joint_exercises")
    clause = first_rung_with(tables.scenarios, "solidarity_clause")
    defence = first_rung_with(tables.scenarios, COLLECTIVE_DEFENCE)
    out = ["## Decision point", "", "The OTS heads of state meet. On the record before them:", ""]
    out += [
        f"- {md(r.title)} ({md(f'{r.date}, {r.source_id}')}): {md(r.summary)}"
        for r in proposals.itertuples()
    ]
    for kind in ("summit", "document"):
        dated = events[
            (events["kind"].astype(str) == kind) & (events["framework"].astype(str) == "OTS")
        ].dropna(subset=["date_earliest"])
        if not dated.empty:
            last = dated.sort_values("date_earliest").iloc[-1]
            out.append(
                f"- {md(last['title'])} ({md(last['date'] + ', ' + last['source_id'])}): "
                f"{md(last['summary'])}"
            )
    out.append(
        f"- Collective-defence clause in the OTS founding documents: "
        f"{md(ots['collective_defense_clause'])} ({md(ots['clause_source_id'])}: "
        f"\u201c{md(ots['clause_locator'])}\u201d)"
    )
    out += [
        "",
        f"**Question 1.** Hold exercises under the OTS flag (rung {exercise}, "
        f"\u201c{md(scenarios.loc[exercise, 'name'])}\u201d)?",
        "",
        f"**Question 2.** Adopt a clause: rung {clause} "
        f"(\u201c{md(scenarios.loc[clause, 'name'])}\u201d) or rung {defence} "
        f"(\u201c{md(scenarios.loc[defence, 'name'])}\u201d)?",
    ]
    return "\n".join(out)


def procedure(tables: Tables) -> str:
    """The 45-minute procedure, with the seats filled from countries.csv."""
    names = tables.countries.set_index("country_id")["name"].map(short_name)
    members = ots_states(tables.countries)
    observers = [c for c in ots_states(tables.countries, True) if c not in members]
    outside = [c for c in role_card_states(tables.countries) if c not in members + observers]
    return PROCEDURE.format(
        members=md(", ".join(names[members])),
        observers=md(", ".join(names[observers])),
        outside=md(" and ".join(names[outside])),
    )


def briefing(tables: Tables) -> str:
    """The teacher's sheet: decision point, procedure and debrief questions."""
    return "\n\n".join(
        ["# Role play: the next OTS summit", decision_point(tables), procedure(tables), DEBRIEF]
    )


def role_card_states(countries: pd.DataFrame) -> list[str]:
    """The states that get a card: OTS members and observers, then Russia and China."""
    return [*ots_states(countries, include_observers=True), "RUS", "CHN"]


KIT_DIR = Path(__file__).resolve().parents[1] / "roleplay_kit"
"""Where notebook 04 writes the role-play kit: notebooks/roleplay_kit, seen in the file browser."""

KIT_MANIFEST = ".kit-manifest.json"
"""In the kit folder: the SHA-256 of every file as the course last wrote it."""


def _digest(data: bytes) -> str:
    """SHA-256 of some bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def _read_manifest(folder: Path) -> dict[str, str]:
    """The kit's manifest (file name -> hash we wrote), or {} when missing or unreadable."""
    try:
        found = json.loads((folder / KIT_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}


def _kit_target(folder: Path, name: str, data: bytes, manifest: dict[str, str]) -> Path:
    """Where to write a kit file: its own name, unless someone changed that file since we wrote it.

    A changed file is kept; the new version goes beside it as `<stem>.new<suffix>` (or
    `.new-2<suffix>`...), e.g. `01_role_card_TUR.new.md`.
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    candidates = [name] + [
        f"{stem}.new{'' if n == 1 else f'-{n}'}{suffix}" for n in range(1, 100)
    ]
    for candidate in candidates:
        path = folder / candidate
        if not path.exists():
            return path
        current = _digest(path.read_bytes())
        if current == _digest(data) or manifest.get(candidate) == current:
            return path
    raise FileExistsError(f"{folder}: too many edited copies of {name}; tidy the folder")


def write_kit_files(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write files (name -> bytes) into folder, keeping any a user changed; return the paths.

    A file changed since the course wrote it is never overwritten: the new version is written
    beside it (`describe_kit` says which). Each file is written whole or not at all.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(folder)
    written = []
    for name, data in files.items():
        path = _kit_target(folder, name, data, manifest)
        if not path.exists() or path.read_bytes() != data:
            write_atomically(path, data, mode=0o644)
        manifest[path.name] = _digest(data)
        written.append(path)
    write_atomically(
        folder / KIT_MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"), mode=0o644
    )
    return written


def export_kit(tables: Tables, folder: Path, clashes: pd.DataFrame) -> list[Path]:
    """Write the briefing and one Markdown role card per state into folder; return the paths.

    A file changed since the course wrote it is kept, as `write_kit_files` does.
    """
    texts = {"00_briefing.md": briefing(tables)}
    for number, cid in enumerate(role_card_states(tables.countries), start=1):
        texts[f"{number:02d}_role_card_{cid}.md"] = role_card(tables, cid, clashes)
    return write_kit_files(folder, {k: (v + "\n").encode("utf-8") for k, v in texts.items()})


def describe_kit(written: list[Path]) -> str:
    """What export_kit did, in words: where the kit is and which edited files it left alone."""
    folder = os.path.relpath(written[0].parent)
    kept = [p for p in written if ".new" in p.name]
    kinds = sorted({p.suffix.lstrip(".").upper().replace("MD", "Markdown") for p in written})
    lines = [f"The kit ({len(written)} files: {', '.join(kinds)}) is in {folder}."]
    lines += [
        f"{p.name.split('.new')[0]}{p.suffix} was changed after it was written: it is kept as "
        f"it is, and the version from the data is in {p.name}."
        for p in kept
    ]
    return "\n".join(lines)
