"""The frictionless stage of validation: schema, types, keys and partial dates, as Problems."""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import frictionless
from frictionless import errors as fl_errors

from otslab.data.common import (
    INTEGER,
    Problem,
    field_names,
    partial_date_problem,
    strict_descriptor,
)


class PartialDateError(fl_errors.CellError):
    """A partial ISO date that is impossible or disagrees with its precision column."""

    type = "partial-date"
    title = "Partial Date Error"
    description = "A date must be YYYY, YYYY-MM or YYYY-MM-DD, real, and match its precision."
    template = "{note}"


class PartialDates(frictionless.Check):
    """Frictionless check: every `X` with an `X_precision` column is a real partial date."""

    type = "partial-dates"
    Errors = [PartialDateError]

    def validate_row(self, row: frictionless.Row) -> Iterator[fl_errors.Error]:
        """Yield a cell error for each impossible date or precision mismatch in the row."""
        for name in row.field_names:
            if not name.endswith("_precision"):
                continue
            date_field = name.removesuffix("_precision")
            if date_field not in row.field_names:
                continue
            problem = partial_date_problem(row[date_field] or "", row[name] or "")
            if problem:
                yield PartialDateError.from_row(row, note=problem, field_name=date_field)


class StrictIntegers(frictionless.Check):
    """Frictionless check: an integer cell is digits with perhaps a minus sign, nothing else."""

    type = "strict-integers"
    Errors = [fl_errors.TypeError]

    def validate_row(self, row: frictionless.Row) -> Iterator[fl_errors.Error]:
        """Yield a type error for ' 3', '+2' or '3.0' in an integer column."""
        for field, raw in zip(self.resource.schema.fields, row.cells, strict=False):
            if field.type == "integer" and raw not in (None, "") and not INTEGER.fullmatch(raw):
                error = fl_errors.TypeError.from_row(
                    row, note="write the number as digits only", field_name=field.name
                )
                error.cell = raw  # as written in the file, not as frictionless read it
                yield error


class ForeignKeys(frictionless.Check):
    """Frictionless check: every foreign key names a row of the table it points to.

    It replaces frictionless's own key check, which re-reads and re-validates the table a key
    points to for every key of every table (two thirds of the validation's time): here each
    table's key columns are read once. Every key of the package is text, so the cells compare as
    frictionless compares them, a missing value being None. Errors and messages are frictionless's.
    """

    type = "foreign-keys"
    Errors = [fl_errors.ForeignKeyError]
    keys: dict[str, list[tuple[tuple[str, ...], str, tuple[str, ...]]]]
    """Per table: its keys, each as (its columns, the table it points to, that table's columns)."""
    lookups: dict[tuple[str, tuple[str, ...]], set[tuple[str | None, ...]]]
    """Per (table, columns) a key points to: the values those columns hold."""

    def validate_row(self, row: frictionless.Row) -> Iterator[fl_errors.Error]:
        """Yield a foreign-key error for each key of the row whose values the target lacks."""
        for fields, target, target_fields in self.keys.get(self.resource.name, []):
            cells = tuple(row[name] for name in fields)
            if set(cells) == {None} or cells in self.lookups[(target, target_fields)]:
                continue
            values = ", ".join(str(cell) for cell in cells)
            note = (
                f'for "{", ".join(fields)}": values "{values}" not found in the lookup table '
                f'"{target}" as "{", ".join(target_fields)}"'
            )
            yield fl_errors.ForeignKeyError.from_row(
                row,
                note=note,
                field_names=list(fields),
                field_values=list(cells),
                reference_name=target,
                reference_field_names=list(target_fields),
            )


def foreign_keys(descriptor: dict, data_dir: Path) -> ForeignKeys:
    """The key check for the package, with the values of every column a key points to."""
    check = ForeignKeys()
    by_name = {res["name"]: res for res in descriptor["resources"]}
    check.keys, check.lookups = {}, {}
    for res in descriptor["resources"]:
        for key in res["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"] or res["name"]
            fields, target_fields = tuple(key["fields"]), tuple(key["reference"]["fields"])
            check.keys.setdefault(res["name"], []).append((fields, target, target_fields))
            if (target, target_fields) not in check.lookups:
                source = by_name[target]
                missing = set(source["schema"].get("missingValues", [""]))
                path = data_dir / source["path"]
                with path.open(encoding="utf-8-sig", newline="") as handle:
                    rows = [
                        tuple(None if row[f] in missing else row[f] for f in target_fields)
                        for row in csv.DictReader(handle)
                    ]
                check.lookups[(target, target_fields)] = {r for r in rows if set(r) != {None}}
    return check


def problem_from_error(error: fl_errors.Error, resource: dict) -> Problem:
    """Translate one frictionless error into a Problem naming file, line and column."""
    file = resource["path"]
    schema = resource["schema"]
    line = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None) or None
    cell = getattr(error, "cell", None)
    if isinstance(error, fl_errors.ForeignKeyError):
        column = re.search(r'for "([^"]+)"', error.note).group(1)
        value = re.search(r'values "([^"]*)"', error.note).group(1)
        target = re.search(r'lookup table "([^"]+)"', error.note).group(1)
        return Problem(
            file, line, column, f"'{value}' is not a known {target} id (see data/{target}.csv)"
        )
    if isinstance(error, fl_errors.PrimaryKeyError):
        keys = ", ".join(schema["primaryKey"])
        return Problem(file, line, keys, f"duplicate key: {error.note}")
    if isinstance(error, fl_errors.ConstraintError):
        field = next(f for f in schema["fields"] if f["name"] == column)
        allowed = field.get("constraints", {}).get("enum")
        if allowed and "enum" in error.note:
            expected = "one of: " + ", ".join(allowed)
        elif "required" in error.note:
            return Problem(file, line, column, "empty, but this column is required")
        elif "pattern" in error.note and f"{column}_precision" in field_names(schema):
            return Problem(file, line, column, partial_date_problem(cell, "unknown"))
        elif "pattern" in error.note:
            expected = f"the form {field['constraints']['pattern']} ({field['description']})"
        else:
            expected = error.note
        return Problem(file, line, column, f"'{cell}' is not allowed: expected {expected}")
    if isinstance(error, PartialDateError):
        return Problem(file, line, column, error.note)
    if isinstance(error, fl_errors.TypeError):
        field = next(f for f in schema["fields"] if f["name"] == column)
        expected = {
            "boolean": " or ".join(
                field.get("trueValues", ["true"]) + field.get("falseValues", ["false"])
            ),
            "integer": "a whole number written as digits (e.g. 3)",
            "number": "a number written with a decimal point (e.g. 41.3)",
        }.get(field["type"], f"a {field['type']} value")
        return Problem(file, line, column, f"'{cell}' is not allowed: expected {expected}")
    if isinstance(error, fl_errors.CellError):
        return Problem(file, line, column, f"{error.title.lower()}: '{cell}' ({error.note})")
    return Problem(file, line, column, f"{error.title.lower()}: {error.note or error.message}")


def frictionless_problems(descriptor: dict, data_dir: Path) -> list[Problem]:
    """Validate the package with frictionless; one Problem per faulty cell, row or key."""
    strict = strict_descriptor(descriptor)
    for res in strict["resources"]:
        res["schema"].pop("foreignKeys", None)  # checked by ForeignKeys, in the same place
    package = frictionless.Package(strict, basepath=str(data_dir))
    checks = [foreign_keys(descriptor, data_dir), PartialDates(), StrictIntegers()]
    report = package.validate(
        checklist=frictionless.Checklist(checks=checks),
        limit_errors=sys.maxsize,  # every error, not the first thousand: the count is exact
    )
    by_name = {res["name"]: res for res in descriptor["resources"]}
    problems: list[Problem] = []
    for task in report.tasks:
        found = [problem_from_error(e, by_name[task.name]) for e in task.errors]
        # A cell can break both a schema constraint and a custom check: report it once.
        problems += list({(p.file, p.line, p.column): p for p in reversed(found)}.values())[::-1]
    return problems
