"""Grade a folder of submitted notebooks (or my_work/answers.json files) into one CSV.

Every task is regraded from the data with the same answers the notebooks check against (the
student's own 'right' is not trusted); written answers are listed with their word count for the
teacher to read. Usage: python tools/grade.py DIR [--out DIR/grades.csv] (or make grade DIR=...).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "notebooks"))

from otslab.data import load_tables  # noqa: E402
from otslab.tasks import TASKS, answers_in_notebook, grade, load_work  # noqa: E402


def submissions(folder: Path) -> list[Path]:
    """The notebooks and work files in a folder (and its subfolders), in a stable order."""
    found = [p for p in folder.rglob("*") if p.suffix in {".ipynb", ".json"}]
    return sorted(p for p in found if ".ipynb_checkpoints" not in p.parts)


def read_submission(path: Path) -> dict:
    """A student's work from a notebook (its check/write/sign cells) or a work file."""
    if path.suffix == ".ipynb":
        return answers_in_notebook(path)
    return load_work(path)


def grade_folder(folder: Path) -> list[dict[str, object]]:
    """One row per student (their notebooks merged): name, files, score, then each task's result."""
    if not folder.is_dir():
        raise SystemExit(f"{folder}: no such folder")
    tables = load_tables()
    students: dict[str, dict] = {}
    for path in submissions(folder):
        work = read_submission(path)
        if not work["answers"]:
            continue
        name = work.get("student") or path.stem
        merged = students.setdefault(name, {"files": [], "answers": {}})
        merged["files"].append(str(path.relative_to(folder)))
        merged["answers"].update(work["answers"])
    rows = []
    for name, work in students.items():
        results = grade(work, tables)
        facts = [t for t in TASKS.values() if not t.is_open and t.task_id in work["answers"]]
        rows.append(
            {
                "student": name,
                "file": "; ".join(work["files"]),
                "right": sum(results[t.task_id] == "right" for t in facts),
                "checked tasks answered": len(facts),
                **results,
            }
        )
    return rows


def main() -> int:
    """Write the grade CSV and say how many submissions it holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, help="the CSV to write (default: FOLDER/grades.csv)")
    args = parser.parse_args()
    rows = grade_folder(args.folder)
    out = args.out or args.folder / "grades.csv"
    columns = ["student", "file", "right", "checked tasks answered", *TASKS]
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    print(f"graded {len(rows)} submissions into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
