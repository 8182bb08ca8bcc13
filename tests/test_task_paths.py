"""Every path a task states leads to the answer the check accepts: the view, table or sentence it
names is driven or read as a student would, and what it shows is judged right."""

import html
import re

import pytest

from otslab.course import taskbank
from otslab.model import alignments as al
from otslab.model import network as nw
from otslab.model import sources as so
from otslab.model.overview import describe_events_per_year, events_per_year, table_summary
from otslab.views.alignments import cross_pressure_table, membership_grid
from otslab.views.widgets import ANY_COLUMN, PAGE_ROWS, shown_text, table_browser


def browser_parts(view):
    """The controls and output of a table browser, by their labels."""
    (table, column, search), pager, output = view.children[0].children, *view.children[1:]
    previous, page, pages, following, _full = pager.children
    return table, column, search, previous, page, pages, following, output


def caption(output) -> str:
    """The browser's caption as a student reads it."""
    return html.unescape(re.search(r"<b>(.*?)</b>", shown_text(output)).group(1))


def browse(T, table_name: str, column: str, word: str) -> tuple[int, str]:
    """Choose a table, a column and a word in a fresh browser: the count the caption gives."""
    table, col, search, *_rest, output = browser_parts(table_browser(T))
    table.value, col.value, search.value = table_name, column, word
    text = caption(output)
    return int(re.search(r"(\d+) containing", text).group(1)), shown_text(output)


def body_rows(page: str) -> list[list[str]]:
    """The cells of each body row of the table shown."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td.*?</td>", row, re.S)
        ]
        for row in body.split("<tr")[1:]
    ]


def judged_right(task_id: str, answer: object, T) -> None:
    """The answer a path gives is the one the check accepts."""
    verdict = taskbank.judge(task_id, answer, T)
    assert verdict.result == "right", f"{task_id}: the stated path gives {answer!r}: {verdict}"


def test_00_3_the_table_summary_row_counts_the_events(T) -> None:
    """'Read the row events of the table summary'."""
    summary = table_summary(T).set_index("table")
    judged_right("00.3", int(summary.loc["events", "rows"]), T)


@pytest.mark.parametrize(("task_id", "first_year"), [("00.4", 2009), ("00.ex1", 2020)])
def test_00_4_and_ex1_the_sentence_under_the_chart_names_the_answer(T, task_id, first_year) -> None:
    """'The sentence under the chart names the busiest year (and its most common kind)'."""
    sentence = describe_events_per_year(events_per_year(T.events, first_year), T.events)
    match = re.search(r"busiest year is (\d{4}) .*? of kind '(\w+)'", sentence)
    year, kind = int(match.group(1)), match.group(2)
    judged_right(task_id, year if task_id == "00.4" else (year, kind), T)


def test_00_5_the_browser_counts_the_treaty_texts(T) -> None:
    """'Choose sources, search in genre for treaty text: the caption counts the rows'."""
    count, _page = browse(T, "sources", "genre", "treaty text")
    judged_right("00.5", count, T)


def test_00_ex2_the_browser_shows_uzbekistans_csto_periods(T) -> None:
    """'Memberships, search in country_id for UZB: read the CSTO rows' start and end'."""
    _count, page = browse(T, "memberships", "country_id", "UZB")
    heads = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", page)]
    rows = [dict(zip(heads, r, strict=False)) for r in body_rows(page)]
    csto = [r for r in rows if r["org_id"] == "CSTO"]
    assert len(csto) == 4, "the solution says four rows"
    in_2010 = [
        r for r in csto if r["start"][:4] <= "2010" and (not r["end"] or r["end"][:4] > "2010")
    ]
    judged_right("00.ex2", in_2010[0]["status"], T)


def test_00_ex3_the_browser_counts_turkiyes_events_in_country_id_not_everywhere(T) -> None:
    """Searched in country_id, the caption gives the answer; every column also finds 'Turkish'."""
    count, _page = browse(T, "event_participants", "country_id", "TUR")
    judged_right("00.ex3", count, T)
    everywhere, _page = browse(T, "event_participants", ANY_COLUMN, "TUR")
    if everywhere != count:  # the trap the hint names
        verdict = taskbank.judge("00.ex3", everywhere, T)
        assert "Search in" in verdict.message and "country_id" in verdict.message


def test_the_browser_pages_25_rows_with_a_caption_and_buttons(T) -> None:
    """25 rows at a time, said in the caption; Next and the page box move on; a search restarts."""
    table, column, search, previous, page, pages, following, output = browser_parts(
        table_browser(T)
    )
    n = len(T.events)
    assert caption(output).endswith(f"rows 1-{PAGE_ROWS} of {n}")
    assert len(body_rows(shown_text(output))) == PAGE_ROWS and previous.disabled
    assert pages.value == f"of {-(-n // PAGE_ROWS)}" and page.description == "Page"
    assert previous.description and following.description  # visible labels
    following.click()
    assert caption(output).endswith(f"rows {PAGE_ROWS + 1}-{2 * PAGE_ROWS} of {n}")
    page.value = page.max
    last = n - (page.max - 1) * PAGE_ROWS
    assert len(body_rows(shown_text(output))) == last and following.disabled
    search.value = "CSTO"
    assert page.value == 1 and "rows 1-" in caption(output)
    table.value = "countries"
    assert column.value == ANY_COLUMN and "country_id" in column.options


def test_the_browser_clips_long_texts_until_asked(T) -> None:
    """Long texts end in '…' on a page; the 'in full' box shows them whole."""
    view = table_browser(T)
    full, output = view.children[1].children[-1], view.children[-1]
    longest = max(T.events["summary"].dropna().head(PAGE_ROWS), key=len)
    assert longest[:30] in html.unescape(shown_text(output))
    assert longest not in html.unescape(shown_text(output)) and "…" in shown_text(output)
    full.value = True
    assert longest in html.unescape(shown_text(output))


def test_01_1_the_overview_counts_outlet_countries(T) -> None:
    """'The outlet country column of the source overview: rows that name a country'."""
    overview = so.source_overview(T)
    judged_right("01.1", int((overview["outlet country"] != "not stated").sum()), T)


def test_01_4_the_sentence_under_the_support_chart_gives_the_count(T) -> None:
    """'The sentence under the bar chart gives the count'."""
    sentence = so.describe_support_profile(so.claim_support(T))
    judged_right("01.4", int(re.search(r"(\d+) claims rest on a single source", sentence)[1]), T)


def test_02_1_turkiyes_row_of_the_grid_lists_its_memberships(T) -> None:
    """'Türkiye's row of the membership grid in section 1: the cells that read member'."""
    grid = str(membership_grid(T, al.current_year()).data)
    cells = re.findall(r'data-cell="TUR (\w+)"[^>]*>(.*?)</td>', grid, flags=re.S)
    members = {
        org for org, text in cells if re.sub(r"<[^>]+>", " ", text).split()[:1] == ["member"]
    }
    judged_right("02.1", members, T)


def test_02_5_the_kazakhstan_table_has_one_row_per_clash(T) -> None:
    """'The Kazakhstan table in section 5: count its rows'."""
    judged_right("02.5", len(cross_pressure_table(T, "KAZ")), T)


def test_03_3_turkiyes_thickest_line_in_the_network(T) -> None:
    """'The network of section 3: Türkiye's thickest line (the ties table counts the events)'."""
    ties = nw.tie_table(nw.build_network(T.events, T.event_participants))
    mine = ties[(ties["state_a"] == "TUR") | (ties["state_b"] == "TUR")]
    top = mine.sort_values("joint events", ascending=False).iloc[0]
    judged_right("03.3", top["state_b"] if top["state_a"] == "TUR" else top["state_a"], T)


def test_03_4_the_share_table_row(T) -> None:
    """'The bilateral events row of the share table in section 4'."""
    shares = nw.share_with(nw.dyad_table(T.events, T.event_participants), "TUR")
    judged_right("03.4", int(shares["bilateral events"]), T)


def test_03_5_exercises_by_framework(T) -> None:
    """'The last table of section 5: exercises by framework'."""
    exercises = nw.filter_events(T.events, T.event_participants, kinds=["exercise"])
    judged_right("03.5", "yes" if "OTS" in set(exercises["framework"]) else "no", T)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("NATO-style collective defense", "NATO-style collective defence"),
        ("nato style collective defence", "NATO-style collective defence"),
        ("Turkey", "Türkiye"),
        ("Turkiye", "Türkiye"),
        ("Turkic Organization", "Turkic organisation"),
    ],
)
def test_spelling_variants_are_the_same_answer(typed: str, meant: str) -> None:
    """US and British spellings, Türkiye's two names, diacritics and dashes fold together."""
    from otslab.course.answers import folded, same

    assert folded(typed) == folded(meant) and same(typed, meant)
    assert not same("collective offence", meant)


def test_a_state_named_in_either_spelling_is_its_id(T) -> None:
    """A state given by name, with or without diacritics, is judged as its id."""
    answer = taskbank.expected_answer(taskbank.TASKS["02.4"], T)
    name = T.countries.set_index("country_id").loc[answer, "name"]
    judged_right("02.4", name.upper(), T)
    judged_right(
        "04.1", taskbank.expected_answer(taskbank.TASKS["04.1"], T).replace("defence", "defense"), T
    )


def test_03_exercise_1_answers_what_task_03_2_asks_and_counts_the_undated(T) -> None:
    """Exercise 1 asks the question of task 03.2 first: its bold answer states the same count."""
    import nbformat

    from conftest import NOTEBOOKS

    cells = nbformat.read(NOTEBOOKS / "03_agreements_and_exercises.ipynb", as_version=4).cells
    text = "\n".join(c.source for c in cells)
    chunk = text.split("**Exercise 1 ", 1)[1].split("**Exercise 2 ", 1)[0]
    stated = " ".join(re.findall(r"\*\*Answer: (.*?)\*\*", chunk, flags=re.S))
    exercises = T.events[T.events["kind"] == "exercise"]
    recent = taskbank.expected_answer(taskbank.TASKS["03.2"], T)
    assert f"{recent} exercises are dated 2024 or later" in stated
    assert f"{int(exercises['date_year'].isna().sum())} exercises have no stated date" in stated


def test_03_story_key_counts_the_lanes_since_2020(T) -> None:
    """The folded key under the story timeline states the lane counts the data give."""
    import nbformat
    import pandas as pd

    from conftest import NOTEBOOKS

    cells = nbformat.read(NOTEBOOKS / "03_agreements_and_exercises.ipynb", as_version=4).cells
    key = next(c.source for c in cells if "the *promised* lane holds" in c.source)
    story = nw.story_items(T)
    recent = story[pd.to_datetime(story["start"]).dt.year >= 2020]["lane"].value_counts()
    assert f"*promised* lane holds {recent['promised']} markers" in key
    assert f"*practised* lane {recent['practised']}" in key
    assert (story["lane"] == "forecasts").sum() == 2 and "two hollow markers" in key


@pytest.mark.parametrize(("task_id", "first"), [("03.1", None), ("03.2", 2024)])
def test_03_1_and_2_the_timeline_view_counts_the_exercises(T, task_id, first) -> None:
    """'Filter the timeline to the kind exercise' (over all years, or from 2024, dated only)."""
    from otslab.views.timeline import timeline_view

    years = T.events["date_year"].dropna()
    span = (int(first or years.min()), int(years.max()))
    items = timeline_view(T, span, ["exercise"], "", undated=first is None)
    text = html.unescape(" ".join(str(getattr(i, "data", i)) for i in items))
    shown = int(re.search(r"(\d+) events shown", text).group(1))
    judged_right(task_id, shown, T)
    assert "<details" in text, "the list of events is folded under its count"


def test_01_3_the_highest_whole_text_rate_for_nato(T) -> None:
    """'rate_comparison(T.term_counts, "NATO") in section 3 gives the rates' (whole text)."""
    rates = so.rate_comparison(T.term_counts, "NATO")
    judged_right("01.3", str(rates["whole text: per 1,000 words"].idxmax()), T)


def test_02_3_organisations_with_member_twice_side_by_side(T) -> None:
    """'The side-by-side table: count the rows where both cells read member since'; counting
    every row that mentions 'member' twice (a history) is the wrong turn the hint heads off."""
    table = al.compare_states(T, "KAZ", "UZB")
    now = {
        state: table[state].astype(str).str.split("; ").str[-1]
        for state in ("Kazakhstan", "Uzbekistan")
    }
    both = table[
        now["Kazakhstan"].str.startswith("member since")
        & now["Uzbekistan"].str.startswith("member since")
    ]
    judged_right("02.3", len(both), T)
    loose = table["Kazakhstan"].str.contains("member") & table["Uzbekistan"].str.contains("member")
    if loose.sum() != len(both):
        assert "member since" in taskbank.judge("02.3", int(loose.sum()), T).message


def test_02_4_the_first_row_of_the_ranking(T) -> None:
    """'The ranking table in section 4: its first row' (a state's name counts as its id)."""
    ranking = al.similarity_ranking(T, "TUR", al.current_year())
    judged_right("02.4", ranking["state"].iloc[0], T)


def test_04_1_the_top_row_of_the_ladder_grid_names_the_top_rung(T) -> None:
    """'The ladder grid in section 1: its top row, rung 5' (in British or US spelling)."""
    from otslab.model import feasibility as fz
    from otslab.views.feasibility import ladder_html

    page = str(ladder_html(T.scenarios, list(fz.requirement_meanings())).data)
    body = re.findall(r"<tr.*?</tr>", page, flags=re.S)[1]  # the first row under the heading
    cells = [
        html.unescape(re.sub(r"<[^>]+>", " ", c)).split()
        for c in re.findall(r"<t[hd].*?</t[hd]>", body, re.S)
    ]
    rung, _dot, *name = cells[0]
    assert rung == str(int(T.scenarios["rung"].max()))
    judged_right("04.1", " ".join(name), T)
    judged_right("04.1", " ".join(name).replace("defence", "defense"), T)
