"""A text box for written tasks: it wraps, counts words as the student types and saves as they go.

`write_box("04.memo")` (from otslab.course.tasks) replaces typing prose into a Python string that
runs off the screen. Every change is saved through the one writer
(`otslab.course.taskbank.save_written`), so the box reopens with the saved text after a restart; the
word count, what a good answer contains and, for the memo, the citation check follow the text as it
is typed. `recall` shows an answer saved earlier above the box (notebook 04 recalls the alliance
test of notebook 00).
"""

from __future__ import annotations

import asyncio

import ipywidgets as w

from otslab.course import taskbank
from otslab.course.citations import citations_html, cite_check
from otslab.course.feedback import COLOURS, earlier_html, notices_html
from otslab.course.work import load_work
from otslab.views.markup import Markup, html, join

PAUSE = 0.5
"""Seconds of no typing after which the box saves (in a kernel; at once without an event loop)."""

ROWS = {"04.memo": 14}
"""Lines of text a box shows before it scrolls (8 unless named here)."""


def status_html(task_id: str, text: str, note: str, saving: bool = False) -> Markup:
    """The live line under the box: word count, the aim, and whether the text is saved."""
    task = taskbank.TASKS[task_id]
    count = len(text.split())
    low, high = task.words
    aim = "" if low <= count <= high else f" (aim for {low}-{high})"
    if not text.strip():
        state = "Not answered yet: write in the box; it saves as you type."
    elif saving:
        state = "Saving..."
    else:
        state = note or "Saved."
    colour = COLOURS["unreadable"] if note else COLOURS["written"]
    return html(
        '<p class="otslab-box-status" style="color:{}" aria-live="polite"><b>{}</b> {} word{}{}. '
        "{}</p>",
        colour,
        task_id,
        count,
        "" if count == 1 else "s",
        aim,
        state,
    )


def guidance_html(task_id: str, text: str) -> Markup:
    """What a good answer contains and the model answer, once the student has written something."""
    task = taskbank.TASKS[task_id]
    if not text.strip():
        return html("<p>A good answer: {}.</p>", "; ".join(task.good))
    parts = [
        html("<p>A good answer: {}.</p>", "; ".join(task.good)),
        html(
            "<details><summary>A model answer (after you have written yours)</summary>"
            "<p>{}</p></details>",
            task.model,
        ),
    ]
    if task_id == "04.memo":
        parts.append(citations_html(cite_check(taskbank.course_tables(), text)))
    return join(parts)


def text_box(task_id: str, recall: str | None = None) -> w.VBox:
    """The text box for one written task, filled with the saved answer, saving as it changes."""
    task = taskbank.TASKS[task_id]
    if not task.is_open:
        raise ValueError(f"task {task_id} has one right answer: use check({task_id!r}, ...)")
    saved = load_work()["answers"].get(task_id, {}).get("answer", "")
    saved = saved if isinstance(saved, str) else ""
    area = w.Textarea(
        value=saved,
        description="Your answer",
        placeholder="Write here. The text wraps, and it is saved as you type.",
        continuous_update=True,
        rows=ROWS.get(task_id, 8),
        layout={"width": "98%", "max_width": "60em"},
        style={"description_width": "initial"},
    )
    status = w.HTML(str(join([notices_html(), status_html(task_id, saved, "")])))
    guidance = w.HTML(str(guidance_html(task_id, saved)))

    pending: list[asyncio.TimerHandle] = []

    def save() -> None:
        """Save the box's text now and show the count, the note and the guidance."""
        pending.clear()
        text = area.value
        try:
            note = taskbank.save_written(task_id, text)[1] if text.strip() else ""
            guidance.value = str(guidance_html(task_id, text))
        except Exception as error:  # shown under the box: a callback's error is otherwise lost
            note = f"Could not save: {type(error).__name__}: {error}"
        status.value = str(join([notices_html(), status_html(task_id, text, note)]))

    def on_change(change: dict) -> None:
        """Count at once; save after a pause in typing (at once where no event loop runs)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            save()
            return
        for handle in pending:
            handle.cancel()
        pending[:] = [loop.call_later(PAUSE, save)]
        text = str(change["new"])
        status.value = str(status_html(task_id, text, "", saving=True))

    area.add_class(f"otslab-answer-{task_id}")  # the grader finds the text in saved widget state
    area.observe(on_change, names="value")
    recalled = [w.HTML(str(earlier_html(recall)))] if recall else []
    return w.VBox([*recalled, area, status, guidance])
