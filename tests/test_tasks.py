"""Checked tasks: answers recomputed from the CSVs; work file, export, citations, grading."""

import csv
import json
import re
import subprocess
import sys

import nbformat
import pytest

from conftest import NOTEBOOKS, REPO
from otslab.course import citations, handin, quiz, taskbank, tasks


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A fresh work folder for one test."""
    monkeypatch.setenv("OTSLAB_WORK", str(tmp_path / "my_work"))
    return tmp_path / "my_work"


def recomputed(T) -> dict[str, object]:
    """Answers worked out here with plain pandas, independently of otslab.course.tasks."""
    events, people = T.events, T.event_participants
    exercises = events[events["kind"] == "exercise"]
    tur_events = set(people.query("country_id == 'TUR'")["event_id"])
    dated = events.dropna(subset=["date_year"])
    since_2020 = dated[dated["date_year"] >= 2020]
    busiest = int(since_2020["date_year"].value_counts().sort_index().idxmax())
    takers = people[people["event_id"].isin(exercises["event_id"]) & (people["role"] != "absent")]
    groups = takers.groupby("event_id")["country_id"].apply(set)
    return {
        "00.3": len(events),
        "00.4": int(dated[dated["date_year"] >= 2009]["date_year"].value_counts().idxmax()),
        "00.ex1": (busiest, events[events["date_year"] == busiest]["kind"].value_counts().index[0]),
        "00.ex3": len(tur_events),
        "03.1": len(exercises),
        "03.2": int((exercises["date_year"] >= 2024).sum()),
        "03.5": "yes" if (exercises["framework"] == "OTS").any() else "no",
        "03.ex1": set(exercises[exercises["date_year"] >= 2024]["event_id"]) & tur_events,
        "03.ex2": len(events.query("kind == 'agreement' and status == 'in force'")),
        "03.ex3": {e for e, s in groups.items() if len(s) >= 3 and "TUR" not in s},
        "04.3": set(T.commitments.query("effect == 'rules out'")["commitment_id"]),
        "01.1": int(
            T.sources.query("source_id in ['S000','S001','S002','S003','S004']")[
                "outlet_country_id"
            ]
            .notna()
            .sum()
        ),
    }


def test_each_recomputed_answer_is_judged_right_and_a_wrong_one_gets_a_hint(T) -> None:
    """The check accepts the answer the data give and meets a wrong one with the task's hint."""
    for task_id, answer in recomputed(T).items():
        assert taskbank.judge(task_id, answer, T).result == "right", task_id
        wrong = "E999" if isinstance(answer, set) else ("maybe" if isinstance(answer, str) else -1)
        verdict = taskbank.judge(task_id, wrong, T)
        assert verdict.result == "wrong", task_id
        assert taskbank.TASKS[task_id].hint in verdict.message, task_id


def test_answers_are_accepted_as_students_type_them(T) -> None:
    """Ids in any case, as a list or a comma-separated string; a blank asks to fill it in."""
    answer = recomputed(T)["03.ex1"]
    assert taskbank.judge("03.ex1", ", ".join(sorted(answer)).lower(), T).result == "right"
    assert taskbank.judge("03.ex1", sorted(answer), T).result == "right"
    partial = taskbank.judge("03.ex1", sorted(answer)[:1], T)
    assert partial.result == "wrong" and "1 missing" in partial.message
    assert taskbank.judge("03.ex1", ..., T).result == "blank"


def test_every_task_is_posed_in_its_notebook_with_a_blank() -> None:
    """Each task has a cell in its notebook: check for a fact, a text box for a written task."""
    sources = {
        p.name[:2]: "\n".join(c.source for c in nbformat.read(p, as_version=4).cells)
        for p in NOTEBOOKS.glob("0*.ipynb")
    }
    for task in taskbank.TASKS.values():
        call = "write_box" if task.is_open else "check"
        assert f'{call}("{task.task_id}"' in sources[task.notebook], task.task_id


def test_answers_survive_a_restart_and_the_self_check_remembers(work) -> None:
    """What check, write and a self-check record is read back from the work file."""
    tasks.check("03.5", "no")
    tasks.write("00.2", "A treaty with a mutual-defence clause and joint exercises under one flag.")
    box = quiz.question("Which?", ["a", "b"], answer="b", explanation="Because.")
    box.children[1].value = "a"
    box.children[2].click()
    saved = json.loads((work / "answers.json").read_text(encoding="utf-8"))["answers"]
    assert saved["00.2"]["words"] == 12 and saved["03.5"]["checked"]
    assert saved[quiz.question_key("Which?")]["result"] == "wrong"
    again = quiz.question("Which?", ["a", "b"], answer="b", explanation="Because.")
    assert again.children[1].value == "a"
    assert "A treaty with" in str(tasks.earlier("00.2").data)


def test_export_names_the_student_and_escapes_answers(work) -> None:
    """The hand-in page has the name, each answer and its verdict; data stay text."""
    tasks.sign("Ada <b>Lovelace</b>")
    tasks.check("03.5", "<script>alert(1)</script>")
    page = handin.export_work()
    text = page.read_text(encoding="utf-8")
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in text and "<script>alert" not in text
    assert "<td>wrong</td>" in text and "not answered" in text


def test_citation_check_reads_claim_sources(T) -> None:
    """A right stance passes; a wrong one and a foreign claim are named; a bare forecast flagged."""
    row = T.claim_sources.iloc[0]
    other = next(s for s in ["asserts", "disputes", "qualifies"] if s != row["stance"])
    forecast = T.claims.query("claim_type == 'forecast'")["claim_id"].iloc[0]
    carrier = T.claim_sources.query("claim_id == @forecast")["source_id"].iloc[0]
    absent = sorted(
        set(T.sources["source_id"])
        - set(T.claim_sources.query("claim_id == @row.claim_id")["source_id"])
    )[0]
    memo = (
        f"One [{row.source_id} {row.stance} {row.claim_id}]. Two [{row.source_id} {other} "
        f"{row.claim_id}]. Three [{absent} {row.claim_id}]. It happens in 2026 "
        f"[{carrier} {forecast}]. {carrier} expects it [{carrier} {forecast}]."
    )
    verdicts = list(citations.cite_check(T, memo)["verdict"])
    assert verdicts == ["ok", "wrong stance", "not in this source", "ok", "forecast as fact", "ok"]


@pytest.mark.slow
def test_grade_regrades_a_folder_of_notebooks_into_a_csv(tmp_path, T) -> None:
    """The grade tool reads the answers in submitted notebooks and regrades them from the data."""
    answers = recomputed(T)
    for student, right in [("Ann", True), ("Ben", False)]:
        nb = nbformat.v4.new_notebook()
        value = answers["03.2"] if right else answers["03.2"] + 1
        nb.cells = [
            nbformat.v4.new_code_cell(f'sign("{student}")'),
            nbformat.v4.new_code_cell(f'check("03.2", {value})'),
            nbformat.v4.new_code_cell('check("03.ex1", ["E000"])'),
            nbformat.v4.new_code_cell('write("03.x", "not a task")'),
            nbformat.v4.new_code_cell('check("00.3", ...)'),
        ]
        (tmp_path / student).mkdir()
        nbformat.write(nb, tmp_path / student / "03_agreements_and_exercises.ipynb")
    more = nbformat.v4.new_notebook()
    more.cells = [nbformat.v4.new_code_cell(f'check("00.3", {answers["00.3"]})')]
    nbformat.write(more, tmp_path / "Ann" / "00_start_here.ipynb")
    run = subprocess.run(
        [sys.executable, str(REPO / "tools" / "grade.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "graded 2 submissions" in run.stdout
    rows = {r["signed name"]: r for r in csv.DictReader((tmp_path / "grades.csv").open())}
    assert rows["Ann"]["03.2"] == "right" and rows["Ben"]["03.2"] == "wrong"
    assert rows["Ann"]["right"] == "2" and rows["Ann"]["checked tasks answered"] == "3"
    assert rows["Ben"]["00.3"] == "blank" and rows["Ben"]["checked tasks answered"] == "2"
    assert rows["Ann"]["submission"] == "Ann" and rows["Ann"]["for the teacher"] == ""


def flat(answer: object) -> list[str]:
    """The parts of an answer as strings."""
    if isinstance(answer, set | frozenset | tuple | list):
        return [str(a) for a in answer]
    return [str(answer)]


@pytest.mark.parametrize("task_id", [t for t in taskbank.TASKS if ".ex" in t])
def test_each_exercise_solution_states_the_answer_the_data_give(task_id: str, T) -> None:
    """The bold 'Answer:' of an exercise's solution names every part of the computed answer."""
    task = taskbank.TASKS[task_id]
    path = next(NOTEBOOKS.glob(f"{task.notebook}_*.ipynb"))
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    number = task_id.split(".ex")[1]
    chunk = text.split(f"**Exercise {number} ", 1)[1].split("**Exercise ", 1)[0]
    stated = " ".join(re.findall(r"\*\*Answer: (.*?)\*\*", chunk, flags=re.S))
    assert stated, f"{path.name}: Exercise {number}'s solution gives no bold 'Answer:'"
    for part in flat(task.answer(T)):
        assert re.search(rf"\b{re.escape(part)}\b", stated), f"{task_id}: {part} not in '{stated}'"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("0*.ipynb")), ids=lambda p: p.stem)
def test_every_numbered_section_ends_with_a_task(path) -> None:
    """Sections 1-5 of each notebook close with a task cell (check or write) before the next one."""
    cells = nbformat.read(path, as_version=4).cells
    starts = [i for i, c in enumerate(cells) if re.match(r"## [1-5]\. ", c.source)]
    assert starts, f"{path.name} has no numbered sections"
    for start in starts:
        end = next(
            (i for i in range(start + 1, len(cells)) if cells[i].source.startswith("## ")),
            len(cells),
        )
        calls = [c.source for c in cells[start:end] if c.cell_type == "code"]
        assert any(re.search(r'^(check|write|write_box)\("0\d\.', s, flags=re.M) for s in calls), (
            f"{path.name}: section '{cells[start].source.splitlines()[0]}' has no task"
        )


def test_the_other_numbers_the_solutions_state_match_the_data(T) -> None:
    """Counts in the solutions of 00 Ex 1 and 03 Ex 2, beyond the checked answer, are the data's."""
    events = T.events
    year = int(
        events.dropna(subset=["date_year"]).query("date_year >= 2020")["date_year"].mode()[0]
    )
    in_year = events[events["date_year"] == year]
    agreements = events.query("kind == 'agreement'")
    texts = {
        p.name[:2]: "\n".join(c.source for c in nbformat.read(p, as_version=4).cells)
        for p in NOTEBOOKS.glob("0*.ipynb")
    }
    expected = {
        "00": [
            f"({(in_year['kind'] == 'agreement').sum()} of the year's {len(in_year)} dated events"
        ],
        "03": [
            f"{len(agreements)} agreements; "
            f"{events['kind'].isin(['proposal', 'statement']).sum()} events of talk "
            f"({(events['kind'] == 'proposal').sum()} proposals and "
            f"{(events['kind'] == 'statement').sum()} statements)",
            f"({(agreements['status'] == 'signed').sum()} signed\nonly, "
            f"{(agreements['status'] == 'under study').sum()} under study)",
        ],
    }
    for notebook, phrases in expected.items():
        for phrase in phrases:
            assert phrase in texts[notebook], f"notebook {notebook} no longer says: {phrase}"
