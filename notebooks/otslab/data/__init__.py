"""Load the course data package: validated with frictionless, checked for provenance, typed."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from otslab.data import provenance
from otslab.data.cache import fingerprint, passed_before, remember_passed
from otslab.data.common import (
    DATA_DIR,
    DESCRIPTOR,
    FALSE_VALUES,
    INTEGER,
    TRUE_VALUES,
    DataError,
    Problem,
    Tables,
    field_names,
)


def read_descriptor(data_dir: Path = DATA_DIR) -> dict:
    """Return datapackage.json as a dict; a DataError in plain words if it is missing or broken."""
    path = Path(data_dir) / DESCRIPTOR
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataError(
            [Problem(DESCRIPTOR, None, None, f"file is missing: {path} describes every table")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Problem(DESCRIPTOR, None, None, f"cannot be read ({exc})")]) from None
    duplicates: list[tuple[str, object]] = []
    try:
        descriptor = json.loads(text, object_pairs_hook=_pairs_hook(duplicates))
    except json.JSONDecodeError as exc:
        msg = f"not valid JSON: {exc.msg.lower()} at character {exc.colno} of the line"
        raise DataError([Problem(DESCRIPTOR, exc.lineno, None, msg)]) from None
    if duplicates:
        raise DataError([_duplicate_problem(key, owner, text) for key, owner in duplicates])
    problems = descriptor_problems(descriptor, Path(data_dir), text)
    if problems:
        raise DataError(problems)
    return descriptor


def _pairs_hook(duplicates: list[tuple[str, object]]):
    """A json object hook that builds a dict and records every key given twice in one object."""

    def hook(pairs: list[tuple[str, object]]) -> dict:
        seen: dict[str, object] = {}
        for key, value in pairs:
            if key in seen:
                duplicates.append((key, dict(pairs).get("name")))
            seen[key] = value
        return seen

    return hook


def _duplicate_problem(key: str, owner: object, text: str) -> Problem:
    """A key written twice in one JSON object: json keeps the last silently, so it is an error."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if f'"{key}"' in line]
    where = f" (in the object named '{owner}')" if isinstance(owner, str) else ""
    msg = (
        f"the key '{key}' appears twice in one object{where}; JSON would keep only the last one "
        "and silently drop the first: merge them or remove one"
    )
    return Problem(DESCRIPTOR, lines[-1] if len(lines) == 2 else None, key, msg)


def _line_of(text: str, needle: str) -> int | None:
    """The line of text where needle first appears (for pointing into datapackage.json)."""
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1


def descriptor_problems(descriptor: object, data_dir: Path, text: str = "") -> list[Problem]:
    """What makes datapackage.json unusable: no resources, a resource without name, path or
    schema fields, or a path that leaves the data folder."""
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return [Problem(DESCRIPTOR, 1, "resources", "must be an object with a list of resources")]
    if not descriptor["resources"]:
        return [Problem(DESCRIPTOR, _line_of(text, '"resources"'), "resources", "lists no table")]
    problems = []
    root = data_dir.resolve()
    names: set[str] = set()
    for number, res in enumerate(descriptor["resources"], start=1):
        name = res.get("name") if isinstance(res, dict) else None
        where = f"resource {number}" + (f" ('{name}')" if isinstance(name, str) else "")
        line = _line_of(text, f'"{name}"') if isinstance(name, str) else None
        if not isinstance(name, str) or not name:
            problems.append(Problem(DESCRIPTOR, line, "name", f"{where} has no name"))
            continue
        if name in names:
            problems.append(Problem(DESCRIPTOR, line, "name", f"{where}: the name is used twice"))
        names.add(name)
        path = res.get("path")
        if not isinstance(path, str) or not path:
            problems.append(Problem(DESCRIPTOR, line, "path", f"{where} has no path"))
        elif (
            "://" in path
            or Path(path).is_absolute()
            or not (root / path).resolve().is_relative_to(root)
        ):
            problems.append(
                Problem(
                    DESCRIPTOR,
                    _line_of(text, json.dumps(path)) or line,
                    "path",
                    f"{where}: '{path}' is outside the data folder; tables must live in data/",
                )
            )
        schema = res.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields:
            problems.append(
                Problem(DESCRIPTOR, line, "schema", f"{where} has no schema with a list of fields")
            )
        elif not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
            problems.append(
                Problem(DESCRIPTOR, line, "schema", f"{where}: every field needs a name")
            )
    return problems


def _read_bytes_problems(data_dir: Path, path_text: str, fields: list[str]) -> list[Problem]:
    """Problems frictionless reports poorly: missing, empty or unreadable file, bad encoding,
    odd line endings or separators, a wrong header, no rows."""
    name = path_text
    path = data_dir / path_text
    if not path.is_file():
        return [Problem(name, None, None, "file is missing (datapackage.json lists it)")]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [Problem(name, None, None, f"cannot be read ({exc.strerror})")]
    if not raw.strip():
        return [
            Problem(name, 1, None, f"file is empty: expected a header row with {', '.join(fields)}")
        ]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [Problem(name, 1, None, "saved as UTF-16: save it as CSV UTF-8 instead")]
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (Excel's CSV UTF-8) is fine
    except UnicodeDecodeError as exc:
        line_no = raw.count(b"\n", 0, exc.start) + 1
        line = raw.split(b"\n")[line_no - 1].decode("utf-8", errors="replace")
        header = next(csv.reader([raw.split(b"\n")[0].decode("utf-8", errors="replace")]))
        cells = next(csv.reader([line]))
        column = next(
            (header[i] for i, c in enumerate(cells) if "\ufffd" in c and i < len(header)), None
        )
        return [
            Problem(
                name,
                line_no,
                column,
                f"bytes that are not UTF-8 ({exc.reason}); save the file as UTF-8",
            )
        ]
    if "\r" in text and "\n" not in text:
        return [
            Problem(
                name,
                1,
                None,
                "lines end with a bare carriage return (old Mac format): save it as CSV UTF-8",
            )
        ]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    if len(header) == 1 and len(fields) > 1 and ";" in header[0]:
        return [
            Problem(
                name,
                1,
                None,
                "columns are separated by ';', not ',': save it as CSV (comma delimited)",
            )
        ]
    problems = []
    for line_no, row in enumerate(rows, start=1):
        for i, cell in enumerate(row):
            if "\0" in cell:
                column = header[i] if i < len(header) else None
                problems.append(Problem(name, line_no, column, "contains a NUL character"))
    problems += [
        Problem(
            name, 1, col, f"column name has spaces around it: '{col}' should be '{col.strip()}'"
        )
        for col in header
        if col != col.strip() and col.strip() in fields
    ]
    if problems:
        return problems
    problems += [
        Problem(name, 1, col, "missing column: the schema in datapackage.json requires it")
        for col in fields
        if col not in header
    ]
    problems += [
        Problem(name, 1, col, "unexpected column: add it to datapackage.json first, or remove it")
        for col in header
        if col not in fields
    ]
    if not problems and header != fields:
        problems.append(
            Problem(name, 1, None, f"columns are out of order: expected {', '.join(fields)}")
        )
    if not problems and not any(any(cell.strip() for cell in row) for row in rows[1:]):
        problems.append(
            Problem(name, 2, None, "the table has no rows: the course needs at least one")
        )
    return problems


def find_problems(
    data_dir: Path = DATA_DIR,
    seed_dir: Path | None = None,
) -> list[Problem]:
    """Return every problem in the data package, the most basic first.

    Seed locators are checked against the seed texts in seed_dir, by default ../shared/seeds
    beside the repository where the tests and `make check-data` expect them.
    """
    return _validate(Path(data_dir), seed_dir or provenance.default_seed_dir())[0]


def _validate(data_dir: Path, seed_dir: Path | None) -> tuple[list[Problem], Tables | None]:
    """Validate in stages (package, bytes and headers, frictionless, provenance, consistency)."""
    try:
        descriptor = read_descriptor(data_dir)
    except DataError as error:
        return error.problems, None
    problems: list[Problem] = []
    for res in descriptor["resources"]:
        problems += _read_bytes_problems(data_dir, res["path"], field_names(res["schema"]))
    if problems:
        return problems, None
    # frictionless is imported only here: a package that passed before loads without it.
    from otslab.data.validation import frictionless_problems

    problems += frictionless_problems(descriptor, data_dir)
    if problems:
        return _on_physical_lines(problems, data_dir), None
    tables = _typed_tables(data_dir, descriptor)
    problems += provenance.find_problems(tables, seed_dir=seed_dir)
    problems += _consistency_problems(tables)
    return _on_physical_lines(problems, data_dir), tables


def record_lines(path: Path) -> list[int]:
    """For each record of a CSV file (0 is the header), the physical line it starts on.

    A quoted cell may hold a newline, so record n does not always start on line n + 1.
    """
    starts: list[int] = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        end = 0
        for _ in reader:
            starts.append(end + 1)
            end = reader.line_num
    return starts


def _on_physical_lines(problems: list[Problem], data_dir: Path) -> list[Problem]:
    """Turn the row numbers of the checks (header = 1) into the file's physical line numbers.

    Frictionless and the later checks count rows, not lines; after a newline inside a quoted cell
    every later row would be reported one line too high (reliability review L6).
    """
    cache: dict[str, list[int]] = {}
    fixed = []
    for problem in problems:
        if problem.line is None or not problem.file.endswith(".csv"):
            fixed.append(problem)
            continue
        if problem.file not in cache:
            try:
                cache[problem.file] = record_lines(Path(data_dir) / problem.file)
            except (OSError, UnicodeDecodeError, csv.Error):
                cache[problem.file] = []
        starts = cache[problem.file]
        index = problem.line - 1
        line = starts[index] if 0 <= index < len(starts) else problem.line
        fixed.append(Problem(problem.file, line, problem.column, problem.message))
    return fixed


def _consistency_problems(tables: Tables) -> list[Problem]:
    """Cross-table rules frictionless cannot express."""
    problems = []
    claim_ids = set(tables.claims["claim_id"])
    for i, row in tables.factors.iterrows():
        for claim in str(row["evidence"]).split(";"):
            if claim not in claim_ids:
                msg = f"'{claim}' is not a known claims id (see data/claims.csv)"
                problems.append(Problem("factors.csv", i + 2, "evidence", msg))
    country_ids = set(tables.countries["country_id"])
    for i, row in tables.factors.iterrows():
        for country in str(row["applies_to"] if pd.notna(row["applies_to"]) else "").split(";"):
            if country and country not in country_ids:
                msg = f"'{country}' is not a known countries id (see data/countries.csv)"
                problems.append(Problem("factors.csv", i + 2, "applies_to", msg))
    for i, row in tables.memberships.iterrows():
        if pd.notna(row["end"]) and pd.notna(row["start"]) and row["end"] < row["start"]:
            msg = f"ends ({row['end']}) before it starts ({row['start']})"
            problems.append(Problem("memberships.csv", i + 2, "end", msg))
    ots = tables.memberships[
        (tables.memberships["org_id"] == "OTS") & tables.memberships["end"].isna()
    ].set_index("country_id")
    for i, row in tables.countries.iterrows():
        current = ots["status"].get(row["country_id"], "none")
        if row["ots_status"] != current:
            msg = f"'{row['ots_status']}' disagrees with memberships.csv, which gives '{current}'"
            problems.append(Problem("countries.csv", i + 2, "ots_status", msg))
    rungs = set(tables.scenarios["rung"].dropna())
    for i, rung in tables.voices["rung"].items():
        if pd.notna(rung) and rung not in rungs:
            msg = f"there is no rung {rung} in scenarios.csv (rungs: {sorted(map(int, rungs))})"
            problems.append(Problem("voices.csv", i + 2, "rung", msg))
    today = date.today().isoformat()
    for i, row in tables.events.iterrows():
        earliest = row.get("date_earliest")
        if (
            str(row["status"]) == "occurred"
            and pd.notna(earliest)
            and pd.Timestamp(earliest).date().isoformat() > today
        ):
            msg = (
                f"status 'occurred' but dated {row['date']}, after today ({today}): an event "
                "that has not happened yet is 'proposed', 'signed' or 'under study'"
            )
            problems.append(Problem("events.csv", i + 2, "status", msg))
    sourced = set(tables.claim_sources["claim_id"])
    for i, claim in tables.claims["claim_id"].items():
        if claim not in sourced:
            msg = f"claim '{claim}' has no source: add a row for it to data/claim_sources.csv"
            problems.append(Problem("claims.csv", i + 2, "claim_id", msg))
    return problems


def _typed_column(frame: pd.DataFrame, field: dict, file: str) -> pd.Series:
    """One column typed from its schema field; a value the field does not allow is a DataError."""
    name, kind = field["name"], field["type"]
    column = frame[name]
    if kind == "boolean":
        values = {
            **dict.fromkeys(field.get("trueValues", TRUE_VALUES), True),
            **dict.fromkeys(field.get("falseValues", FALSE_VALUES), False),
        }
        allowed = column.isna() | column.isin(list(values))
        typed = column.map(values)
        typed = typed.astype(bool) if column.notna().all() else typed.astype("boolean")
    elif kind == "integer":
        allowed = column.isna() | column.str.fullmatch(INTEGER).fillna(False)
        typed = pd.to_numeric(column.where(allowed)).astype("Int64")
    elif kind == "number":
        typed = pd.to_numeric(column, errors="coerce")
        allowed = column.isna() | typed.notna()
    else:
        return column
    bad = [
        Problem(file, i + 2, name, f"'{column[i]}' is not a {kind} value this column allows")
        for i in column.index[~allowed]
    ]
    if bad:
        raise DataError(bad)
    return typed


def _typed_tables(data_dir: Path, descriptor: dict) -> Tables:
    """Read each CSV into a DataFrame typed from its schema (categories, integers, dates)."""
    tables = Tables()
    for res in descriptor["resources"]:
        frame = pd.read_csv(
            Path(data_dir) / res["path"],
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8-sig",
        )
        for field in res["schema"]["fields"]:
            name = field["name"]
            enum = field.get("constraints", {}).get("enum")
            if field["type"] in ("integer", "boolean", "number"):
                frame[name] = _typed_column(frame, field, res["path"])
            elif enum:
                frame[name] = pd.Categorical(frame[name], categories=enum)
            if f"{name}_precision" in frame.columns:
                frame[f"{name}_year"] = frame[name].str[:4].astype("Int64")
                frame[f"{name}_earliest"] = pd.to_datetime(
                    frame[name].map(_first_day, na_action="ignore"), format="%Y-%m-%d"
                )
        tables[res["name"]] = frame
    return tables


def _first_day(value: str) -> str:
    """Pad a partial ISO date to the first day of the period it names."""
    return value + "-01" * ((10 - len(value)) // 3)


def load_tables(
    data_dir: Path = DATA_DIR,
    seed_dir: Path | None = None,
) -> Tables:
    """Load every table, validated and typed; raise DataError naming file, line and column.

    Validation is a pure function of the files, so a package that passed once (same files, seeds
    and checks, by content hash) is not validated again in this user's next kernel. A notebook
    reads only the repository: seed locators are checked against the seed texts only when
    seed_dir is given (the tests and `make check-data` do that).
    """
    data_dir = Path(data_dir)
    descriptor = read_descriptor(data_dir)
    key = fingerprint(data_dir, seed_dir)
    if passed_before(key):
        try:
            return _typed_tables(data_dir, descriptor)
        except (DataError, ValueError, KeyError, OSError):
            pass  # the marker lied or the files moved: validate, and report what is wrong
    problems, tables = _validate(data_dir, seed_dir)
    if problems:
        raise DataError(problems)
    remember_passed(key)
    return tables


def unchecked_seed_quotations(tables: Tables) -> int:
    """How many locators quote a seed text: the quotations checked only when the texts are there."""
    seeds = set(tables.sources.dropna(subset=["seed_file"])["source_id"])
    count = 0
    for name, frame in tables.items():
        if name == "sources":
            continue
        for source_col, _locator_col in provenance.provenance_columns(frame):
            count += int(frame[source_col].isin(seeds).sum())
    return count


def main() -> int:
    """List every problem in the data package (for `make check-data`); exit 1 if any.

    Without the seed texts (../shared/seeds) the quotations cannot be checked: the last line says
    so with their number, and the check fails when `CI` is set (reliability review L5).
    """
    seed_dir = provenance.default_seed_dir()
    problems, tables = _validate(DATA_DIR, seed_dir)
    for problem in problems:
        print(problem)
    if seed_dir:
        print(f"{len(problems)} problem(s); locators checked against seeds: seed texts found")
        return 1 if problems else 0
    quotations = unchecked_seed_quotations(tables) if tables is not None else 0
    print(
        f"{len(problems)} problem(s); locators checked against seeds: seed texts not found. "
        f"WARNING: {quotations} seed quotations were NOT checked against the texts: put the five "
        "texts in ../shared/seeds beside the repository and run `make check-data` again"
    )
    if os.environ.get("CI"):
        print("CI is set: the seed texts are required there", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
