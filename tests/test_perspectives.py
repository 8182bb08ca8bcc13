"""Voices and perspectives (notebook 01): who is heard on the question, in their own words and
recently, and the comparison of the five texts with the public reports."""

import pandas as pd
import pytest

from conftest import data_rows
from otslab.model.perspectives import (
    RECENT_FROM,
    perspective_gap,
    perspective_status,
    perspective_table,
)
from otslab.model.sources import (
    voices_by_country,
    voices_table,
)

# --- voices --------------------------------------------------------------------------------------


def test_voices_table_and_counts(T) -> None:
    """Every voice appears once; unknown countries read 'not stated'; the crosstab adds up."""
    table = voices_table(T)
    raw = data_rows("voices")
    assert len(table) == len(raw)
    unknown = sum(1 for r in raw if not r["country_id"])
    assert (table["country"] == "not stated").sum() == unknown
    assert (table["said"] == "not stated").sum() == sum(1 for r in raw if not r["said"])
    assert set(table["on the question"]) == {"yes", "no"}
    counts = voices_by_country(T)
    assert counts.to_numpy().sum() == len(raw)
    russian = [r for r in raw if r["country_id"] == "RUS"]
    assert counts.loc["Russia"].sum() == len(russian)


def test_perspective_status_from_voices() -> None:
    """Only a recent own-words statement on the question makes a perspective heard.

    Old or undated statements on the question are 'dated', own words on something else are 'off
    the question', reported words 'second-hand', no voice 'missing' (issue: recent voices).
    """
    voices = pd.DataFrame(
        {
            "voice_id": ["V02", "V01", "V03", "V04", "V05", "V06", "V07"],
            "perspective": [
                "Russian",
                "Russian",
                "Chinese",
                "Western",
                "Turkish",
                "Hungarian",
                "Kazakh",
            ],
            "words": ["reported", "own", "reported", "reported", "own", "own", "own"],
            "stance": [
                "hostile to the project",
                "not stated",
                "favours alliance",
                "not stated",
                "not stated",
                "not stated",
                "not stated",
            ],
            "on_question": [True, True, True, True, True, False, True],
            "said": ["2025", "2024-03", "", "", "2021-07-29", "2025", ""],
        }
    )
    names = ["Russian", "Chinese", "Iranian", "Turkish", "Hungarian", "Kazakh"]
    table = perspective_status(voices, names).set_index("perspective")
    assert table["status"].tolist() == [
        "heard",
        "second-hand",
        "missing",
        "dated",
        "off the question",
        "dated",
    ]
    assert table.loc["Russian", "own words"] == "V01"
    assert table.loc["Russian", "reported"] == "V02"
    assert table.loc["Russian", "latest"] == "2024-03"
    assert table.loc["Turkish", "latest"] == "2021-07-29"
    assert table.loc["Iranian", "own words"] == table.loc["Iranian", "reported"] == ""
    assert table.loc["Russian", "takes a stance"] == "V02"
    assert table.loc["Chinese", "takes a stance"] == "V03"
    assert perspective_gap("dated", "2021-07-29") == (
        "no statement on the question in its own words found since 2021"
    )
    assert perspective_gap("off the question", "") == (
        "no statement on the question in its own words found"
    )
    assert perspective_gap("heard", "2025") == ""
    with pytest.raises(ValueError, match="voices.words"):
        perspective_status(voices.assign(words="quoted"), ["Russian"])


def test_perspectives_table_matches_the_voices(T) -> None:
    """perspectives.csv lists every perspective once, with the status and voices the voices give."""
    stored = data_rows("perspectives")
    table = perspective_table(T).set_index("perspective")
    assert len(table) == len(stored) == len({r["perspective"] for r in stored})
    for r in stored:
        computed = table.loc[r["perspective"]]
        assert r["status"] == computed["status"], r["perspective"]
        assert r["latest"] == computed["latest"], r["perspective"]
        ids = ";".join(i for i in (computed["own words"], computed["reported"]) if i)
        assert sorted(r["voice_ids"].split(";")) == sorted(ids.split(";")), r["perspective"]
        if computed["status"] != "heard":
            # a perspective not heard on the question says so in its note, with a date
            assert "no " in r["note"].lower() and "as of" in r["note"], r["perspective"]
    named = {r["perspective"] for r in data_rows("voices")} - {"not stated"}
    assert named <= set(table.index), "a voice names a perspective perspectives.csv lacks"


def test_recent_voices_for_the_outside_perspectives(T) -> None:
    """Russian and Western perspectives are never counted heard on an old or off-topic voice.

    Issue 24: Russia was 'heard' only through Peskov (2021) and the West through a 2014 NATO
    office opening. Every perspective counted heard has an own-words statement on the question
    from RECENT_FROM on; the others show their gap in words.
    """
    table = perspective_table(T).set_index("perspective")
    for name, row in table.iterrows():
        if row["status"] == "heard":
            assert int(row["latest"][:4]) >= RECENT_FROM, name
            assert row["gap"] == ""
        else:
            assert row["gap"].startswith("no "), name
    assert table.loc["Western", "status"] != "heard"
    assert "V35" not in table.loc["Western", "on the question"]


def test_perspective_comparison_sets_the_texts_beside_the_public_reports(T) -> None:
    """Notebook 01's one-line table: the five texts' status beside the status with R sources."""
    from otslab.model.perspectives import (
        COMPARISON_COLUMNS,
        perspective_comparison,
        perspective_table,
    )

    table = perspective_comparison(T)
    assert list(table.columns) == COMPARISON_COLUMNS and len(table) == len(T.perspectives)
    full = perspective_table(T).set_index("perspective")["status"]
    assert (table.set_index("perspective")["status with public reports"] == full).all()
    texts = table.set_index("perspective")["status in the five texts"]
    assert (texts != full).any(), "the public reports change at least one perspective's status"
