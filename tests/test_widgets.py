"""Drive each widget's controls in Python, as a student would, and check what its view shows."""

import re
from pathlib import Path

import nbformat
import pytest
import traitlets

import otslab
from otslab.course.questionbank import QUESTIONS, ask
from otslab.course.quiz import asked_questions, question
from otslab.views.markup import Markup, html, join, markdown_html, md_text, rendered
from otslab.views.widgets import PAGE_ROWS, YearPicker, YearRange, shown_text, table_browser

NOTEBOOKS = Path(otslab.__file__).resolve().parents[1]


def controls(view):
    """The (table dropdown, search box, output) of a table browser."""
    table, _column, search = view.children[0].children
    return table, search, view.children[-1]


def test_table_browser_follows_the_dropdown(T) -> None:
    """Choosing another table replaces the view with that table, its rows counted."""
    view = table_browser(T)
    table, _search, output = controls(view)
    assert f"Table: events — {len(T.events)} rows" in shown_text(output)
    table.value = "memberships"
    text = shown_text(output)
    assert f"Table: memberships — {len(T.memberships)} rows" in text
    assert "Table: events" not in text
    assert text.count("<tr>") == min(PAGE_ROWS, len(T.memberships))  # the first page of rows


def test_table_browser_search_keeps_matching_rows(T) -> None:
    """Typing a word keeps only the rows containing it, and says how many."""
    view = table_browser(T)
    table, search, output = controls(view)
    view.children[1].children[-1].value = True  # long texts in full: the word may be in one
    table.value = "memberships"
    search.value = "UZB"
    text = shown_text(output)
    shown = int(re.search(r"(\d+) containing &#39;UZB&#39;", text).group(1))
    body_rows = text.split("<tbody>")[1].split("<tr>")[1:]
    assert len(body_rows) == shown
    assert shown >= int((T.memberships["country_id"] == "UZB").sum())
    assert shown < len(T.memberships)
    assert all("uzb" in row.lower() for row in body_rows)


def test_table_browser_empty_result_shows_a_hint(T) -> None:
    """A search that matches nothing shows a hint, not an empty table or a traceback."""
    table, search, output = controls(table_browser(T))
    search.value = "no such word anywhere"
    text = shown_text(output)
    assert "otslab-hint" in text and "No row of &#39;events&#39; contains" in text
    assert "<table" not in text and "Traceback" not in text
    search.value = ""
    assert f"Table: events — {len(T.events)} rows" in shown_text(output)


def test_quiz_gives_feedback_for_no_wrong_defensible_and_right_answers() -> None:
    """Nothing picked hints; a wrong pick says so; a defensible one gives its reason; the right
    one explains why (as 01's 'defense Schengen' question accepts 'reports')."""
    view = question(
        "Which is a forecast?",
        ["A", "B", "C"],
        answer="B",
        explanation="B looks ahead.",
        defensible={"C": "Arguable."},
    )
    _prompt, choices, button, feedback = view.children
    button.click()
    assert "Pick an answer first" in feedback.value
    choices.value = "A"
    button.click()
    assert "Not quite" in feedback.value
    choices.value = "C"
    button.click()
    assert "Defensible. Arguable. B looks ahead." in feedback.value
    choices.value = "B"
    button.click()
    assert "Correct. B looks ahead." in feedback.value


def test_quiz_rejects_an_answer_that_is_not_an_option() -> None:
    """A typo in a notebook's quiz fails loudly when the cell runs."""
    with pytest.raises(ValueError, match="not among the options"):
        question("?", ["A", "B"], answer="C", explanation="")


def test_quiz_remembers_the_questions_it_asked() -> None:
    """Each question created is recorded with its answer, for the generated answer keys."""
    before = len(asked_questions())
    question("Which is a fact?", ["X", "Y"], answer="X", explanation="X can be checked.")
    latest = asked_questions()[before:]
    assert latest == [
        {
            "prompt": "Which is a fact?",
            "options": ["X", "Y"],
            "answer": "X",
            "explanation": "X can be checked.",
        }
    ]


def test_every_question_in_the_bank_is_asked_with_its_answer_among_its_options(T) -> None:
    """Each question builds (the quiz refuses an answer that is not an option), and the one
    whose answer the data decide takes it from them: Uzbekistan's CSTO row for 2010."""
    before = len(asked_questions())
    for question_id in QUESTIONS:
        choices = ask(question_id, T).children[1]
        assert asked_questions()[-1]["answer"] in choices.options, question_id
    asked = asked_questions()[before:]
    assert [q["prompt"] for q in asked] == [q.prompt for q in QUESTIONS.values()]
    # The row of memberships.csv in force at the end of 2010 says what the answer is.
    end_of_2010 = "2010-12-31"
    rows = T.memberships.query("country_id == 'UZB' and org_id == 'CSTO'")
    rows = rows[
        (rows["start"].astype(str) <= end_of_2010) & ~(rows["end"].astype(str) <= end_of_2010)
    ]
    assert (
        len(rows) == 1 and asked[list(QUESTIONS).index("02.q1")]["answer"] == rows["status"].item()
    )
    with pytest.raises(KeyError, match="the questions are 00.q1, 00.q2"):
        ask("02.q9", T)


def test_notebooks_ask_their_questions_by_id_and_show_no_answer_above_the_buttons(T) -> None:
    """Each notebook asks its own questions, in order, each once; no code cell a student reads
    holds a question's answer (it stays in otslab.course.questionbank)."""
    answers = {q.answer for q in QUESTIONS.values() if isinstance(q.answer, str)}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        asked = [m for source in cells for m in re.findall(r'ask\("([^"]+)", T\)', source)]
        assert asked == [q for q in QUESTIONS if q.startswith(path.name[:2])], path.name
        shown = [a for a in answers for source in cells if a in source or "answer=" in source]
        assert not shown, f"{path.name} shows answers in its code: {shown}"


PAYLOAD = "<img src=x onerror=alert(1)> *b* [l](javascript:alert(2)) $x$ & \"'"


def test_hints_captions_and_searches_show_data_as_text(T) -> None:
    """A word typed into the search box, in the hint and the caption, is text, not markup."""
    table, search, output = controls(table_browser(T))
    search.value = PAYLOAD
    text = shown_text(output)
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert 'class="otslab-output mathjax_ignore tex2jax_ignore"' in text


def test_quiz_feedback_repeats_a_chosen_option_as_text() -> None:
    """An option holding markup comes back in the feedback escaped."""
    view = question("Pick <b>one</b>", [PAYLOAD, "B"], answer="B", explanation="<i>because</i>")
    prompt, choices, button, feedback = view.children
    assert prompt.value == "<b>Pick &lt;b&gt;one&lt;/b&gt;</b>"
    choices.value = PAYLOAD
    button.click()
    assert "<img" not in feedback.value and "&lt;img src=x" in feedback.value
    choices.value = "B"
    button.click()
    assert "&lt;i&gt;because&lt;/i&gt;" in feedback.value


def test_markup_escapes_values_and_keeps_only_our_own_markup() -> None:
    """html() escapes every value unless it is Markup; rendered() refuses a plain string."""
    fragment = html('<td title="{}">{}</td>', PAYLOAD, Markup("<b>ours</b>"))
    assert fragment.startswith('<td title="&lt;img src=x onerror=alert(1)&gt;')
    assert "&#34;&#39;" in fragment and fragment.endswith("<b>ours</b></td>")
    with pytest.raises(TypeError, match="data must never be used as HTML"):
        rendered("<b>plain string</b>")
    assert join(["<i>", Markup("<br>")]) == "&lt;i&gt;<br>"


def test_markdown_from_data_is_text() -> None:
    """md_text escapes what Markdown or HTML would read; markdown_html never passes raw HTML."""
    page = markdown_html(f"- **{md_text(PAYLOAD)}**\n\n<script>alert(3)</script>")
    assert "<img" not in page and "<script" not in page and "<a " not in page
    assert "&lt;img src=x onerror=alert(1)&gt; *b* [l](javascript:alert(2)) $x$" in page
    assert page.startswith("<ul>\n<li><strong>")
    assert md_text("# 1. heading") == "\\# 1. heading" and md_text("2. item") == "2\\. item"


OWN_MARKUP = re.compile(r"(?<![\w.])escape\(|^(from|import) html\b|\bMarkdown\(|(?<![\w.])HTML\(")


def test_every_module_builds_html_through_otslab_markup() -> None:
    """One mechanism: no module escapes by hand or makes an HTML or Markdown output itself."""
    package = Path(otslab.__file__).parent
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 30, "the package's modules were not found"
    offenders = [
        f"{path.relative_to(package)}:{number}: {line.strip()}"
        for path in modules
        if path.relative_to(package) != Path("views/markup.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OWN_MARKUP.search(line.strip()) and not line.lstrip().startswith(("#", '"""'))
    ]
    assert not offenders, "\n".join(offenders)


def test_year_picker_steps_and_stops_at_either_end() -> None:
    """Earlier and Later step one year and switch off at the ends; a year not offered is refused."""
    picker = YearPicker([2019, 2020, 2021], 2020)
    seen = []
    picker.observe(lambda change: seen.append(change["new"]), names="value")
    picker.later.click()
    assert picker.value == picker.choice.value == 2021 and picker.later.disabled
    picker.later.click()
    assert picker.value == 2021
    picker.choice.value = 2019  # the student picks from the dropdown
    assert picker.value == 2019 and picker.earlier.disabled and not picker.later.disabled
    assert seen == [2021, 2019]
    with pytest.raises(traitlets.TraitError, match="2030 is not among the years offered"):
        picker.value = 2030
    assert picker.choice.description == "Year" and picker.later.description == "Later"


def test_year_range_is_never_empty_and_changes_once_per_choice() -> None:
    """Moving 'from' past 'to' takes 'to' along (one change, so a view redraws once)."""
    span = YearRange(list(range(2000, 2011)), (2002, 2005), "Years")
    seen = []
    span.observe(lambda change: seen.append(change["new"]), names="value")
    span.first.value = 2008
    assert span.value == (2008, 2008) and span.last.value == 2008
    span.last.value = 2001
    assert span.value == (2001, 2001) and span.first.value == 2001
    span.value = (2003, 2009)  # set in code: both dropdowns follow
    assert (span.first.value, span.last.value) == (2003, 2009)
    assert seen == [(2008, 2008), (2001, 2001), (2003, 2009)]
    with pytest.raises(traitlets.TraitError, match="2009-2003 is not a span"):
        span.value = (2009, 2003)
    assert span.first.description == "Years from" and span.last.description == "to"


def test_a_long_table_shows_its_first_rows_and_folds_the_rest() -> None:
    """Past 20 rows a DataFrame shows 10 and folds the whole table; left-aligned, escaped."""
    import pandas as pd

    from otslab.views import _scrolling_table

    short = _scrolling_table(pd.DataFrame({"a": range(5)}))
    assert "<details" not in short and "text-align: left" in short
    long = _scrolling_table(pd.DataFrame({"a": ["<b>x</b>"] * 30}))
    head, folded = long.split("<details", 1)
    assert head.count("<tr>") == 10 and folded.count("<tr>") == 30  # body rows
    assert "The first 10 of 30 rows are shown" in folded and "<b>x</b>" not in long
