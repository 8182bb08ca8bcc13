"""Notebook 04's model, third edition: the record first and as a floor, only commitments in force,
no verdict about a country by default, evidence beside every verdict, and commit-then-reveal
(otslab.model.feasibility and otslab.views.readiness), driven as a student drives them."""

import html
import json
import re

import ipywidgets as w
import nbformat
import numpy as np
import pandas as pd
import pytest
from run_notebook import execute

from conftest import NOTEBOOKS
from otslab.course import commitment as cm
from otslab.data import Tables
from otslab.model import feasibility as fz
from otslab.model import record as rec
from otslab.views import feasibility as fv
from otslab.views import readiness as mv
from otslab.views.weights import WeightPanel
from otslab.views.widgets import shown_text


@pytest.fixture(scope="module")
def model(T):
    """Clashes and coefficients (commitments in force) for the course data."""
    return fz.model(T)


@pytest.fixture(scope="module")
def record(T):
    """What each OTS member and observer already does, and its floor."""
    states = fz.ots_states(T.countries, include_observers=True)
    practice = rec.record_practice(T, states)
    return practice, rec.record_floor(practice, states)


@pytest.fixture(scope="module")
def default(T, model, record):
    """Readiness under the default weights above the record, and the evidence per state."""
    clashes, coefs = model
    ready = fz.above_record(fz.readiness(coefs, fz.default_weights(T.factors)), record[1])
    return ready, rec.state_evidence(T, clashes, list(ready.index))


def copy_tables(T) -> Tables:
    """A deep copy of the tables a test may change."""
    return Tables({name: frame.copy() for name, frame in T.items()})


def notebook_text() -> str:
    """All markdown of notebook 04."""
    nb = nbformat.read(NOTEBOOKS / "04_feasibility_debate.ipynb", as_version=4)
    return " ".join(" ".join(c.source for c in nb.cells if c.cell_type == "markdown").split())


def shown_cells(output) -> dict[tuple[str, int], str]:
    """What the readiness table shows for each (state, rung): its data-verdict."""
    found = re.findall(r"data-state='(\w+)' data-rung='(\d)' data-verdict='([^']*)'", output)
    return {(s, int(r)): v for s, r, v in found}


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
    said = rec.verdicts(ready, evidence, rec.record_practice(T, list(ready.index)))
    # Northern Cyprus's readiness is >= 0 above its record: the model alone would call it ready.
    assert (ready.loc["XNC"].dropna() >= 0).all()
    assert set(said.loc["HUN"]) == {"not enough evidence"}
    assert set(said.loc["XNC"]) == {"under its record", "already does", "not enough evidence"}
    thin = evidence.index[~evidence["judged"]]
    assert not (said.loc[thin] == "accepts").any().any()
    for state in evidence.index[evidence["judged"]]:
        weighed = ready.loc[state].dropna()
        expected = weighed.map(lambda v: "accepts" if v >= 0 else "refuses")
        assert list(said.loc[state, weighed.index]) == list(expected)


def test_the_answer_names_the_states_it_could_not_judge(T, default) -> None:
    ready, evidence = default
    everyone = fz.ots_states(T.countries, include_observers=True)
    answer = rec.judged_answer(ready, everyone, evidence)
    assert answer["not judged"] == ["HUN", "XNC"]
    assert answer["rung"] == fz.highest_common_rung(ready, answer["judged"])
    panel = WeightPanel(T)
    panel.observers.value = True
    assert "Not judged, for lack of evidence: Hungary and Northern Cyprus." in mv.describe_group(
        panel
    )
    assert rec.judged_answer(ready, ["HUN", "XNC"], evidence) == {
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
    evidence = rec.state_evidence(tables, clashes, ["XNC"])
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
    evidence = rec.state_evidence(tables, clashes, ["XNC"])
    # the three new sources join the two that carry the dispute over its status (C129)
    assert evidence.loc["XNC", "judged"] and evidence.loc["XNC", "sources"] == 5
    assert evidence.loc["XNC", "claims"] == 2


def test_every_cell_in_the_view_says_what_it_rests_on(T, tmp_path) -> None:
    """After a commit: green record cells, grey 'not enough evidence' cells for the two thin
    states above their record, and every cell with its clashes; the evidence table names them."""
    panel = cm.weight_panel(T, tmp_path / "w.json")
    cm.commit_weights(panel, dict(panel.defaults), "defaults")
    panel.observers.value = True
    text = shown_text(mv.readiness_explorer(panel).children[-1])
    cells = re.findall(r"data-verdict='([^']*)'[^>]*>(.*?)</td>", text)
    assert len(cells) == panel.coefs.shape[0]
    assert all("clash" in body for _verdict, body in cells)
    grey = [body for verdict, body in cells if verdict == "not enough evidence"]
    above = sum(1 for s in ("HUN", "XNC") for r in T.scenarios["rung"] if r > panel.floors[s])
    assert len(grey) == above and all("?" in b for b in grey)
    table = mv.evidence_table(panel).data
    assert "no: not enough evidence" in table and "Northern Cyprus" in table


def test_the_notebook_says_who_is_not_judged(default) -> None:
    _ready, evidence = default
    names = {"HUN": "Hungary", "XNC": "Northern Cyprus"}
    thin = [names[c] for c in evidence.index[~evidence["judged"]]]
    assert f"(by default {' and '.join(thin)})" in notebook_text() or (
        f"({' and '.join(thin)})" in notebook_text()
    )
    assert f"at least {rec.MIN_SOURCES} distinct sources" in notebook_text()


# --- the record first, and as a floor ------------------------------------------------------------


def test_gabala_counts_for_every_member_and_exercises_by_rule(T, record) -> None:
    practice, floors = record
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
    # The floor is the highest rung a state already does something of: 4 for every member.
    assert {floors[c] for c in fz.ots_states(T.countries)} == {4}
    assert floors["XNC"] == 2 and floors["HUN"] == floors["TKM"] == 0


def _check_shown(T, practice, floors, ready_raw) -> list[str]:
    """Everything wrong with what the course shows for one raw readiness table, checked with the
    functions the views use: the record check, the verdicts and the ceilings."""
    shown = fz.above_record(ready_raw, floors)
    found = rec.record_contradictions(T.scenarios, practice, shown)
    evidence = pd.DataFrame({"judged": True}, index=shown.index)
    said = rec.verdicts(shown, evidence, practice)
    tops = fz.ceilings(shown)
    problems = [f"contradiction: {r.country_id} rung {r.rung}" for r in found.itertuples()]
    for state, floor in floors.items():
        if tops[state] < floor:
            problems.append(f"{state} ceiling {tops[state]} below its floor {floor}")
        low = said.loc[state, [r for r in said.columns if r <= floor]]
        if (low == "refuses").any():
            problems.append(f"{state} refuses a rung at or below its floor")
    return problems


def _one_at_a_time(defaults: pd.Series) -> list[pd.Series]:
    """Every weight at its slider's minimum, default and maximum, the others at their defaults."""
    settings = []
    for name in defaults.index:
        grid = fz.weight_grid(name)
        for value in (grid[0], defaults[name], grid[-1]):
            setting = defaults.copy()
            setting[name] = value
            settings.append(setting)
    return settings


@pytest.mark.parametrize("unsure", [False, True], ids=["in force", "all commitments"])
def test_no_setting_contradicts_the_record(T, record, unsure) -> None:
    """The guarantee: every weight at its minimum, default and maximum one at a time, and 1,000
    random settings of all the sliders, with and without the commitments not in force: no
    state is shown refusing, or stopping below, a rung it already does."""
    practice, floors = record
    _clashes, coefs = fz.model(T, count_unsure=unsure)
    defaults = fz.default_weights(T.factors)
    single = _one_at_a_time(defaults)
    assert len(single) == 3 * len(defaults)
    for weights in single:
        assert not _check_shown(T, practice, floors, fz.readiness(coefs, weights)), dict(weights)
    settings = fz.random_weights(defaults.index, 1000, seed=7)
    assert len(settings) == 1000 and settings.nunique().gt(1).all()
    done = practice.drop_duplicates(["country_id", "rung"])
    bare = 0
    for _i, weights in settings.iterrows():
        raw = fz.readiness(coefs, weights)
        shown = fz.above_record(raw, floors)
        tops = fz.ceilings(shown)
        for state, rung in zip(done["country_id"], done["rung"], strict=True):
            bare += raw.loc[state, rung] < 0
            value = shown.loc[state, rung]
            assert (np.isnan(value) or value >= 0) and tops[state] >= rung, (state, rung)
        assert (tops >= floors.reindex(tops.index)).all()
    assert bare > 0  # the bare formula does contradict the record: the floor is doing work


def test_the_view_never_shows_a_state_refusing_what_it_does(T, tmp_path) -> None:
    """As a student drives it, after a commit: each slider to its minimum and maximum, one at a
    time, and back to its default; the table's verdicts at or below each state's floor are
    always the record's. Then the same with the not-in-force and observers controls ticked."""
    panel = cm.weight_panel(T, tmp_path / "w.json")
    cm.commit_weights(panel, dict(panel.defaults), "defaults")
    output = mv.readiness_explorer(panel).children[-1]
    seen = 0

    def look(where: object) -> None:
        nonlocal seen
        cells = shown_cells(shown_text(output))
        assert set(cells.values()) - {"already does", "under its record"}, where  # revealed
        for (state, rung), verdict in cells.items():
            if rung <= panel.floors[state]:
                assert verdict in ("already does", "under its record"), (where, state, rung)
                seen += 1

    for name, control in panel.weight_inputs.items():
        grid = [value for _label, value in control.options]
        for value in (grid[0], grid[-1], panel.defaults[name]):
            control.value = value
            look((name, value))
    panel.unsure.value = True
    panel.observers.value = True
    for name, control in panel.weight_inputs.items():
        for value in (control.options[0][1], control.options[-1][1]):
            control.value = value
            look((name, value, "all commitments, observers"))
        control.value = panel.defaults[name]
    check = mv.record_check_view(panel).children[-1]
    assert "What the course shows contradicts it in 0" in shown_text(check)
    assert seen > 0


def test_only_commitments_in_force_bind_by_default(T, model) -> None:
    """The Caspian Convention is signed, not in force: its clashes are listed with their status
    but weigh 0 by default; counted, they lower Azerbaijan's and Kazakhstan's readiness."""
    clashes, coefs = model
    k003 = T.commitments.set_index("commitment_id").loc["K003"]
    assert k003["in_force"] == "no" and k003["in_force_as_of"] == "2025-12-15"
    assert set(clashes.loc[clashes["commitment_id"] == "K003", "in_force"]) == {"no"}
    k003 = clashes.loc[clashes["commitment_id"] == "K003", "status"]
    assert set(k003) == {"signed, not in force as of 2025-12-15"}
    shown = "".join(item.data for item in fv.rung_view(T, clashes, 5) if hasattr(item, "data"))
    assert "signed, not in force as of 2025-12-15" in shown
    assert fz.binding(clashes)["commitment_id"].ne("K003").all()
    assert fz.binding(clashes)["in_force"].eq("yes").all()
    _c, counted = fz.model(T, count_unsure=True)
    weights = fz.default_weights(T.factors)
    drop = fz.readiness(coefs, weights) - fz.readiness(counted, weights)
    assert (drop.loc[["AZE", "KAZ"], 5] > 0).all()
    assert drop.loc["TUR"].eq(0).all()  # Türkiye is not a party to it


def test_the_default_output_describes_the_group_and_names_no_state(T, tmp_path) -> None:
    """Before a commit: the group's answer, its robustness over 1,000 settings and what moves it;
    no state's name in that summary, no verdict cell, no 'hold back' anywhere."""
    panel = cm.weight_panel(T, tmp_path / "none.json")
    text = shown_text(mv.readiness_explorer(panel).children[-1])
    summary = re.search(r"aria-live='polite'>(.*?)</p>", text).group(1)
    assert "Over 1,000 random settings" in summary and "The weights that move" in summary
    for cid in fz.ots_states(T.countries):
        assert panel.names[cid] not in summary
    verdicts = set(shown_cells(text).values())
    assert verdicts == {"already does", "under its record", "veiled"}
    assert "holds back" not in text.replace("Who holds back is shown only", "")
    found = fz.robustness(panel.coefs, panel.judged_group(), panel.floors)
    assert found["answers"]["settings"].sum() == fz.SETTINGS
    assert f"rung 4 in {found['answers'].loc[4, 'share']:.0%}" in summary


def test_the_notebooks_claims_about_the_default_hold(T, record) -> None:
    """Exercise 1: no random setting and no single weight gets all members to rung 5, and the
    setting the solution gives does."""
    practice, floors = record
    _clashes, coefs = fz.model(T)
    members = fz.ots_states(T.countries)
    found = fz.robustness(coefs, members, floors)
    assert found["answers"].loc[5, "settings"] == 0
    moves = fz.sensitivity(coefs, fz.default_weights(T.factors), members, floors)
    assert moves["smallest change"].isna().all()
    weights = fz.default_weights(T.factors)
    weights.update(
        pd.Series({"rules out": 0, "limits": 0, "pulls elsewhere": 0, "F03": 3, "F04": 3, "F06": 3})
    )
    shown = fz.above_record(fz.readiness(coefs, weights), floors)
    assert fz.highest_common_rung(shown, members) == 5
    text = notebook_text()
    assert '"F03": 3, "F04": 3, "F06": 3' in text
    assert "no random setting of 1,000 gets all five there" in text


def test_the_record_view_comes_first_with_its_events(T) -> None:
    panel = WeightPanel(T)
    html = mv.record_html(panel).data
    assert "Gabala Declaration adopted (2025-10-07, R144)" in html
    assert "close: " in html and "Birlestik-2024" in html
    nb = nbformat.read(NOTEBOOKS / "04_feasibility_debate.ipynb", as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert sources.index("record_html(panel)") < next(
        i for i, s in enumerate(sources) if "readiness_explorer(panel)" in s
    )


# --- commit, then reveal ----------------------------------------------------------------------


def test_commit_needs_a_reason_and_a_broken_file_is_named(tmp_path) -> None:
    path = tmp_path / "my_work" / "w.json"
    with pytest.raises(ValueError, match="write a reason"):
        cm.save_commitment(path, {"F01": 1.0}, "   ")
    assert cm.load_commitment(path) is None
    path.parent.mkdir()
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(path))):
        cm.load_commitment(path)
    path.write_text(json.dumps({"weights": {"F01": -1}, "reason": "x"}), encoding="utf-8")
    with pytest.raises(ValueError, match="not: F01"):
        cm.load_commitment(path)


def test_a_broken_commitment_file_does_not_stop_notebook_04(T, tmp_path, capsys) -> None:
    """The first cell still builds the panel: it says the file cannot be read and leaves it."""
    path = tmp_path / "w.json"
    path.write_text("{not json", encoding="utf-8")
    panel = cm.weight_panel(T, path)
    assert panel.committed() is None
    said = capsys.readouterr().out
    assert "could not be read" in said and str(path) in said and "Commit them again" in said
    assert path.read_text(encoding="utf-8") == "{not json"


def test_commit_then_reveal_as_a_student_does(T, tmp_path) -> None:
    panel = cm.weight_panel(T, tmp_path / "my_work" / "04_my_weights.json")
    reveal = cm.reveal_view(panel)
    readiness = mv.readiness_explorer(panel).children[-1]
    assert "Commit your weights in the cell above first" in shown_text(reveal.children[-1])
    view = cm.commit_view(panel)
    columns, reason, button, status = view.children
    sliders = dict(labelled_sliders(columns))
    rules_out = next(s for label, s in sliders.items() if label.endswith("rules out"))
    assert "Your weights are at the defaults" in shown_text(status)
    rules_out.value = 0.0
    assert "away from the defaults: rules out" in shown_text(status)
    button.click()
    assert "write a reason" in shown_text(status) and not panel.path.exists()
    assert "veiled" in shown_text(readiness)
    reason.value = "CSTO Article 1 has a narrow reading (R003): a bar is a drafting problem."
    button.click()
    assert "Committed" in shown_text(status)
    saved = json.loads(panel.path.read_text(encoding="utf-8"))
    assert saved["weights"]["rules out"] == 0.0 and saved["reason"].startswith("CSTO")
    # Committing puts the weights on the model's sliders and lifts the veil, under "your weights".
    assert panel.weight_inputs["rules out"].value == 0.0
    shown = shown_text(readiness)
    assert "veiled" not in shown and "under your weights" in shown
    text = shown_text(reveal.children[-1])
    assert "narrow reading (R003)" in text and "The 1 weights you set differently" in text
    mine = fz.above_record(fz.readiness(panel.coefs, panel.weights()), panel.floors)
    rung = fz.highest_common_rung(mine, panel.judged_group())
    assert f"Under your weights, every judged state accepts up to rung {rung}" in text
    assert "Under the default weights, every judged state accepts up to rung" in text
    rules_out.value = 1.0
    assert "differ from what you committed on: rules out" in shown_text(status)
    panel.weight_inputs["F03"].value = 2.0
    assert "which you chose (they differ from your committed weights on F03)" in shown_text(
        readiness
    )
    reveal.children[0].click()
    assert panel.weight_inputs["F03"].value == 1.0
    # A fresh notebook run opens the commit view on the committed weights and reason.
    again = cm.commit_view(cm.weight_panel(T, panel.path))
    assert again.children[1].value == saved["reason"]


def labelled_sliders(widget) -> list[tuple[str, object]]:
    """Every (label text, slider) pair under a widget: a box holding a slider and an HTML label,
    in either order."""
    kids = list(getattr(widget, "children", ()))
    labels = [kid for kid in kids if isinstance(kid, w.HTML)]
    sliders = [kid for kid in kids if isinstance(kid, w.Dropdown)]
    if len(kids) == 2 and len(labels) == len(sliders) == 1:
        return [(re.sub(r"<[^>]+>", "", labels[0].value), sliders[0])]
    return [pair for kid in kids for pair in labelled_sliders(kid)]


def test_every_slider_carries_its_factors_full_name(T) -> None:
    """Point 5: each weight's full name is a label of its own beside its slider, not cut."""
    panel = WeightPanel(T)
    pairs = labelled_sliders(panel.controls())
    assert len(pairs) == len(panel.weight_inputs)
    labels = {html.unescape(label) for label, _slider in pairs}
    for row in T.factors.itertuples():
        assert f"{row.factor_id} {row.name}" in labels
    for effect in fz.CLASH_WEIGHTS:
        assert any(label.endswith(effect) for label in labels)


def test_weight_controls_share_one_layout_and_style_and_move_alone(T) -> None:
    """The twenty weight dropdowns share a layout and a style, as do their labels (fewer widgets
    to send); each still holds its own value, and each label its own full name."""
    panel = WeightPanel(T)
    inputs = panel.weight_inputs
    assert len({id(i.layout) for i in inputs.values()}) == 1
    assert len({id(i.style) for i in inputs.values()}) == 1
    first = next(iter(inputs.values()))
    assert first.layout.width == "max-content" and first.style.description_width == "initial"
    pairs = _label_widgets(panel.controls())
    assert len({id(label.layout) for label, _ in pairs}) == 1
    assert len({id(label.style) for label, _ in pairs}) == 1
    assert len({label.value for label, _ in pairs}) == len(pairs) == len(inputs)
    first.value = 2.5
    others = {name: i.value for name, i in inputs.items() if i is not first}
    assert others == {n: v for n, v in panel.defaults.items() if n in others}


def _label_widgets(widget) -> list[tuple[w.HTML, w.Dropdown]]:
    """Every (label widget, dropdown) pair under a widget."""
    kids = list(getattr(widget, "children", ()))
    labels = [kid for kid in kids if isinstance(kid, w.HTML)]
    sliders = [kid for kid in kids if isinstance(kid, w.Dropdown)]
    if len(kids) == 2 and len(labels) == len(sliders) == 1:
        return [(labels[0], sliders[0])]
    return [pair for kid in kids for pair in _label_widgets(kid)]


@pytest.mark.slow
def test_run_all_commits_nothing_and_names_no_state(T, tmp_path, monkeypatch) -> None:
    """Run All in a fresh work folder: nothing is committed, and no output names a state as
    holding back or refusing a rung."""
    monkeypatch.setenv("OTSLAB_WORK", str(tmp_path))
    nb = execute(nbformat.read(NOTEBOOKS / "04_feasibility_debate.ipynb", as_version=4))
    assert not (tmp_path / "04_my_weights.json").exists()
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"])
    assert "data-verdict='refuses'" not in outputs and "data-verdict='accepts'" not in outputs
    assert "Who holds back, under" not in outputs and "stops the climb" not in outputs


def test_the_instructor_guide_frames_the_default_answer_from_the_data(T, default, record) -> None:
    """The guide's sentences on the record and the default answer match the model's output."""
    ready, evidence = default
    practice, floors = record
    members = fz.ots_states(T.countries)
    assert fz.highest_common_rung(ready, members) == 4 == min(floors[c] for c in members)
    guide = " ".join((NOTEBOOKS / "INSTRUCTOR_GUIDE.md").read_text(encoding="utf-8").split())
    assert "By default Hungary and Northern Cyprus fail the test" in guide
    assert "the record puts every member at rung 4" in guide
    assert "stop the climb" not in guide
