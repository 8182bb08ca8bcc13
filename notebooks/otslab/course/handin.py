"""The hand-in page: the student's work with every verdict worked out again, and the work embedded.

`hand_in()` (the last cell of notebook 04) writes one HTML page into my_work/, named after the
student; for paper or a PDF, the student prints that page from the browser. Each checked answer's
verdict on the page is recomputed from the data by the one judge (`otslab.course.taskbank.judge`),
never copied from the work file, and the page says so. The work itself is embedded in the page as
JSON, so the teacher's `make grade` reads exactly what the student uploads and judges it once more.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from IPython.display import HTML

from otslab.course.citations import citations_html, cite_check
from otslab.course.feedback import STARS, notices_html
from otslab.course.taskbank import TASKS, judge
from otslab.course.work import load_work, parse_work, work_folder
from otslab.data import Tables, load_tables
from otslab.views.markup import Markup, from_template, html, join, json_script, rendered

WEIGHTS = "04_my_weights.json"
"""Notebook 04's committed weights in the work folder (shown on the page, not graded)."""

WORK_ID = "otslab-work"
"""The id of the <script> element that carries the work in a hand-in page."""

_EMBEDDED = re.compile(
    rf'<script type="application/json" id="{WORK_ID}">(?P<data>.*?)</script>', re.S
)


def verdict_text(task_id: str, entry: dict | None, tables: Tables) -> str:
    """A task's verdict as the page shows it, recomputed from the data."""
    if entry is None:
        return "not answered"
    if "answer" not in entry:
        return f"could not be read: {entry.get('unreadable', 'no answer')}"
    verdict = judge(task_id, entry["answer"], tables)
    if verdict.result == "written":
        return f"written, {len(str(entry['answer']).split())} words (read by the teacher)"
    if verdict.result == "unreadable":
        return f"could not be read: {verdict.message}"
    if verdict.result == "blank":
        return "not answered"
    tries = entry.get("attempts")
    return (
        f"{verdict.result} (checked {tries} times)"
        if isinstance(tries, int) and tries > 1
        else verdict.result
    )


def shown_answer(entry: dict | None) -> str:
    """An answer as the page prints it (lists joined; text as written)."""
    if not entry or "answer" not in entry:
        return ""
    answer = entry["answer"]
    if isinstance(answer, list):
        return ", ".join(str(a) for a in answer)
    return str(answer)


def work_html(work: dict, tables: Tables | None = None, weights: object = None) -> Markup:
    """The whole hand-in page: name, date, every task with its recomputed verdict, the work data."""
    tables = tables if tables is not None else load_tables()
    answers = work["answers"]
    rows = []
    for task in TASKS.values():
        entry = answers.get(task.task_id)
        extra = Markup("")
        if task.task_id == "04.memo" and entry and isinstance(entry.get("answer"), str):
            extra = citations_html(cite_check(tables, entry["answer"]))
        rows.append(
            {
                "task_id": task.task_id,
                "level": STARS[task.level],
                "prompt": task.prompt,
                "answer": shown_answer(entry),
                "citations": extra,
                "verdict": verdict_text(task.task_id, entry, tables),
            }
        )
    checks = [
        (entry.get("prompt", key), shown_answer(entry))
        for key, entry in answers.items()
        if key.startswith("q-")
    ]
    saved = isinstance(weights, dict) and isinstance(weights.get("weights"), dict)
    record = weights if saved else {}
    return from_template(
        "handin.html.j2",
        student=work["student"],
        handed_in=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        tasks=rows,
        weights=list(record["weights"].items()) if record else None,
        committed=record.get("committed", ""),
        reason=record.get("reason", ""),
        checks=checks,
        work_data=json_script({"course": "otslab", **work}, WORK_ID),
    )


def committed_weights() -> dict | None:
    """The student's committed weights from notebook 04 (None when absent or unreadable)."""
    try:
        record = json.loads((work_folder() / WEIGHTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def work_in_page(text: str) -> dict:
    """The work embedded in a hand-in page; ValueError when the page carries none."""
    found = _EMBEDDED.search(text)
    if not found:
        raise ValueError("an HTML page without the course's embedded work (not a hand-in page)")
    return parse_work(found["data"])


def page_name(student: str) -> str:
    """The hand-in page's file name: the student's name made safe, at most 80 bytes of it."""
    slug = re.sub(r"[^\w-]+", "_", student).strip("_-") or "student"
    slug = slug.encode("utf-8")[:80].decode("utf-8", "ignore").strip("_-") or "student"
    return f"{slug}_work.html"


def export_work(folder: Path | None = None) -> Path:
    """Write the signed work as one HTML page in the work folder; return its path."""
    work = load_work()
    if not any(c.isalnum() for c in work["student"]):
        raise ValueError('Put your name on your work first: run sign("Your Name").')
    folder = folder or work_folder()
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / page_name(work["student"])
    temporary = page.with_name(f".{page.name}.tmp")
    temporary.write_text(str(work_html(work, weights=committed_weights())), encoding="utf-8")
    os.replace(temporary, page)
    return page


def hand_in_page() -> HTML:
    """Export the work and say where the page is; unsigned work is refused with what to do."""
    try:
        page = export_work()
    except ValueError as error:
        return rendered(join([notices_html(), html("<p><b>{}</b></p>", str(error))]))
    except OSError as error:
        message = f"The page could not be written ({error.strerror or error}): {error.filename}"
        return rendered(join([notices_html(), html("<p><b>{}</b></p>", message)]))
    return rendered(
        join(
            [
                notices_html(),
                html(
                    "<p>Your work is in <code>{}</code>: download it and hand it in. Your "
                    "teacher's grader reads the answers embedded in the HTML page.</p>"
                    "<p>For a copy on paper or as a PDF, open the page in your browser (in "
                    "JupyterLab: right-click it in the file browser, Open in New Browser Tab) "
                    "and print it (Ctrl+P or Cmd+P); hand in the HTML page all the same.</p>",
                    page,
                ),
            ]
        )
    )
