"""Bad data gets a clear error naming file, line and column (reliability review L5, L6, L7; N22).

Each test breaks a private copy of data/ in one way and asserts the message a maintainer sees.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import otslab.data as data_module
from conftest import load_error, put_cell, read_rows, write_rows
from otslab.data import load_tables, provenance, record_lines


def problems_of(data_dir: Path) -> list[str]:
    """Every problem of a data folder, as the lines `make check-data` prints."""
    return [str(p) for p in data_module.find_problems(data_dir)]


def test_record_lines_count_newlines_inside_quoted_cells(tmp_path: Path) -> None:
    """Record n starts on line n + 1 until a quoted cell holds a newline."""
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"two\nlines"\n3,x\n', encoding="utf-8")
    assert record_lines(path) == [1, 2, 4]


def test_line_numbers_after_a_quoted_newline(copy: Path) -> None:
    """L6: after a newline inside a title, a later error names its physical line, not its row."""
    rows = read_rows(copy / "events.csv")
    title = rows[0].index("title")
    rows[2][title] = rows[2][title] + "\nsecond line of the title"
    status = rows[0].index("status")
    rows[10][status] = "happened"  # record 10 (header is record 0): line 11 before the newline
    write_rows(copy / "events.csv", rows)
    found = [p for p in problems_of(copy) if "'happened'" in p]
    assert found == [found[0]] and found[0].startswith("data/events.csv, line 12, column 'status'")
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("events.csv", 12, "status")


def test_an_event_that_occurred_in_the_future_is_an_error(copy: Path) -> None:
    """L7: status 'occurred' with a date after today is refused, naming the row and column."""
    rows = read_rows(copy / "events.csv")
    head = rows[0]
    line = next(n for n, r in enumerate(rows[1:], 2) if r[head.index("status")] == "occurred")
    ahead = f"{date.today().year + 1}-06-01"  # after today, within the years a date may name
    put_cell(copy, "events", "date", ahead, line=line)
    put_cell(copy, "events", "date_precision", "day", line=line)
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("events.csv", line, "status")
    assert f"status 'occurred' but dated {ahead}, after today" in str(error)
    put_cell(copy, "events", "status", "proposed", line=line)
    load_tables(copy)  # a planned event may lie ahead


def test_a_duplicate_key_in_datapackage_json_is_an_error(copy: Path) -> None:
    """L7: a second "resources" key no longer silently replaces the first."""
    descriptor = copy / "datapackage.json"
    text = descriptor.read_text(encoding="utf-8")
    broken = text.replace(' "resources": [', ' "resources": [],\n "resources": [', 1)
    assert broken != text
    descriptor.write_text(broken, encoding="utf-8")
    error = load_error(copy)
    assert (error.file, error.column) == ("datapackage.json", "resources")
    second = [n for n, t in enumerate(broken.splitlines(), 1) if '"resources"' in t][-1]
    assert error.line == second
    assert "appears twice in one object" in str(error)


def test_a_note_naming_an_unknown_source_is_an_error(copy: Path) -> None:
    """N22: notes that point to a source id sources.csv lacks send a reader nowhere."""
    put_cell(copy, "events", "notes", "See R999 for the text.", line=3)
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("events.csv", 3, "notes")
    assert "names R999, not in sources.csv" in str(error)


def test_check_data_says_when_seed_quotations_were_not_checked(monkeypatch, capsys) -> None:
    """L5: without ../shared/seeds the check says how many quotations went unchecked."""
    monkeypatch.setattr(provenance, "default_seed_dir", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    assert data_module.main() == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "seed texts not found" in last and "seed quotations were NOT checked" in last
    count = int(last.split("WARNING: ")[1].split()[0])
    assert count == data_module.unchecked_seed_quotations(load_tables()) > 300
    monkeypatch.setenv("CI", "1")
    assert data_module.main() == 1
