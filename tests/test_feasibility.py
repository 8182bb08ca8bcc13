"""otslab.model.feasibility (the ladder, clashes, the readiness model) and its views."""

import re
from html import escape

import grid_cells
import pandas as pd
import pytest

from otslab.course import commitment as cm
from otslab.course import roleplay as rp
from otslab.course import roleplay_views as rv
from otslab.data import DATA_DIR, Tables
from otslab.model import feasibility as fz
from otslab.views import feasibility as fv
from otslab.views import readiness as mv
from otslab.views.plots import to_png
from otslab.views.weights import WeightPanel
from otslab.views.widgets import shown_text

# --- small hand-built cases -------------------------------------------------------------------

EFFECTS = list(fz.CLASH_WEIGHTS)


def scenarios() -> pd.DataFrame:
    """Three rungs asking for 2, 3 and 4 requirements: depths 0.5, 0.75 and 1."""
    return pd.DataFrame(
        {
            "scenario_id": ["L1", "L2", "L3"],
            "rung": [1, 2, 3],
            "name": ["loose", "middle", "tight"],
            "requirements": ["a;b", "a;b;c", "a;b;c;d"],
            "source_id": ["S001", "S003", "S004"],
        }
    )


def factors(constraint_targets: str = "AAA;BBB") -> pd.DataFrame:
    """Two drivers (one on all, one on AAA) and two constraints (one on BBB, one on targets)."""
    return pd.DataFrame(
        {
            "factor_id": ["D1", "D2", "K1", "K2"],
            "name": ["drive all", "drive AAA", "hold BBB", "hold some"],
            "direction": ["driver", "driver", "constraint", "constraint"],
            "evidence": ["C001", "C002", "C003", "C001;C003"],
            "applies_to": [None, "AAA", "BBB", constraint_targets],
        }
    )


def clashes(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """A clashes table from (state, requirement, effect) rows."""
    return pd.DataFrame(
        [
            {
                "country_id": c,
                "commitment_id": f"K{i:03d}",
                "name": f"commitment {i}",
                "requirement": r,
                "effect": e,
                "reason": "because",
                "source_id": "S003",
                "locator": "x",
            }
            for i, (c, r, e) in enumerate(rows, start=1)
        ],
        columns=[
            "country_id",
            "commitment_id",
            "name",
            "requirement",
            "effect",
            "reason",
            "source_id",
            "locator",
        ],
    )


STATES = ["AAA", "BBB", "CCC"]


def weights(value: float = 1.0, **changes: float) -> dict[str, float]:
    """Every weight of the small case at value, with some changed."""
    return {**dict.fromkeys(["D1", "D2", "K1", "K2", *EFFECTS], value), **changes}


def small_coefs(*clash_rows: tuple[str, str, str]) -> pd.DataFrame:
    """Coefficients of the small case with the given clashes."""
    return fz.coefficients(scenarios(), factors(), clashes(*clash_rows), STATES)


def test_ladder_depth_and_what_each_rung_adds() -> None:
    steps = fz.ladder(scenarios())
    assert steps["depth"].tolist() == [0.5, 0.75, 1.0]
    assert steps["adds"].tolist() == [["a", "b"], ["c"], ["d"]]
    assert fz.first_rung_with(scenarios(), "c") == 2
    matrix = fz.requirement_matrix(scenarios())
    assert matrix.loc[1].tolist() == [2, 2, 0, 0]
    assert matrix.loc[3].tolist() == [1, 1, 1, 2]


def test_ladder_rejects_empty_and_unknown_codes() -> None:
    with pytest.raises(ValueError, match="at least one rung"):
        fz.ladder(scenarios().iloc[0:0])
    with pytest.raises(ValueError, match="no rung of scenarios requires 'z'"):
        fz.first_rung_with(scenarios(), "z")


def test_factor_reach_empty_applies_to_means_every_state() -> None:
    reach = fz.factor_reach(factors(), STATES)
    assert reach.loc["D1"].all()
    assert reach.loc["D2"].tolist() == [True, False, False]
    assert reach.loc["K2"].tolist() == [True, True, False]


def test_coefficients_hand_checked() -> None:
    coefs = small_coefs(("BBB", "c", "rules out"))
    assert coefs.loc[("AAA", 2)].to_dict() == {
        "D1": 1.0,
        "D2": 1.0,
        "K1": 0.0,
        "K2": -0.75,
        "rules out": 0.0,
        "limits": 0.0,
        "pulls elsewhere": 0.0,
    }
    assert coefs.loc[("BBB", 1), "rules out"] == 0
    assert coefs.loc[("BBB", 2), "rules out"] == -1
    assert coefs.loc[("BBB", 3), "K1"] == -1.0


def test_all_weights_zero_every_state_accepts_every_rung() -> None:
    ready = fz.readiness(small_coefs(("BBB", "c", "rules out")), weights(0.0))
    assert (ready == 0).all().all()
    assert fz.highest_common_rung(ready, STATES) == 3
    assert fz.blockers(ready, STATES) == []


def test_state_without_constraints_reads_its_drivers_on_every_rung() -> None:
    """CCC: no constraint and no clash bears on it, so readiness is the D1 weight everywhere."""
    ready = fz.readiness(small_coefs(("BBB", "c", "rules out")), weights(1.0, D1=2.5))
    assert ready.loc["CCC"].tolist() == [2.5, 2.5, 2.5]
    assert fz.ceilings(ready)["CCC"] == 3


def test_readiness_by_hand() -> None:
    """AAA on rung 3: D1 + D2 - 1.0 x K2 = 2 + 1 - 1.5; BBB on rung 2: 2 - 0.75 x (3 + 1.5)."""
    ready = fz.readiness(small_coefs(), weights(1.0, D1=2.0, K1=3.0, K2=1.5))
    assert ready.loc["AAA", 3] == pytest.approx(1.5)
    assert ready.loc["BBB", 2] == pytest.approx(2 - 0.75 * 4.5)
    assert ready.index.tolist() == STATES


def test_a_single_clash_lowers_only_the_rungs_that_need_it() -> None:
    free = fz.readiness(small_coefs(), weights(1.0, **{"rules out": 2.5}))
    one = fz.readiness(small_coefs(("BBB", "c", "rules out")), weights(1.0, **{"rules out": 2.5}))
    assert (free - one).loc["BBB"].tolist() == [0.0, 2.5, 2.5]
    assert (free - one).drop("BBB").eq(0).all().all()


def test_each_effect_has_its_own_weight() -> None:
    coefs = small_coefs(("AAA", "d", "limits"), ("AAA", "d", "pulls elsewhere"))
    ready = fz.readiness(coefs, weights(0.0, limits=2.0, **{"pulls elsewhere": 0.5}))
    assert ready.loc["AAA", 3] == -2.5


def test_zero_is_accepted_despite_float_noise() -> None:
    """0.3 - 1.0 x (0.1 + 0.2) is 5.6e-17 or so in floats; the model reads it as 0: accepted."""
    coefs = fz.coefficients(scenarios(), factors(constraint_targets="CCC"), clashes(), ["CCC"])
    ready = fz.readiness(coefs, weights(0.0, D1=0.3, K2=0.1 + 0.2))
    assert ready.loc["CCC", 3] == 0
    assert fz.ceilings(ready)["CCC"] == 3


def test_ceilings_climb_rung_by_rung() -> None:
    ready = pd.DataFrame({1: [1.0, -1.0], 2: [-0.5, 2.0], 3: [3.0, 2.0]}, index=["AAA", "BBB"])
    assert fz.ceilings(ready).to_dict() == {"AAA": 1, "BBB": 0}
    assert fz.highest_common_rung(ready, ["AAA", "BBB"]) == 0
    assert fz.highest_common_rung(ready, ["AAA"]) == 1
    assert fz.blockers(ready, ["AAA", "BBB"]) == ["BBB"]


def test_bad_groups_and_weights_give_clear_errors() -> None:
    coefs = small_coefs()
    ready = fz.readiness(coefs, weights())
    with pytest.raises(ValueError, match="group is empty"):
        fz.highest_common_rung(ready, [])
    with pytest.raises(ValueError, match="not in the model: ZZZ"):
        fz.highest_common_rung(ready, ["ZZZ"])
    with pytest.raises(ValueError, match="weights missing for: K2"):
        fz.readiness(coefs, {k: v for k, v in weights().items() if k != "K2"})
    with pytest.raises(ValueError, match="negative: D1"):
        fz.readiness(coefs, weights(1.0, D1=-1.0))
    with pytest.raises(ValueError, match="no states given"):
        fz.coefficients(scenarios(), factors(), clashes(), [])
    with pytest.raises(ValueError, match="'ZZZ' is not in the model"):
        fz.explain(coefs, weights(), "ZZZ")


def test_explain_adds_up_to_readiness() -> None:
    coefs = small_coefs(("BBB", "c", "rules out"), ("BBB", "d", "limits"))
    w = weights(1.0, K1=2.0, **{"rules out": 3.0, "limits": 0.5})
    table = fz.explain(coefs, w, "BBB")
    rebuilt = table["drivers"] - table["depth"] * table["constraints"] - table["clash penalty"]
    assert rebuilt.round(3).tolist() == table["readiness"].tolist()
    assert table.loc[3].to_dict() == {
        "drivers": 1.0,
        "constraints": 3.0,
        "depth": 1.0,
        "constraints x depth": 3.0,
        "clashes: rules out": 1,
        "clashes: limits": 1,
        "clashes: pulls elsewhere": 0,
        "clash penalty": 3.5,
        "weighed": True,
        "readiness": -5.5,
        "accepts": False,
    }
    floored = fz.explain(coefs, w, "BBB", floor=2)
    assert floored["readiness"].isna().tolist() == [True, True, False]
    assert floored["accepts"].tolist() == [True, True, False]


def test_sensitivity_finds_the_nearest_value_that_moves_the_answer() -> None:
    """All weights 1: AAA reads 1.5, 1.25, 1 on the rungs; BBB reads 1 - 0.5 x 2 = 0 on rung 1
    and 1 - 0.75 x 2 - 1 = -1.5 on rung 2, so the answer is 1. D1 at 0.5 makes BBB's rung 1
    -0.5 (answer 0); D1 at 2.5 makes BBB's rung 2 exactly 0 (answer 2). 'rules out' at 0 still
    leaves BBB's rung 2 at -0.5: it cannot move the answer down to... or up."""
    coefs = small_coefs(("BBB", "c", "rules out"))
    group = ["AAA", "BBB"]
    table = fz.sensitivity(coefs, weights(), group).set_index("weight")
    assert (table.loc["D1", "lowered to"], table.loc["D1", "answer if lowered"]) == (0.5, 0)
    assert (table.loc["D1", "raised to"], table.loc["D1", "answer if raised"]) == (2.5, 2)
    assert pd.isna(table.loc["rules out", "lowered to"])
    now = fz.highest_common_rung(fz.readiness(coefs, weights()), group)
    for name, row in table.iterrows():  # brute force, one weight at a time
        answers = {
            v: fz.highest_common_rung(fz.readiness(coefs, weights(1.0, **{name: v})), group)
            for v in fz.weight_grid(name)
        }
        lower = [v for v, a in answers.items() if v < 1.0 and a != now]
        higher = [v for v, a in answers.items() if v > 1.0 and a != now]
        assert row["lowered to"] == max(lower) if lower else pd.isna(row["lowered to"])
        assert row["raised to"] == min(higher) if higher else pd.isna(row["raised to"])


def test_weight_grids_follow_the_sliders() -> None:
    assert fz.weight_grid("F01") == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    assert fz.weight_grid("rules out")[-1] == fz.CLASH_RANGE[1]


def test_rung_clashes_repeat_on_every_rung_that_keeps_the_requirement() -> None:
    found = fz.rung_clashes(
        scenarios(), clashes(("BBB", "c", "limits"), ("ZZZ", "a", "limits")), STATES
    )
    assert found[["country_id", "rung"]].values.tolist() == [["BBB", 2], ["BBB", 3]]


def test_clash_grid_keeps_the_hardest_effect() -> None:
    table = clashes(
        ("AAA", "c", "pulls elsewhere"), ("AAA", "c", "rules out"), ("BBB", "d", "limits")
    )
    grid = fz.clash_grid(table, ["AAA", "BBB"], ["c", "d"])
    assert grid["hardest"].loc["AAA", "c"] == "rules out"
    assert grid["count"].loc["AAA", "c"] == 2
    assert grid["hardest"].loc["AAA", "d"] == ""


def test_factor_support_counts_distinct_sources() -> None:
    links = pd.DataFrame(
        {
            "claim_id": ["C001", "C001", "C002", "C003"],
            "stance": ["asserts", "disputes", "asserts", "asserts"],
            "source_id": ["S001", "S003", "S001", "S004"],
        }
    )
    support = fz.factor_support(factors(), links).set_index("factor_id")
    assert support.loc["K2", "asserting_sources"] == ["S001", "S004"]
    assert support.loc["K2", "disputing_sources"] == ["S003"]
    assert support.loc["K2", "claims"] == 2
    assert support.loc["D2", "n_asserting"] == 1


def test_source_positions_summarise_the_voices() -> None:
    voices = pd.DataFrame(
        {
            "voice_id": ["V01", "V02", "V03"],
            "name": ["a", "b", "c"],
            "source_id": ["S001", "S001", "S002"],
            "country_id": [None, None, None],
            "stance": ["favours alliance"] * 3,
            "rung": pd.array([5, 2, None], dtype="Int64"),
            "rung_basis": ["x", "y", None],
        }
    )
    table = fz.source_positions(voices).set_index("source_id")
    assert table.loc["S001"].tolist() == [2, 2, 2, 5]
    assert table.loc["S002", "placed"] == 0
    assert fz.voice_positions(voices)["voice_id"].tolist() == ["V01", "V02", "V03"]


def test_requirement_meanings_read_from_the_readme(tmp_path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "x\n\n| code | meaning |\n|---|---|\n| a | first |\n| b | second |\n\nafter\n"
    )
    assert fz.requirement_meanings(readme) == {"a": "first", "b": "second"}
    readme.write_text("no table here\n")
    with pytest.raises(ValueError, match="no '| code | meaning |' table"):
        fz.requirement_meanings(readme)


def test_names_and_mentions() -> None:
    assert fz.short_name("Northern Cyprus (TRNC)") == "Northern Cyprus"
    assert fz.mentions("Russian media", "Russia")
    assert not fz.mentions("Prussia", "Russia")


# --- the real data ----------------------------------------------------------------------------



@pytest.fixture(scope="module")
def model(T):
    """Clashes and coefficients for the course data."""
    return fz.model(T)


def test_every_requirement_code_has_a_meaning(T) -> None:
    meanings = fz.requirement_meanings()
    used = {c for cell in T.scenarios["requirements"] for c in fz.requirement_codes(cell)}
    used |= set(T.commitment_requirements["requirement"].astype(str))
    assert used <= set(meanings)


def test_clashes_follow_the_commitment_rows(T, model) -> None:
    """Each commitment binds its parties on collective defence with its effect, and on the
    requirements commitment_requirements.csv adds (parties derived here from the CSV rows)."""
    clashes, _ = model
    current = T.memberships[T.memberships["end"].isna()]
    for row in T.commitments.itertuples():
        if pd.notna(row.country_id):
            parties = {row.country_id}
        elif pd.notna(row.org_id):
            bound = current[(current["org_id"] == row.org_id)]
            parties = set(bound.loc[bound["status"].isin(["member", "recognised"]), "country_id"])
        else:
            rows = T.event_participants.query("event_id == @row.event_id and role == 'party'")
            parties = set(rows["country_id"])
        parties &= set(fz.role_card_states(T.countries))
        found = clashes[clashes["commitment_id"] == row.commitment_id]
        cdc = found[found["requirement"] == fz.COLLECTIVE_DEFENCE]
        assert set(cdc["country_id"]) == parties, row.commitment_id
        assert set(cdc["effect"]) <= {str(row.effect)}
        for extra in T.commitment_requirements.query(
            "commitment_id == @row.commitment_id"
        ).itertuples():
            hit = found[found["requirement"] == extra.requirement]
            assert set(hit["country_id"]) == parties
            assert set(hit["effect"]) == {str(extra.effect)}
            assert set(hit["source_id"]) == {
                extra.source_id if pd.notna(extra.source_id) else row.source_id
            }


def test_a_frozen_membership_binds_no_one(T) -> None:
    """Armenia froze its CSTO role (status 'frozen'): the CSTO clauses bind Kazakhstan, not it."""
    csto = set(T.commitments.query("org_id == 'CSTO'")["commitment_id"])
    found = fz.requirement_clashes(T, ["ARM", "KAZ"])
    bound = found[found["commitment_id"].isin(csto)]
    assert set(bound["country_id"]) == {"KAZ"}


def test_repeating_collective_defence_in_the_mapping_is_an_error(T) -> None:
    broken = Tables(T)
    extra = T.commitment_requirements.iloc[[0]].assign(requirement=fz.COLLECTIVE_DEFENCE)
    broken["commitment_requirements"] = pd.concat([T.commitment_requirements, extra])
    with pytest.raises(ValueError, match="commitments.effect already covers it"):
        fz.requirement_clashes(broken, ["KAZ"])


def test_model_covers_members_and_observers(T, model) -> None:
    _, coefs = model
    states = list(coefs.index.get_level_values("country").unique())
    expected = T.countries.loc[T.countries["ots_status"].isin(["member", "observer"]), "country_id"]
    assert states == list(expected)
    assert fz.ots_states(T.countries) == list(
        T.countries.query("ots_status == 'member'")["country_id"]
    )


def test_decision_point_and_briefing_come_from_the_data(T) -> None:
    text = rp.briefing(T)
    proposals = T.events.query("kind == 'proposal' and framework == 'OTS' and status == 'proposed'")
    assert len(proposals) and all(title in text for title in proposals["title"])
    names = T.scenarios.set_index("rung")["name"]
    for code in ("joint_exercises", "solidarity_clause", fz.COLLECTIVE_DEFENCE):
        assert names[fz.first_rung_with(T.scenarios, code)] in text
    for cid in fz.role_card_states(T.countries):
        assert fz.short_name(T.countries.set_index("country_id").loc[cid, "name"]) in text
    assert "## Procedure (45 minutes)" in text and "## Debrief questions" in text


def test_export_writes_the_kit_where_asked_only(T, model, tmp_path) -> None:
    before = sorted(p.name for p in DATA_DIR.parent.iterdir())
    written = rp.export_kit(T, tmp_path / "kit", model[0])
    assert [p.parent for p in written] == [tmp_path / "kit"] * len(written)
    assert len(written) == 1 + len(fz.role_card_states(T.countries))
    assert written[0].read_text(encoding="utf-8") == rp.briefing(T) + "\n"
    kaz = written[fz.role_card_states(T.countries).index("KAZ") + 1]
    assert kaz.name.endswith("_KAZ.md")
    assert kaz.read_text(encoding="utf-8") == rp.rc.role_card(T, "KAZ", model[0]) + "\n"
    assert sorted(p.name for p in DATA_DIR.parent.iterdir()) == before


def test_voice_rungs_are_on_the_ladder_with_a_reason(T) -> None:
    """voices.rung has no foreign key (it would mask errors in scenarios.csv): check it here."""
    placed = T.voices.dropna(subset=["rung"])
    assert set(placed["rung"]) <= set(T.scenarios["rung"])
    assert placed["rung_basis"].notna().all()
    assert T.voices.loc[T.voices["rung"].isna(), "rung_basis"].isna().all()


# --- figures ----------------------------------------------------------------------------------


def test_figures_have_titles_labels_sources_and_render(T, model) -> None:
    clashes, coefs = model
    codes = list(fz.requirement_meanings())
    names = fv.state_names(T.countries)
    ready = fz.readiness(coefs, fz.default_weights(T.factors))
    members = fz.ots_states(T.countries)
    for fig in [fv.plot_factor_support(fz.factor_support(T.factors, T.claim_sources))]:
        ax = fig.axes[0]
        assert ax.get_title(loc="left") and ax.get_xlabel() and ax.get_ylabel()
        assert any(t.get_text().startswith("Source: ") for t in fig.texts)
        assert to_png(fig).startswith(b"\x89PNG")
    panel = WeightPanel(T)
    shown = fz.above_record(ready, panel.floors)
    text = mv.describe_group(panel)
    assert f"all {len(members)} accept up to rung {fz.highest_common_rung(shown, members)}" in text
    assert not any(names[c] in text for c in members)  # the group, no state named
    assert "No rung requires foreign_basing" in fv.describe_ladder(T.scenarios, codes)


def test_ladder_grid_marks_new_and_kept_requirements(T) -> None:
    """Each cell is 2 where a rung first requires a code, 1 where it keeps it, 0 elsewhere."""
    codes = list(fz.requirement_meanings())
    html = fv.ladder_html(T.scenarios, codes).data
    cells = re.findall(r"data-rung='(\d)' data-code='(\w+)' data-level='(\d)'", html)
    assert len(cells) == len(T.scenarios) * len(codes)
    requires = {
        (int(r.rung), code.strip())
        for r in T.scenarios.itertuples()
        for code in r.requirements.split(";")
    }
    for rung, code, level in cells:
        below = any((lower, code) in requires for lower in range(1, int(rung)))
        want = 0 if (int(rung), code) not in requires else (1 if below else 2)
        assert int(level) == want, (rung, code)
    assert escape(fz.requirement_meanings()["unified_command"]) in html  # hover text


def test_clash_grid_opens_each_cell_with_its_commitments(T, model) -> None:
    """Every clash cell has its hardest effect's colour and mark, the count, and opens the
    commitments behind it."""
    clashes, _coefs = model
    codes = list(fz.requirement_meanings())
    states = fz.ots_states(T.countries, include_observers=True)
    html = fv.clash_grid_html(clashes, states, codes, fv.state_names(T.countries)).data
    cells = grid_cells.cells(html, "data-cell")
    assert len(cells) == len(states) * len(codes)
    filled = {tuple(key.split()): (attrs, text, panel) for key, attrs, text, panel in cells if text}
    kaz = clashes.query("country_id == 'KAZ' and requirement == 'collective_defence_clause'")
    attrs, text, panel = filled[("KAZ", "collective_defence_clause")]
    count, mark = text.split()
    assert int(count) == len(kaz.drop_duplicates(["commitment_id", "name"])) > 1
    assert mark == fv.EFFECT_MARKS[re.search(r"data-effect='([^']*)'", attrs).group(1)]
    assert all(escape(name) in panel for name in kaz["name"])
    assert "Source: S0" in html and "press Enter on a cell" in html
    ruled = clashes.query("effect == 'rules out'")[["country_id", "requirement"]]
    for state, code in ruled.itertuples(index=False):
        if state in states and code in codes:
            assert "data-effect='rules out'" in filled[(state, code)][0]


# --- widget views -----------------------------------------------------------------------------


@pytest.fixture()
def panel(T, tmp_path):
    """A fresh weight panel (sliders at their defaults) whose student has committed them."""
    panel = cm.weight_panel(T, tmp_path / "04_my_weights.json")
    cm.commit_weights(panel, dict(panel.defaults), "The defaults, to test the views.")
    return panel


def cell_values(output) -> dict[tuple[str, int], float]:
    """The readiness values the table shows, by (state, rung): only the cells the model weighs."""
    found = re.findall(
        r"data-state='(\w+)' data-rung='(\d+)' data-verdict='[^']*' data-value='([-\d.e]+)'",
        shown_text(output),
    )
    return {(s, int(r)): float(v) for s, r, v in found}


def weighed(panel) -> set[tuple[str, int]]:
    """The (state, rung) cells above each state's record: the ones the model weighs."""
    return {
        (s, r)
        for s in panel.floors.index
        for r in panel.tables.scenarios["rung"]
        if r > panel.floors[s]
    }


def test_readiness_view_shows_the_formula_above_the_record(T, panel, model) -> None:
    output = mv.readiness_explorer(panel).children[-1]
    expected = fz.readiness(model[1], fz.default_weights(T.factors))
    shown = cell_values(output)
    assert set(shown) == weighed(panel)
    assert all(shown[(s, r)] == pytest.approx(expected.loc[s, r]) for s, r in shown)
    text = shown_text(output)
    assert "How far up the ladder, for the group" in text
    assert f"Source: {', '.join(mv.model_sources(T))}" in text
    assert text.count("data-verdict='already does'") == len(
        panel.practice.drop_duplicates(["country_id", "rung"])
    )


def test_a_driver_slider_moves_only_the_states_it_bears_on(T, panel) -> None:
    factor = T.factors.dropna(subset=["applies_to"]).query("direction == 'driver'").iloc[0]
    targets = set(fz.split_ids(factor["applies_to"]))
    output = mv.readiness_explorer(panel).children[-1]
    before = cell_values(output)
    panel.weight_inputs[factor["factor_id"]].value = 0.0  # from 1: minus 1 on every rung
    after = cell_values(output)
    assert before
    for (state, rung), value in before.items():
        drop = 1.0 if state in targets else 0.0
        assert after[(state, rung)] == pytest.approx(value - drop), (state, rung)


def test_a_constraint_slider_bites_by_the_depth_of_each_rung(T, panel) -> None:
    factor = T.factors.query("direction == 'constraint'").dropna(subset=["applies_to"]).iloc[0]
    targets = set(fz.split_ids(factor["applies_to"]))
    sizes = {r.rung: len(r.requirements.split(";")) for r in T.scenarios.itertuples()}
    depth = {rung: n / max(sizes.values()) for rung, n in sizes.items()}
    output = mv.readiness_explorer(panel).children[-1]
    before = cell_values(output)
    panel.weight_inputs[factor["factor_id"]].value = 3.0  # from 1: 2 more
    after = cell_values(output)
    for (state, rung), value in before.items():
        drop = 2 * depth[rung] if state in targets else 0.0
        assert after[(state, rung)] == pytest.approx(value - drop, abs=1e-4), (state, rung)


def test_the_rules_out_slider_counts_each_clash_in_force(panel, model) -> None:
    clashes, _ = model
    found = fz.rung_clashes(
        panel.tables.scenarios, fz.binding(clashes), fz.ots_states(panel.tables.countries, True)
    )
    ruled = found[found["effect"] == "rules out"].groupby(["country_id", "rung"]).size()
    output = mv.readiness_explorer(panel).children[-1]
    before = cell_values(output)
    panel.weight_inputs["rules out"].value += 1.0
    after = cell_values(output)
    for key, value in before.items():
        assert after[key] == pytest.approx(value - ruled.get(key, 0)), key


def test_a_treaty_not_in_force_weighs_only_when_counted(T, panel) -> None:
    """The Caspian Convention (not in force) limits what rung 5 asks of Azerbaijan only when the
    student ticks the control: the rung-5 cell drops by the 'limits' weight for each clash."""
    assert T.commitments.set_index("commitment_id").loc["K003", "in_force"] == "no"
    output = mv.readiness_explorer(panel).children[-1]
    before = cell_values(output)[("AZE", 5)]
    assert "commitments in force that touch" in shown_text(output)
    found = fz.rung_clashes(panel.tables.scenarios, panel.clashes, ["AZE"])
    unsure = found[(found["rung"] == 5) & (found["in_force"] != "yes")]
    assert set(unsure["commitment_id"]) == {"K003"} and set(unsure["effect"]) == {"limits"}
    panel.unsure.value = True
    drop = len(unsure) * fz.CLASH_WEIGHTS["limits"]
    assert cell_values(output)[("AZE", 5)] == pytest.approx(before - drop)
    assert "commitments of any status" in shown_text(output)


def test_all_weights_zero_in_the_view(panel) -> None:
    output = mv.readiness_explorer(panel).children[-1]
    panel.set_weights(dict.fromkeys(panel.weight_inputs, 0.0))
    assert set(cell_values(output).values()) == {0.0}
    top = panel.tables.scenarios["rung"].max()
    assert f"accept up to rung {top}" in shown_text(output)
    sensitivity = mv.sensitivity_explorer(panel)
    sensitivity.children[0].value = "up the ladder"
    assert "otslab-hint" in shown_text(sensitivity.children[-1])
    panel.reset.click()
    assert cell_values(output)[("TUR", 5)] != 0.0


def test_observers_checkbox_widens_the_group(panel) -> None:
    output = mv.readiness_explorer(panel).children[-1]
    members = len(fz.ots_states(panel.tables.countries))
    everyone = fz.ots_states(panel.tables.countries, include_observers=True)
    judged = [c for c in everyone if panel.evidence.loc[c, "judged"]]
    assert f"all {members} accept up to rung" in shown_text(output)
    panel.observers.value = True
    assert f"all {len(judged)} accept up to rung" in shown_text(output)
    assert "Not judged, for lack of evidence: Hungary and Northern Cyprus." in shown_text(output)


def test_state_view_follows_dropdown_and_sliders(T, panel) -> None:
    view = mv.state_explorer(panel)
    state, output = view.children[0], view.children[-1]
    state.value = "TKM"  # an observer with no record: every rung weighed
    text = shown_text(output)
    assert "Turkmenistan, under your weights" in text
    first = fz.explain(panel.coefs, panel.weights(), "TKM").iloc[0]
    assert f"rung 1: {first['drivers']:g} - " in text and f"= {first['readiness']:+g}" in text
    general = T.factors[T.factors["applies_to"].isna() & (T.factors["direction"] == "driver")]
    panel.weight_inputs[general["factor_id"].iloc[0]].value = 3.0  # from 1: plus 2 on every rung
    assert f"rung 1: {first['drivers'] + 2:g} - " in shown_text(output)
    assert f"= {first['readiness'] + 2:+g}" in shown_text(output)
    assert "differ from your committed weights" in shown_text(output)
    state.value = "KAZ"
    assert "rung 2: not weighed (the record already shows it)" in shown_text(output)


def test_sensitivity_view_lists_moves_in_the_chosen_direction(panel) -> None:
    panel.observers.value = True  # Turkmenistan, with no record, makes the answer movable
    view = mv.sensitivity_explorer(panel)
    direction, output = view.children[0], view.children[-1]
    table = fz.sensitivity(panel.coefs, panel.weights(), panel.judged_group(), panel.floors)
    now = int(table["answer now"].iloc[0])
    direction.value = "down the ladder"
    text = shown_text(output)
    assert "(down the ladder)" in text and f"<b>rung {now}</b>" in text
    body = text.split("<tbody>")[1]
    shown = {
        (cells[0].split()[0], cells[2])
        for cells in (re.findall(r"<td>(.*?)</td>", row) for row in body.split("<tr>")[1:])
    }
    expected = set()
    for _, row in table.iterrows():
        for side, verb in (("lowered", "lower"), ("raised", "raise")):
            if pd.notna(row[f"{side} to"]) and row[f"answer if {side}"] < now:
                expected.add((row["weight"].split()[0], f"{verb} to {row[f'{side} to']:g}"))
    assert shown == expected and expected


def test_rung_explorer_follows_the_dropdown(T, model) -> None:
    view = fv.rung_explorer(T, model[0])
    rung, output = view.children
    rung.value = 4
    text = shown_text(output)
    assert "Rung 4:" in text
    for code in fz.requirement_codes(T.scenarios.set_index("rung").loc[4, "requirements"]):
        assert code in text
    assert fv.rung_view(T, model[0], 99)[0].data.count("no rung 99") == 1


def test_factor_explorer_shows_the_evidence(T) -> None:
    view = fv.factor_explorer(T)
    factor, output = view.children
    last = T.factors.iloc[-1]
    factor.value = last["factor_id"]
    text = shown_text(output)
    assert all(c in text for c in fz.split_ids(last["evidence"]))
    assert f"{len(fz.split_ids(last['evidence']))} claims" in text


def test_role_card_explorer_shows_the_chosen_card_and_its_evidence(T, model) -> None:
    view = rv.role_card_explorer(T, model[0])
    state, output = view.children
    state.value = "CHN"
    text = shown_text(output)
    assert "<h1>Role card: China</h1>" in text
    assert "<details><summary>The evidence sheet behind this card" in text and "V30" in text
