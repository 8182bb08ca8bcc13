"""Hostile data for tests: HTML, script and Markdown payloads in every free-text field.

The fields are found from datapackage.json (every string field that is not a key, an id, an enum,
a pattern or a date), so new tables and columns are covered without editing this file. A field
the validator rejects the payload in (an id list, a locator checked against a text) is left as it
was: data that fails validation never reaches a notebook.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from otslab.data import find_problems, provenance

PAYLOAD = (
    "<script>alert('{tag}')</script><img/src=x/onerror=alert('{tag}')>"
    "[l](javascript:alert('{tag}'))\"'"
)
"""Appended to each text cell, with no space (a quotation keeps its word count); {tag} names the
table and column, so a leak names its field."""

UNESCAPED_HTML = re.compile(r"<img/src=x|<script>alert", re.IGNORECASE)
"""A payload that reached HTML as markup (escaped, it reads &lt;img/src=x...)."""

UNESCAPED_MARKDOWN = re.compile(
    r"(?<!\\)<img/src=x|(?<!\\)<script>alert|(?<!\\)\]\(javascript:", re.IGNORECASE
)
"""A payload that reached Markdown as markup (escaped, it reads \\<img/src=x...)."""

ESCAPED = re.compile(r"&lt;script&gt;alert|\\<script\\>alert")
"""A payload that reached an output as text, as it should."""


def payload(table: str, column: str) -> str:
    """The payload for one field."""
    return PAYLOAD.format(tag=f"{table}.{column}")


def text_fields(descriptor: dict) -> list[tuple[dict, str]]:
    """(resource, column) for every free-text field: string, no enum, pattern or format, no key."""
    found = []
    for res in descriptor["resources"]:
        schema = res["schema"]
        keys = set(schema.get("primaryKey", []))
        for fk in schema.get("foreignKeys", []):
            keys.update([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])
        columns = {f["name"] for f in schema["fields"]}
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            if (
                field.get("type", "string") == "string"
                and field.get("format", "default") == "default"
                and not {"enum", "pattern"} & set(constraints)
                and field["name"] not in keys
                and f"{field['name']}_precision" not in columns
            ):
                found.append((res, field["name"]))
    return found


def _rewrite(path: Path, column: str, change) -> None:
    """Apply change(value) to every cell of one column of a CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    index = rows[0].index(column)
    for row in rows[1:]:
        row[index] = change(row[index])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@contextmanager
def _without_texts() -> Iterator[None]:
    """Validate as a student's kernel does without ../shared: no seed texts."""
    with mock.patch.object(provenance, "default_seed_dir", return_value=None):
        yield


SKIPPED = (".git", ".venv", "build", "test-artifacts", "node_modules", "roleplay_kit")
"""Not copied: history, environments, build output; node_modules is linked, not copied."""


def make_hostile_copy(repo: Path, dest: Path) -> list[str]:
    """Copy the course to dest and poison its data; return the fields that carry a payload.

    The seed texts are not beside the copy (as for a student without ../shared), so quotations
    are not checked there and locators carry payloads too.
    """
    ignore = shutil.ignore_patterns(*SKIPPED, ".ipynb_checkpoints", "__pycache__", "*_cache")
    shutil.copytree(repo, dest, ignore=ignore, dirs_exist_ok=True, symlinks=True)
    for modules in repo.glob("*/node_modules"):
        (dest / modules.relative_to(repo)).symlink_to(modules, target_is_directory=True)
    data = dest / "data"
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    with _without_texts():
        before = find_problems(data)
    assert not before, "the data package itself has problems:\n" + "\n".join(map(str, before))
    for res, column in text_fields(descriptor):
        path = data / res["path"]
        mark = payload(res["name"], column)
        _rewrite(path, column, lambda value, mark=mark: value + mark if value else value)
    poisoned = {(res["path"], column) for res, column in text_fields(descriptor)}
    with _without_texts():
        for _ in range(10):
            rejected = {(p.file, p.column) for p in find_problems(data)} & poisoned
            if not rejected:
                break
            for file, column in rejected:
                name = next(r["name"] for r in descriptor["resources"] if r["path"] == file)
                mark = payload(name, column)
                _rewrite(data / file, column, lambda v, mark=mark: v.removesuffix(mark))
                poisoned.discard((file, column))
        problems = find_problems(data)
    assert not problems, "the hostile copy does not validate:\n" + "\n".join(map(str, problems))
    names = {r["path"]: r["name"] for r in descriptor["resources"]}
    return sorted(f"{names[file]}.{column}" for file, column in poisoned)


def leaks(text: str, mime: str = "text/html") -> list[str]:
    """Each payload found as markup in an output of this MIME type, with a little context."""
    pattern = UNESCAPED_MARKDOWN if mime == "text/markdown" else UNESCAPED_HTML
    return [text[max(0, m.start() - 80) : m.end() + 40] for m in pattern.finditer(text)]
