"""Student work for a class: saving under two kernels, broken files, one judge, hand-in, grading."""

import csv
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import REPO
from otslab.course import grading, handin, quiz, taskbank, tasks, textbox, work

FACTS = [t.task_id for t in taskbank.TASKS.values() if not t.is_open]


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A fresh work folder (my_work) for one test."""
    monkeypatch.setenv("OTSLAB_WORK", str(tmp_path / "my_work"))
    work.take_notices()
    return tmp_path / "my_work"


def text(shown) -> str:
    """What a rendered output says, tags removed."""
    return re.sub(r"<[^>]+>", " ", str(getattr(shown, "data", shown)))


def saved() -> dict:
    """The work file as JSON, read without otslab."""
    return json.loads(work.work_file().read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------------------------
# One writer: two kernels saving at once, broken files, folders that cannot be written


def _kernel(name: str, folder: str, saves: int) -> None:
    """One 'kernel': check an answer and save a self-check choice, over and over."""
    os.environ["OTSLAB_WORK"] = folder
    for i in range(saves):
        work.record(f"q-{name}-{i}", {"prompt": name, "answer": str(i), "result": "right"})
        if i % 10 == 0:
            tasks.check("03.5", "no" if name == "a" else "yes")


def test_two_kernels_saving_at_once_lose_nothing(folder) -> None:
    """Two processes save 300 times each into one work file: every save is there, the file whole."""
    taskbank.course_tables()  # loaded once, before the two processes start
    context = multiprocessing.get_context("fork")
    kernels = [context.Process(target=_kernel, args=(n, str(folder), 300)) for n in "ab"]
    for kernel in kernels:
        kernel.start()
    for kernel in kernels:
        kernel.join(timeout=300)
    assert [k.exitcode for k in kernels] == [0, 0]
    answers = saved()["answers"]
    for name in "ab":
        assert {f"q-{name}-{i}" for i in range(300)} <= set(answers), name
    assert answers["03.5"]["answer"] in {"no", "yes"}
    assert json.loads((folder / "answers.json.bak").read_text(encoding="utf-8")) == saved()
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_broken_work_file_is_set_aside_and_the_backup_restored(folder) -> None:
    """Garbage in answers.json: kept aside, work restored from the backup, the student told."""
    tasks.sign("Ada")
    tasks.check("00.3", 1)
    tasks.check("03.5", "no")
    (folder / "answers.json").write_text('{"answers": {"00.3": ', encoding="utf-8")
    box = quiz.question("Still works?", ["a", "b"], answer="a", explanation="Yes.")
    said = box.children[3].value
    assert "could not be read" in said and "answers.broken-" in said
    assert "restored from answers.json.bak" in said and "2 answer(s)" in said
    assert [p.name for p in folder.glob("answers.broken-*.json")]
    shown = text(tasks.check("00.4", 1990))
    assert "Too low" in shown and "Your work file" not in shown  # told once
    work_now = saved()
    assert work_now["student"] == "Ada" and {"00.3", "03.5", "00.4"} <= set(work_now["answers"])


def test_a_broken_work_file_without_backup_starts_again_and_says_so(folder) -> None:
    """No readable backup: the student hears that work starts again and where the old file is."""
    folder.mkdir(parents=True)
    (folder / "answers.json").write_bytes(b"\xff\xfe not utf-8")
    shown = text(tasks.check("03.5", "no"))
    assert "not UTF-8" in shown and "no readable backup" in shown and "Right." in shown
    assert saved()["answers"]["03.5"]["answer"] == "no"


def test_a_work_folder_that_cannot_be_written_still_gives_the_verdict(folder, monkeypatch) -> None:
    """my_work is a file, answers.json a folder, or the disk refuses: verdict plus one sentence."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder", encoding="utf-8")
    shown = text(tasks.check("03.5", "yes"))
    assert "Not yet" in shown and "Could not save" in shown and "is a file" in shown
    assert "Traceback" not in shown
    folder.unlink()
    (folder / "answers.json").mkdir(parents=True)
    shown = text(tasks.check("03.5", "yes"))
    assert "Not yet" in shown and "is a folder" in shown
    assert quiz.question("Q?", ["a", "b"], answer="a", explanation="E.").children[1].value is None
    (folder / "answers.json").rmdir()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(work.os, "replace", refuse)
    shown = text(tasks.write("00.1", "The OTS members and whether they form an alliance or not."))
    assert "words" in shown and "permission denied" in shown and "not kept" in shown


# ----------------------------------------------------------------------------------------------
# One judge: Python, numpy and pandas forms of every right answer


def forms(answer: object) -> list[object]:
    """The same answer as a student might compute it: Python, numpy and pandas values."""
    if isinstance(answer, bool | str):
        return [answer, np.str_(answer), pd.Series([answer]).iloc[0], pd.Index([answer])[0]]
    if isinstance(answer, int):
        return [
            answer,
            np.int64(answer),
            np.int32(answer),
            np.float64(answer),
            pd.Series([answer]).sum(),
            str(answer),
        ]
    if isinstance(answer, tuple):
        return [
            answer,
            tuple(np.array([a])[0] for a in answer),
            pd.Series(list(answer), dtype=object),
            list(answer),
        ]
    ids = sorted(answer)
    return [
        answer,
        ids,
        np.array(ids),
        pd.Series(ids),
        pd.Index(ids),
        pd.Series(ids).unique(),
        pd.Series(ids, dtype="category"),
    ]


@pytest.mark.parametrize("task_id", FACTS)
def test_every_right_answer_is_right_in_every_form_everywhere(task_id, folder, T) -> None:
    """Notebook, saved file, hand-in page and grader all say 'right' for each form of the answer."""
    tasks.sign("Ada")
    for form in forms(taskbank.TASKS[task_id].answer(T)):
        assert "Right." in text(tasks.check(task_id, form)), (task_id, repr(form))
        entry = saved()["answers"][task_id]
        assert taskbank.judge(task_id, entry["answer"], T).result == "right", repr(form)
        page = handin.work_html(work.load_work(), T)
        row = re.search(rf"<tr><td>{re.escape(task_id)}</td>.*?</tr>", str(page), re.S)
        assert row and re.search(r"<td>right( \(checked \d+ times\))?</td></tr>$", row[0]), form
        graded = grading.grade(handin.work_in_page(str(page))["answers"], T)
        assert graded[task_id] == "right", repr(form)


def test_values_that_cannot_be_answers_get_a_sentence_not_a_traceback(folder, T) -> None:
    """A table, a function, a 2-D array, NaN or a huge number: a clear message, nothing saved."""
    for value in [T.events, print, np.zeros((2, 2)), float("nan"), 10**5000, pd.NA, {"a": 1}]:
        shown = text(tasks.check("00.3", value))
        assert "cannot be checked" in shown or "check your code" in shown or "too" in shown
    assert not work.work_file().exists()
    assert "has one right answer" in text(tasks.write("00.3", "78"))


# ----------------------------------------------------------------------------------------------
# Hand-in page


def test_the_hand_in_page_recomputes_verdicts_and_refuses_unsigned_work(folder, T) -> None:
    """Forged 'right' shows as wrong; the page says how verdicts were made; no name, no page."""
    assert "Put your name on your work first" in text(tasks.hand_in())
    assert "Write your name" in text(tasks.sign("\u200b \u2060"))
    assert "Put your name on your work first" in text(tasks.hand_in())
    tasks.sign("Ada </script><b>x</b>")
    tasks.check("00.4", 1999)
    tasks.write("04.memo", "Plans for exercises [S004 asserts C030]. </script><script>alert(1)")
    forged = saved()
    forged["answers"]["00.4"]["result"] = "right"
    (folder / "answers.json").write_text(json.dumps(forged), encoding="utf-8")
    assert "Your work is in" in text(tasks.hand_in())
    page = next(folder.glob("*_work.html")).read_text(encoding="utf-8")
    assert "worked out again from the course's data" in page
    assert re.search(r"<td>00\.4</td>.*?<td>1999</td><td>wrong</td>", page, re.S)
    assert "<script>alert" not in page and page.count("</script>") == 1
    assert "Your citations, checked against claim_sources" in page
    assert "No weights committed in notebook 04" in page
    assert handin.work_in_page(page)["student"] == "Ada </script><b>x</b>"


def test_long_names_make_short_file_names(folder) -> None:
    """300 Latin or 90 CJK characters: the page is written, its name at most 80 bytes + suffix."""
    for name in ["A" * 300, "漢" * 90]:
        tasks.sign(name)
        page = handin.export_work()
        assert page.is_file() and len(page.stem.encode()) <= 85


def test_hand_in_starts_no_browser_and_says_how_to_print(folder, tmp_path, monkeypatch):
    """No Chromium from a student's kernel: the page is written and the student prints it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    started = tmp_path / "chromium-started"
    for name in ("chromium", "chromium-browser"):
        (bin_dir / name).write_text(f"#!/bin/sh\ntouch {started}\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    tasks.sign("Ada")
    shown = text(tasks.hand_in())
    assert "Your work is in" in shown and "open the page in your browser" in shown
    assert next(folder.glob("*_work.html")).is_file()
    assert not started.exists() and not list(folder.glob("*.pdf"))


# ----------------------------------------------------------------------------------------------
# Writing in a text box


def test_the_text_box_counts_words_saves_as_you_type_and_reopens(folder) -> None:
    """Typing into the box saves each change; a new box (after a restart) shows the saved text."""
    box = tasks.write_box("04.memo")
    area, status, guidance = box.children
    assert area.layout.width == "98%" and area.rows >= 10
    area.value = "Kazakhstan should join exercises"
    assert "4 words" in status.value and "Saved" in status.value
    area.value += " because its experts support them [S004 asserts C030]."
    assert saved()["answers"]["04.memo"]["answer"].endswith("[S004 asserts C030].")
    assert "Your citations, checked" in guidance.value and "model answer" in guidance.value
    again = tasks.write_box("04.memo")
    assert again.children[0].value == area.value


def test_notebook_04_recalls_the_alliance_test_of_notebook_00(folder) -> None:
    """write_box('04.test', recall='00.2') shows the earlier answer above the box, escaped."""
    assert "No saved answer to 00.2" in tasks.write_box("04.test", recall="00.2").children[0].value
    tasks.write_box("00.2").children[0].value = "A treaty <b>in force</b> and joint exercises"
    recalled = tasks.write_box("04.test", recall="00.2").children[0].value
    assert "A treaty &lt;b&gt;in force&lt;/b&gt; and joint exercises" in recalled
    with pytest.raises(ValueError, match="one right answer"):
        textbox.text_box("00.3")


# ----------------------------------------------------------------------------------------------
# Grading a class: one row per submission, strays listed, names flagged, cells safe


def hand_in_as(base: Path, monkeypatch, name: str, answers: dict, folder_name: str) -> Path:
    """One student's session: sign, check, write, hand in; the submission folder a teacher gets."""
    monkeypatch.setenv("OTSLAB_WORK", str(base / "homes" / folder_name))
    tasks.sign(name)
    for task_id, answer in answers.items():
        if taskbank.TASKS[task_id].is_open:
            tasks.write(task_id, answer)
        else:
            tasks.check(task_id, answer)
    tasks.hand_in()
    submitted = base / "submissions" / folder_name
    submitted.mkdir(parents=True)
    for made in work.work_folder().glob("*_work.html"):
        (submitted / made.name).write_bytes(made.read_bytes())
    return submitted


def notebook_with(path: Path, *cells: str) -> None:
    """A submitted notebook whose code cells are these."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_a_class_of_thirty_with_strays_impostors_and_formulas_grades_row_by_row(
    tmp_path, monkeypatch, T
) -> None:
    """tools/grade.py on a real class folder: 36 rows, every stray listed, nothing merged."""
    right = {t: taskbank.TASKS[t].answer(T) for t in ["00.3", "00.5", "03.ex1"]}
    names = [f"Student {i:02}" for i in range(30)]
    names[0], names[1], names[2] = "Ada Lovelace", "ada  LOVELACE\u200b", "Ada Lovelace"
    names[3:6] = ['=HYPERLINK("http://198.51.100.7/?x","grade")', "+cmd|' /C calc'!A0", "-2+3"]
    names[6] = "@SUM(1+1)"
    for i, name in enumerate(names):
        answers = {
            "00.3": np.int64(right["00.3"]) if i % 2 else right["00.3"],
            "00.5": pd.Series([1] * right["00.5"]).sum(),
            "03.ex1": pd.Series(sorted(right["03.ex1"])),
            "00.2": f"My alliance test, written by student {i}: a treaty and exercises.",
        }
        if i == 2:  # the impostor gets 00.3 wrong
            answers["00.3"] = right["00.3"] + 5
        submitted = hand_in_as(tmp_path, monkeypatch, name, answers, f"s{i:02}")
        if i % 2 == 0:  # the whole my_work folder, as the README tells Binder users to download
            for extra in ["answers.json"]:
                (submitted / extra).write_bytes((work.work_folder() / extra).read_bytes())
            (submitted / "04_my_weights.json").write_text('{"weights": {}}', encoding="utf-8")
    sub = tmp_path / "submissions"
    site_folder = sub / "Bob Smith_4711_assignsubmission_file_"  # a course site's download
    site_folder.mkdir()
    (site_folder / "page.html").write_bytes(next((sub / "s00").glob("*_work.html")).read_bytes())
    for who, value in [("u1", 70), ("u2", right["00.3"])]:  # two unsigned notebooks
        cells = ["sign(...)", f'check("00.3", {value})']
        notebook_with(sub / who / "04_feasibility_debate.ipynb", *cells)
    notebook_with(sub / "cem" / "00.ipynb", 'sign("Cem")', 'check("00.3", len(T.events))')
    notebook_with(sub / "zw" / "00.ipynb", 'sign("\\u200b")', 'check("00.3", 1)')
    pristine = (REPO / "notebooks" / "00_start_here.ipynb").read_bytes()
    (sub / "pristine").mkdir()
    (sub / "pristine" / "00_start_here.ipynb").write_bytes(pristine)
    (sub / "junk.json").write_text('{"a": 1}', encoding="utf-8")
    (sub / "broken.ipynb").write_bytes(b"\x00\x01 not json")
    (sub / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (sub / "notes.txt").write_text("hello", encoding="utf-8")
    (sub / "Ada_work.pdf").write_bytes(b"%PDF-1.4")
    (sub / "all.zip").write_bytes(b"PK\x03\x04")
    (sub / ".DS_Store").write_bytes(b"\x00")
    (sub / "evil.json").symlink_to("/etc/passwd")
    (sub / "linked").symlink_to(sub / "s00", target_is_directory=True)
    (sub / "s00" / ".ipynb_checkpoints").mkdir()
    (sub / "s00" / ".ipynb_checkpoints" / "x-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    teacher_notes = tmp_path / "teacher_notes.txt"
    teacher_notes.write_text("my notes", encoding="utf-8")
    (sub / "grades.csv").symlink_to(teacher_notes)

    run = subprocess.run(
        [sys.executable, str(REPO / "tools" / "grade.py"), str(sub)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "Traceback" not in run.stderr, run.stderr
    assert teacher_notes.read_text(encoding="utf-8") == "my notes"
    for path, reason in [
        ("junk.json", "no 'answers' object"),
        ("broken.ipynb", "not a notebook"),
        ("deep.json", "nested too deep"),
        ("notes.txt", "not a work file, notebook or hand-in page"),
        (".DS_Store", "hidden"),
        ("evil.json", "symbolic link"),
        ("Ada_work.pdf", "the grader reads the hand-in page"),
        ("all.zip", "unzip it"),
        ("linked", "symbolic link"),
        ("grades.csv", "symbolic link"),
        ("s00/04_my_weights.json", "committed weights"),
        ("s00/.ipynb_checkpoints/x-checkpoint.ipynb", "checkpoint"),
    ]:
        assert re.search(rf"^  {re.escape(path)}: .*{re.escape(reason)}", out, re.M), path
    with (sub / "grades.csv").open(encoding="utf-8", newline="") as handle:
        rows = {r["submission"]: r for r in csv.DictReader(handle)}
    expected = {f"s{i:02}" for i in range(30)} | {"u1", "u2", "cem", "pristine", "zw"}
    expected.add(site_folder.name)
    assert set(rows) == expected and "graded 36 submissions" in out
    bob = rows[site_folder.name]["for the teacher"]
    assert "signed 'Ada Lovelace', which the submission's name" in bob and "s00" in bob
    teachers_notes = " ".join(rows[f"s{i:02}"]["for the teacher"] for i in range(30))
    assert "check who handed it in" not in teachers_notes
    assert not (sub / "grades.csv").is_symlink()
    for i in range(30):
        row = rows[f"s{i:02}"]
        assert row["00.2"].startswith("written (") and row["03.ex1"] == "right", i
        assert row["right"] == ("2" if i == 2 else "3"), (i, row)
        assert row["checks run"] == "3", (i, row)
    assert rows["s02"]["00.3"] == "wrong" and rows["s00"]["00.3"] == "right"
    for i in (0, 1, 2):
        assert "nearly the same name" in rows[f"s{i:02}"]["for the teacher"], i
    assert site_folder.name in rows["s00"]["for the teacher"]
    for i in range(3, 7):
        cell = rows[f"s{i:02}"]["signed name"]
        assert cell.startswith("'") and cell[1:] == names[i], cell
    assert rows["u1"]["00.3"] == "wrong" and rows["u2"]["00.3"] == "right"
    assert "unsigned" in rows["u1"]["for the teacher"] and rows["u1"]["signed name"] == ""
    assert (
        "unsigned" in rows["zw"]["for the teacher"]
        and "no visible name" in rows["zw"]["for the teacher"]
    )
    assert rows["cem"]["00.3"].startswith("unreadable: computed in the notebook (len(T.events))")
    assert "answers not readable: 00.3" in rows["cem"]["for the teacher"]
    assert rows["pristine"]["checked tasks answered"] == "0"
    facts = {rows["pristine"][t] for t in FACTS}
    written = {rows["pristine"][t] for t in taskbank.TASKS if t not in FACTS}
    assert facts == {"blank"} and written <= {"blank", "not in the notebook (text box)"}
    assert "text boxes: 00.1, 00.2" in rows["pristine"]["for the teacher"]


def test_make_grade_needs_a_folder(tmp_path) -> None:
    """make grade without DIR stops with a sentence; tools/grade.py refuses the course itself."""
    run = subprocess.run(
        ["make", "-n", "grade", "DIR="], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert run.returncode != 0 and "make grade needs DIR=" in run.stderr
    grader = [sys.executable, str(REPO / "tools" / "grade.py")]
    run = subprocess.run([*grader, str(REPO)], capture_output=True, text=True)
    assert run.returncode == 2 and "the course itself" in run.stdout
    run = subprocess.run(
        [sys.executable, str(REPO / "tools" / "grade.py"), str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "is not a folder" in run.stdout


def test_committing_weights_without_a_reason_asks_for_one_and_saves_through_the_writer(
    folder, T
) -> None:
    """No reason: a hint, not an error; with a reason the weights file is saved with a backup."""
    from otslab.course import commitment as cm
    from otslab.views.widgets import shown_text

    view = cm.commit_view(cm.weight_panel(T, folder / "04_my_weights.json"))
    reason, button, output = view.children[1], view.children[2], view.children[3]
    button.click()
    said = shown_text(output)
    assert "write a reason for your weights" in said and "went wrong" not in said
    assert not (folder / "04_my_weights.json").exists()
    reason.value = "Geography matters more than the summit statements."
    button.click()
    assert json.loads((folder / "04_my_weights.json.bak").read_text(encoding="utf-8"))["reason"]
    tasks.sign("Ada")
    page = handin.export_work()
    assert "Reason: Geography matters more than the summit statements." in page.read_text()


def test_the_grader_reads_a_text_box_from_a_notebook_saved_with_its_widget_state(tmp_path) -> None:
    """A notebook saved with widget state carries the box's text; without it, the row says so."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('sign("Ada")\nwrite_box("04.memo")')]
    box = tasks.write_box("04.memo").children[0]
    assert f"{grading.TEXT_BOX_CLASS}04.memo" in box._dom_classes
    state = {"_model_name": "TextareaModel", "_dom_classes": list(box._dom_classes)}
    state["value"] = "A memo for Kazakhstan [S004 asserts C030]."
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {"m1": {"state": state}}}
    }
    nbformat.write(nb, tmp_path / "04.ipynb")
    read = grading.answers_in_notebook(tmp_path / "04.ipynb")
    assert read["student"] == "Ada" and read["answers"]["04.memo"]["answer"] == state["value"]
    del nb.metadata["widgets"]
    nbformat.write(nb, tmp_path / "04.ipynb")
    assert grading.answers_in_notebook(tmp_path / "04.ipynb")["answers"]["04.memo"]["text box"]


def test_in_a_real_kernel_the_box_saves_after_a_pause_in_typing(tmp_path) -> None:
    """In a kernel (an event loop runs) the box counts at once and saves once typing pauses."""
    from jupyter_client.manager import start_new_kernel

    env = {**os.environ, "OTSLAB_WORK": str(tmp_path)}
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(REPO / "notebooks"), env=env)
    said: list[str] = []

    def run(code: str) -> None:
        def hook(msg: dict) -> None:
            if msg["msg_type"] in {"stream", "error"}:
                said.append(msg["content"].get("text", str(msg["content"])))

        reply = client.execute_interactive(code, timeout=120, output_hook=hook)
        assert reply["content"]["status"] == "ok", said

    try:
        run(
            "from otslab.course.tasks import write_box\n"
            "box = write_box('00.1')\narea = box.children[0]"
        )
        run("area.value = 'The OTS states'\nprint(box.children[1].value)")
        assert "3 words" in said[-1] and "Saving" in said[-1]
        run("area.value = 'The OTS states and an alliance'\nprint(box.children[1].value)")
        assert not (tmp_path / "answers.json").exists()  # nothing saved while typing
        time.sleep(tasks_pause() + 1)
        run("print(box.children[1].value)")
        assert "6 words" in said[-1] and "Saved." in said[-1]
        saved_text = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
        assert saved_text["answers"]["00.1"]["answer"] == "The OTS states and an alliance"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def tasks_pause() -> float:
    """How long the text box waits after the last keystroke before it saves."""
    return textbox.PAUSE


def test_names_that_look_the_same_compare_the_same_and_others_do_not() -> None:
    """Invisible characters, Cyrillic lookalikes, case, accents and spacing are ignored."""
    ada = grading.name_key("Ada Lovelace")
    forged = ["ada  LOVELACE\u200b", "\u0410da Lov\u0435lace", "Adá Lovelace", "Ada\u00adLovelace"]
    for name in forged:
        assert grading.name_key(name) == ada, name
    assert grading.name_key("\ufeffAda\u2060 Lovelace") == ada
    assert grading.name_key("Ada Byron") != ada and grading.name_key("Асан") != ada


def test_other_containers_of_one_answer_are_read_as_lists(T) -> None:
    """A 0-d array, dict keys and values and a range are answers like any list."""
    expected = taskbank.TASKS["03.ex1"].answer(T)
    assert taskbank.judge("03.ex1", dict.fromkeys(sorted(expected)).keys(), T).result == "right"
    values = dict(enumerate(expected)).values()
    assert taskbank.judge("03.ex1", values, T).result == "right"
    assert taskbank.judge("00.3", np.array(taskbank.TASKS["00.3"].answer(T)), T).result == "right"
