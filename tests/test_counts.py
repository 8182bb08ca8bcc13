"""Claims that count states are recounted from the tables (issue 24: "checks that keep it true").

Where a sentence says how many states do something and the tables can answer it (the boundary
file for borders, memberships.csv for who belongs where, event_participants.csv for who signed),
the test recomputes the number and the names and holds the sentence to them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from otslab.model import alignments as al
from otslab.model import geo

REPO = Path(__file__).resolve().parents[1]
NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def notebook_text(name: str) -> str:
    """All markdown of a notebook, as one string with single spaces."""
    nb = json.loads((REPO / "notebooks" / name).read_text(encoding="utf-8"))
    cells = ("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return " ".join(" ".join(cells).split())


def ots_members(T, year: int) -> set[str]:
    """States with OTS status 'member' at the end of a year."""
    matrix = al.membership_matrix(T, year)
    return set(matrix.index[matrix["OTS"] == "member"])


def names(T, ids: list[str]) -> list[str]:
    """Short names of course states, in the order given."""
    by_id = T.countries.set_index("country_id")["name"]
    return [by_id[i] for i in ids]


def test_ots_members_that_border_xinjiang_are_recounted(T) -> None:
    """C112 (review N08): the SCMP's 'three members' border China; the boundary file says two."""
    shapes = geo.load_shapes()
    bordering = sorted(set(geo.neighbours(T, shapes, "CHN")) & ots_members(T, 2026))
    assert bordering == ["KAZ", "KGZ"]
    statement = T.claims.set_index("claim_id").loc["C112", "statement"]
    count = NUMBERS[len(bordering)]
    assert f"{count} OTS members, {' and '.join(names(T, bordering))}, border" in statement
    assert "three OTS members" not in statement


def test_neighbours_follow_the_boundary_file(T) -> None:
    """The border test itself: known neighbours touch, distant states do not."""
    shapes = geo.load_shapes()
    assert "TUR" in geo.neighbours(T, shapes, "AZE")  # Nakhchivan's short border
    assert "CHN" not in geo.neighbours(T, shapes, "UZB")
    with pytest.raises(ValueError, match="no shape"):
        geo.neighbours(T, shapes, "XXX")


def test_ots_members_in_the_csto_are_recounted(T) -> None:
    """'two OTS members already belong to' the CSTO (nb03 §5.2; E078's notes)."""
    year = 2026
    matrix = al.membership_matrix(T, year)
    in_csto = sorted(c for c in ots_members(T, year) if matrix.loc[c, "CSTO"] == "member")
    assert in_csto == ["KAZ", "KGZ"]
    count = NUMBERS[len(in_csto)]
    assert (
        f"which also covers the CSTO (R003), the alliance {count} OTS members already belong to"
        in (notebook_text("03_agreements_and_exercises.ipynb"))
    )
    notes = T.events.set_index("event_id").loc["E078", "notes"]
    assert f"between {count} OTS members that are also CSTO members" in notes


def test_founding_members_of_the_ots_are_recounted(T) -> None:
    """nb02 Exercise 4's solution: 'Four founding members in 2009'."""
    founders = ots_members(T, 2009)
    assert founders == {"AZE", "KAZ", "KGZ", "TUR"}
    assert f"{NUMBERS[len(founders)].capitalize()} founding members in 2009" in notebook_text(
        "02_member_alignments.ipynb"
    )


def test_allied_relations_treaties_name_their_parties(T) -> None:
    """C126 counts 'two CSTO members' bound by the 2003 treaty: the participants say which."""
    parties = T.event_participants.query("event_id == 'E079' and role == 'party'")
    ids = sorted(parties["country_id"])
    matrix = al.membership_matrix(T, 2003)
    assert all(matrix.loc[c, "CSTO"] == "member" for c in ids)
    statement = T.claims.set_index("claim_id").loc["C126", "statement"]
    assert statement.startswith(f"{NUMBERS[len(ids)].capitalize()} CSTO members, ")
    assert " and ".join(names(T, ids)) in statement


def test_ots_states_party_to_the_china_central_asia_treaty_are_recounted(T) -> None:
    """nb02: the 2025 treaty 'which four OTS states in Central Asia have signed' (E040)."""
    matrix = al.membership_matrix(T, 2025)
    in_ots = set(matrix.index[matrix["OTS"].isin(["member", "observer"])])
    parties = T.event_participants.query("event_id == 'E040' and role == 'party'")
    signed = sorted(set(parties["country_id"]) & in_ots)
    assert signed == ["KAZ", "KGZ", "TKM", "UZB"]
    assert f"which {NUMBERS[len(signed)]} OTS states in Central Asia have signed" in notebook_text(
        "02_member_alignments.ipynb"
    )
