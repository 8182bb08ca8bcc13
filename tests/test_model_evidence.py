"""Notebook 04's model, second edition: evidence beside every verdict, the model held against the
record, and commit-then-reveal (otslab.feasibility and its views)."""

import json
import re

import nbformat
import pandas as pd
import pytest

from conftest import NOTEBOOKS
from otslab import feasibility as fz
from otslab import feasibility_views as fv
from otslab.data import Tables, load_tables
from otslab.widgets import shown_text


@pytest.fixture(scope="module")
def T():
    """The course tables, loaded once."""
    return load_tables()


@pytest.fixture(scope="module")
def model(T):
    """Clashes and coefficients for the course data."""
    return fz.model(T)


@pytest.fixture(scope="module")
def default(T, model):
    """Readiness under the default weights, and the evidence per state."""
    clashes, coefs = model
    ready = fz.readiness(coefs, fz.default_weights(T.factors))
    return ready, fz.state_evidence(T, clashes, list(ready.index))


def copy_tables(T) -> Tables:
    """A deep copy of the tables a test may change."""
    return Tables({name: frame.copy() for name, frame in T.items()})


def notebook_text() -> str:
    """All markdown of notebook 04."""
    nb = nbformat.read(NOTEBOOKS / "04_feasibility_debate.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


# --- evidence beside every verdict --------------------------------------------------------------


def test_the_thinly_covered_states_are_not_shown_as_ready(T, default) -> None:
    """Northern Cyprus and Hungary: no factor names them, so they are not judged; Türkiye and
    Turkmenistan, which factors name and many sources discuss, are."""
    ready, evidence = default
    assert not evidence.loc["XNC", "judged"] and not evidence.loc["HUN", "judged"]
    # two sources (R072, R073) carry the dispute over its status (C129): still too few to judge
    assert evidence.loc["XNC", "sources"] == 2 and "fewer than 3" in evidence.loc["XNC", "why not"]
    assert "no driver or constraint names it" in evidence.loc["HUN", "why not"]
    assert evidence.loc["TUR", "judged"] and evidence.loc["TKM", "judged"]
    assert evidence.loc["TUR", "own drivers"] >= 1 and evidence.loc["TKM", "own constraints"] >= 1
    said = fz.verdicts(ready, evidence)
    # Northern Cyprus's readiness is >= 0 on every rung: the model alone would call it ready.
    assert (ready.loc["XNC"] >= 0).all()
    assert set(said.loc["XNC"]) == set(said.loc["HUN"]) == {"not enough evidence"}
    thin = evidence.index[~evidence["judged"]]
    assert not (said.loc[thin] == "accepts").any().any()
    for state in evidence.index[evidence["judged"]]:
        expected = ready.loc[state].map(lambda v: "accepts" if v >= 0 else "refuses")
        assert list(said.loc[state]) == list(expected)


def test_the_answer_names_the_states_it_could_not_judge(T, default) -> None:
    ready, evidence = default
    everyone = fz.ots_states(T.countries, include_observers=True)
    answer = fz.judged_answer(ready, everyone, evidence)
    assert answer["not judged"] == ["HUN", "XNC"]
    assert answer["rung"] == fz.highest_common_rung(ready, answer["judged"])
    text = fv.describe_answer(answer, fv.state_names(T.countries))
    assert "Not judged (not enough evidence): Hungary and Northern Cyprus." in text
    assert fz.judged_answer(ready, ["HUN", "XNC"], evidence) == {
        "rung": None,
        "blockers": [],
        "not judged": ["HUN", "XNC"],
        "judged": [],
    }


def test_a_state_becomes_judged_when_the_record_speaks_about_it(T) -> None:
    """Add a factor naming Northern Cyprus: still not judged (no source speaks of it); add three
    sourced claims that name it: judged, and its verdicts appear."""
    tables = copy_tables(T)
    factor = tables.factors.iloc[[0]].assign(factor_id="F99", applies_to="XNC", evidence="C999")
    tables["factors"] = pd.concat([tables.factors, factor], ignore_index=True)
    clashes, _coefs = fz.model(tables)
    evidence = fz.state_evidence(tables, clashes, ["XNC"])
    assert evidence.loc["XNC", "own drivers"] == 1
    assert not evidence.loc["XNC", "judged"] and "2 sources" in evidence.loc["XNC", "why not"]
    claim = tables.claims.iloc[0]
    claims = pd.DataFrame(
        [{**claim, "claim_id": "C999", "statement": "Northern Cyprus joins drills."}]
    )
    tables["claims"] = pd.concat([tables.claims, claims], ignore_index=True)
    links = pd.DataFrame(
        [
            {"claim_id": "C999", "stance": "asserts", "source_id": s, "locator": "x"}
            for s in ("S001", "S003", "R002")
        ]
    )
    tables["claim_sources"] = pd.concat([tables.claim_sources, links], ignore_index=True)
    evidence = fz.state_evidence(tables, clashes, ["XNC"])
    # the three new sources join the two that carry the dispute over its status (C129)
    assert evidence.loc["XNC", "judged"] and evidence.loc["XNC", "sources"] == 5
    assert evidence.loc["XNC", "claims"] == 2


def test_every_verdict_in_the_view_carries_its_evidence(T) -> None:
    panel = fv.WeightPanel(T)
    panel.observers.value = True
    output = fv.readiness_explorer(panel).children[-1]
    text = shown_text(output)
    cells = re.findall(r"data-value='[^']*' data-verdict='([^']*)'>(.*?)</td>", text)
    assert len(cells) == panel.coefs.shape[0]
    assert all("clash" in body for _verdict, body in cells)
    grey = [body for verdict, body in cells if verdict == "not enough evidence"]
    assert len(grey) == 2 * len(fz.ladder(T.scenarios)) and all("?" in b for b in grey)
    for state in panel.evidence.index:
        assert fv.evidence_line(panel.evidence.loc[state]) in text
    table = fv.evidence_table(panel).data
    assert "no: not enough evidence" in table and "Northern Cyprus" in table


def test_the_notebook_says_who_is_not_judged(default) -> None:
    _ready, evidence = default
    names = {"HUN": "Hungary", "XNC": "Northern Cyprus"}
    thin = [names[c] for c in evidence.index[~evidence["judged"]]]
    assert f"(by default {' and '.join(thin)})" in notebook_text()
    assert f"at least {fz.MIN_SOURCES} distinct sources" in notebook_text()


# --- the model held against the record --------------------------------------------------------


def test_gabala_counts_for_every_member_and_exercises_by_rule(T) -> None:
    states = fz.ots_states(T.countries, include_observers=True)
    practice = fz.record_practice(T, states)
    gabala = practice[practice["event_id"] == "E047"]
    assert set(gabala["country_id"]) == set(fz.ots_states(T.countries))
    assert set(gabala["basis"]) == {"adopted by the OTS heads of state"}
    exercises = T.events[T.events["kind"] == "exercise"]["event_id"]
    found = practice[practice["requirement"] == "joint_exercises"]
    assert set(found["event_id"]) <= set(exercises)
    # Birlestik-2024: Türkiye and Turkmenistan are recorded absent, so they do not practise it.
    e032 = set(found.loc[found["event_id"] == "E032", "country_id"])
    assert e032 == {"KAZ", "AZE", "UZB", "KGZ"}
    assert set(found["match"]) == {"close: a joint exercise of OTS states, not under the OTS flag"}


def test_contradictions_follow_the_weights(T, model, default) -> None:
    ready, _evidence = default
    states = list(ready.index)
    practice = fz.record_practice(T, states)
    found = fz.record_contradictions(T.scenarios, practice, ready)
    rung4 = found[found["requirement"] == "solidarity_clause"]
    refusing = set(ready.index[ready[4] < 0]) & set(fz.ots_states(T.countries))
    assert set(rung4["country_id"]) == refusing and len(refusing) == 4
    assert (rung4["model says"] == "refuses the rung").all()
    exercises = found[found["requirement"] == "joint_exercises"]
    assert set(exercises["country_id"]) == {"KAZ", "KGZ"}
    # With every weight at 0 every state accepts every rung: nothing contradicts the record.
    zero = fz.readiness(model[1], dict.fromkeys(model[1].columns, 0.0))
    assert fz.record_contradictions(T.scenarios, practice, zero).empty


def test_the_record_view_redraws_with_the_sliders(T) -> None:
    panel = fv.WeightPanel(T)
    output = fv.record_explorer(panel).children[-1]
    assert "Gabala Declaration adopted" in shown_text(output)
    assert "Which is wrong: the weights, or the ladder" in shown_text(output)
    panel.set_weights(dict.fromkeys(panel.sliders, 0.0))
    assert "contradicts nothing the record shows" in shown_text(output)


def test_the_notebook_names_the_contradictions_the_model_shows(T, default) -> None:
    ready, _evidence = default
    members = fz.ots_states(T.countries)
    refuse2 = [s for s in members if ready.loc[s, 2] < 0]
    refuse4 = [s for s in members if ready.loc[s, 4] < 0]
    assert refuse2 == ["KAZ", "KGZ"] and len(refuse4) == 4
    text = notebook_text()
    assert "the model says Kazakhstan and Kyrgyzstan refuse rung 2" in text
    assert "four members refuse rung 4" in text


# --- commit, then reveal ----------------------------------------------------------------------


def test_commit_needs_a_reason_and_a_broken_file_is_named(tmp_path) -> None:
    path = tmp_path / "my_work" / "w.json"
    with pytest.raises(ValueError, match="write a reason"):
        fz.save_commitment(path, {"F01": 1.0}, "   ")
    assert fz.load_commitment(path) is None
    path.parent.mkdir()
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(path))):
        fz.load_commitment(path)
    path.write_text(json.dumps({"weights": {"F01": -1}, "reason": "x"}), encoding="utf-8")
    with pytest.raises(ValueError, match="not: F01"):
        fz.load_commitment(path)


def test_commit_then_reveal_as_a_student_does(T, tmp_path) -> None:
    panel = fv.WeightPanel(T)
    path = tmp_path / "my_work" / "04_my_weights.json"
    reveal = fv.reveal_view(panel, path)
    assert "Commit your weights in the cell above first" in shown_text(reveal.children[-1])
    view = fv.commit_view(panel, path)
    columns, reason, button, status = view.children
    sliders = {s.description: s for col in columns.children for s in col.children}
    rules_out = next(s for d, s in sliders.items() if d.endswith("rules out"))
    assert "Your sliders are at the defaults" in shown_text(status)
    rules_out.value = 0.0
    assert "away from the defaults: rules out" in shown_text(status)
    button.click()
    assert "write a reason" in shown_text(status) and not path.exists()
    reason.value = "CSTO Article 1 has a narrow reading (R003): a bar is a drafting problem."
    button.click()
    assert "Committed" in shown_text(status)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["weights"]["rules out"] == 0.0 and saved["reason"].startswith("CSTO")
    rules_out.value = 1.0
    assert "differ from what you committed on: rules out" in shown_text(status)
    rules_out.value = 0.0
    assert "differ" not in shown_text(status)
    compare, load = reveal.children[0].children
    compare.click()
    text = shown_text(reveal.children[-1])
    assert "narrow reading (R003)" in text and "The 1 weights you set differently" in text
    mine = fz.readiness(panel.coefs, pd.Series(saved["weights"])[panel.defaults.index])
    answer = fz.judged_answer(mine, fz.ots_states(T.countries), panel.evidence)
    assert f"Your weights: {fv.describe_answer(answer, panel.names)}" in text
    assert panel.sliders["rules out"].value == fz.CLASH_WEIGHTS["rules out"]
    load.click()
    assert panel.sliders["rules out"].value == 0.0
    # A fresh notebook run opens the commit view on the committed weights and reason.
    again = fv.commit_view(fv.WeightPanel(T), path)
    assert again.children[1].value == saved["reason"]



def test_the_instructor_guide_frames_the_default_answer_from_the_data(T, default) -> None:
    """The guide's sentences on the blockers and the unjudged states match the model's output."""
    ready, evidence = default
    members = fz.ots_states(T.countries)
    answer = fz.judged_answer(ready, members, evidence)
    assert answer["rung"] == 1 and answer["blockers"] == ["KAZ", "KGZ"]
    guide = (NOTEBOOKS / "INSTRUCTOR_GUIDE.md").read_text(encoding="utf-8")
    guide = " ".join(guide.split())
    kaz, kgz = evidence.loc["KAZ"], evidence.loc["KGZ"]
    assert kaz["own drivers"] == kgz["own drivers"] == 0
    assert (
        f"(Kazakhstan {kaz['own constraints']} constraints and {kaz['commitments']} commitments, "
        f"Kyrgyzstan {kgz['own constraints']} and {kgz['commitments']})" in guide
    )
    assert "By default Hungary and Northern Cyprus fail the test" in guide
    assert "Kazakhstan and Kyrgyzstan stop the climb at rung 2" in guide
