"""What the student sees of a verdict: colours, stars, work-file notices, model answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from otslab.course.work import load_work, take_notices
from otslab.views.markup import Markup, html, join

if TYPE_CHECKING:
    from otslab.course.taskbank import Task, Verdict


COLOURS = {
    "right": "#1b7837",
    "wrong": "#b35806",
    "blank": "#555",
    "written": "#2c5d8a",
    "unreadable": "#b2182b",
}
STARS = {1: "★☆☆ easy", 2: "★★☆ medium", 3: "★★★ harder"}


def notices_html() -> Markup:
    """What happened to the work file since the last output (a recovered file, a failed read)."""
    return join(
        html('<p class="otslab-notice" role="alert"><b>Your work file:</b> {}</p>', notice)
        for notice in take_notices()
    )


def feedback_html(task: Task, verdict: Verdict, saved: str = "") -> Markup:
    """The verdict as the student sees it, with what a good written answer contains."""
    parts = [
        html(
            '<p class="otslab-feedback" style="color:{}"><b>{}</b> {} {}</p>',
            COLOURS[verdict.result],
            task.task_id,
            verdict.message,
            saved,
        )
    ]
    if task.is_open and verdict.result == "written":
        parts.append(html("<p>A good answer: {}.</p>", "; ".join(task.good)))
        parts.append(
            html(
                "<details><summary>A model answer (after you have written yours)</summary>"
                "<p>{}</p></details>",
                task.model,
            )
        )
    return join(parts)


def earlier_html(task_id: str) -> Markup:
    """An answer saved earlier as a quotation, or a sentence saying there is none yet."""
    entry = load_work()["answers"].get(task_id)
    if not entry or "answer" not in entry:
        return html("<p>No saved answer to {} yet: write it in its notebook first.</p>", task_id)
    return html(
        "<p>Your answer to {}:</p><blockquote><p>{}</p></blockquote><p><i>Saved {}.</i></p>",
        task_id,
        entry["answer"],
        entry.get("at", ""),
    )
