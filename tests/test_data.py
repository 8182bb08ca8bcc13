"""The data package validates; a broken copy fails naming the file, line and column."""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DATA, SHARED, put_cell, read_rows, require, write_rows
from otslab import data as data_module
from otslab.data import DataError, find_problems, load_tables, provenance
from otslab.data.provenance import address_problem, names_a_place

SEEDS = SHARED / "seeds"


def set_cell(table: str, line: int, column: str, value: str) -> Callable[[Path], None]:
    """Return a corruption that sets one cell (line counted as in an editor, header = line 1)."""

    def corrupt(data_dir: Path) -> None:
        put_cell(data_dir, table, column, value, line)

    return corrupt


def drop_column(table: str, column: str) -> Callable[[Path], None]:
    """Return a corruption that removes a column."""

    def corrupt(data_dir: Path) -> None:
        rows = read_rows(data_dir / f"{table}.csv")
        index = rows[0].index(column)
        write_rows(data_dir / f"{table}.csv", [r[:index] + r[index + 1 :] for r in rows])

    return corrupt


def add_column(table: str, column: str) -> Callable[[Path], None]:
    """Return a corruption that appends a column the schema does not define."""

    def corrupt(data_dir: Path) -> None:
        rows = read_rows(data_dir / f"{table}.csv")
        write_rows(data_dir / f"{table}.csv", [rows[0] + [column]] + [r + ["x"] for r in rows[1:]])

    return corrupt


def duplicate_line(table: str, line: int) -> Callable[[Path], None]:
    """Return a corruption that repeats a data line right after itself."""

    def corrupt(data_dir: Path) -> None:
        rows = read_rows(data_dir / f"{table}.csv")
        write_rows(data_dir / f"{table}.csv", rows[:line] + [rows[line - 1]] + rows[line:])

    return corrupt


def empty_file(table: str) -> Callable[[Path], None]:
    """Return a corruption that empties a file."""
    return lambda data_dir: (data_dir / f"{table}.csv").write_text("", encoding="utf-8")


def delete_file(table: str) -> Callable[[Path], None]:
    """Return a corruption that deletes a file."""
    return lambda data_dir: (data_dir / f"{table}.csv").unlink()


def save_as_cp1252(table: str) -> Callable[[Path], None]:
    """Return a corruption that re-saves a file in Windows-1252, as a spreadsheet program might."""

    def corrupt(data_dir: Path) -> None:
        path = data_dir / f"{table}.csv"
        path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))

    return corrupt


def append_row(table: str, values: dict[str, str]) -> Callable[[Path], None]:
    """Return a corruption that appends a row with these values (other cells empty)."""

    def corrupt(data_dir: Path) -> None:
        rows = read_rows(data_dir / f"{table}.csv")
        row = [values.get(column, "") for column in rows[0]]
        write_rows(data_dir / f"{table}.csv", rows + [row])

    return corrupt


def line_of(table: str, column: str, value: str) -> int:
    """Return the editor line number of the first row whose column holds value."""
    rows = read_rows(DATA / f"{table}.csv")
    index = rows[0].index(column)
    return next(n for n, row in enumerate(rows, start=1) if row[index] == value)


def first_seed_line(table: str) -> int:
    """Return the line of the first row in a table whose source is a seed document."""
    rows = read_rows(DATA / f"{table}.csv")
    index = rows[0].index("source_id")
    return next(n for n, row in enumerate(rows, start=1) if row[index].startswith("S"))


UZB_SUSPENDED = line_of("memberships", "membership_id", "M030")
TUR_NATO = line_of("memberships", "membership_id", "M009")
NATO_1952 = line_of("sources", "source_id", "R005")
UNCITED_SOURCE = {
    "source_id": "R099",
    "title": "A page nobody cites",
    "outlet": "Example",
    "author": "not stated",
    "published_precision": "unknown",
    "genre": "news report",
    "language": "en",
    "url": "https://example.org/a",
    "checked": "2026-12-01",
    "perspective": "None.",
}

# (id, corruption, file, line, column, words the message must contain)
CORRUPTIONS = [
    (
        "missing column",
        drop_column("memberships", "status"),
        "memberships.csv",
        1,
        "status",
        "missing column",
    ),
    (
        "extra column",
        add_column("countries", "colour"),
        "countries.csv",
        1,
        "colour",
        "unexpected column",
    ),
    (
        "unknown enum value",
        set_cell("memberships", 4, "status", "ally"),
        "memberships.csv",
        4,
        "status",
        "'ally' is not allowed: expected one of: member, observer",
    ),
    (
        "malformed date",
        set_cell("memberships", 5, "start", "12/05/1992"),
        "memberships.csv",
        5,
        "start",
        "not an ISO date",
    ),
    (
        "impossible date",
        set_cell("memberships", 6, "start", "2023-02-30"),
        "memberships.csv",
        6,
        "start",
        "not a real calendar date",
    ),
    (
        "date disagrees with precision",
        set_cell("events", 3, "date_precision", "month"),
        "events.csv",
        3,
        "date",
        "precision column says 'month'",
    ),
    ("duplicate key", duplicate_line("claims", 7), "claims.csv", 8, "claim_id", "duplicate key"),
    (
        "dangling country",
        set_cell("memberships", 9, "country_id", "XXX"),
        "memberships.csv",
        9,
        "country_id",
        "'XXX' is not a known countries id",
    ),
    (
        "dangling source",
        set_cell("claim_sources", 10, "source_id", "S009"),
        "claim_sources.csv",
        10,
        "source_id",
        "'S009' is not a known sources id",
    ),
    (
        "empty required locator",
        set_cell("memberships", 11, "locator", ""),
        "memberships.csv",
        11,
        "locator",
        "empty, but this column is required",
    ),
    (
        "empty optional locator",
        set_cell("countries", line_of("countries", "country_id", "UZB"), "posture_locator", ""),
        "countries.csv",
        line_of("countries", "country_id", "UZB"),
        "posture_locator",
        "empty locator",
    ),
    (
        "locator not in seed",
        set_cell(
            "claim_sources",
            first_seed_line("claim_sources"),
            "locator",
            "a sentence nobody in these texts ever wrote",
        ),
        "claim_sources.csv",
        first_seed_line("claim_sources"),
        "locator",
        "not found in the text of",
    ),
    (
        "locator too long",
        set_cell(
            "voices",
            first_seed_line("voices"),
            "locator",
            "one two three four five six seven eight nine ten eleven twelve thirteen",
        ),
        "voices.csv",
        first_seed_line("voices"),
        "locator",
        "at most 12 words; this has 13",
    ),
    (
        "source without a web address",
        set_cell("sources", NATO_1952, "url", ""),
        "sources.csv",
        NATO_1952,
        "url",
        "no web address",
    ),
    (
        "url that is not a web address",
        set_cell("sources", NATO_1952, "url", "nato.int/cps/en/natohq/news_84445.htm"),
        "sources.csv",
        NATO_1952,
        "url",
        "is not a web address",
    ),
    (
        "'unknown' url for a source that is not a seed text",
        set_cell("sources", NATO_1952, "url", "unknown"),
        "sources.csv",
        NATO_1952,
        "url",
        "'unknown' is allowed only for a",
    ),
    (
        "seed text without a web address",
        set_cell("sources", line_of("sources", "source_id", "S003"), "url", ""),
        "sources.csv",
        line_of("sources", "source_id", "S003"),
        "url",
        "no web address",
    ),
    (
        "web address never checked",
        set_cell("sources", NATO_1952, "checked", ""),
        "sources.csv",
        NATO_1952,
        "checked",
        "no 'checked' date",
    ),
    (
        "check date that is not a date",
        set_cell("sources", NATO_1952, "checked", "1 Dec 2026"),
        "sources.csv",
        NATO_1952,
        "checked",
        "'1 Dec 2026'",
    ),
    (
        "source cited by nothing",
        append_row("sources", UNCITED_SOURCE),
        "sources.csv",
        len(read_rows(DATA / "sources.csv")) + 1,
        "source_id",
        "R099 is cited by nothing",
    ),
    (
        "locator that names no place in its source",
        set_cell("memberships", TUR_NATO, "locator", "on the NATO website"),
        "memberships.csv",
        TUR_NATO,
        "locator",
        "does not name a place in R005",
    ),
    ("empty file", empty_file("events"), "events.csv", 1, None, "file is empty"),
    ("missing file", delete_file("voices"), "voices.csv", None, None, "file is missing"),
    (
        "wrong encoding",
        save_as_cp1252("countries"),
        "countries.csv",
        line_of("countries", "country_id", "TUR"),
        "name",
        "not UTF-8",
    ),
    (
        "required value missing",
        set_cell("claims", 12, "statement", ""),
        "claims.csv",
        12,
        "statement",
        "required",
    ),
    (
        "id breaks its pattern",
        set_cell("events", 2, "event_id", "E1"),
        "events.csv",
        2,
        "event_id",
        "'E1' is not allowed",
    ),
    (
        "not an integer",
        set_cell("scenarios", 3, "rung", "two"),
        "scenarios.csv",
        3,
        "rung",
        "'two' is not allowed",
    ),
    (
        "factor cites unknown claim",
        set_cell("factors", 2, "evidence", "C999"),
        "factors.csv",
        2,
        "evidence",
        "'C999' is not a known claims id",
    ),
    (
        "membership ends before it starts",
        set_cell("memberships", UZB_SUSPENDED - 1, "end", "2001-01-01"),
        "memberships.csv",
        UZB_SUSPENDED - 1,
        "end",
        "before it starts",
    ),
    (
        "OTS status disagrees with memberships",
        set_cell("countries", line_of("countries", "country_id", "HUN"), "ots_status", "member"),
        "countries.csv",
        line_of("countries", "country_id", "HUN"),
        "ots_status",
        "disagrees with memberships",
    ),
]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def test_package_is_valid() -> None:
    """The shipped data package has no problems at all."""
    problems = find_problems(DATA)
    assert not problems, "\n".join(map(str, problems))


def test_row_m030_is_uzbekistans_csto_suspension() -> None:
    """The corruption cases above lean on this row; fail loudly if the data moves under them."""
    T = load_tables()
    row = T.memberships.set_index("membership_id").loc["M030"]
    assert (row["country_id"], row["org_id"], str(row["status"])) == ("UZB", "CSTO", "suspended")


@pytest.mark.parametrize(
    "corrupt, file, line, column, words",
    [pytest.param(*case[1:], id=case[0]) for case in CORRUPTIONS],
)
def test_broken_copy_names_file_line_and_column(
    data_copy: Path, corrupt, file: str, line: int | None, column: str | None, words: str
) -> None:
    """Each corruption raises one DataError pointing at the right file, line and column."""
    needs_texts = "seed locator" in words or "text of" in words
    if needs_texts:
        require(
            SEEDS.is_dir(),
            f"the five seed texts at {SEEDS}: put the shared folder beside the repository",
        )
    corrupt(data_copy)
    with pytest.raises(DataError) as caught:
        load_tables(
            data_copy,
            seed_dir=SEEDS if SEEDS.is_dir() else None,
        )
    error = caught.value
    assert (error.file, error.line, error.column) == (file, line, column), str(error)
    assert words in str(error)
    assert str(error).startswith(f"data/{file}")


def test_error_counts_further_problems(data_copy: Path) -> None:
    """Several faults: the message shows the first and says how many more there are."""
    set_cell("memberships", 4, "status", "ally")(data_copy)
    set_cell("memberships", 5, "status", "friend")(data_copy)
    with pytest.raises(DataError, match=r"and 1 more problem;") as caught:
        load_tables(data_copy)
    assert [p.line for p in caught.value.problems] == [4, 5]


def test_row_m009_rests_on_natos_own_page() -> None:
    """The provenance cases above lean on M009 citing R005 (a nato.int page); fail loudly if not."""
    T = load_tables()
    row = T.memberships.set_index("membership_id").loc["M009"]
    assert (row["country_id"], row["org_id"], row["source_id"]) == ("TUR", "NATO", "R005")
    assert T.sources.set_index("source_id").loc["R005", "url"].startswith("https://www.nato.int/")


def test_a_row_resting_on_a_source_without_address_is_named(data_copy: Path) -> None:
    """Not only sources.csv: each row citing the source is reported at its own line."""
    set_cell("sources", NATO_1952, "url", "")(data_copy)
    problems = find_problems(data_copy, seed_dir=SEEDS if SEEDS.is_dir() else None)
    assert ("memberships.csv", TUR_NATO, "source_id") in {
        (p.file, p.line, p.column) for p in problems if "rests on R005" in p.message
    }


def test_every_external_source_can_be_opened() -> None:
    """What the reader is promised: every R-source has a web address and the day it was checked."""
    sources = load_tables().sources
    external = sources[sources["source_id"].str.startswith("R")]
    assert len(external) > 0
    for row in external.itertuples():
        assert row.url.startswith(("http://", "https://")), row.source_id
        assert len(str(row.checked)) == 10, row.source_id


@pytest.mark.parametrize(
    "locator, ok",
    [
        ("Article 5", True),
        ("Article 42(7)", True),
        ("§ 3", True),
        ("Статья 4: text", True),
        ('heading: "Partnership for Peace"', True),
        ("first paragraph: the summit concluded", True),
        ('"Greece and Turkey became members"', True),
        ("“Greece and Turkey became”", True),
        ('background: "On 19 September an “anti-terrorist operation”"', True),
        ("«агрессия против всех государств»", True),
        ('"two words"', False),
        ("on the NATO website", False),
        ("somewhere on the page", False),
        ("the declaration says so", False),
    ],
)
def test_names_a_place(locator: str, ok: bool) -> None:
    """A numbered article/section/paragraph/page, a heading, or a 3+ word quotation; not prose."""
    assert names_a_place(locator) is ok


def test_address_problem_allows_unknown_only_for_a_seed_text() -> None:
    """'unknown' is how a seed text states a page that could not be found; nothing else may."""
    assert address_problem("unknown", "", is_seed=True) is None
    assert address_problem("unknown", "", is_seed=False)[0] == "url"
    assert address_problem("https://www.nato.int/x", "2026-12-01", is_seed=False) is None
    assert address_problem("https://www.nato.int/x", "", is_seed=False)[0] == "checked"
    assert address_problem("www.nato.int/x", "2026-12-01", is_seed=False)[0] == "url"


def test_check_data_says_when_the_seed_texts_are_missing(monkeypatch, capsys) -> None:
    """Without ../shared the check cannot test quotations, and `make check-data` says so."""
    monkeypatch.setattr(provenance, "SHARED", Path("/nonexistent/shared"))
    data_module.main()
    assert "seed texts not found" in capsys.readouterr().out
