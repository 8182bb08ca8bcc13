"""Whose perspective the course hears on its question, how recently, and what is missing.

A perspective (Russian, Western, Turkmen, ...) is heard only when one of its voices speaks to the
question (security cooperation among the Turkic states) in its own words from RECENT_FROM on; an
old, undated or off-topic voice is shown with its gap instead (`perspective_gap`). data/README.md
(perspectives.csv) explains the statuses; a test keeps perspectives.csv equal to this computation.
"""

from __future__ import annotations

import pandas as pd

from otslab.data import Tables

PERSPECTIVE_STATUSES = ("heard", "dated", "off the question", "second-hand", "missing")
"""How a perspective is heard: on the question in its own words since RECENT_FROM (heard), only
earlier or undated (dated), in its own words but never on the question (off the question), only
reported by others (second-hand), or not at all (missing)."""

RECENT_FROM = 2024
"""A statement on the question counts as recent from this year on (issue: recent voices)."""

NO_STANCE = ("describes without judging", "not stated")
"""Voice stances that take no position on a Turkic alliance."""


def _said_year(value: object) -> int | None:
    """The year of a voice's `said` date, or None when it is unknown."""
    text = "" if pd.isna(value) else str(value)
    return int(text[:4]) if text[:4].isdigit() else None


def perspective_status(voices: pd.DataFrame, perspectives: list[str]) -> pd.DataFrame:
    """Per perspective: how it is heard, from its voices' `words`, `on_question` and `said`.

    A voice speaks in its own words when its source quotes it or it wrote the text itself
    (`words` == 'own'); otherwise the source reports it ('reported'). A voice speaks to the
    question when `on_question` is true. The status is 'heard' only when some voice speaks to the
    question in its own words in RECENT_FROM or later: an old, undated or off-topic voice does not
    count as hearing the perspective on the question. 'latest' is the date of the latest such
    statement, and 'takes a stance' lists the voices that take a position on a Turkic alliance (any
    stance but 'describes without judging' and 'not stated').
    """
    unknown = sorted(set(voices["words"].astype(str)) - {"own", "reported"})
    if unknown:
        raise ValueError(f"voices.words must be 'own' or 'reported', not {unknown}")
    on_question = voices["on_question"].astype(bool)
    rows = []
    for perspective in perspectives:
        mine = voices[voices["perspective"].astype(str) == perspective]
        own_mask = mine["words"].astype(str) == "own"
        own = mine.loc[own_mask, "voice_id"].sort_values()
        reported = mine.loc[~own_mask, "voice_id"].sort_values()
        stance = mine.loc[~mine["stance"].astype(str).isin(NO_STANCE), "voice_id"].sort_values()
        spoken = mine[own_mask & on_question.reindex(mine.index)]
        dates = spoken["said"].dropna().astype(str)
        dates = dates[dates != ""]
        latest = max(dates, default="")
        year = _said_year(latest)
        if len(spoken) and year is not None and year >= RECENT_FROM:
            status = "heard"
        elif len(spoken):
            status = "dated"
        elif len(own):
            status = "off the question"
        else:
            status = "second-hand" if len(reported) else "missing"
        rows.append(
            {
                "perspective": perspective,
                "status": status,
                "latest": latest,
                "on the question": ";".join(spoken["voice_id"].sort_values()),
                "own words": ";".join(own),
                "reported": ";".join(reported),
                "takes a stance": ";".join(stance),
            }
        )
    columns = [
        "perspective",
        "status",
        "latest",
        "on the question",
        "own words",
        "reported",
        "takes a stance",
    ]
    return pd.DataFrame(rows, columns=columns)


def perspective_gap(status: str, latest: str) -> str:
    """What a perspective's status leaves out, in words: '' when it is heard on the question."""
    if status == "heard":
        return ""
    if latest:
        return f"no statement on the question in its own words found since {latest[:4]}"
    if status == "dated":
        return "no dated statement on the question in its own words found"
    return "no statement on the question in its own words found"


def perspective_table(tables: Tables) -> pd.DataFrame:
    """The perspectives table with the status computed from the voices beside the gap and note."""
    stored = tables["perspectives"]
    computed = perspective_status(tables.voices, list(stored["perspective"].astype(str)))
    gaps = [
        perspective_gap(s, d) for s, d in zip(computed["status"], computed["latest"], strict=True)
    ]
    return computed.assign(gap=gaps, note=stored["note"].fillna("").values)


COMPARISON_COLUMNS = [
    "perspective",
    "status in the five texts",
    "status with public reports",
    "latest",
    "gap",
    "on the question",
    "own words",
    "reported",
    "note",
]
"""The columns notebook 01 shows, in order."""


def perspective_comparison(tables: Tables) -> pd.DataFrame:
    """Each perspective's status in the five texts alone, beside its status with public reports;
    voice ids are listed with a space after each semicolon, so a table can wrap them."""
    names = list(tables["perspectives"]["perspective"].astype(str))
    texts_only = tables.voices["source_id"].astype(str).str.startswith("S")
    in_texts = perspective_status(tables.voices[texts_only], names)
    table = in_texts[["perspective", "status"]].merge(
        perspective_table(tables),
        on="perspective",
        suffixes=(" in the five texts", " with public reports"),
    )
    ids = ["on the question", "own words", "reported"]
    return table[COMPARISON_COLUMNS].assign(**{c: table[c].str.replace(";", "; ") for c in ids})
