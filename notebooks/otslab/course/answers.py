"""What a student's answer is, as the one judge sees it in the notebook, hand-in page and grader.

`plain` turns whatever a student passes to `check` into plain Python (numpy scalars and arrays,
pandas Series and Index become ints, floats, strings and lists), or refuses it with a sentence
saying what to give instead; `same` compares such an answer with the one computed from the data;
`saved_form` is how it is kept in the work file. So `(T.sources.genre == "treaty text").sum()`,
its numpy int64 and the Python int it equals get one verdict everywhere.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import KeysView, ValuesView

import numpy as np
import pandas as pd

MAX_ITEMS = 10_000
"""An answer with more parts than this is not an answer to any task of the course."""


class NotAnAnswer(ValueError):
    """A value that cannot be an answer to a checked task, with what to give instead."""


def _refuse(value: object, what: str) -> NotAnAnswer:
    return NotAnAnswer(
        f"{what} cannot be checked as an answer: give a number, a word or id in quotes, "
        "or a list of ids."
    )


def plain(value: object) -> object:
    """The answer as plain Python (int, float, str, bool, list, tuple, set); NotAnAnswer if none."""
    if value is None or value is ... or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if value.bit_length() > 64:
            raise NotAnAnswer("That number is far too large to be an answer: check your code.")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotAnAnswer(f"{value} is not a number you can check: check your code.")
        return value
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64 | np.timedelta64):
            raise _refuse(value, "A date or duration")
        return plain(value.item())
    if isinstance(value, pd.DataFrame):
        raise _refuse(value, "A whole table (DataFrame)")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return plain(value.item())
    if isinstance(value, range | KeysView | ValuesView):
        return plain(list(value))
    if isinstance(value, np.ndarray | pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        if np.ndim(value) != 1:
            raise _refuse(value, f"An array of {np.ndim(value)} dimensions")
        return plain(list(value))
    if value is pd.NA or value is pd.NaT:
        raise NotAnAnswer("That value is missing (NA): check your code.")
    if isinstance(value, list | tuple | set | frozenset):
        if len(value) > MAX_ITEMS:
            raise NotAnAnswer(f"{len(value):,} items is far too many for an answer.")
        parts = [plain(v) for v in value]
        if any(isinstance(p, list | tuple | set | frozenset) for p in parts) and not isinstance(
            value, tuple
        ):
            raise _refuse(value, "A list of lists")
        if isinstance(value, set | frozenset):
            return set(parts)
        return tuple(parts) if isinstance(value, tuple) else parts
    raise _refuse(value, f"This value (a {type(value).__name__})")


def saved_form(value: object) -> object:
    """A plain answer as JSON can keep it (sets sorted into lists, tuples as lists)."""
    if isinstance(value, set | frozenset):
        return sorted((saved_form(v) for v in value), key=str)
    if isinstance(value, tuple | list):
        return [saved_form(v) for v in value]
    return value


SPELLINGS = {"defense": "defence", "turkey": "turkiye", "organization": "organisation"}
"""Words written two ways that mean the same: US and British spelling, a state's two names."""


def folded(text: str) -> str:
    """Text as the judge compares it: case, diacritics, dashes and spelling variants folded."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.sub(r"[-‐‑–—\s]+", " ", text).strip().split(" ")
    return " ".join(SPELLINGS.get(word, word) for word in words)


def normal(value: object) -> object:
    """An answer in a comparable form: ids upper-cased, text folded, collections as sets."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"[,;\s]+", value.strip()) if p]
        if len(parts) > 1 and all(re.fullmatch(r"[A-Za-z]+\d*", p) for p in parts):
            return frozenset(p.upper() for p in parts)
        return folded(value)
    if isinstance(value, set | frozenset | list) and not (
        isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)
    ):
        return frozenset(str(v).strip().upper() for v in value)
    if isinstance(value, tuple | list):
        return tuple(normal(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_count(given: object) -> bool:
    """True for a whole number typed as text ("25")."""
    return isinstance(given, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", given) is not None


def same(given: object, expected: object) -> bool:
    """True when a (plain) answer matches the computed one."""
    if isinstance(expected, set | frozenset):
        if not expected:
            return str(given).strip().casefold() in {"none", "nobody", "no one", "", "set()"} or (
                isinstance(given, set | frozenset | list | tuple) and not given
            )
        given_set = normal(given)
        if isinstance(given_set, str):
            given_set = frozenset({given_set.upper()})
        return given_set == normal(expected)
    if isinstance(expected, str):
        return folded(str(given)) == folded(expected)
    if isinstance(expected, int) and _is_count(given):
        return int(str(given)) == expected
    return normal(given) == normal(expected)


def wrong_detail(given: object, expected: object) -> str:
    """What is wrong, computed from the data, without giving the answer away."""
    if isinstance(expected, set | frozenset) and expected:
        given_set = normal(given)
        if isinstance(given_set, str):
            given_set = frozenset({given_set.upper()})
        if isinstance(given_set, frozenset):
            extra = sorted(given_set - normal(expected))
            missing = len(normal(expected) - given_set)
            parts = []
            if extra:
                parts.append(f"not right: {', '.join(extra)}")
            if missing:
                parts.append(f"{missing} missing")
            return "; ".join(parts) + "."
    if isinstance(expected, int) and _is_count(given):
        given = int(str(given))
    if isinstance(expected, int) and isinstance(given, int | float) and not isinstance(given, bool):
        return "Too high." if given > expected else "Too low."
    return ""
