"""What the student calls in the notebooks: sign, check, write, earlier, the text box, hand in.

A task is a short question at the end of a section (the bank and the one judge are in
`otslab.course.taskbank`). A *fact* task has one answer that the data determine: `check("03.2", 5)`
recomputes that answer from the tables and says right, wrong (with a hint that points to the
evidence), or "fill in the blank". An *open* task has no single answer: `write("00.1", "...")` or
the text box `write_box("00.1")` (otslab.course.textbox) counts the words, lists what a good answer
contains and unfolds a worked model answer. Every answer (and every self-check choice, see
`otslab.course.quiz`) is saved at once in `my_work/answers.json` by the one writer of
`otslab.course.work`, so it survives a kernel restart and two notebooks open at once.
"""

from __future__ import annotations

from IPython.display import HTML

from otslab.course.answers import plain, saved_form
from otslab.course.citations import citations_html, cite_check
from otslab.course.feedback import earlier_html, feedback_html, notices_html
from otslab.course.handin import hand_in_page
from otslab.course.taskbank import BLANK, course_tables, find_task, judge, save_written, saved_note
from otslab.course.textbox import text_box
from otslab.course.work import WorkSaveError, update_work, work_file
from otslab.views.markup import html, join, rendered


def sign(name: str) -> HTML:
    """Put your name on your work (saved with your answers)."""
    if not isinstance(name, str) or not any(c.isalnum() for c in name):
        return rendered(html("<p>Write your name between the quotes, then run the cell.</p>"))
    try:
        update_work(lambda work: work.__setitem__("student", name.strip()))
    except WorkSaveError as error:
        return rendered(join([notices_html(), html("<p><b>{}</b></p>", str(error))]))
    return rendered(
        join(
            [
                notices_html(),
                html(
                    "<p>Your work is saved as <b>{}</b>'s, in <code>{}</code>.</p>",
                    name.strip(),
                    work_file(),
                ),
            ]
        )
    )


# ----------------------------------------------------------------------------------------------
# What the student calls


def check(task_id: str, answer: object = BLANK) -> HTML:
    """Check an answer against the data, show right/wrong/hint, and save it."""
    task = find_task(task_id)
    verdict = judge(task_id, answer)
    note = ""
    if verdict.result not in {"blank", "unreadable"}:
        entry = {"answer": saved_form(plain(answer)), "result": verdict.result, "checked": True}
        note = saved_note(task_id, entry, attempt=True)
    return rendered(join([notices_html(), feedback_html(task, verdict, note)]))


def write(task_id: str, text: str = "") -> HTML:
    """Save a written answer, count its words, and unfold what a good answer contains."""
    task = find_task(task_id)
    if not task.is_open:
        message = f"{task_id} has one right answer: check it with check({task_id!r}, ...)."
        return rendered(html("<p><b>{}</b></p>", message))
    verdict, note = save_written(task_id, text)
    saved = note or ("Saved." if verdict.result == "written" else "")
    parts = [notices_html(), feedback_html(task, verdict, saved)]
    if task_id == "04.memo" and verdict.result == "written":
        parts.append(citations_html(cite_check(course_tables(), str(text))))
    return rendered(join(parts))


def earlier(task_id: str) -> HTML:
    """Show an answer saved earlier (e.g. the alliance test of notebook 00) or say there is none."""
    return rendered(join([notices_html(), earlier_html(task_id)]))




def hand_in() -> HTML:
    """Write your work as one page to hand in (print it from the browser for paper or a PDF)."""
    return hand_in_page()


def write_box(task_id: str, recall: str | None = None) -> object:
    """A text box for a written task that wraps, counts words and saves as you type."""
    return text_box(task_id, recall=recall)
