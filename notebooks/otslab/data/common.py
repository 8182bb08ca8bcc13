"""The data layer's shared words: where the data live, tables, problems, date and integer rules."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[3] / "data"
"""The repository's data/ folder (beside notebooks/)."""


DATE_SHAPES = {4: "year", 7: "month", 10: "day"}
"""Length of a partial ISO date -> the precision it expresses."""


FIRST_YEAR = 1900
"""The earliest year a date in the data may name (NATO, the oldest tie recorded, is from 1949)."""


TRUE_VALUES, FALSE_VALUES = ["true"], ["false"]
"""The only spellings of a boolean unless the schema names its own (never 'TRUE', '1', 'yes')."""


INTEGER = re.compile(r"-?[0-9]+")
"""An integer cell: digits, perhaps a minus sign; no spaces, decimals or exponents."""


def last_year() -> int:
    """The latest year a date in the data may name: next year (plans may look ahead)."""
    return date.today().year + 1


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
            where.append(f"{'key' if self.file.endswith('.json') else 'column'} '{self.column}'")
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
    if not FIRST_YEAR <= int(value[:4]) <= last_year():
        return (
            f"'{value}': the year is outside {FIRST_YEAR}-{last_year()}, the years the course "
            "covers (a typo?)"
        )
    try:
        pd.Timestamp(padded)
    except ValueError:
        return f"'{value}' is not a real calendar date"
    if precision != shape:
        return f"'{value}' has {shape} precision but the precision column says '{precision}'"
    return None


def field_names(schema: dict) -> list[str]:
    """The column names a table schema defines."""
    return [f["name"] for f in schema["fields"]]


def strict_descriptor(descriptor: dict) -> dict:
    """The descriptor with booleans limited to 'true' and 'false' where the schema allows more."""
    strict = json.loads(json.dumps(descriptor))
    for res in strict["resources"]:
        for field in res["schema"]["fields"]:
            if field.get("type") == "boolean":
                field.setdefault("trueValues", TRUE_VALUES)
                field.setdefault("falseValues", FALSE_VALUES)
    return strict


DESCRIPTOR = "datapackage.json"
