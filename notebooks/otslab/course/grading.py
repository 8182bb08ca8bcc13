"""Grading a folder of submissions, as a teacher downloads it: one row per submission, never merged.

A *submission* is one entry at the top of the folder: a student's subfolder (as a course site's
"download all" makes them) or a single file. In it the grader reads work files (answers.json), hand-
in pages (which embed the work) and notebooks (their sign/check/write cells, read and never run);
anything else is skipped and listed with the reason, and one bad file never stops the class. Every
answer is judged again from the data by the one judge (`otslab.course.taskbank.judge`); an answer
the grader cannot read is reported as such, and blank stays blank. The signed name is a column: it
is never used to merge rows, and two submissions signed with the same or nearly the same name are
flagged for the teacher.
"""

from __future__ import annotations

import ast
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from otslab.course.answers import saved_form
from otslab.course.handin import work_in_page
from otslab.course.taskbank import TASKS, judge
from otslab.course.work import MAX_BYTES, empty_work, read_work_file
from otslab.data import Tables

READ = {".json": "work file", ".html": "hand-in page", ".ipynb": "notebook"}
"""The kinds of file the grader reads, by suffix."""

TEXT_BOX = "not in the notebook (a text box): grade the hand-in page or answers.json"
"""What the grader says of a text-box task in a notebook saved without its widgets' state."""

TEXT_BOX_CLASS = "otslab-answer-"
"""The class that marks a task's text box (and its task id) in a notebook's widget state."""

HINTS = {
    ".pdf": "a PDF print: the grader reads the hand-in page (HTML) or answers.json instead",
    ".zip": "a zip archive: unzip it into the folder, then grade again",
    ".bak": "a backup copy of a work file (the work file itself is graded)",
}
"""Why a familiar file that is not read is skipped, and what to do."""

OUTPUT = "grades.csv"
"""The grader's own output, written into the folder unless told otherwise."""

RESULTS = ["submission", "signed name", "for the teacher", "files", "right"]
RESULTS += ["checked tasks answered", "checks run"]
"""The columns before one column per task."""


@dataclass
class Submission:
    """One student's submission: its files, the names signed in it, and its answers."""

    name: str
    files: list[str] = field(default_factory=list)
    signed: list[str] = field(default_factory=list)
    answers: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------
# Reading files


def _call_name(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else ""


def answers_in_notebook(path: Path) -> dict:
    """The name and answers a notebook's cells give to sign/check/write (read, never run)."""
    try:
        notebook = json.loads(path.read_bytes().decode("utf-8"))
        cells = notebook["cells"]
        sources = [
            c["source"] if isinstance(c["source"], str) else "".join(c["source"])
            for c in cells
            if c.get("cell_type") == "code"
        ]
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        raise ValueError(f"not a notebook ({type(error).__name__})") from None
    work = empty_work()
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                _read_call(node, source, work)
    for task_id, text in text_boxes_in(notebook).items():
        if text.strip() and task_id in TASKS:
            work["answers"][task_id] = {"answer": text}
    return work


def text_boxes_in(notebook: dict) -> dict[str, str]:
    """The text of each task's text box in a notebook's saved widget state (if it was saved)."""
    try:
        state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]
        models = state["state"].values()
    except (KeyError, TypeError, AttributeError):
        return {}
    found = {}
    for model in models:
        values = model.get("state", {}) if isinstance(model, dict) else {}
        classes = values.get("_dom_classes", []) if isinstance(values, dict) else []
        for name in classes if isinstance(classes, list) else []:
            if isinstance(name, str) and name.startswith(TEXT_BOX_CLASS):
                found[name.removeprefix(TEXT_BOX_CLASS)] = str(values.get("value", ""))
    return found


def _read_call(node: ast.Call, source: str, work: dict) -> None:
    """Record what one sign/check/write/write_box call in a notebook gives."""
    name = _call_name(node)
    first = node.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return
    if name == "sign":
        if first.value.strip():
            work["student"] = first.value.strip()
        return
    task_id = first.value
    if task_id not in TASKS or name not in {"check", "write", "write_box"}:
        return
    if name == "write_box":
        work["answers"].setdefault(task_id, {"unreadable": TEXT_BOX, "text box": True})
        return
    if len(node.args) < 2:
        return
    try:
        value = ast.literal_eval(node.args[1])
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        code = (ast.get_source_segment(source, node.args[1]) or "code")[:60]
        work["answers"][task_id] = {
            "unreadable": f"computed in the notebook ({code}): grade answers.json or the "
            "hand-in page, which hold the value"
        }
        return
    if value is not ...:
        work["answers"][task_id] = {"answer": saved_form(value)}


def read_file(path: Path) -> dict:
    """The work in one submitted file; ValueError with the reason when it holds none."""
    kind = READ.get(path.suffix.lower())
    if path.suffix.lower() in HINTS:
        raise ValueError(HINTS[path.suffix.lower()])
    if kind is None:
        what = path.suffix or "no suffix"
        raise ValueError(f"not a work file, notebook or hand-in page ({what})")
    if path.stat().st_size > MAX_BYTES:
        raise ValueError("too large to be course work")
    if kind == "work file":
        if path.name == "04_my_weights.json":
            raise ValueError("notebook 04's committed weights, not a work file (not graded)")
        return read_work_file(path)
    if kind == "hand-in page":
        return work_in_page(path.read_bytes().decode("utf-8", errors="replace"))
    return answers_in_notebook(path)


def _skip_reason(path: Path, folder: Path) -> str | None:
    """Why a path is skipped before it is read (None when it should be read)."""
    parts = path.relative_to(folder).parts
    if path.is_symlink():
        return "a symbolic link (not followed)"
    if ".ipynb_checkpoints" in parts:
        return "a JupyterLab checkpoint copy"
    if any(p.startswith(".") or p == "__MACOSX" for p in parts):
        return "a hidden or system file"
    if path == folder / OUTPUT:
        return "the grader's own output"
    return None


def collect(folder: Path) -> tuple[list[Submission], list[tuple[str, str]]]:
    """Every submission in a folder, and every file skipped with its reason."""
    subs: dict[str, Submission] = {}
    skipped: list[tuple[str, str]] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        here = Path(root)
        for d in [d for d in dirs if (here / d).is_symlink()]:
            skipped.append((str((here / d).relative_to(folder)), "a symbolic link (not followed)"))
        dirs[:] = sorted(d for d in dirs if not (here / d).is_symlink())
        for name in sorted(files):
            path = here / name
            relative = str(path.relative_to(folder))
            reason = _skip_reason(path, folder)
            work = None
            if reason is None:
                try:
                    work = read_file(path)
                except (ValueError, OSError) as error:
                    reason = str(error).removeprefix(f"{path}: ")
                except Exception as error:  # one bad file never stops the class
                    reason = f"could not be read ({type(error).__name__}: {error})"[:300]
            if work is None:
                skipped.append((relative, reason or "not read"))
                continue
            top = path.relative_to(folder).parts[0]
            sub = subs.setdefault(top, Submission(top))
            _add(sub, relative, path.suffix.lower(), work)
    return [subs[k] for k in sorted(subs)], skipped


def _add(sub: Submission, relative: str, suffix: str, work: dict) -> None:
    """Add one file's work to its submission; saved answers outrank a notebook's cells."""
    sub.files.append(relative)
    name = work["student"].strip()
    if name and not name_key(name):
        sub.notes.append(f"{relative}: signed with no visible name")
    elif name and name not in sub.signed:
        sub.signed.append(name)
    from_notebook = suffix == ".ipynb"
    for task_id, entry in work["answers"].items():
        if task_id not in TASKS and not task_id.startswith("q-"):
            continue
        entry = {**entry, "from": relative, "notebook": from_notebook}
        old = sub.answers.get(task_id)
        if old is None or _outranks(entry, old):
            if old is not None and _differ(entry, old):
                sub.notes.append(f"{task_id}: {old['from']} and {relative} differ")
            sub.answers[task_id] = entry
        elif _differ(entry, old):
            sub.notes.append(f"{task_id}: {old['from']} and {relative} differ")


def _outranks(new: dict, old: dict) -> bool:
    """True when a new entry should replace an old one for the same task."""
    if ("answer" in new) != ("answer" in old):
        return "answer" in new
    if new["notebook"] != old["notebook"]:
        return not new["notebook"]
    return str(new.get("at", "")) > str(old.get("at", ""))


def _differ(a: dict, b: dict) -> bool:
    return "answer" in a and "answer" in b and a["answer"] != b["answer"]


# ----------------------------------------------------------------------------------------------
# Judging and flagging


def grade(answers: dict[str, dict], tables: Tables) -> dict[str, str]:
    """Each task's result: right, wrong, blank, written (N words) or unreadable (why)."""
    results = {}
    for task_id in TASKS:
        entry = answers.get(task_id)
        if entry is None:
            results[task_id] = "blank"
        elif entry.get("text box"):
            results[task_id] = "not in the notebook (text box)"
        elif "answer" not in entry:
            results[task_id] = f"unreadable: {entry.get('unreadable', 'no answer')}"
        else:
            verdict = judge(task_id, entry["answer"], tables)
            results[task_id] = {
                "written": f"written ({len(str(entry['answer']).split())} words)",
                "unreadable": f"unreadable: {verdict.message}",
            }.get(verdict.result, verdict.result)
    return results


def _attempts(entry: dict | None) -> int:
    """How many times the student ran the check of a task (as their work file counts it)."""
    tries = (entry or {}).get("attempts", 1 if entry and "answer" in entry else 0)
    return tries if isinstance(tries, int) and not isinstance(tries, bool) and tries >= 0 else 0


LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХІЈЅαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdhlqwABEKMHOPCTXIJSaBeikvoptuxABEZHIKMNOPTYX",
)
"""Cyrillic and Greek letters that look like Latin ones, mapped to them for comparing names."""


def name_key(name: str) -> str:
    """A name as compared for near-duplicates (NFKC; invisible, lookalike, case, spaces ignored)."""
    text = unicodedata.normalize("NFKC", name).translate(LOOKALIKES)
    text = "".join(c for c in text if unicodedata.category(c) not in {"Cf", "Cc"})
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(re.findall(r"\w+", text))


def named_in(name: str, submission: str) -> bool:
    """False when a course site's download folder is named after someone other than the signer.

    Course sites name each download after the student's account and an id ("Ada Lovelace_1234_...",
    "lovelaceada_1234_..."): a signed name none of whose parts appears there may be someone else's.
    Names without such an id (a teacher's own s01, group1, alice) say nothing and pass.
    """
    where = name_key(submission)
    if sum(c.isalpha() for c in where) < 3 or not re.search(r"\d{3,}", submission):
        return True
    parts = [p for p in (name_key(p) for p in re.split(r"[\s_.,-]+", name)) if p]
    long_parts = [p for p in parts if len(p) >= 3] or parts
    return any(p in where for p in long_parts)


def flags(sub: Submission, same_names: dict[str, list[str]]) -> list[str]:
    """What the teacher should look at in one submission."""
    found = []
    if not sub.signed:
        found.append("unsigned: no name in any file")
    if len(sub.signed) > 1:
        found.append("signed with several names: " + "; ".join(sub.signed))
    for name in sub.signed:
        others = [o for o in same_names.get(name_key(name), []) if o != sub.name]
        if others:
            found.append(f"same or nearly the same name as: {'; '.join(others)}")
        if not named_in(name, sub.name):
            found.append(
                f"signed '{name}', which the submission's name '{sub.name}' does not contain: "
                "check who handed it in"
            )
    missing = [t for t, e in sub.answers.items() if t in TASKS and "answer" not in e]
    unreadable = [t for t in missing if not sub.answers[t].get("text box")]
    if unreadable:
        found.append(f"answers not readable: {', '.join(unreadable)}")
    if len(unreadable) < len(missing):
        boxes = ", ".join(t for t in missing if t not in unreadable)
        found.append(f"written answers not in the notebook (text boxes: {boxes}): ask for the page")
    return found + sub.notes


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text (a leading = + - @ tab or return made inert)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def rows(subs: list[Submission], tables: Tables) -> list[dict[str, object]]:
    """One row per submission: who signed it, what to look at, its score and each task's result."""
    same_names: dict[str, list[str]] = {}
    for sub in subs:
        for key in {name_key(n) for n in sub.signed}:
            same_names.setdefault(key, []).append(sub.name)
    table = []
    for sub in subs:
        results = grade(sub.answers, tables)
        facts = [t.task_id for t in TASKS.values() if not t.is_open]
        answered = [t for t in facts if results[t] in {"right", "wrong"}]
        row = {
            "submission": sub.name,
            "signed name": "; ".join(sub.signed),
            "for the teacher": " | ".join(flags(sub, same_names)),
            "files": "; ".join(sub.files),
            "right": sum(results[t] == "right" for t in facts),
            "checked tasks answered": len(answered),
            "checks run": sum(_attempts(sub.answers.get(t)) for t in facts),
            **results,
        }
        table.append({k: safe_cell(v) for k, v in row.items()})
    return table
