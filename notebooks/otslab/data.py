"""Load the course data package: validated with frictionless, checked for provenance, typed."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from otslab import provenance

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
"""The repository's data/ folder (beside notebooks/)."""

VALIDATED_DIR = Path(tempfile.gettempdir()) / "otslab-validated"
"""Markers of data packages that passed every check, named by a hash of their content."""

DATE_SHAPES = {4: "year", 7: "month", 10: "day"}
"""Length of a partial ISO date -> the precision it expresses."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as possible."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"data/{self.file}"]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class DataError(ValueError):
    """Raised when the data package is broken; names file, line and column of the first fault."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0]
        self.file, self.line, self.column = first.file, first.line, first.column
        more = len(problems) - 1
        tail = (
            f"\n(and {more} more problem{'s' * (more > 1)}; run `make check-data` to list them all)"
        )
        super().__init__(str(first) + (tail if more else ""))

    def _render_traceback_(self) -> list[str]:
        """Show students the message alone, not a traceback through frictionless and pandas."""
        return ["The course data could not be loaded:", *str(self).splitlines()]


class Tables(dict):
    """The course tables by name; also readable as attributes (`T.events`)."""

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(f"no table named {name!r}; tables: {', '.join(self)}") from exc


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write a file whole or not at all (a temporary file beside it, then renamed over it)."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_descriptor(data_dir: Path = DATA_DIR) -> dict:
    """Return datapackage.json as a dict."""
    return json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8"))


def partial_date_problem(value: str, precision: str) -> str | None:
    """Say what is wrong with a partial ISO date and its precision, or None if they are fine."""
    if not value:
        return (
            None
            if precision == "unknown"
            else f"the date is empty but its precision is '{precision}'"
        )
    shape = DATE_SHAPES.get(len(value))
    if shape is None or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return f"'{value}' is not an ISO date cut to year, month or day (YYYY, YYYY-MM, YYYY-MM-DD)"
    padded = value + "-01" * ((10 - len(value)) // 3)
    try:
        pd.Timestamp(padded)
    except ValueError:
        return f"'{value}' is not a real calendar date"
    if precision != shape:
        return f"'{value}' has {shape} precision but the precision column says '{precision}'"
    return None


def _read_bytes_problems(path: Path, fields: list[str]) -> list[Problem]:
    """Problems frictionless reports poorly: missing or empty file, bad encoding, wrong header."""
    name = path.name
    if not path.exists():
        return [Problem(name, None, None, "file is missing (datapackage.json lists it)")]
    raw = path.read_bytes()
    if not raw.strip():
        return [
            Problem(name, 1, None, f"file is empty: expected a header row with {', '.join(fields)}")
        ]
    try:
        text = raw.decode("utf-8")
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
    header = next(csv.reader(io.StringIO(text)))
    problems = [
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
    return problems


def field_names(schema: dict) -> list[str]:
    """The column names a table schema defines."""
    return [f["name"] for f in schema["fields"]]


def find_problems(
    data_dir: Path = DATA_DIR,
    seed_dir: Path | None = None,
    reference: Path | None = None,
) -> list[Problem]:
    """Return every problem in the data package, the most basic first."""
    return _validate(Path(data_dir), seed_dir, reference)[0]


def _validate(
    data_dir: Path, seed_dir: Path | None, reference: Path | None
) -> tuple[list[Problem], Tables | None]:
    """Validate in stages (bytes and headers, frictionless, provenance, consistency)."""
    descriptor = read_descriptor(data_dir)
    resources = descriptor["resources"]
    problems: list[Problem] = []
    for res in resources:
        problems += _read_bytes_problems(data_dir / res["path"], field_names(res["schema"]))
    if problems:
        return problems, None
    # frictionless is imported only here: a package that passed before loads without it.
    from otslab.validation import frictionless_problems

    problems += frictionless_problems(descriptor, data_dir)
    if problems:
        return problems, None
    tables = _typed_tables(data_dir, descriptor)
    problems += provenance.find_problems(tables, seed_dir=seed_dir, reference=reference)
    problems += _consistency_problems(tables)
    return problems, tables


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
    return problems


def _typed_tables(data_dir: Path, descriptor: dict) -> Tables:
    """Read each CSV into a DataFrame typed from its schema (categories, integers, dates)."""
    tables = Tables()
    for res in descriptor["resources"]:
        frame = pd.read_csv(
            Path(data_dir) / res["path"],
            dtype=str,
            keep_default_na=False,
            na_values=[""],
        )
        for field in res["schema"]["fields"]:
            name = field["name"]
            enum = field.get("constraints", {}).get("enum")
            if field["type"] == "integer":
                frame[name] = pd.to_numeric(frame[name]).astype("Int64")
            elif field["type"] == "boolean":
                frame[name] = frame[name].map({"true": True, "false": False}).astype(bool)
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


def fingerprint(data_dir: Path, seed_dir: Path | None, reference: Path | None) -> str:
    """A hash of everything validation reads: the data, the seeds, the reference and the checks."""
    digest = hashlib.sha256()
    checks = [Path(__file__), Path(__file__).with_name("validation.py"), Path(provenance.__file__)]
    texts = sorted(Path(seed_dir).glob("*")) if seed_dir else []
    for path in [
        *sorted(Path(data_dir).glob("*")),
        *texts,
        *([reference] if reference else []),
        *checks,
    ]:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def load_tables(
    data_dir: Path = DATA_DIR,
    seed_dir: Path | None = None,
    reference: Path | None = None,
) -> Tables:
    """Load every table, validated and typed; raise DataError naming file, line and column.

    Validation is a pure function of the files, so a package that passed once (same data, seeds,
    reference and checks, by content hash) is not validated again in the next kernel.
    """
    data_dir = Path(data_dir)
    seed_dir = seed_dir or provenance.default_seed_dir()
    reference = reference or provenance.default_reference()
    marker = VALIDATED_DIR / fingerprint(data_dir, seed_dir, reference)
    if marker.exists():
        return _typed_tables(data_dir, read_descriptor(data_dir))
    problems, tables = _validate(data_dir, seed_dir, reference)
    if problems:
        raise DataError(problems)
    VALIDATED_DIR.mkdir(exist_ok=True)
    marker.touch()
    return tables


def main() -> int:
    """List every problem in the data package (for `make check-data`); exit 1 if any."""
    problems = find_problems()
    for problem in problems:
        print(problem)
    checked = "seed texts found" if provenance.default_seed_dir() else "seed texts not found"
    print(f"{len(problems)} problem(s); locators checked against seeds: {checked}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
