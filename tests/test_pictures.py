"""Pictures for what the grids encode: the overlap (UpSet) diagram, the clause scale, the staircase.

Expectations come from the CSV rows (read with the csv module) or are hand-checked facts of the
data, never the functions' own output.
"""

import re
from html import escape
from io import StringIO

from matplotlib import rc_context

from conftest import data_rows
from otslab.data import Tables
from otslab.model.overview import events_per_year
from otslab.views import alignments as av
from otslab.views import feasibility as fv
from otslab.views.plots import plot_events_per_year, to_svg


def text_of(svg: str) -> str:
    """The SVG with XML escapes undone, for looking up labels."""
    return svg.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def full_ties(combos, state: str) -> set[str]:
    """The organisations a state is a full member of, from the combinations table."""
    row = combos[combos["states"].map(lambda s: state in s)].iloc[0]
    return {org for org, level in row["ties"] if level == "full"}


def test_overlaps_group_states_by_their_exact_ties(T) -> None:
    combos = av.membership_combinations(T, 2026)
    states = {s for group in combos["states"] for s in group}
    expected = {r["name"] for r in data_rows("countries") if r["role"] != "mentioned"}
    assert states == expected
    assert full_ties(combos, "Türkiye") == {"NATO", "OTS"}
    assert full_ties(combos, "Hungary") == {"NATO", "EU"}
    assert full_ties(combos, "Turkmenistan") == {"NAM", "NEUTRAL"}
    assert full_ties(combos, "Northern Cyprus (TRNC)") == set()
    uzbekistan = combos[combos["states"].map(lambda s: "Uzbekistan" in s)].iloc[0]["ties"]
    assert ("CSTO", "other") in uzbekistan  # suspended since 2012: a tie, not membership
    # Uzbekistan joined the OTS in 2019: before that it is no OTS member
    assert "OTS" not in full_ties(av.membership_combinations(T, 2015), "Uzbekistan")


def test_upset_picture_names_every_state_and_says_the_same_in_words(T) -> None:
    svg = text_of(to_svg(av.plot_membership_upset(T, 2026)))
    for row in data_rows("countries"):
        if row["role"] != "mentioned":
            assert row["name"] in svg
    assert "filled dot: member" in svg and "hollow dot" in svg
    description = av.describe_upset(T, 2026)
    assert "Türkiye: NATO, OTS" in description


def test_clause_scale_takes_wording_and_sources_from_the_data(T) -> None:
    scale = fv.clause_scale(T).set_index("id")
    events = {r["event_id"]: r for r in data_rows("events")}
    commitments = {r["commitment_id"]: r for r in data_rows("commitments")}
    assert scale.loc["E047", "wording"] == events["E047"]["summary"]
    assert scale.loc["E022", "wording"] == events["E022"]["summary"]
    assert scale.loc["K002", "wording"] == commitments["K002"]["name"]
    assert scale.loc["K008", "source_id"] == commitments["K008"]["source_id"]
    assert list(scale["level"]) == [1, 2, 3, 3]
    first = {}
    for row in sorted(data_rows("scenarios"), key=lambda r: int(r["rung"])):
        for code in row["requirements"].split(";"):
            first.setdefault(code, int(row["rung"]))
    assert scale.loc["E047", "first rung"] == first["solidarity_clause"]
    assert scale.loc["K008", "first rung"] == first["collective_defence_clause"]
    svg = text_of(to_svg(fv.plot_clause_scale(fv.clause_scale(T))))
    for name in ("Gabala Declaration (2025)", "Shusha Declaration (2021)", "CSTO Article 4"):
        assert name in svg
    assert "our reading" in svg


def test_staircase_puts_each_voice_with_a_rung_on_its_step(T) -> None:
    scale = fv.clause_scale(T)
    svg = text_of(to_svg(fv.plot_staircase(T.scenarios, T.voices, scale)))
    placed = [r for r in data_rows("voices") if r["rung"]]
    for voice in placed:
        assert voice["voice_id"] + " " in svg
    for scenario in data_rows("scenarios"):
        assert f"{scenario['rung']}. " in svg
    assert "Gabala Declaration (2025)" in svg
    description = fv.describe_staircase(T.scenarios, T.voices)
    for rung in {r["rung"] for r in placed}:
        count = sum(1 for r in placed if r["rung"] == rung)
        assert f"rung {rung} (" in description and f"{count} voices" in description
    assert f"{sum(1 for r in data_rows('voices') if not r['rung'])} voices take no position" in (
        description
    )


def test_data_text_in_these_figures_is_never_math_or_markup(T) -> None:
    hostile = Tables({name: frame.copy() for name, frame in T.items()})
    i = hostile.voices.index[hostile.voices["rung"].notna()][0]
    hostile.voices.loc[i, "name"] = "Cost $1$ <b>x</b>"
    j = hostile.events.index[hostile.events["event_id"] == "E047"][0]
    hostile.events.loc[j, "summary"] = "A $2$ <script>alert(1)</script> clause"
    stairs = to_svg(fv.plot_staircase(hostile.scenarios, hostile.voices, fv.clause_scale(hostile)))
    assert escape("Cost $1$ <b>x</b>", quote=False) in stairs
    scale = to_svg(fv.plot_clause_scale(fv.clause_scale(hostile)))
    assert escape("A $2$ <script>alert(1)</script> clause", quote=False) in scale


def matplotlib_svg(fig) -> str:
    """The figure as matplotlib's own SVG canvas writes it, with the course's SVG settings."""
    buffer = StringIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "otslab"}):
        fig.savefig(buffer, format="svg")
    return buffer.getvalue()


def undated(svg: str) -> str:
    """An SVG without its metadata, which holds the time it was drawn."""
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def test_svg_measuring_text_once_draws_what_matplotlib_draws(T) -> None:
    # to_svg measures text through caches that outlive a drawing; the picture must stay the
    # same: a figure laid out by matplotlib (constrained), and ones placed by hand, with wrapped
    # and multi-line labels. Each figure is made afresh for each drawing (a constrained layout
    # starts from where the last one left it), the last time with the caches filled.
    counts = events_per_year(T.events, first_year=2009)
    makers = [
        lambda: plot_events_per_year(counts, title="Events per year", source_ids=["S000", "R001"]),
        lambda: av.plot_membership_upset(T, 2026),
        lambda: fv.plot_staircase(T.scenarios, T.voices, fv.clause_scale(T)),
    ]
    for make in makers:
        theirs = undated(matplotlib_svg(make()))
        assert undated(to_svg(make())) == theirs
        assert undated(to_svg(make())) == theirs
