"""Claims and corroboration (notebook 01): which sources assert, dispute or report each claim,
how independent they are, and the explorer that filters the matrix."""

import re
from collections import Counter

import pandas as pd
import pytest

from conftest import claim_asserters, data_rows
from otslab.data import Tables
from otslab.model.sources import (
    claim_support,
    corroboration_matrix,
    describe_support_profile,
    support_profile,
)
from otslab.views.sources import (
    corroboration_explorer,
)
from otslab.views.widgets import shown_text

# --- claims --------------------------------------------------------------------------------------


def claim_tables() -> Tables:
    """Four claims, four sources (A and B Azerbaijani, C unknown, D Russian)."""
    t = Tables()
    t["sources"] = pd.DataFrame(
        {
            "source_id": ["A", "B", "C", "D"],
            "outlet_country_id": ["AZE", "AZE", None, "RUS"],
            "seed_file": ["a.txt", "b.txt", "c.txt", None],
        }
    )
    t["claims"] = pd.DataFrame(
        {
            "claim_id": ["C1", "C2", "C3", "C4"],
            "statement": ["one", "two", "three", "four"],
            "claim_type": pd.Categorical(
                ["fact", "forecast", "fact", "fact"], categories=["fact", "forecast"]
            ),
            "topic": pd.Categorical(["x", "x", "y", "y"], categories=["x", "y"]),
        }
    )
    links = [
        ("C1", "A", "asserts"),
        ("C1", "B", "asserts"),
        ("C2", "A", "asserts"),
        ("C2", "C", "disputes"),
        ("C3", "A", "asserts"),
        ("C3", "C", "asserts"),
        ("C4", "A", "asserts"),
        ("C4", "D", "asserts"),
        ("C4", "B", "qualifies"),
    ]
    t["claim_sources"] = pd.DataFrame(
        {
            "claim_id": [c for c, _, _ in links],
            "source_id": [s for _, s, _ in links],
            "stance": pd.Categorical(
                [st for _, _, st in links], categories=["asserts", "disputes", "qualifies"]
            ),
        }
    )
    return t


def test_claim_support_flags() -> None:
    """Single-source, contested and one-country flags follow their definitions."""
    support = claim_support(claim_tables())
    assert support["asserts"].tolist() == [2, 1, 2, 2]
    assert support["single_source"].tolist() == [False, True, False, False]
    assert support["contested"].tolist() == [False, True, False, False]
    assert support["one_country"].fillna("none").tolist() == ["AZE", "AZE", "none", "none"]
    assert support.loc["C4", "asserted by"] == "A, D"
    assert support.loc["C4", "qualifies"] == 1


def test_texts_only_leaves_out_references() -> None:
    """Without the reference D, C4 rests on A alone and D's column goes."""
    t = claim_tables()
    support = claim_support(t, texts_only=True)
    assert support["asserts"].tolist() == [2, 1, 2, 1]
    assert support.loc["C4", "one_country"] == "AZE"
    matrix = corroboration_matrix(t, texts_only=True)
    assert matrix.columns.tolist()[-3:] == ["A", "B", "C"] and "D" not in matrix.columns
    single = corroboration_matrix(t, show="single-source", texts_only=True)
    assert single["claim"].tolist() == ["C2", "C4"]


def test_corroboration_matrix_filters_and_cells() -> None:
    """Filters by type, topic and status; cells give each source's stance."""
    t = claim_tables()
    full = corroboration_matrix(t)
    assert full.columns.tolist()[-4:] == ["A", "B", "C", "D"]
    assert full.set_index("claim").loc["C2", "C"] == "disputes"
    assert full.set_index("claim").loc["C1", "D"] == ""
    assert corroboration_matrix(t, claim_type="fact")["claim"].tolist() == ["C1", "C3", "C4"]
    assert corroboration_matrix(t, topic="y", show="one outlet country").empty
    assert corroboration_matrix(t, show="one outlet country")["claim"].tolist() == ["C1", "C2"]
    assert corroboration_matrix(t, show="contested")["claim"].tolist() == ["C2"]
    assert corroboration_matrix(t, show="single-source")["claim"].tolist() == ["C2"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"claim_type": "rumour"}, "claim_type must be 'all' or one of fact, forecast"),
        ({"topic": "z"}, "topic must be 'all' or one of x, y"),
        ({"show": "famous"}, "show must be one of"),
    ],
)
def test_corroboration_matrix_rejects_bad_filters(kwargs: dict, message: str) -> None:
    """A wrong filter value names the allowed ones."""
    with pytest.raises(ValueError, match=re.escape(message)):
        corroboration_matrix(claim_tables(), **kwargs)


def test_support_profile_and_description() -> None:
    """Claims are counted by number of asserting sources and type."""
    support = claim_support(claim_tables())
    profile = support_profile(support)
    assert profile.index.tolist() == [1, 2]
    assert profile.loc[2, "fact"] == 3 and profile.loc[1, "forecast"] == 1
    text = describe_support_profile(support)
    assert "4 claims" in text and "1 claims rest on a single source (1 forecast)" in text


def test_claim_support_of_the_real_data_matches_the_csv(T) -> None:
    """Counts per claim equal the rows of claim_sources.csv."""
    support = claim_support(T)
    links = data_rows("claim_sources")
    for claim in ("C011", "C045", "C054"):
        stances = Counter(r["stance"] for r in links if r["claim_id"] == claim)
        assert support.loc[claim, ["asserts", "qualifies", "disputes"]].tolist() == [
            stances["asserts"],
            stances["qualifies"],
            stances["disputes"],
        ]


def test_corroboration_explorer_filters_the_matrix(T) -> None:
    """Type, topic and status filters change the rows; an empty combination shows a hint."""
    view = corroboration_explorer(T)
    (claim_type, topic, status), output = view.children[1].children, view.children[2]
    shown = lambda: re.findall(r"<td>(C\d{3})</td>", shown_text(output))  # noqa: E731
    disputed = {r["claim_id"] for r in data_rows("claim_sources") if r["stance"] == "disputes"}
    assert set(shown()) == disputed
    status.value = "all claims"
    claim_type.value = "forecast"
    forecasts = [r["claim_id"] for r in data_rows("claims") if r["claim_type"] == "forecast"]
    assert shown() == forecasts
    topic.value = "costs"
    costs = [r["claim_id"] for r in data_rows("claims") if r["topic"] == "costs"]
    assert shown() == [c for c in forecasts if c in costs]
    present = {(r["claim_type"], r["topic"]) for r in data_rows("claims")}
    empty = next(
        (kind, subject)
        for kind in claim_type.options[1:]
        for subject in topic.options[1:]
        if (kind, subject) not in present
    )
    claim_type.value, topic.value = empty
    assert "otslab-hint" in shown_text(output) and shown() == []
    claim_type.value, topic.value, status.value = "all", "all", "one outlet country"
    country = {r["source_id"]: r["outlet_country_id"] for r in data_rows("sources")}
    asserting: dict[str, set[str]] = {}
    for r in data_rows("claim_sources"):
        if r["stance"] == "asserts":
            asserting.setdefault(r["claim_id"], set()).add(country[r["source_id"]])
    one = sorted(c for c, found in asserting.items() if len(found) == 1 and "" not in found)
    assert sorted(shown()) == one
    assert f"{len(one)} claims shown" in shown_text(output)


def test_corroboration_explorer_can_leave_out_the_reference_file(T) -> None:
    """With 'five texts only', the references' columns go; claims may become single-source."""
    view = corroboration_explorer(T)
    texts_only, status, output = view.children[0], view.children[1].children[2], view.children[2]
    status.value = "all claims"
    seeds = {r["source_id"] for r in data_rows("sources") if r["seed_file"]}
    references = {r["source_id"] for r in data_rows("claim_sources")} - seeds
    assert references, "no claim cites a public reference"
    columns = set(re.findall(r"<th>([SR]\d{3})</th>", shown_text(output)))
    assert references <= columns
    status.value = "single-source"
    texts_only.value = True
    expected = sorted(c for c, who in claim_asserters().items() if len(who & seeds) == 1)
    text = shown_text(output)
    assert not set(re.findall(r"<th>([SR]\d{3})</th>", text)) & references
    assert sorted(re.findall(r"<td>(C\d{3})</td>", text)) == expected
