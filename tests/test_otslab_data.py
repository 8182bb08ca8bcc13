"""Unit tests for otslab.data and otslab.data.provenance."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import otslab.data as data_module
from conftest import load_error, put_cell, read_rows, write_rows
from otslab.data import (
    DATA_DIR,
    DataError,
    Problem,
    Tables,
    cache,
    find_problems,
    load_tables,
    provenance,
)
from otslab.data.common import FIRST_YEAR, last_year, partial_date_problem
from otslab.data.provenance import locator_problem, normalise, provenance_columns


@pytest.mark.parametrize(
    "value, precision, expected",
    [
        ("2025", "year", None),
        ("2025-10", "month", None),
        ("2025-10-07", "day", None),
        ("", "unknown", None),
        ("2024-02-29", "day", None),
        ("2025-02-29", "day", "not a real calendar date"),
        ("2025-13", "month", "not a real calendar date"),
        ("2025-1-7", "day", "not an ISO date"),
        ("07.10.2025", "day", "not an ISO date"),
        ("2025", "day", "has year precision but the precision column says 'day'"),
        ("", "year", "the date is empty but its precision is 'year'"),
    ],
)
def test_partial_date_problem(value: str, precision: str, expected: str | None) -> None:
    """Real partial dates pass; malformed, impossible or mislabelled ones are explained."""
    problem = partial_date_problem(value, precision)
    if expected is None:
        assert problem is None
    else:
        assert expected in problem


def test_normalise_folds_quotes_dashes_spaces_and_escapes() -> None:
    """Curly quotes, dashes, line breaks and markdown escapes do not break a quotation match."""
    assert normalise("“Turkic  NATO”\n– a \\$2.2 ‘label’") == "\"Turkic NATO\" - a $2.2 'label'"


def test_locator_problem_for_each_kind_of_source() -> None:
    """Seed quotations must be found and short; other locators must name a place in the source."""
    seeds = {"S001": normalise("An attack on one member would be an attack on all.")}
    assert locator_problem("S001", "attack on one member", seeds, {"S001"}) is None
    assert "not found" in locator_problem("S001", "attack on two", seeds, {"S001"})
    assert "empty locator" in locator_problem("S001", " ", seeds, {"S001"})
    assert locator_problem("R002", "Article 5", seeds, set()) is None
    assert "does not name a place" in locator_problem("R002", "the treaty", seeds, set())


def test_provenance_columns_pairs_prefixed_sources() -> None:
    """Both source_id/locator and posture_source_id/posture_locator count as provenance."""
    frame = pd.DataFrame(
        columns=["source_id", "locator", "posture_source_id", "posture_locator", "x"]
    )
    assert provenance_columns(frame) == [
        ("source_id", "locator"),
        ("posture_source_id", "posture_locator"),
    ]


def test_tables_attribute_access_names_the_tables() -> None:
    """T.events works like T['events']; a typo lists the tables that exist."""
    tables = Tables(events=pd.DataFrame({"a": [1]}))
    assert tables.events is tables["events"]
    with pytest.raises(AttributeError, match="tables: events"):
        _ = tables.evnts


def test_data_error_message_counts_the_rest() -> None:
    """The first problem leads; the rest are counted, with the command that lists them."""
    error = DataError([Problem("a.csv", 3, "x", "bad"), Problem("a.csv", 4, "x", "worse")])
    assert str(error).startswith("data/a.csv, line 3, column 'x': bad")
    assert "1 more problem" in str(error) and "make check-data" in str(error)
    assert (error.file, error.line, error.column) == ("a.csv", 3, "x")


def test_loaded_tables_are_typed() -> None:
    """Enums are categories, integers nullable ints; partial dates get a year and earliest day."""
    T = load_tables()
    assert isinstance(T.memberships["status"].dtype, pd.CategoricalDtype)
    assert list(T.memberships["status"].cat.categories[:2]) == ["member", "observer"]
    assert str(T.scenarios["rung"].dtype) == "Int64"
    assert T.organisations["in_matrix"].dtype == bool
    uzb = T.memberships.query("country_id == 'UZB' and org_id == 'CSTO' and status == 'suspended'")
    assert uzb["start_year"].tolist() == [2012]
    assert uzb["start_earliest"].tolist() == [pd.Timestamp("2012-12-19")]
    month_only = T.memberships.query("start_precision == 'month'").iloc[0]
    assert month_only["start_earliest"].day == 1


# --- the strict loader: every case names file, line and column (or says why there is none) ----




@pytest.mark.parametrize("value", ["FALSE", "False", "0", "TRUE", "True", "1", "yes", "maybe"])
def test_booleans_are_true_or_false_and_nothing_else(copy: Path, value: str) -> None:
    """Excel's TRUE/FALSE, 0/1 or yes are errors on the cell, never silently True."""
    put_cell(copy, "organisations", "in_matrix", value, line=3)
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("organisations.csv", 3, "in_matrix")
    assert f"'{value}' is not allowed: expected true or false" in str(error)


@pytest.mark.parametrize("value", ["2.0", " 3", "+2", "1e3"])
def test_integers_are_digits_only(copy: Path, value: str) -> None:
    """A rung written as 2.0, with a space, a plus sign or an exponent is an error on the cell (a
    word, such as 'two', is test_data's case 'not an integer')."""
    put_cell(copy, "voices", "rung", value, line=4)
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("voices.csv", 4, "rung")
    assert f"'{value}' is not allowed" in str(error)


@pytest.mark.parametrize("value", ["0000-01-01", "0205-10-07", "2205-10-07", "9999-12-31", "1899"])
def test_years_outside_the_course_range_are_errors(copy: Path, value: str) -> None:
    """A date in year 0205 or 2205 (typos for 2025) is an error, not a timeline to 2205."""
    rows = read_rows(copy / "events.csv")
    precision = {4: "year", 7: "month", 10: "day"}[len(value)]
    put_cell(copy, "events", "date", value, line=5)
    put_cell(copy, "events", "date_precision", precision, line=5)
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("events.csv", 5, "date")
    assert f"the year is outside {FIRST_YEAR}-{last_year()}" in str(error), rows[4]


def test_a_voice_on_a_rung_that_does_not_exist_is_an_error(copy: Path) -> None:
    """voices.rung must name a rung of scenarios.csv."""
    put_cell(copy, "voices", "rung", "99", line=3)
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("voices.csv", 3, "rung")
    assert "there is no rung 99 in scenarios.csv" in str(error)


def test_an_empty_table_is_an_error(copy: Path) -> None:
    """A table with its header but no rows (every claim would be left unsourced) is an error."""
    rows = read_rows(copy / "claim_sources.csv")
    write_rows(copy / "claim_sources.csv", rows[:1])
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("claim_sources.csv", 2, None)
    assert "the table has no rows" in str(error)


def test_a_claim_without_a_source_is_an_error(copy: Path) -> None:
    """Every claim needs at least one row in claim_sources.csv."""
    rows = read_rows(copy / "claim_sources.csv")
    claim = rows[1][0]
    write_rows(copy / "claim_sources.csv", [r for r in rows if r[0] != claim])
    claims = [r[0] for r in read_rows(copy / "claims.csv")]
    error = load_error(copy)
    assert (error.file, error.line, error.column) == (
        "claims.csv",
        claims.index(claim) + 1,
        "claim_id",
    )
    assert f"claim '{claim}' has no source" in str(error)


def test_a_byte_order_mark_is_accepted(copy: Path) -> None:
    """Excel's 'CSV UTF-8' starts a file with a byte-order mark: it loads as if it were not."""
    events = copy / "events.csv"
    events.write_bytes(b"\xef\xbb\xbf" + events.read_bytes())
    T = load_tables(copy)
    assert T.events.columns[0] == "event_id"
    assert len(T.events) == len(read_rows(DATA_DIR / "events.csv")) - 1


@pytest.mark.parametrize(
    "content, line, column, words",
    [
        (b"a,b\r1,2\r", 1, None, "bare carriage return"),
        ("\ufeff".encode("utf-16"), 1, None, "saved as UTF-16"),
    ],
    ids=["mac-line-endings", "utf-16"],
)
def test_unreadable_csv_files_are_named(copy, content, line, column, words) -> None:
    """Files Excel can save but a CSV reader cannot read are named with the fix."""
    (copy / "labels.csv").write_bytes(content)
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("labels.csv", line, column)
    assert words in str(error)


def test_semicolons_trailing_spaces_and_nul_characters_are_named(copy: Path) -> None:
    """A semicolon file, a header with a trailing space and a NUL byte each get a clear message."""
    labels = copy / "labels.csv"
    original = labels.read_text(encoding="utf-8")
    labels.write_text(original.replace(",", ";"), encoding="utf-8")
    error = load_error(copy)
    assert (error.file, error.line) == ("labels.csv", 1) and "separated by ';'" in str(error)
    header = read_rows(DATA_DIR / "labels.csv")[0]
    labels.write_text(original.replace(header[1], header[1] + " ", 1), encoding="utf-8")
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("labels.csv", 1, header[1] + " ")
    assert "spaces around it" in str(error)
    labels.write_text(original, encoding="utf-8")
    put_cell(copy, "events", "title", "Summit\0", line=3)
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("events.csv", 3, "title")
    assert "NUL character" in str(error)


def test_a_missing_datapackage_json_is_one_plain_error(copy: Path) -> None:
    """No datapackage.json: a DataError saying so, not FileNotFoundError."""
    (copy / "datapackage.json").unlink()
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("datapackage.json", None, None)
    assert "file is missing" in str(error)


def test_a_corrupt_datapackage_json_names_its_line(copy: Path) -> None:
    """Truncated JSON: a DataError with the line, not JSONDecodeError."""
    descriptor = copy / "datapackage.json"
    text = descriptor.read_text(encoding="utf-8")
    descriptor.write_text(text[: len(text) // 2], encoding="utf-8")
    error = load_error(copy)
    assert error.file == "datapackage.json" and error.line is not None
    assert f"line {error.line}: not valid JSON" in str(error)
    descriptor.write_text("", encoding="utf-8")
    assert "line 1: not valid JSON" in str(load_error(copy))


def test_a_resource_without_schema_is_one_plain_error(copy: Path) -> None:
    """A resource that lost its schema: a DataError naming it, not KeyError."""
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    del descriptor["resources"][2]["schema"]
    name = descriptor["resources"][2]["name"]
    text = json.dumps(descriptor, indent=2)
    (copy / "datapackage.json").write_text(text, encoding="utf-8")
    error = load_error(copy)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if f'"{name}"' in t)
    assert (error.file, error.line, error.column) == ("datapackage.json", line, "schema")
    assert f"resource 3 ('{name}') has no schema" in str(error)


@pytest.mark.parametrize("path", ["../../../../etc/passwd", "/etc/passwd", "http://x.test/a.csv"])
def test_a_resource_path_outside_data_is_refused(copy: Path, path: str) -> None:
    """A path that leaves data/ is refused before anything is read, and nothing of it is shown."""
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][1]["path"] = path
    text = json.dumps(descriptor, indent=2)
    (copy / "datapackage.json").write_text(text, encoding="utf-8")
    error = load_error(copy)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if json.dumps(path) in t)
    assert (error.file, error.line, error.column) == ("datapackage.json", line, "path")
    assert "outside the data folder" in str(error) and "root:" not in str(error)


def test_the_problem_count_is_exact_beyond_a_thousand(copy: Path) -> None:
    """1,200 bad cells: 1,200 problems, and the message says 1,199 more."""
    rows = read_rows(copy / "term_counts.csv")
    header, first = rows[0], rows[1]
    extra = []
    for i in range(1200):
        row = list(first)
        row[header.index("term")] = f"zz{i}"
        row[header.index("count")] = "many"
        extra.append(row)
    write_rows(copy / "term_counts.csv", rows + extra)
    problems = find_problems(copy)
    assert len(problems) == 1200
    assert all(p.file == "term_counts.csv" and p.column == "count" for p in problems)
    assert "(and 1199 more problems" in str(load_error(copy))


# --- the validation cache: per user, atomic, trusted only when sound ---------------------------


def test_a_package_that_passed_is_not_validated_again(copy: Path, monkeypatch) -> None:
    """Same content: the next load skips validation; any edit makes it validate again."""
    load_tables(copy)
    markers = list(cache.CACHE_DIR.iterdir())
    assert len(markers) == 1 and markers[0].stat().st_mode & 0o077 == 0
    assert cache.CACHE_DIR.stat().st_mode & 0o777 == 0o700
    with monkeypatch.context() as m:
        m.setattr(data_module, "_validate", lambda *args: pytest.fail("validated twice"))
        assert len(load_tables(copy).events) == len(read_rows(copy / "events.csv")) - 1
    put_cell(copy, "events", "kind", "pact")
    with pytest.raises(DataError, match="'pact' is not allowed"):
        load_tables(copy)


def test_every_file_of_the_package_counts_for_the_cache(copy: Path) -> None:
    """A table in a subfolder: editing it makes the package validate again."""
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    labels = next(r for r in descriptor["resources"] if r["name"] == "labels")
    (copy / "sub").mkdir()
    shutil.move(copy / labels["path"], copy / "sub" / "labels.csv")
    labels["path"] = "sub/labels.csv"
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    load_tables(copy)
    rows = read_rows(copy / "sub" / "labels.csv")
    write_rows(copy / "sub" / "labels.csv", rows + [rows[1]])
    error = load_error(copy)
    assert (error.file, error.line) == ("sub/labels.csv", len(rows) + 1)
    assert "duplicate key" in str(error)


def broken_but_marked(copy: Path) -> str:
    """Break the copy (an impossible date), then compute the key a marker for it would carry."""
    put_cell(copy, "events", "date", "2025-13-45", line=2)
    put_cell(copy, "events", "date_precision", "day", line=2)
    return cache.fingerprint(copy, provenance.default_seed_dir())


@pytest.mark.parametrize(
    "plant",
    ["right key, wrong content", "corrupt", "a directory", "a folder others can write", "right"],
)
def test_no_marker_makes_a_broken_package_load(copy: Path, plant: str) -> None:
    """Planted, corrupt, odd or foreign markers, even a sound one: a broken package still fails
    with a DataError naming the cell (never a raw pandas error, never silently)."""
    key = broken_but_marked(copy)
    cache_dir = cache.CACHE_DIR
    cache_dir.mkdir(mode=0o700)
    marker = cache_dir / f"{key}.json"
    if plant == "right key, wrong content":
        marker.write_text('{"passed": "something else"}', encoding="utf-8")
    elif plant == "corrupt":
        marker.write_bytes(b"\0\1{")
    elif plant == "a directory":
        marker.mkdir()
    elif plant == "a folder others can write":
        marker.write_text(json.dumps({"passed": key}), encoding="utf-8")
        cache_dir.chmod(0o777)
    else:
        marker.write_text(json.dumps({"passed": key}), encoding="utf-8")
    error = load_error(copy)
    assert (error.file, error.line, error.column) == ("events.csv", 2, "date")
    assert not cache.passed_before(key) or plant == "right"


def test_a_cache_that_cannot_be_written_still_loads(copy: Path, monkeypatch) -> None:
    """A cache folder that is a file, or belongs to nobody we know: the data loads all the same."""
    blocker = copy.parent / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setattr(cache, "CACHE_DIR", blocker / "validated")
    assert len(load_tables(copy).events) > 0
    assert blocker.read_text(encoding="utf-8") == "x"
