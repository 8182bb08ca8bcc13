"""Unit and widget tests for otslab.model.sources and otslab.views.sources (notebook 01)."""

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, SHARED, claim_asserters, data_rows, require
from otslab.data import Tables
from otslab.model.sources import (
    CUTS,
    VOCABULARY,
    Cut,
    Term,
    card_section,
    claim_support,
    count_terms,
    coverage_spans,
    describe_label_grid,
    describe_publication_timeline,
    describe_term_heatmap,
    label_coverage_problems,
    label_grid,
    label_uses,
    part_words,
    rate_comparison,
    read_seed_texts,
    source_claims,
    source_metadata,
    source_overview,
    split_parts,
    support_profile,
    term_count_table,
    term_counts_csv,
    term_rates,
    tokenise,
    vocabulary_table,
)
from otslab.views.plots import to_png
from otslab.views.sources import (
    plot_label_grid,
    plot_publication_timeline,
    plot_support_profile,
    source_card,
    source_card_viewer,
    term_explorer,
    term_heatmap,
)
from otslab.views.widgets import shown_text

DATA = REPO / "data"
SEEDS = SHARED / "seeds"




# --- tokenising and counting -------------------------------------------------------------------


def test_tokenise_folds_case_quotes_possessives_hyphens_and_drops_numbers() -> None:
    """Words are lower-cased letter runs; 's, digits and punctuation go; hyphens split words."""
    text = "Türkiye’s “NATO-like” plan: $2.2 billion in 2025; İşbirliği"
    assert tokenise(text) == ["türkiye", "nato", "like", "plan", "billion", "in", "işbirliği"]
    assert tokenise("") == []
    assert tokenise("2024 - 17.12") == []


def test_count_terms_counts_single_and_multi_word_forms() -> None:
    """A multi-word form counts only adjacent words; terms overlap by design."""
    vocab = (
        Term("NATO", "frame", ("nato",)),
        Term("Turkic NATO", "label", ("turkic nato",)),
        Term("defense industry", "x", ("defense industry", "defense industries")),
    )
    tokens = tokenise(
        "A Turkic NATO? NATO, Turkic states and NATO. Defense industries; defense and industry"
    )
    assert count_terms(tokens, vocab) == {"NATO": 3, "Turkic NATO": 1, "defense industry": 1}
    assert count_terms([], vocab) == {"NATO": 0, "Turkic NATO": 0, "defense industry": 0}


def test_count_terms_rejects_forms_that_would_double_count() -> None:
    """A form inside another form of the same term would count one mention twice."""
    with pytest.raises(ValueError, match="lies inside"):
        count_terms(["central", "asia"], (Term("Asia", "x", ("asia", "central asia")),))


def test_vocabulary_table_lists_every_term_once() -> None:
    """The vocabulary table shows each term with its forms; names are unique."""
    table = vocabulary_table()
    assert table["term"].tolist() == [t.name for t in VOCABULARY]
    assert table["term"].is_unique
    assert table.loc[table["term"] == "defense", "forms counted"].item() == "defense, defence"


TEXT = "Title\nMust read\nBody line one\nAd 1\nAd 2\nBody line two\n  • Ref A\n  • Ref B\nÖzet"


def test_split_parts_cuts_marked_stretches() -> None:
    """Cuts run from their start line up to the `until` line (or the end); the rest is body."""
    cuts = {
        "X": (
            Cut("boilerplate", "Must read", until="Body line one"),
            Cut("boilerplate", "Ad 1", until="Body line two"),
            Cut("references", "•", until="Özet"),
            Cut("translation", "Özet", until=None),
        )
    }
    parts = split_parts("X", TEXT, cuts)
    assert parts == {
        "body": "Title\nBody line one\nBody line two",
        "boilerplate": "Must read\nAd 1\nAd 2",
        "references": "  • Ref A\n  • Ref B",
        "translation": "Özet",
    }
    assert split_parts("Y", TEXT, cuts) == {"body": TEXT}


@pytest.mark.parametrize(
    "cut, message",
    [
        (Cut("boilerplate", "No such line", until=None), "no line starts with 'No such line'"),
        (Cut("boilerplate", "Ad 1", until="Nowhere"), "no line after 'Ad 1' starts with 'Nowhere'"),
        (Cut("footer", "Ad 1", until=None), "unknown part 'footer'"),
    ],
)
def test_split_parts_names_a_missing_marker(cut: Cut, message: str) -> None:
    """A changed text or a typo in CUTS stops the count with a message naming the marker."""
    with pytest.raises(ValueError, match=re.escape(message)):
        split_parts("X", TEXT, {"X": (cut,)})


def test_term_count_table_counts_each_part_with_its_word_total() -> None:
    """One row per source, part and term; words is the token count of that part."""
    vocab = (Term("NATO", "frame", ("nato",)),)
    cuts = {"A": (Cut("boilerplate", "Subscribe", until=None),)}
    table = term_count_table(
        {"B": "NATO NATO", "A": "NATO and Russia\nSubscribe to NATO news"}, vocab, cuts
    )
    assert table.values.tolist() == [
        ["A", "body", "NATO", 1, 3],
        ["A", "boilerplate", "NATO", 1, 4],
        ["B", "body", "NATO", 2, 2],
    ]
    assert term_counts_csv(table).splitlines()[0] == "source_id,part,term,count,words"


def test_committed_term_counts_equal_what_the_texts_give() -> None:
    """data/term_counts.csv is exactly what `make term-counts` computes from the seed texts."""
    require(
        SEEDS.is_dir(),
        f"the five seed texts at {SEEDS}: put the shared folder beside the repository",
    )
    sources = pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False)
    expected = term_counts_csv(term_count_table(read_seed_texts(sources, SEEDS)))
    committed = (DATA / "term_counts.csv").read_text(encoding="utf-8")
    assert committed == expected, "data/term_counts.csv is stale: run `make term-counts`"


def test_cuts_take_out_boilerplate_references_and_translation() -> None:
    """In the real texts the body keeps the argument and loses the web page and the apparatus."""
    require(
        SEEDS.is_dir(),
        f"the five seed texts at {SEEDS}: put the shared folder beside the repository",
    )
    sources = pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False)
    texts = read_seed_texts(sources, SEEDS)
    parts = {sid: split_parts(sid, text) for sid, text in texts.items()}
    assert set(CUTS) <= set(texts)
    for sid, text in texts.items():  # no line with words is lost or duplicated
        kept = [line for part in parts[sid].values() for line in part.splitlines() if line.strip()]
        assert Counter(kept) == Counter(line for line in text.splitlines() if line.strip())
    assert "advertisement" not in tokenise(parts["S000"]["body"])
    assert "reply" not in tokenise(parts["S001"]["body"])
    refs = parts["S002"]["references"].splitlines()
    assert refs and all(line.strip().startswith("•") for line in refs if line.strip())
    assert "•" not in parts["S002"]["body"]
    assert "devletleri" in tokenise(parts["S002"]["translation"])
    assert "devletleri" not in tokenise(parts["S002"]["body"])
    assert "twitter" not in tokenise(parts["S004"]["body"])
    assert "aliyev" in tokenise(parts["S004"]["body"])


# --- rates ---------------------------------------------------------------------------------------

COUNTS = pd.DataFrame(
    [
        ["A", "body", "x", 2, 100],
        ["A", "body", "y", 0, 100],
        ["A", "boilerplate", "x", 1, 100],
        ["A", "boilerplate", "y", 5, 100],
        ["B", "body", "x", 1, 400],
        ["B", "body", "y", 4, 400],
    ],
    columns=["source_id", "part", "term", "count", "words"],
)


def test_term_rates_per_thousand_words_body_or_whole_text() -> None:
    """Rates divide by the words of the same parts; whole_text adds the other parts."""
    body = term_rates(COUNTS, ["y", "x"])
    assert body.columns.tolist() == ["y", "x"]
    assert body.loc["A", "x"] == 20.0 and body.loc["B", "x"] == 2.5 and body.loc["B", "y"] == 10.0
    whole = term_rates(COUNTS, ["x", "y"], whole_text=True)
    assert whole.loc["A", "x"] == 15.0 and whole.loc["A", "y"] == 25.0
    counts = term_rates(COUNTS, ["x"], "count", whole_text=True)
    assert counts["x"].tolist() == [3, 1]
    assert term_rates(COUNTS, []).shape == (2, 0)


def test_term_rates_rejects_unknown_terms_and_measures() -> None:
    """Bad input gets a clear error naming the problem."""
    with pytest.raises(ValueError, match=r"not in term_counts: \['z'\]"):
        term_rates(COUNTS, ["x", "z"])
    with pytest.raises(ValueError, match="measure must be 'rate' or 'count'"):
        term_rates(COUNTS, ["x"], "share")


def test_part_words_and_rate_comparison() -> None:
    """Words per part fill absent parts with 0; the comparison puts body and whole side by side."""
    words = part_words(COUNTS)
    assert words.loc["B"].tolist() == [400, 0]
    table = rate_comparison(COUNTS, "x")
    assert table.loc["A"].tolist() == [2, 100, 20.0, 3, 200, 15.0]


def test_describe_term_heatmap_names_the_peak_and_the_unused() -> None:
    """The text description names the highest cell and terms no source uses."""
    values = pd.DataFrame({"x": [3.0, 1.0], "z": [0.0, 0.0]}, index=["A", "B"])
    text = describe_term_heatmap(values, "rate", whole_text=False)
    assert "Highest: 'x' in A (3)" in text and "Used by no source: 'z'" in text
    assert "raw mentions of the whole text" in describe_term_heatmap(values, "count", True)


# --- sources, dates, cards -----------------------------------------------------------------------


def test_source_overview_matches_the_csv_files(T) -> None:
    """Each seed's row counts its body words, asserted claims and voices from the CSV files."""
    overview = source_overview(T).set_index("source")
    seeds = [r["source_id"] for r in data_rows("sources") if r["seed_file"]]
    assert overview.index.tolist() == sorted(seeds)
    for sid in seeds:
        body = next(
            r for r in data_rows("term_counts") if r["source_id"] == sid and r["part"] == "body"
        )
        asserted = [r for r in data_rows("claim_sources") if r["source_id"] == sid]
        asserted = [r for r in asserted if r["stance"] == "asserts"]
        voices = [r for r in data_rows("voices") if r["source_id"] == sid]
        assert overview.loc[sid, "words (body)"] == int(body["words"])
        assert overview.loc[sid, "claims asserted"] == len(asserted)
        assert overview.loc[sid, "voices quoted"] == len(voices)
    published = {r["source_id"]: r["published"] or "not stated" for r in data_rows("sources")}
    assert overview["published"].to_dict() == {s: published[s] for s in seeds}


def small_tables() -> Tables:
    """Two seed sources (one dated), three events, one further source for an event."""
    t = Tables()
    t["sources"] = pd.DataFrame(
        {
            "source_id": ["S1", "S2", "R1"],
            "outlet": ["Paper", "not stated", "Ref"],
            "genre": ["op-ed", "explainer", "reference compilation"],
            "seed_file": ["a.txt", "b.txt", None],
            "published": ["2025-03-01", None, None],
            "published_earliest": pd.to_datetime(["2025-03-01", None, None]),
        }
    )
    dates = ["2020", "2024-05", None]
    t["events"] = pd.DataFrame(
        {
            "event_id": ["E1", "E2", "E3"],
            "date": dates,
            "date_earliest": pd.to_datetime(["2020-01-01", "2024-05-01", None]),
            "source_id": ["S1", "S2", "S2"],
        }
    )
    t["event_sources"] = pd.DataFrame({"event_id": ["E1"], "source_id": ["S2"]})
    return t


def test_coverage_spans_bound_an_undated_text_by_its_last_event() -> None:
    """An undated text is not older than its latest dated event, own or shared."""
    spans = coverage_spans(small_tables()).set_index("source")
    assert spans.index.tolist() == ["S1", "S2"]
    assert spans.loc["S2", ["first event", "last event", "not before"]].tolist() == [
        "2020",
        "2024-05",
        "2024-05",
    ]
    assert spans.loc["S2", ["dated events", "undated events"]].tolist() == [2, 1]
    assert pd.isna(spans.loc["S1", "not before"])
    text = describe_publication_timeline(spans.reset_index())
    assert "1 give a publication date (S1 on 2025-03-01), 1 do not" in text
    assert "S2 not before 2024-05" in text


def test_coverage_spans_of_the_real_sources(T) -> None:
    """S003, undated, reports events up to its last one; dated sources get no 'not before'."""
    spans = coverage_spans(T).set_index("source")
    s003 = {r["event_id"] for r in data_rows("events") if r["source_id"] == "S003"}
    s003 |= {r["event_id"] for r in data_rows("event_sources") if r["source_id"] == "S003"}
    dates = [r["date"] for r in data_rows("events") if r["event_id"] in s003 and r["date"]]
    last = max(dates, key=lambda d: d + "-01" * ((10 - len(d)) // 3))
    assert spans.loc["S003", "not before"] == last
    assert spans.loc["S004", "not before"] is None or pd.isna(spans.loc["S004", "not before"])


def test_card_section_reads_a_card_and_reports_what_is_missing(tmp_path: Path) -> None:
    """The summary comes from seeds/<id>.md; a missing card or section is a clear error."""
    (tmp_path / "S9.md").write_text("# S9\n\n## Summary\n\nOne.\n\nTwo.\n\n## Claims\n\n- C1\n")
    assert card_section("S9", "Summary", tmp_path) == "One.\n\nTwo."
    with pytest.raises(FileNotFoundError, match="no source card for S8"):
        card_section("S8", "Summary", tmp_path)
    with pytest.raises(ValueError, match="has no section '## Perspective'"):
        card_section("S9", "Perspective", tmp_path)


def test_source_metadata_and_claims(T) -> None:
    """Metadata spells unknowns out; claims follow claim_sources, filtered by stance."""
    meta = source_metadata(T, "S003").set_index("field")["value"]
    row = next(r for r in data_rows("sources") if r["source_id"] == "S003")
    assert meta["title"] == row["title"]
    assert meta["published"] == (row["published"] or "not stated")
    with pytest.raises(ValueError, match="'S999' is not in sources.csv"):
        source_metadata(T, "S999")
    links = [r for r in data_rows("claim_sources") if r["source_id"] == "S001"]
    claims = source_claims(T, "S001")
    assert sorted(claims["claim"]) == sorted(r["claim_id"] for r in links)
    order = ["asserts", "qualifies", "disputes"]
    assert claims["stance"].map(order.index).is_monotonic_increasing
    disputes = source_claims(T, "S001", "disputes")
    assert set(disputes["claim"]) == {r["claim_id"] for r in links if r["stance"] == "disputes"}
    with pytest.raises(ValueError, match="stance must be one of"):
        source_claims(T, "S001", "denies")
    alone = {c for c, who in claim_asserters().items() if who == {"S001"}}
    assert set(source_claims(T, "S001", alone=True)["claim"]) == alone
    assert source_claims(T, "S001", "disputes", alone=True).empty


# --- labels --------------------------------------------------------------------------------------


def test_every_label_use_is_coded_and_every_coding_is_used(T) -> None:
    """labels.csv and the body counts agree on who uses which label."""
    assert label_coverage_problems(T.labels, T.term_counts) == []


def test_label_coverage_problems_report_both_directions() -> None:
    """A used but uncoded label, and a coded but unused one, are both reported."""
    counts = pd.DataFrame(
        [["S1", "body", "Turkic NATO", 2, 50], ["S1", "body", "Army of Turan", 0, 50]],
        columns=["source_id", "part", "term", "count", "words"],
    )
    labels = pd.DataFrame({"source_id": ["S1"], "term": ["Army of Turan"]})
    assert label_coverage_problems(labels, counts) == [
        "S1 uses 'Turkic NATO' but labels.csv codes no treatment",
        "labels.csv codes S1 on 'Army of Turan', but its body never uses it",
    ]


def test_label_grid_joins_treatments_and_counts(T) -> None:
    """Each cell lists the coded treatments; mentions are the body counts of the label."""
    treatments, mentions = label_grid(T)
    coded: dict[tuple[str, str], set[str]] = {}
    for r in data_rows("labels"):
        coded.setdefault((r["source_id"], r["term"]), set()).add(r["treatment"])
    for (source, term), expected in coded.items():
        assert set(treatments.loc[source, term].split(", ")) == expected
    for r in data_rows("term_counts"):
        if r["part"] == "body" and r["term"] in treatments.columns:
            assert mentions.loc[r["source_id"], r["term"]] == int(r["count"])
    uncoded = {s for s in treatments.index if not any(k[0] == s for k in coded)}
    text = describe_label_grid(treatments, mentions)
    assert all(s in text for s in uncoded) and "use none of them" in text
    assert len(label_uses(T)) == len(data_rows("labels"))


# --- figures -------------------------------------------------------------------------------------


def axis_texts(fig) -> tuple[str, str, str]:
    """Title, x label and y label of a figure's first axes."""
    ax = fig.axes[0]
    return ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()


def test_figures_have_titles_labels_and_source_notes(T) -> None:
    """Every figure of the notebook has a title, labelled axes and a source note, and renders."""
    spans = coverage_spans(T)
    treatments, mentions = label_grid(T)
    figures = [
        plot_publication_timeline(spans, title="t1", source_ids=["S000"]),
        plot_label_grid(treatments, mentions, title="t2", source_ids=["S000"]),
        term_heatmap(T, ["NATO", "China"])[0],
        plot_support_profile(support_profile(claim_support(T)), title="t4", source_ids=["S000"]),
    ]
    for fig in figures:
        title, xlabel, ylabel = axis_texts(fig)
        assert title and xlabel and ylabel
        assert any(t.get_text().startswith("Source: ") for t in fig.texts)
        assert to_png(fig).startswith(b"\x89PNG")


def test_term_heatmap_is_drawn_once_when_saved(T, monkeypatch) -> None:
    """Building the term heatmap draws nothing (seaborn's draw to check its tick labels is
    skipped); its labels stand upright and seaborn's own check is back in place afterwards."""
    import seaborn.matrix
    from matplotlib.figure import Figure

    before = seaborn.matrix._draw_figure
    draws = []
    monkeypatch.setattr(Figure, "draw", lambda fig, renderer: draws.append(fig))
    fig, _ = term_heatmap(T, ["NATO", "China", "Russia"])
    assert draws == []
    assert seaborn.matrix._draw_figure is before
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["NATO", "China", "Russia"]
    assert {t.get_rotation() for t in ax.get_xticklabels() + ax.get_yticklabels()} == {0.0}
    assert len(ax.texts) == 3 * len(ax.get_xticklabels())  # every cell annotated


def test_label_grid_figure_writes_each_treatment(T) -> None:
    """The grid shows the coded treatments as words, and 'not used' elsewhere."""
    treatments, mentions = label_grid(T)
    fig = plot_label_grid(treatments, mentions, title="t", source_ids=["S000"])
    words = Counter(t.get_text() for t in fig.axes[0].texts)
    cells = [c.split(", ") for c in treatments.to_numpy().ravel()]
    for treatment in ("adopts", "reports", "rejects"):
        assert words[treatment] == sum(treatment in c for c in cells)
    assert words["not used"] == (treatments == "").sum().sum()


# --- widget views --------------------------------------------------------------------------------


def test_source_card_viewer_follows_source_and_stance(T) -> None:
    """Picking a source shows its title and claims; a stance it never takes shows a hint."""
    view = source_card_viewer(T)
    (source, stance), output = view.children[1].children, view.children[2]
    assert "S000: what sources.csv records" in shown_text(output)
    source.value = "S003"
    text = shown_text(output)
    s003 = next(r for r in data_rows("sources") if r["source_id"] == "S003")
    n = sum(1 for r in data_rows("claim_sources") if r["source_id"] == "S003")
    assert "S003: what sources.csv records" in text and "S000: what" not in text
    assert s003["outlet"] in text and f"{n} claims (data/claim_sources.csv)" in text
    assert len(re.findall(r"<td>C\d{3}</td>", text)) == n
    stance.value = "disputes"
    links = data_rows("claim_sources")
    n = sum(1 for r in links if r["source_id"] == "S003" and r["stance"] == "disputes")
    assert f"{n} claim{'s' * (n != 1)} it disputes" in shown_text(output)
    assert shown_text(output).count("<td>disputes</td>") == n
    never = next(
        s
        for s in ("S000", "S001", "S002", "S003", "S004")
        if not any(
            r["source_id"] == s and r["stance"] == "disputes" for r in data_rows("claim_sources")
        )
    )
    source.value = never
    assert "otslab-hint" in shown_text(output) and f"{never} disputes no claim" in shown_text(
        output
    )


def test_source_card_viewer_can_show_only_claims_no_other_source_asserts(T) -> None:
    """Ticking the box leaves the claims the chosen source is the only one to assert."""
    view = source_card_viewer(T)
    alone, source, output = view.children[0], view.children[1].children[0], view.children[2]
    source.value = "S001"
    expected = sorted(c for c, who in claim_asserters().items() if who == {"S001"})
    assert len(re.findall(r"<td>C\d{3}</td>", shown_text(output))) > len(expected)
    alone.value = True
    text = shown_text(output)
    assert sorted(re.findall(r"<td>(C\d{3})</td>", text)) == expected
    assert "only those no other source asserts" in text


def test_source_card_includes_our_summary(T) -> None:
    """The card shows the summary section of seeds/<id>.md."""
    summary = (REPO / "seeds" / "S002.md").read_text(encoding="utf-8")
    first_words = summary.split("## Summary", 1)[1].split()[:6]
    html = "".join(item.data for item in source_card(T, "S002"))
    assert " ".join(first_words) in html


def heatmap_cells(text: str) -> dict[str, list[str]]:
    """Term -> the cell values of its row in the heatmap table of a view (header row left out)."""
    found = {
        term: re.findall(r"<td [^>]*>([^<]*)</td>", cells)
        for term, cells in re.findall(r"<tr><th>([^<]*)</th>(.*?)</tr>", text, flags=re.DOTALL)
    }
    return {term: cells for term, cells in found.items() if cells}


def expected_rates(term: str, whole: bool) -> list[str]:
    """The per-1,000-word rates of a term, computed from term_counts.csv by hand."""
    values = []
    for sid in ("S000", "S001", "S002", "S003", "S004"):
        mine = [r for r in data_rows("term_counts") if r["source_id"] == sid]
        mine = mine if whole else [r for r in mine if r["part"] == "body"]
        count = sum(int(r["count"]) for r in mine if r["term"] == term)
        words = sum(int(r["words"]) for r in mine if r["term"] == term)
        values.append(f"{round(count / words * 1000, 2):g}")
    return values


def test_term_explorer_redraws_for_terms_measure_and_scope(T) -> None:
    """The heatmap shows the picked terms' rates or counts, body or whole text; none -> hint."""
    view = term_explorer(T, ["NATO", "security"])
    whole, (measure, picker), output = view.children[0], view.children[1].children, view.children[2]
    assert list(heatmap_cells(shown_text(output))) == ["NATO", "security"]
    picker.value = ("Russia",)
    cells = heatmap_cells(shown_text(output))
    assert cells == {"Russia": expected_rates("Russia", whole=False)}
    whole.value = True
    assert heatmap_cells(shown_text(output)) == {"Russia": expected_rates("Russia", whole=True)}
    assert "(whole text)" in shown_text(output)
    measure.value = "count"
    russia = [r for r in data_rows("term_counts") if r["term"] == "Russia"]
    counts = [
        str(sum(int(r["count"]) for r in russia if r["source_id"] == s))
        for s in ("S000", "S001", "S002", "S003", "S004")
    ]
    assert heatmap_cells(shown_text(output)) == {"Russia": counts}
    picker.value = ()
    text = shown_text(output)
    assert "otslab-hint" in text and "Pick at least one term" in text and "<table" not in text
