"""Unit tests for otslab.data and otslab.provenance."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from otslab.data import DataError, Problem, Tables, load_tables, partial_date_problem
from otslab.provenance import locator_problem, normalise, provenance_columns, reference_rows


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


def test_reference_rows_reads_sections_and_labels(tmp_path: Path) -> None:
    """Table rows are keyed by section number, section title and the bold-free row label."""
    ref = tmp_path / "ref.md"
    ref.write_text(
        "## 5. CSTO (treaty)\n\n| fact | value |\n|---|---|\n| **Uzbekistan** | member |\n",
        encoding="utf-8",
    )
    assert reference_rows(ref) == {("5", "CSTO (treaty)", "Uzbekistan")}


def test_locator_problem_for_each_kind_of_source() -> None:
    """Seed quotations must be found and short; reference locators must name a real row."""
    seeds = {"S001": normalise("An attack on one member would be an attack on all.")}
    ref = {("5", "CSTO", "Uzbekistan")}
    assert locator_problem("S001", "attack on one member", seeds, {"S001"}, ref) is None
    assert "not found" in locator_problem("S001", "attack on two", seeds, {"S001"}, ref)
    assert "empty locator" in locator_problem("S001", " ", seeds, {"S001"}, ref)
    assert locator_problem("R001", "§5 CSTO, row 'Uzbekistan'", seeds, {"S001"}, ref) is None
    assert "no such section" in locator_problem(
        "R001", "§5 CSTO, row 'Kazakhstan'", seeds, set(), ref
    )
    assert "reads: §" in locator_problem("R001", "section 5", seeds, set(), ref)
    assert locator_problem("R002", "Article 5", seeds, set(), ref) is None


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


def test_a_package_that_passed_is_not_validated_again(tmp_path, monkeypatch) -> None:
    """Same content: the next load skips validation; any edit makes it validate again."""
    import otslab.data as data

    monkeypatch.setattr(data, "VALIDATED_DIR", tmp_path / "validated")
    copy = Path(shutil.copytree(data.DATA_DIR, tmp_path / "data"))
    load_tables(copy)
    monkeypatch.setattr(data, "_validate", lambda *args: pytest.fail("validated twice"))
    assert len(load_tables(copy).events) == len(pd.read_csv(copy / "events.csv"))
    monkeypatch.undo()
    monkeypatch.setattr(data, "VALIDATED_DIR", tmp_path / "validated")
    events = copy / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace(",agreement,", ",pact,", 1), encoding="utf-8"
    )
    with pytest.raises(DataError, match="'pact' is not allowed"):
        load_tables(copy)
