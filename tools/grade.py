"""Grade a folder of submissions (work files, hand-in pages, notebooks) into one CSV.

One row per submission (a student's subfolder, or a single file at the top of the folder), never
merged by name: the signed name is a column, and what the teacher should look at (unsigned work,
the same or nearly the same name on two submissions, answers that could not be read) is in the
column "for the teacher". Every answer is worked out again from the data (the student's own
'right' is not trusted); written answers are listed with their word count for the teacher to read.
Files that are not course work are skipped and listed with the reason; one bad file never stops
the class. Usage: python tools/grade.py DIR [--out FILE] (or make grade DIR=...).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "notebooks"))

from otslab.course.grading import OUTPUT, RESULTS, collect, rows  # noqa: E402
from otslab.course.taskbank import TASKS  # noqa: E402
from otslab.data import load_tables  # noqa: E402


def shown(value: object) -> str:
    """Text safe to print on a terminal (control characters shown as '?')."""
    return "".join("?" if unicodedata.category(c) == "Cc" else c for c in str(value))


def write_csv(path: Path, table: list[dict[str, object]]) -> None:
    """Write the grades whole, through a temporary file (a symlink in its place is replaced)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*RESULTS, *TASKS])
    writer.writeheader()
    writer.writerows(table)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    """Grade the folder, write the CSV, list the skipped files and what to look at."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder of submissions")
    parser.add_argument("--out", type=Path, help=f"the CSV to write (default: FOLDER/{OUTPUT})")
    args = parser.parse_args(argv)
    folder = args.folder
    if not str(folder).strip() or not folder.is_dir():
        print(f"grade: {str(folder)!r} is not a folder: make grade DIR=<folder of submissions>")
        return 2
    if folder.resolve() == REPO or (folder / ".git").exists():
        print(f"grade: {folder} is the course itself: give the folder of submissions")
        return 2
    subs, skipped = collect(folder)
    table = rows(subs, load_tables())
    out = args.out or folder / OUTPUT
    write_csv(out, table)
    print(f"graded {len(table)} submissions into {out}")
    flagged = [r for r in table if r["for the teacher"]]
    if flagged:
        print(f"{len(flagged)} submission(s) to look at (column 'for the teacher'):")
        for row in flagged:
            print(f"  {shown(row['submission'])}: {shown(row['for the teacher'])}")
    if skipped:
        print(f"skipped {len(skipped)} file(s) that are not course work:")
        for path, reason in skipped:
            print(f"  {shown(path)}: {shown(reason)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
