"""The feasibility debate: the ladder, commitment clashes, the record, and a readiness model.

The record is the floor. What a state has already signed or done (events.csv) fixes the highest
rung whose new requirements it already practises, its floor; the model never weighs a rung at or
below it. Above the floor, the model is a thinking tool, not a prediction. For a state s and a
rung r:

    readiness(s, r) = sum of driver weights bearing on s
                      - depth(r) * sum of constraint weights bearing on s
                      - sum over the rung's clashes for s of the weight of the clash's effect

depth(r) is the share of the top rung's requirements that rung r asks for, so constraints bite
harder the more a rung asks. Only commitments in force clash by default. A state accepts a rung
above its floor when readiness >= 0; its ceiling is its floor, or higher as long as it accepts
every rung above it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from otslab.data import DATA_DIR, Tables
from otslab.model.alignments import (
    check_country,
    commitment_parties,
    current_year,
    foreign_bases,
    pressures_by_state,
)

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

DECIMALS = 9
"""Readiness is rounded to this many decimals before comparing with 0 (float noise)."""

IN_FORCE = {"yes": "in force", "no": "signed, not in force", "": "in force not established"}
"""commitments.in_force -> words. Only 'yes' binds by default; the others count when asked."""


def status_words(in_force: object, as_of: object = None) -> str:
    """A commitment's status in words: 'in force', 'signed, not in force as of 2025-12-15', ..."""
    key = "" if pd.isna(in_force) else str(in_force)
    words = IN_FORCE.get(key, IN_FORCE[""])
    return f"{words} as of {as_of}" if key == "no" and pd.notna(as_of) and as_of else words


SETTINGS = 1000
"""How many random settings of the sliders the robustness summary draws."""


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
    return first_rungs(scenarios, [code])[code]


def first_rungs(scenarios: pd.DataFrame, codes: Iterable[str]) -> dict[str, int]:
    """The lowest rung whose requirements include each code (the ladder worked out once)."""
    steps = ladder(scenarios)
    firsts = {}
    for code in codes:
        found = [rung for rung, needs in steps["requirements"].items() if code in needs]
        if not found:
            raise ValueError(f"no rung of scenarios requires '{code}'")
        firsts[code] = min(found)
    return firsts


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
    by_claim: dict[tuple[str, str], set[str]] = {}  # (claim, stance) -> its sources, read once
    for claim, stance, source in zip(
        claim_sources["claim_id"],
        claim_sources["stance"].astype(str),
        claim_sources["source_id"],
        strict=True,
    ):
        by_claim.setdefault((claim, stance), set()).add(source)

    def sources(claims: list[str], stance: str) -> list[str]:
        return sorted({s for c in claims for s in by_claim.get((c, stance), ())})

    for row in factors.itertuples():
        claims = split_ids(row.evidence)
        rows.append(
            {
                "factor_id": row.factor_id,
                "name": row.name,
                "direction": str(row.direction),
                "claims": len(claims),
                "asserting_sources": sources(claims, "asserts"),
                "disputing_sources": sources(claims, "disputes"),
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
    """Every (state, requirement) clash as of a year: the commitment, its effect, why, the source,
    and whether the commitment is in force ('yes', 'no', or '' when not established).

    The clashes with a collective-defence clause are notebook 02's cross-pressures
    (otslab.model.alignments); commitment_requirements.csv adds the other requirements each touches.
    """
    year = current_year() if year is None else year
    for country_id in country_ids:
        check_country(tables, country_id)
    cols = ["commitment_id", "name", "requirement", "effect", "reason", "source_id", "locator"]
    parties = commitment_parties(tables, year)  # worked out once for both kinds of clash
    pressures = pressures_by_state(parties, foreign_bases(tables, year), country_ids)
    parts = [
        rows.assign(country_id=cid, requirement=COLLECTIVE_DEFENCE, reason=lambda f: f["conflict"])
        for cid, rows in pressures.items()
    ]
    further = tables.commitment_requirements
    if (further["requirement"].astype(str) == COLLECTIVE_DEFENCE).any():
        raise ValueError(
            f"commitment_requirements.csv repeats '{COLLECTIVE_DEFENCE}': "
            "commitments.effect already covers it"
        )
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
    meta = tables.commitments.set_index("commitment_id")
    status = meta["in_force"].astype(object).fillna("")
    # A row without a commitment id is a foreign base: it stands, so it binds.
    found["in_force"] = found["commitment_id"].map(status).fillna("yes").astype(str)
    found["status"] = [
        status_words(s, meta["in_force_as_of"].get(c))
        for s, c in zip(found["in_force"], found["commitment_id"], strict=True)
    ]
    return found


def binding(clashes: pd.DataFrame, count_unsure: bool = False) -> pd.DataFrame:
    """The clashes that bind: commitments in force, or also the others when count_unsure.

    Clashes without an `in_force` column (built by hand) all bind.
    """
    if count_unsure or "in_force" not in clashes:
        return clashes
    return clashes[clashes["in_force"] == "yes"]


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
    count_unsure: bool = False,
) -> pd.DataFrame:
    """Rows (state, rung), one column per weight: readiness is this matrix times the weights.

    Only commitments in force clash, unless count_unsure (see `binding`).
    """
    clashes = binding(clashes, count_unsure)
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
    series = pd.Series(values.round(DECIMALS) + 0.0, index=coefs.index)
    return series.unstack("rung").reindex(coefs.index.get_level_values("country").unique())


def _accepted(values: np.ndarray) -> np.ndarray:
    """Accepted cells: readiness >= 0, or not weighed (NaN: at or below the state's record)."""
    return (np.round(values, DECIMALS) >= 0) | np.isnan(values)


def _climb(values: np.ndarray, rungs: list[int]) -> np.ndarray:
    """Ceilings from readiness values shaped (states, rungs, ...): rung by rung while accepted."""
    climbed = np.cumprod(_accepted(values), axis=1).sum(axis=1)
    return np.array([0, *rungs])[climbed]


def above_record(ready: pd.DataFrame, floors: Mapping[str, int]) -> pd.DataFrame:
    """Readiness only above each state's record: rungs at or below its floor become NaN.

    A NaN cell is not weighed: the record already shows the state there (`record_floor`), so no
    weight can make it refuse that rung, and its ceiling is never below its floor.
    """
    rungs = np.array(ready.columns)[None, :]
    floor = np.array([int(floors.get(s, 0)) for s in ready.index])[:, None]
    return ready.mask(rungs <= floor)


def ceilings(ready: pd.DataFrame) -> pd.Series:
    """Per state, the highest rung it reaches climbing rung by rung (0: not even the first).

    A rung not weighed (NaN, see `above_record`) counts as reached.
    """
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


def explain(
    coefs: pd.DataFrame, weights: Mapping[str, float], country_id: str, floor: int = 0
) -> pd.DataFrame:
    """One state's readiness per rung, term by term, so the formula can be checked by hand.

    Rungs at or below the state's floor (what the record shows it doing) are not weighed.
    """
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
    table["weighed"] = table.index > floor
    raw = readiness(coefs.loc[[country_id]], weights).iloc[0]
    table["readiness"] = raw.where(table["weighed"])  # not weighed at or below the floor
    table["accepts"] = (table["readiness"] >= 0) | ~table["weighed"]
    return table.round(3)


def _record_mask(coefs: pd.DataFrame, floors: Mapping[str, int] | None) -> np.ndarray:
    """States x rungs of coefs: True where the rung is at or below the state's floor."""
    states = list(coefs.index.get_level_values("country").unique())
    rungs = np.array(coefs.index.get_level_values("rung").unique())
    floor = np.array([int(floors.get(s, 0)) if floors is not None else 0 for s in states])
    return rungs[None, :] <= floor[:, None]


def _group_ceilings(
    coefs: pd.DataFrame, values: np.ndarray, group: list[str], floors: Mapping[str, int] | None
) -> np.ndarray:
    """The group's ceilings, shaped (group, settings), for each column of values (coefs' rows)."""
    states = list(coefs.index.get_level_values("country").unique())
    rungs = list(coefs.index.get_level_values("rung").unique())
    shaped = values.reshape(len(states), len(rungs), -1)
    shaped = np.where(_record_mask(coefs, floors)[:, :, None], np.nan, shaped)
    return _climb(shaped[[states.index(c) for c in group]], rungs)


def _group_answers(
    coefs: pd.DataFrame, values: np.ndarray, group: list[str], floors: Mapping[str, int] | None
) -> np.ndarray:
    """The group's highest common rung for each column of values (rows: coefs' rows)."""
    return _group_ceilings(coefs, values, group, floors).min(axis=0)


def sensitivity(
    coefs: pd.DataFrame,
    weights: Mapping[str, float],
    group: Iterable[str],
    floors: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """For each weight alone: the nearest slider values below and above that move the answer.

    The answer is the group's highest common rung, never below what the record shows (floors).
    """
    weights = check_weights(coefs, weights)
    group = list(group)
    matrix = coefs.to_numpy()
    base = matrix @ weights.to_numpy()
    grids = [np.array(weight_grid(name)) for name in coefs.columns]
    # Every value of every slider, one weight at a time, in one pass: one column per try.
    tries = [base[:, None]] + [
        base[:, None] + matrix[:, j, None] * (grid - weights[name])[None, :]
        for j, (name, grid) in enumerate(zip(coefs.columns, grids, strict=True))
    ]
    answers_all = _group_answers(coefs, np.hstack(tries), group, floors)
    now = int(answers_all[0])
    ends = np.cumsum([1, *map(len, grids)])
    rows = []
    for j, name in enumerate(coefs.columns):
        grid = grids[j]
        answers = answers_all[ends[j] : ends[j + 1]]
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


def random_weights(columns: Iterable[str], n: int = SETTINGS, seed: int = 2026) -> pd.DataFrame:
    """n settings of the sliders, each weight drawn at random from the values its slider offers."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: rng.choice(weight_grid(c), size=n) for c in columns})


def robustness(
    coefs: pd.DataFrame,
    group: Iterable[str],
    floors: Mapping[str, int] | None = None,
    n: int = SETTINGS,
    seed: int = 2026,
) -> dict:
    """How the group's answer holds over n random slider settings, without naming a state.

    'answers': per rung, in how many settings it is the highest rung every state accepts;
    'next rung': the rung above the most frequent answer; 'accepting': in how many settings
    0, 1, ... states of the group reach that rung; 'influence': each weight's correlation with
    the number of states reaching it (positive: raising the weight brings states up).
    """
    group = list(group)
    if not group:
        raise ValueError("the group is empty: pick at least one state")
    settings = random_weights(coefs.columns, n, seed)
    tops = _group_ceilings(coefs, coefs.to_numpy() @ settings.to_numpy().T, group, floors)
    answers = tops.min(axis=0)
    rungs = [0, *coefs.index.get_level_values("rung").unique()]
    counts = pd.Series(answers).value_counts().reindex(rungs, fill_value=0)
    usual = int(counts.idxmax())
    higher = min(usual + 1, rungs[-1])
    reaching = (tops >= higher).sum(axis=0)
    spread = pd.Series(reaching).value_counts().reindex(range(len(group) + 1), fill_value=0)
    varied = settings.loc[:, settings.std() > 0]
    influence = (
        varied.corrwith(pd.Series(reaching, dtype=float)).fillna(0.0)
        if reaching.std() > 0
        else pd.Series(0.0, index=varied.columns)
    )
    return {
        "answers": pd.DataFrame({"settings": counts, "share": counts / n}).rename_axis("rung"),
        "next rung": higher,
        "accepting": pd.DataFrame({"settings": spread, "share": spread / n}).rename_axis("states"),
        "influence": influence.rename("correlation")
        .sort_values(key=abs, ascending=False)
        .rename_axis("weight")
        .reset_index(),
    }


def model(tables: Tables, count_unsure: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clashes (for every role-card state; all of them) and coefficients (for OTS members and
    observers; only commitments in force unless count_unsure)."""
    clashes = requirement_clashes(tables, role_card_states(tables.countries))
    states = ots_states(tables.countries, include_observers=True)
    coefs = coefficients(tables.scenarios, tables.factors, clashes, states, count_unsure)
    return clashes, coefs








# --- the student's weights against the defaults ----------------------------------------------


def compare_weights(committed: Mapping[str, float], defaults: pd.Series) -> pd.DataFrame:
    """Each weight: the default, the student's, and the difference (only where they differ)."""
    mine = pd.Series(committed, dtype=float).reindex(defaults.index)
    missing = list(mine[mine.isna()].index)
    if missing:
        raise ValueError(f"the committed weights lack: {', '.join(missing)}")
    table = pd.DataFrame({"default": defaults, "yours": mine})
    table["change"] = table["yours"] - table["default"]
    return table[table["change"] != 0].rename_axis("weight").reset_index()


# --- names ------------------------------------------------------------------------------------

STANCE_VERBS = {"asserts": "asserted", "disputes": "disputed", "qualifies": "qualified"}
"""claim_sources.stance -> the participle used on role cards."""


def country_row(tables: Tables, country_id: str) -> pd.Series:
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


OUTSIDE_POWERS = ("RUS", "CHN", "IRN")
"""Neighbours with a card in the role play: each has official voices in voices.csv. The data
hold no US or EU government position on the OTS, so neither gets one."""


def role_card_states(countries: pd.DataFrame) -> list[str]:
    """The states that get a card: OTS members and observers, then the outside powers."""
    known = set(countries["country_id"])
    outside = [c for c in OUTSIDE_POWERS if c in known]
    return [*ots_states(countries, include_observers=True), *outside]


def state_names(countries: pd.DataFrame) -> dict[str, str]:
    """Country id -> short name (without a parenthesised abbreviation)."""
    return {r.country_id: short_name(r.name) for r in countries.itertuples()}
